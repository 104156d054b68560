"""The apps' imports point one way (STYLE.md): accounts ← organizations ← seekers ← messaging ←
compliance ← devtools. A module may import only the apps at or below its own place; devtools (demo data,
benchmarks; not installed in production) may import them all and no app imports it, nor the tests'
factories. The layout says the same in names: per-actor views and urls, wired in config/urls.py by
include only, and pages linked by URL name rather than typed paths."""

import ast
import re
from functools import cache
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


# --- Strings that name another app's things -------------------------------------------------------
# An import is not the only way to depend on an app: a dotted path in a setting-like list
# ("seekers.stages.AuthKeyStage"), a model label ("compliance.Violation"), an admin URL name
# ("admin:compliance_organization_history") or a URL namespace ("messaging_seekers:detail") names it
# too, and breaks when it moves. The same arrows hold for them.

_APPS = "|".join(ORDER)
DOTTED_NAME = re.compile(rf"(?<![\w./:-])({_APPS})\.[A-Za-z_]")
ADMIN_URL_NAME = re.compile(rf"\badmin:({_APPS})_")
NAMESPACED_URL_NAME = re.compile(r"(?<![\w:])(\w+):[\w-]")


@cache
def url_namespaces() -> dict[str, str]:
    """Each installed URL namespace and the app whose urls module declares it (orgs_seekers is
    seekers')."""
    from django.urls import get_resolver

    namespaces = {}
    for namespace, (_prefix, resolver) in get_resolver().namespace_dict.items():
        module = getattr(resolver.urlconf_name, "__name__", resolver.urlconf_name)
        if isinstance(module, str) and module.split(".")[0] in ORDER:
            namespaces[namespace] = module.split(".")[0]
    return namespaces


def namespace_app(namespace: str) -> str | None:
    """The app a URL namespace belongs to: as installed, else by its name (`seekers`, `messaging_orgs`)."""
    if namespace in url_namespaces():
        return url_namespaces()[namespace]
    return next((app for app in ORDER if namespace == app or namespace.startswith(f"{app}_")), None)


def named_apps(path: Path) -> dict[str, set[str]]:
    """Each string constant of the module that names an app, with the apps it names. Docstrings are
    prose and left out; the parts of an f-string are read."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    prose = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    found = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or id(node) in prose:
            continue
        text = node.value
        apps = {match[1] for match in DOTTED_NAME.finditer(text)}
        apps |= {match[1] for match in ADMIN_URL_NAME.finditer(text)}
        apps |= {namespace_app(match[1]) for match in NAMESPACED_URL_NAME.finditer(text)} - {None}
        if apps:
            found[text] = apps
    return found


@pytest.mark.parametrize(("app", "path"), list(app_modules()), ids=lambda v: str(v).replace(str(ROOT) + "/", ""))
def test_strings_name_no_app_against_the_arrows(app, path):
    wrong = {text: sorted(apps - ALLOWED[app]) for text, apps in named_apps(path).items() if apps - ALLOWED[app]}
    assert not wrong, f"{path.relative_to(ROOT)} names {wrong}, which {app} must not depend on"


def test_the_check_sees_strings_naming_other_apps(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        '"""Prose may mention compliance.services."""\n'
        'STAGES = ["seekers.stages.AuthKeyStage"]\n'
        'def link(pk):\n'
        '    """Links to messaging_seekers:detail."""\n'
        '    reverse("admin:compliance_organization_history", args=[pk])\n'
        '    redirect("messaging_seekers:detail", pk)\n'
        '    redirect("seekers_orgs:profile", pk)\n'
        '    return ForeignKey("compliance.Violation"), f"admin:compliance_{pk}", "templates/seekers.html"\n'
    )

    assert named_apps(module) == {
        "seekers.stages.AuthKeyStage": {"seekers"},
        "admin:compliance_organization_history": {"compliance"},
        "messaging_seekers:detail": {"messaging"},
        "seekers_orgs:profile": {"seekers"},
        "compliance.Violation": {"compliance"},
        "admin:compliance_": {"compliance"},
    }
    wrong = {text for text, apps in named_apps(module).items() if apps - ALLOWED["organizations"]}
    assert wrong == set(named_apps(module))


# --- The README's rule table ----------------------------------------------------------------------


def rule_table() -> dict[int, list[str]]:
    """SPEC rule number → the dotted names in its row of the README's table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Rules: the one function that decides each", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = re.match(r"\| (\d+) ", line)
        if match:
            rows[int(match[1])] = re.findall(rf"`((?:{_APPS})(?:\.\w+)+)`", line)
    return rows


def resolve(dotted: str):
    """The object a dotted name names: the longest importable module, then attributes."""
    import importlib

    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            obj = getattr(obj, name)
        return obj
    raise ModuleNotFoundError(dotted)


def test_the_rule_table_covers_every_spec_rule_and_names_what_exists():
    rows = rule_table()

    assert sorted(rows) == list(range(1, 24))
    missing = []
    for number, names in rows.items():
        for name in names:
            try:
                resolve(name)
            except (ImportError, AttributeError):
                missing.append((number, name))
    assert not missing, f"the README's rule table names what does not exist: {missing}"


# --- the layout: per-actor views and urls, wired by include only --------------------------------------
# An app's pages for one actor are views_<actor>.py, routed by urls_<actor>.py (namespace
# "<app>_<actor>"), included in config/urls.py at that actor's prefix. accounts' pages serve every
# role, so they are its views.py and urls.py.
ACTORS = {"seekers": "seekers/", "orgs": "orgs/"}
EVERY_ROLE = {"accounts": ("views.py", "urls.py")}


