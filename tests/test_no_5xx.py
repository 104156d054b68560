"""No input answers 5xx (issue 11 item 4): every URL pattern of the project, read from the resolver
(the site's own, the admin's and allauth's), is requested with GET and POST as each role, its path
parameters filled with hostile values (NUL, numbers past bigint, negative, unicode, very long, `../`)
and its query and form parameters too. Whatever the input, the answer is a page (2xx, 3xx or 4xx),
never an error.

Two parts per role: a sweep that sends every pattern each kind of hostile value once, and a
hypothesis search that mixes hostile and real values (ids of rows that exist, so the views get past
their 404s) with the parameter names each view reads. Each example runs in a savepoint that is rolled
back, so one example's writes (a logout, a deletion) never change the next one's starting point, and a
database error cannot poison the test's transaction on PostgreSQL."""

import inspect
import logging
import re
from dataclasses import dataclass
from datetime import UTC, timedelta, timezone
from urllib.parse import quote

import pytest
from django import forms
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from compliance.models import DeletionRequest
from compliance.tests.factories import ComplaintFactory, DeletionRequestFactory, ViolationFactory
from config.converters import BIGINT_MAX
from messaging.tests.factories import ConversationFactory, MessageFactory
from seekers.models import Block
from tests.pages import login, page

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "seeker", "agency_member", "staff"]

# Hostile values the search draws from (with random text and numbers).
HOSTILE = [
    "\x00", "abc\x00", "0\x00",
    "99999999999999999999", str(BIGINT_MAX + 1), "9" * 400,
    "-1", "0", "-99999999999999999999",
    "ﾃｽﾄ🙂", "１２３", "\u202e\ufeff", "é" * 3,
    "a" * 5000,
    "../", "../../etc/passwd", "..%2F", "%", "%00",
    "' OR 1=1 --", "<script>", "{{ 7*7 }}", " ", "",
    "2026-13-45", "99999999999-12", "2026-11-26T10:00:00+99:00", "1e309", "nan", "true",
]
LONG = "a" * 5000
PAST_CALENDAR = "99999999999-12"  # a year-month (or the start of a date) past any calendar
# The kinds the sweep puts into every path parameter: NUL, past bigint, negative, unicode, a date past
# the calendar, long, `../`.
PATH_KINDS = ["abc\x00", "99999999999999999999", str(BIGINT_MAX + 1), "-1", "ﾃｽﾄ🙂", PAST_CALENDAR, LONG, "../"]
# A pattern without path parameters gets the kinds that matter in a query (the last two only change
# which path is asked for).
QUERY_KINDS = PATH_KINDS[:6]
# Parameters every view may meet: the admin's own, allauth's, the site's paging.
COMMON_NAMES = [
    "page", "cursor", "filter", "next", "q", "o", "p", "e", "all", "action", "_selected_action", "select_across",
    "index", "_changelist_filters", "_popup", "_to_field", "post", "month", "format",
    "login", "password", "code", "key", "email", "language", "csrfmiddlewaretoken",
]
SOURCE_NAME = re.compile(r"""(?:GET|POST|data)(?:\.get(?:list)?\(|\[)\s*["'](\w+)["']""")
FORM_NAME = re.compile(r"\b([A-Z]\w*Form)\b")


# --- the project's URL patterns ------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    name: str
    regex: str


@dataclass(frozen=True)
class Route:
    parts: tuple  # literal strings and Params, in order
    callback: object

    @property
    def params(self) -> list[Param]:
        return [part for part in self.parts if isinstance(part, Param)]

    def url(self, values: dict[str, str]) -> str:
        return "/" + "".join(
            quote(values[part.name], safe="") if isinstance(part, Param) else part for part in self.parts
        )

    def __str__(self) -> str:
        return "/" + "".join(f"<{part.name}>" if isinstance(part, Param) else part for part in self.parts)


ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<regex>[^()]*)\)")


