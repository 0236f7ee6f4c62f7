"""The arrows of DESIGN.md point one way: checked with import-linter's contracts (see
[tool.importlinter] in pyproject.toml), run here so CI runs them."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or \
        shutil.which("lint-imports")
    assert lint, "import-linter is not installed (pip install -e '.[test]')"
    result = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_broken_arrow_is_caught(tmp_path):
    """The contracts can fail: a configuration that forbids what the code does breaks."""
    config = tmp_path / "contracts.toml"
    config.write_text('[tool.importlinter]\nroot_packages = ["app"]\n\n'
                      '[[tool.importlinter.contracts]]\nname = "services import no store"\n'
                      'type = "forbidden"\nsource_modules = ["app.services"]\n'
                      'forbidden_modules = ["app.store"]\n')
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or \
        shutil.which("lint-imports")
    result = subprocess.run([lint, "--no-cache", "--config", str(config)], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "BROKEN" in result.stdout
