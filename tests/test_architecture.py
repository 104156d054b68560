"""The apps' imports point one way (STYLE.md): accounts ← organizations ← seekers ← messaging ←
compliance ← devtools. A module may import only the apps at or below its own place; devtools (demo data,
benchmarks; not installed in production) may import them all and no app imports it, nor the tests'
factories."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["accounts", "organizations", "seekers", "messaging", "compliance", "devtools"]
DEVELOPMENT_ONLY = ("factory", "faker")
ALLOWED = {app: set(ORDER[: ORDER.index(app) + 1]) for app in ORDER}


def imported_modules(path: Path) -> set[str]:
    """Every absolute module an import names, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def imported_apps(path: Path) -> set[str]:
    return {name.split(".")[0] for name in imported_modules(path)} & set(ORDER)


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


@pytest.mark.parametrize(
    ("app", "path"), [(app, path) for app, path in app_modules() if app != "devtools"],
    ids=lambda v: str(v).replace(str(ROOT) + "/", ""),
)
def test_production_code_never_imports_test_or_demo_tooling(app, path):
    wrong = {
        name for name in imported_modules(path)
        if ".tests" in f".{name}" or name.split(".")[0] in DEVELOPMENT_ONLY
    }
    assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}: tests and devtools only"


def test_the_check_sees_a_wrong_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("from compliance.models import Violation\nimport messaging.services\n")
    assert imported_apps(module) == {"compliance", "messaging"}


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from seekers.tests.factories import ProfileFactory\n")
    assert imported_modules(module) == {"seekers.tests.factories"}
    assert imported_apps(module) == {"seekers"}