def _parts(pattern) -> list:
    """A pattern as literal text and parameters (route converters or regex groups)."""
    text = str(pattern)
    if isinstance(pattern, RoutePattern):
        found, at = [], 0
        for match in ROUTE_PARAM.finditer(text):
            found.append(text[at:match.start()])
            found.append(Param(match["name"], pattern.converters[match["name"]].regex))
            at = match.end()
        return [*found, text[at:]]
    assert isinstance(pattern, RegexPattern), pattern
    text = text.removeprefix("^").removesuffix("$")
    found, at = [], 0
    for match in REGEX_GROUP.finditer(text):
        found.append(text[at:match.start()].replace("\\", ""))
        found.append(Param(match["name"], match["regex"]))
        at = match.end()
    found.append(text[at:].replace("\\", ""))
    assert not any("(" in part for part in found if isinstance(part, str)), f"a regex this walk cannot read: {text}"
    return found


def _walk(patterns, prefix: list) -> list[Route]:
    routes = []
    for entry in patterns:
        parts = prefix + _parts(entry.pattern)
        if isinstance(entry, URLResolver):
            routes += _walk(entry.url_patterns, parts)
        else:
            assert isinstance(entry, URLPattern)
            routes.append(Route(tuple(part for part in parts if part != ""), entry.callback))
    return routes


ROUTES = _walk(get_resolver().url_patterns, [])


def _form_fields(form_class) -> list[str]:
    return list(getattr(form_class, "base_fields", {}))


def _choices(form_class) -> dict[str, str]:
    """A valid value for each choice field of a form (a button's or a select's), so that a POST
    gets past the choice to the code behind it."""
    valid = {}
    for name, field in getattr(form_class, "base_fields", {}).items():
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            values = [str(value) for value, _label in field.choices if value not in ("", None)]
            if values and not isinstance(field.choices[0][1], (list, tuple)):
                valid[name] = values[0]
    return valid


@dataclass
class Reads:
    names: list[str]  # the parameter names the view reads
    choices: dict[str, str]  # a valid value for those that are choices


def reads_of(callback) -> Reads:
    """What a view reads: from its source (request.GET/POST lookups, the forms it builds), a
    class-based view's form_class, or an admin view's own parameters and its model's fields and
    filter lookups."""
    names, choices, form_classes = set(), {}, []
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        form_classes.append(getattr(view_class, "form_class", None))
    model_admin = getattr(callback, "model_admin", None)
    if model_admin is not None:
        names.update(COMMON_NAMES)
        for field in model_admin.model._meta.get_fields():
            names.add(field.name)
            names.update(f"{field.name}{lookup}" for lookup in ("__exact", "__id__exact", "__gte", "__lt", "__isnull"))
        choices.update({"action": "delete_selected", "index": "0", "select_across": "0"})
    function = inspect.unwrap(callback)
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        source = ""
    names.update(SOURCE_NAME.findall(source))
    module_globals = getattr(function, "__globals__", {})
    for form_name in FORM_NAME.findall(source):
        form_class = module_globals.get(form_name)
        if isinstance(form_class, type) and issubclass(form_class, forms.BaseForm):
            form_classes.append(form_class)
    for form_class in form_classes:
        names.update(_form_fields(form_class))
        choices.update(_choices(form_class))
    return Reads(sorted(names), choices)


def every_form_field_name() -> list[str]:
    names, todo = set(), [forms.Form, forms.ModelForm]
    while todo:
        form_class = todo.pop()
        todo += form_class.__subclasses__()
        names.update(_form_fields(form_class))
    return sorted(names)


def every_word() -> list[str]:
    """Values that take a request further than a random one: the admin's action names, every
    model's choice values, the site's button values."""
    from django.contrib import admin

    words = {"yes", "on", "1", "reply", "decline", "block", "apply", "unblock", "delete_selected"}
    for model_admin in admin.site._registry.values():
        words.update(name for name in (model_admin.actions or []) if isinstance(name, str))
    for model in apps.get_models():
        for field in model._meta.get_fields():
            words.update(str(value) for value, _label in getattr(field, "flatchoices", None) or [])
    return sorted(words)


READS = {route: reads_of(route.callback) for route in ROUTES}
NAMES_BY_ROUTE = {route: reads.names for route, reads in READS.items()}
WORDS = every_word()
ALL_NAMES = sorted(set(COMMON_NAMES) | set(every_form_field_name()) | {n for v in NAMES_BY_ROUTE.values() for n in v})


# --- the world the requests meet -----------------------------------------------------------------


