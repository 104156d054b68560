"""The fixed cast of every test (STYLE.md): a seeker, another seeker, a member of an approved agency,
a member of a municipality, a suspended org's member, a revoked org's member, staff, anonymous."""

import os

import pytest

from accounts.tests.factories import DEFAULT_PASSWORD, StaffFactory
from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers.tests.factories import SeekerAccountFactory

# In CI a missing service, browser or integration part must fail, never skip.
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def need(condition: bool, reason: str) -> None:
    """Skip when a service is missing on a laptop; fail in CI (REQUIRE_SERVICES=1)."""
    if condition:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"required in CI but missing: {reason}")
    pytest.skip(reason, allow_module_level=True)


@pytest.fixture
def reference_data(transactional_db):
    """The reference codes of organizations/data/, loaded again when a transactional test's flush
    removed them (they come from a data migration; serialized_rollback clashes on content types,
    see tests/conftest.py)."""
    from django.apps import apps

    from organizations.models import IndustryGroup, OccupationGroup, Prefecture, Qualification
    from organizations.reference_data import load_reference_data

    if not all(model.objects.exists() for model in (Prefecture, OccupationGroup, IndustryGroup, Qualification)):
        load_reference_data(apps)


@pytest.fixture
def password():
    return DEFAULT_PASSWORD


@pytest.fixture
def seeker(db):
    return SeekerAccountFactory().user


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
