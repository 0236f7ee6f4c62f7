"""The arrows of DESIGN.md point one way: checked on every module's imports."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imports(folder: str) -> list[tuple[str, str]]:
    """(module file, imported name) for every import under `folder`."""
    found = []
    for path in (ROOT / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found += [(str(path.relative_to(ROOT)), alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.append((str(path.relative_to(ROOT)), node.module))
    return found


@pytest.mark.parametrize("folder, forbidden", [
    ("signing", ("app", "flask", "sqlalchemy", "flask_sqlalchemy")),
    ("app/domain", ("flask", "sqlalchemy", "app.store", "app.services", "app.web", "app.api",
                    "app.webhooks", "app.documents", "app.jobs", "signing")),
    ("app/documents", ("flask", "sqlalchemy", "app.store", "app.services", "app.web",
                       "app.api", "app.webhooks", "app.jobs", "signing")),
    ("app/store", ("app.services", "app.web", "app.api", "app.webhooks")),
])
def test_no_import_against_the_arrows(folder, forbidden):
    wrong = [(module, name) for module, name in imports(folder)
             if any(name == f or name.startswith(f + ".") for f in forbidden)]
    assert wrong == []