@pytest.fixture
def world(seeker, other_seeker, agency_member, municipality_member, staff):
    """Rows for every kind of id in the URLs: conversations, messages, a deletion request, a complaint
    and a violation, between the cast's seeker and the agency (the deletion request with the
    municipality)."""
    account = seeker.seeker_account
    organization = agency_member.membership.organization
    conversation = ConversationFactory(account=account, organization=organization)
    MessageFactory(conversation=conversation)
    MessageFactory(conversation=conversation, reply=True)
    DeletionRequestFactory(conversation=ConversationFactory(
        account=account, organization=municipality_member.membership.organization))
    ComplaintFactory(conversation=conversation)
    ViolationFactory(organization=organization, conversations=[conversation])
    return {"seeker": seeker, "agency_member": agency_member, "staff": staff, "anonymous": None}


def real_values() -> list[str]:
    """The keys of rows that exist (a few per model), so that requests reach past the 404s."""
    values = set()
    for model in apps.get_models():
        values.update(str(pk) for pk in model._default_manager.values_list("pk", flat=True)[:3])
    from seekers.models import Profile

    values.update(Profile.objects.values_list("public_id", flat=True)[:3])
    return sorted(values)


class _Rollback(Exception):
    pass


class Actor:
    """One client signed in as a role for the whole test (anonymous when `user` is None). Every
    request runs in a savepoint that is rolled back, and the session cookie is put back afterwards,
    so a request that logs out or cycles the session leaves the next one signed in as before."""

    def __init__(self, user):
        self.client = Client()
        if user is not None:
            self.client.force_login(user)
        self.cookies = {name: morsel.value for name, morsel in self.client.cookies.items()}

    def send(self, method: str, url: str, params: dict) -> int:
        try:
            with transaction.atomic():
                response = (self.client.get if method == "GET" else self.client.post)(url, params)
                raise _Rollback(response.status_code)
        except _Rollback as done:
            status = done.args[0]
        self.client.cookies.clear()
        for name, value in self.cookies.items():
            self.client.cookies[name] = value
        return status

    def check(self, url: str, params: dict, methods=("GET", "POST")) -> None:
        for method in methods:
            status = self.send(method, url, params)
            assert status < 500, f"{method} {url} {params!r} answered {status}"


@pytest.fixture(autouse=True)
def quiet_request_log():
    """Thousands of 4xx answers are expected here (404s, 403s, the 400 of a redirect too long to
    follow); only errors of the request handler are worth printing."""
    loggers = {name: logging.getLogger(name) for name in ("django.request", "django.security")}
    levels = {name: logger.level for name, logger in loggers.items()}
    loggers["django.request"].setLevel(logging.ERROR)
    loggers["django.security"].setLevel(logging.CRITICAL)
    yield
    for name, logger in loggers.items():
        logger.setLevel(levels[name])


@pytest.fixture(autouse=True)
def no_mfa(settings):
    """Members and staff reach their pages without TOTP here (the MFA gate has its own tests)."""
    settings.REQUIRE_MFA = False


# --- the sweep: every pattern, every kind of hostile value ------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_pattern_answers_hostile_values_without_error(world, role):
    """Each hostile kind at once into every path parameter and every query parameter the view reads
    (GET), and into its form fields too (POST) for NUL and the number past bigint, the two kinds that
    reach the database; a POST's choices (an admin action, a button's value) are valid ones, so that
    the hostile values reach the code behind them."""
    actor = Actor(world[role])
    for route in ROUTES:
        names = NAMES_BY_ROUTE[route] or COMMON_NAMES
        for kind in PATH_KINDS if route.params else QUERY_KINDS:
            url = route.url({param.name: kind for param in route.params})
            # the long value into a few names only: the admin's hundreds of names would make megabytes
            params = dict.fromkeys(names[:5] if kind == LONG else names, kind)
            actor.check(url, params, ("GET",))
            if kind in PATH_KINDS[:2]:
                actor.check(url, params | READS[route].choices, ("POST",))


