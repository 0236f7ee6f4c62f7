"""Print the SHA-256 of pyproject.toml's dependencies (the part requirements.lock is made from).

`make lock` writes it into the lock file's first line; scripts/setup.sh compares, so a
dependency added to pyproject.toml without a new lock file is noticed at once.
"""

import hashlib
import json
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml")
                        .read_text(encoding="utf-8"))["project"]
relevant = {"requires-python": project.get("requires-python"),
            "dependencies": project.get("dependencies", []),
            "optional-dependencies": project.get("optional-dependencies", {})}
print(hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest())