def view_and_url_modules(app: str) -> list[str]:
    return sorted(
        path.name if path.is_file() else path.name + "/"
        for path in (ROOT / app).iterdir()
        if path.name.startswith(("views", "urls")) and (path.suffix == ".py" or path.is_dir())
    )


@pytest.mark.parametrize("app", [app for app in ORDER if app != "devtools"])
def test_views_and_urls_are_named_per_actor(app):
    allowed = {f"{kind}_{actor}.py" for kind in ("views", "urls") for actor in ACTORS} | set(EVERY_ROLE.get(app, ()))
    modules = view_and_url_modules(app)
    assert set(modules) <= allowed, f"{app}: {sorted(set(modules) - allowed)} do not follow views_<actor>/urls_<actor>"
    for actor in ACTORS:
        has_views, has_urls = f"views_{actor}.py" in modules, f"urls_{actor}.py" in modules
        assert has_views == has_urls, f"{app}: views_{actor}.py and urls_{actor}.py come in pairs"


def per_actor_urlconfs():
    for app in ORDER:
        for actor in ACTORS:
            if (ROOT / app / f"urls_{actor}.py").exists():
                yield app, actor


@pytest.mark.parametrize(("app", "actor"), list(per_actor_urlconfs()))
def test_an_actors_urls_route_to_that_actors_views_under_its_namespace(app, actor):
    import importlib

    urlconf = importlib.import_module(f"{app}.urls_{actor}")
    assert urlconf.app_name == f"{app}_{actor}"
    modules = {pattern.callback.__module__ for pattern in urlconf.urlpatterns}
    assert modules == {f"{app}.views_{actor}"}


def test_config_urls_imports_no_app_and_includes_each_actors_urls_at_its_prefix():
    from django.urls import URLPattern, URLResolver

    from config import urls

    assert not imported_apps(ROOT / "config" / "urls.py"), "config/urls.py wires an app's view by hand"
    included = set()
    for entry in urls.urlpatterns:
        if isinstance(entry, URLPattern):
            assert entry.callback.__module__.split(".")[0] not in ORDER, f"{entry.pattern} is wired by hand"
            continue
        assert isinstance(entry, URLResolver)
        name = getattr(entry.urlconf_name, "__name__", "")  # the module include() imported; admin has a list
        app, _, module = name.partition(".")
        if app not in ORDER:
            continue
        if app in EVERY_ROLE:
            assert module == "urls"
            continue
        actor = module.removeprefix("urls_")
        assert actor in ACTORS and str(entry.pattern) == ACTORS[actor], f"{name} included at {entry.pattern}"
        included.add((app, actor))
    assert included == set(per_actor_urlconfs())


def test_the_guidance_page_keeps_its_public_path_under_messagings_org_urls():
    from django.urls import resolve, reverse

    assert reverse("messaging_orgs:guide", args=["0123456789abcdef"]) == "/orgs/seekers/0123456789abcdef/guide/"
    assert resolve("/orgs/seekers/0123456789abcdef/guide/").func.__module__ == "messaging.views_orgs"
    assert resolve("/orgs/seekers/0123456789abcdef/").func.__module__ == "seekers.views_orgs"


# --- links by URL name ------------------------------------------------------------------------------
TEMPLATES = ROOT / "templates"
TYPED_PATH = re.compile(r"""(?:href|action)\s*=\s*["']/|\{\{\s*site_url\s*\}\}/""")
URL_TAG = re.compile(r"""\{%\s*url\s+["']([^"']+)["']""")


def template_files():
    return sorted(path for path in TEMPLATES.rglob("*") if path.suffix in (".html", ".txt"))


def typed_paths(text: str) -> list[str]:
    return [match.group(0) for match in TYPED_PATH.finditer(text)]


def test_templates_link_by_url_name_not_typed_paths():
    found = {}
    for path in template_files():
        text = path.read_text(encoding="utf-8")
        if path.name == "500.html":
            # Rendered when anything may have failed, the URLconf included: only the home page's "/".
            text = text.replace('href="/"', "")
        if typed_paths(text):
            found[str(path.relative_to(ROOT))] = typed_paths(text)
    assert not found, f"typed paths instead of {{% url %}}: {found}"


def test_the_typed_path_check_sees_a_typed_link():
    assert typed_paths('<a href="/seekers/profile/">') == ['href="/']
    assert typed_paths("<form action='/orgs/deletion-requests/1/answer/'>") == ["action='/"]
    assert typed_paths("{{ site_url }}/seekers/messages/") == ["{{ site_url }}/"]
    assert typed_paths("<a href=\"{% url 'seekers_seekers:profile' %}\">") == []


def url_names(patterns, namespace: str = "") -> set[str]:
    from django.urls import URLResolver

    names = set()
    for entry in patterns:
        if isinstance(entry, URLResolver):
            names |= url_names(entry.url_patterns, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
        elif entry.name:
            names.add(namespace + entry.name)
    return names


def test_every_url_name_a_template_uses_exists():
    # {% url … as x %} swallows a wrong name into an empty link, so the names are checked here.
    from django.urls import get_resolver

    known = url_names(get_resolver().url_patterns)
    used = {name for path in template_files() for name in URL_TAG.findall(path.read_text(encoding="utf-8"))}
    assert used and not used - known, f"unknown URL names in templates: {sorted(used - known)}"


def string_constants(path: Path) -> list[str]:
    """The string literals of a module, docstrings left out (they may name a page's path)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value) for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


@pytest.mark.parametrize(("app", "path"), list(app_modules()), ids=lambda v: str(v).replace(str(ROOT) + "/", ""))
def test_python_code_names_pages_not_their_paths(app, path):
    typed = [value for value in string_constants(path) if value.startswith(("/seekers", "/orgs"))]
    assert not typed, f"{path.relative_to(ROOT)} types {typed}: redirect or reverse by URL name"