def test_the_sweep_covers_the_known_cases():
    """The patterns of the issue's findings are among those walked (the admin's and allauth's too)."""
    walked = {str(route) for route in ROUTES}

    assert {"/orgs/seekers/<public_id>/", "/orgs/messages/", "/seekers/deletion-requests/",
            "/admin/organizations/prefecture/<object_id>/change/", "/accounts/login/",
            "/accounts/password/reset/key/<uidb36>-<key>/"} <= walked
    assert len(walked) > 150
    assert "organization" in NAMES_BY_ROUTE[next(r for r in ROUTES if str(r) == "/seekers/deletion-requests/")]
    assert "page" in NAMES_BY_ROUTE[next(r for r in ROUTES if str(r) == "/orgs/messages/")]


# --- the search: hostile and real values mixed, per role ----------------------------------------------


hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    # something like the search's paging cursor (a time and a public id)
    st.builds(lambda stamp, tail: f"{stamp.isoformat()}~{tail}",
              st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=9)), timezone(timedelta(hours=-12))])),
              st.text(max_size=20)),
)


@st.composite
def hostile_requests(draw, real: list[str]):
    """A pattern with its path parameters drawn from hostile values, real keys and anything its
    converter accepts, and up to five query or form parameters, mostly ones the view reads."""
    route = draw(st.sampled_from(ROUTES))
    values = {
        param.name: draw(st.one_of(
            st.sampled_from(HOSTILE), st.sampled_from(real), st.from_regex(param.regex, fullmatch=True),
        ))
        for param in route.params
    }
    own = NAMES_BY_ROUTE[route]
    name = st.sampled_from(own) if own else st.sampled_from(ALL_NAMES)
    value = st.one_of(hostile_text, st.sampled_from(real), st.sampled_from(WORDS))
    params = draw(st.dictionaries(
        st.one_of(name, name, st.sampled_from(ALL_NAMES), st.text(min_size=1, max_size=10)),
        st.one_of(value, st.lists(value, min_size=1, max_size=3)),
        max_size=5,
    ))
    return route.url(values), params


