"""The apps' imports point one way (STYLE.md): accounts ← organizations ← seekers ← messaging ←
compliance. A module may import only the apps at or below its own place."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["accounts", "organizations", "seekers", "messaging", "compliance"]
ALLOWED = {app: set(ORDER[: ORDER.index(app) + 1]) for app in ORDER}


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & set(ORDER)


def app_modules():
    for app in ORDER:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            yield app, path


@pytest.mark.parametrize(("app", "path"), list(app_modules()), ids=lambda v: str(v).replace(str(ROOT) + "/", ""))
def test_imports_point_one_way(app, path):
    wrong = imported_apps(path) - ALLOWED[app]
    assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}, which {app} must not depend on"


def test_the_check_sees_a_wrong_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("from compliance.models import Violation\nimport messaging.services\n")
    assert imported_apps(module) == {"compliance", "messaging"}
