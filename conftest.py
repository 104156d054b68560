"""The fixed cast of every test (STYLE.md): a seeker, another seeker, a member of an approved agency,
a member of a municipality, a suspended org's member, a revoked org's member, staff, anonymous."""

import os
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from accounts.tests.factories import DEFAULT_PASSWORD, StaffFactory
from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers.tests.factories import SeekerAccountFactory

# In CI a missing service, browser or integration part must fail, never skip.
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


# --- the clock ------------------------------------------------------------------------------------
# A test never reads the real clock. Every test runs with the clock moved to the suite's "now", the
# moment this test session started (in JST), ticking from there; a test that needs another moment
# moves it with the `time_machine` fixture or a `time_machine.travel` block and reads back what it
# wrote (sessions, cookies) inside the same block. So one run's tests share one JST today, and any
# run's today is as good as another: CI runs the suite again with the process clock moved a year ahead
# and to 23:59:30 JST on a month's last day (.ci/run, Debian's faketime), and the README shows how to
# run it on any chosen date.
JST = ZoneInfo("Asia/Tokyo")
SUITE_NOW = datetime.now(JST).replace(microsecond=0)
TODAY = SUITE_NOW.date()


def jst(day: date, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """That day at that time in Japan, as an aware datetime."""
    return datetime.combine(day, time(hour, minute, second), tzinfo=JST)


def days_after(days: int, hour: int = 10, minute: int = 0) -> datetime:
    """The suite's today plus `days` (negative for before), at that time in Japan."""
    return jst(TODAY + timedelta(days=days), hour, minute)


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    """Every test starts at the suite's now (see above). Returns the time_machine fixture."""
    time_machine.move_to(SUITE_NOW, tick=True)
    return time_machine


@pytest.fixture(autouse=True)
def _default_language(settings):
    """Each test starts in the site's language (Japanese): a request with another language leaves its
    choice active in the thread, and a test after it would read English messages."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Throttle counters live in the cache (Redis in CI): each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def today() -> date:
    """The suite's JST today (the date every test starts on)."""
    return TODAY


def need(condition: bool, reason: str) -> None:
    """Skip when a service is missing on a laptop; fail in CI (REQUIRE_SERVICES=1)."""
    if condition:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"required in CI but missing: {reason}")
    pytest.skip(reason, allow_module_level=True)


def pytest_runtest_setup(item):
    """Tests marked `postgresql` (row locks, statement timeouts) need it: skip on a laptop's SQLite,
    fail in CI. The moved-clock runs of .ci/run deselect them by marker instead."""
    if item.get_closest_marker("postgresql"):
        from django.db import connection

        need(connection.vendor == "postgresql", "PostgreSQL")


@pytest.fixture
def reference_data(transactional_db):
    """The reference codes of organizations/data/, loaded again when a transactional test's flush
    removed them (they come from a data migration; serialized_rollback clashes on content types,
    see tests/conftest.py)."""
    from django.apps import apps

    from organizations.models import IndustryGroup, Municipality, OccupationGroup, Prefecture, Qualification
    from organizations.reference_data import load_municipalities, load_reference_data

    if not all(model.objects.exists() for model in (Prefecture, OccupationGroup, IndustryGroup, Qualification)):
        load_reference_data(apps)
    if not Municipality.objects.exists():
        load_municipalities(apps)


@pytest.fixture
def password():
    return DEFAULT_PASSWORD


@pytest.fixture
def seeker(db):
    return SeekerAccountFactory().user


@pytest.fixture
def account(seeker):
    """The seeker's SeekerAccount, which the seeker-side services take."""
    return seeker.seeker_account


@pytest.fixture
def other_seeker(db):
    return SeekerAccountFactory().user


@pytest.fixture
def agency(db):
    return OrganizationFactory()


@pytest.fixture
def municipality(db):
    return OrganizationFactory(municipality=True)


@pytest.fixture
def agency_member(agency):
    return MemberFactory(organization=agency).user


@pytest.fixture
def agency_admin(agency):
    """The approved agency's administrator (Member.Role.ADMIN): changes its disclosures."""
    return MemberFactory(organization=agency, role="admin").user


@pytest.fixture
def municipality_member(municipality):
    return MemberFactory(organization=municipality).user


@pytest.fixture
def suspended_member(db):
    return MemberFactory(organization=OrganizationFactory(suspended=True)).user


@pytest.fixture
def revoked_member(db):
    return MemberFactory(organization=OrganizationFactory(revoked=True)).user


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def anonymous(client):
    return client


# --- clients, one per role ------------------------------------------------------------------------


@pytest.fixture
def no_mfa(settings):
    """Member and staff pages open without TOTP (the MFA gate has its own tests in accounts)."""
    settings.REQUIRE_MFA = False


def _client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def seeker_client(seeker):
    return _client_for(seeker)


@pytest.fixture
def member_client(agency_member):
    """The approved agency's member, with the TOTP device the MFA gate asks for."""
    from tests.pages import with_totp

    return _client_for(with_totp(agency_member))


@pytest.fixture
def agency_admin_client(agency_admin):
    from tests.pages import with_totp

    return _client_for(with_totp(agency_admin))


@pytest.fixture
def municipality_client(municipality_member):
    from tests.pages import with_totp

    return _client_for(with_totp(municipality_member))


@pytest.fixture
def staff_client(staff):
    """Staff with TOTP: every /admin/ page opens whether or not MFA is required."""
    from tests.pages import with_totp

    return _client_for(with_totp(staff))