@pytest.mark.parametrize("role", ROLES)
def test_no_input_answers_5xx(world, role):
    actor = Actor(world[role])
    real = real_values()

    @settings(max_examples=75, deadline=None, database=None, print_blob=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(hostile_requests(real))
    def search(drawn):
        url, params = drawn
        actor.check(url, params)

    search()


# --- the findings, one by one (what the user sees instead of the error page) ---------------


PAST_BIGINT = "99999999999999999999"


def test_a_nul_in_a_public_id_or_an_admin_object_id_is_404(agency_member, staff):
    assert login(agency_member).get("/orgs/seekers/abc%00/").status_code == 404
    assert login(agency_member).get("/orgs/seekers/abc%00/guide/").status_code == 404
    assert login(staff).get("/admin/organizations/prefecture/%00/change/").status_code == 404
    assert login(staff).get("/admin/organizations/prefecture/13%00/change/").status_code == 404


def test_a_public_id_of_the_wrong_shape_is_404_before_any_profile_query(agency_member, seeker):
    public_id = seeker.seeker_account.application.profile.public_id
    client = login(agency_member)
    assert client.get(f"/orgs/seekers/{public_id}/").status_code == 200

    for wrong in (public_id.upper(), public_id + "0", public_id[:-1], "ﾃｽﾄ🙂"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/orgs/seekers/{quote(wrong)}/").status_code == 404
        # the resolver refuses it: only the 404 page's header reads the session and the user
        assert not [q for q in queries.captured_queries if "seekers_profile" in q["sql"]]


def test_a_nul_in_the_query_string_shows_the_first_page(agency_member, seeker):
    public_id = seeker.seeker_account.application.profile.public_id

    response = login(agency_member).get("/orgs/seekers/", {"cursor": "2026-11-26T10:00:00+09:00~abc\x00"})

    assert response.status_code == 200
    assert f'href="/orgs/seekers/{public_id}/"' in page(response)


@pytest.mark.parametrize("cursor", [
    "2026-11-26T10:00:00+09:00~abc!", "2026-11-26T10:00:00~0123456789abcdef", "0001-01-01T00:00:00+09:00~abc",
    "9999-12-31T23:59:59-09:00~abc", "~", "nonsense",
])
def test_a_search_cursor_this_page_did_not_make_shows_the_first_page(agency_member, seeker, cursor):
    public_id = seeker.seeker_account.application.profile.public_id

    response = login(agency_member).get("/orgs/seekers/", {"cursor": cursor})

    assert response.status_code == 200
    assert f'href="/orgs/seekers/{public_id}/"' in page(response)


@pytest.mark.parametrize("value", ["abc", PAST_BIGINT, "-1", "", "1.5"])
def test_a_deletion_request_for_an_organisation_id_that_is_not_one_is_404(seeker, value):
    response = login(seeker).post("/seekers/deletion-requests/", {"organization": value})

    assert response.status_code == 404
    assert not DeletionRequest.objects.exists()


@pytest.mark.parametrize("number", [PAST_BIGINT, str(BIGINT_MAX), "-5", "0", "abc", "１"])
def test_an_inbox_page_past_the_range_shows_the_first_page(agency_member, seeker, number):
    conversation = ConversationFactory(account=seeker.seeker_account, organization=agency_member.membership.organization)
    MessageFactory(conversation=conversation)

    response = login(agency_member).get("/orgs/messages/", {"page": number})

    assert response.status_code == 200
    assert f'href="/orgs/messages/{conversation.pk}/"' in page(response)


@pytest.mark.parametrize("number", [PAST_BIGINT, str(BIGINT_MAX + 1)])
def test_an_id_in_a_path_past_bigint_is_404(agency_member, seeker, number):
    assert login(agency_member).get(f"/orgs/messages/{number}/").status_code == 404
    assert login(agency_member).post(f"/orgs/deletion-requests/{number}/answer/").status_code == 404
    assert login(seeker).get(f"/seekers/messages/{number}/").status_code == 404


def test_the_largest_id_is_looked_up_and_not_found(agency_member, seeker):
    assert login(agency_member).get(f"/orgs/messages/{BIGINT_MAX}/").status_code == 404
    assert login(seeker).get(f"/seekers/messages/{BIGINT_MAX}/").status_code == 404


def test_unblocking_an_id_past_bigint_changes_nothing(seeker, agency):
    Block.objects.create(account=seeker.seeker_account, organization=agency)

    response = login(seeker).post("/seekers/settings/blocks/", {"unblock": PAST_BIGINT})

    assert response.status_code == 302
    assert Block.objects.filter(account=seeker.seeker_account, organization=agency).exists()


def test_an_admin_object_id_past_bigint_is_the_admins_not_found_page(staff):
    client = login(staff)

    for url in (f"/admin/seekers/profile/{PAST_BIGINT}/history/", f"/admin/accounts/user/{PAST_BIGINT}/change/"):
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1] == ("/admin/", 302), url
        assert PAST_BIGINT in page(response), url  # "… with ID “…” doesn’t exist"


def test_an_admin_action_on_ids_that_are_not_ids_is_refused_with_a_message(staff, seeker):
    users = User.objects.count()

    response = login(staff).post("/admin/accounts/user/", {
        "action": "delete_selected", "index": "0", "select_across": "0", "post": "yes",
        "_selected_action": [str(seeker.pk), "abc"],
    }, follow=True)

    assert response.status_code == 200
    assert "選択された項目が正しくありません。一覧から選び直してください。" in page(response)
    assert User.objects.count() == users


def test_an_admin_add_form_prefilled_with_values_its_fields_cannot_hold_opens(staff):
    client = login(staff)

    response = client.get("/admin/mfa/authenticator/add/", {"last_used_at": "abc", "created_at": PAST_BIGINT})
    assert response.status_code == 200
    response = client.get("/admin/auth/group/add/", {"name": "窓口", "permissions": f"1,{PAST_BIGINT}"})
    assert response.status_code == 200
    assert 'value="窓口"' in page(response)


def test_an_admin_choice_of_many_past_bigint_is_a_form_error(staff):
    response = login(staff).post("/admin/auth/group/add/", {"name": "新しいグループ", "permissions": [PAST_BIGINT]})

    assert response.status_code == 200
    assert not Group.objects.filter(name="新しいグループ").exists()
    assert PAST_BIGINT in page(response)  # "“…” is not a valid value." next to the field


@pytest.mark.parametrize("month", ["99999999999-12", "2026-13", "0-1", "abc"])
def test_a_usage_report_month_past_the_calendar_shows_this_month(staff, month):
    response = login(staff).get("/admin/compliance/violation/report/", {"month": month})

    assert response.status_code == 200
    assert "利用状況の報告" in page(response)
