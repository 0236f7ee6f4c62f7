"""Finding 9: no lock file. requirements.lock pins every package with its hashes and records
the dependencies of pyproject.toml it was made from; CI fails when they part."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements.lock"


def test_the_lock_was_made_from_the_current_dependencies():
    recorded = LOCK.read_text().splitlines()[0]
    current = subprocess.run([sys.executable, str(ROOT / "scripts" / "lock_hash.py")],
                             capture_output=True, text=True, check=True).stdout.strip()
    assert recorded.startswith(f"# dependencies-sha256: {current}"), (
        "pyproject.toml's dependencies changed but requirements.lock did not: run 'make lock'")


def test_every_pinned_package_has_hashes_and_every_dependency_is_pinned():
    text = LOCK.read_text()
    entries = re.findall(r"^([A-Za-z0-9._-]+)==(\S+)((?: \\\n\s+--hash=sha256:[0-9a-f]{64})+)",
                         text, re.M)
    pinned = {name.lower().replace("_", "-") for name, _version, _hashes in entries}
    assert len(entries) == len(re.findall(r"^[A-Za-z0-9._-]+==", text, re.M))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    names = {re.split(r"[\[<>=!~ ;]", req, maxsplit=1)[0].lower().replace("_", "-")
             for req in wanted}
    assert names <= pinned, names - pinned
