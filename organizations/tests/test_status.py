"""The organisation's status (SPEC rules 10, 20), computed in one place: Organization.status(today)
and its queryset form (with_status / in_status / active) give the same answer for every combination
of approval, suspension and revocation, and each screen shows what the status says."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.adapter import login_refusal
from organizations.models import Organization
from organizations.tests.factories import MemberFactory, OrganizationFactory
from tests.pages import login, page, with_totp

pytestmark = pytest.mark.django_db

S = Organization.Status
DAY = date(2026, 11, 26)
REVOKED_AT = datetime(2026, 1, 1, tzinfo=UTC)


def days(n: int) -> date:
    return DAY + timedelta(days=n)


# (approved, revoked, suspension as day offsets from DAY or None) → the status on DAY
TABLE = [
    (True, False, None, S.ACTIVE),
    (True, False, (-7, -1), S.ACTIVE),  # ended yesterday
    (True, False, (0, 0), S.SUSPENDED),  # a one-day suspension, today
    (True, False, (-3, 0), S.SUSPENDED),  # its last day
    (True, False, (0, 5), S.SUSPENDED),  # its first day
    (True, False, (1, 8), S.ACTIVE),  # starts tomorrow
    (False, False, None, S.PENDING),
    (False, False, (-1, 1), S.PENDING),  # never approved: pending whatever else
    (True, True, None, S.REVOKED),
    (True, True, (-1, 1), S.REVOKED),  # revocation outranks a suspension
    (False, True, None, S.REVOKED),
]


def make(approved: bool, revoked: bool, suspension) -> Organization:
    start, end = (days(suspension[0]), days(suspension[1])) if suspension else (None, None)
    return OrganizationFactory(
        approved_on=date(2026, 4, 1) if approved else None, revoked_at=REVOKED_AT if revoked else None,
        suspended_from=start, suspended_until=end,
    )


def queryset_status(org: Organization, today: date) -> str:
    return Organization.objects.with_status(today).get(pk=org.pk).status_today


def filtered_statuses(org: Organization, today: date) -> list[str]:
    """Every status whose filter lists the organisation (exactly one, if the forms agree)."""
    return [s for s in S.values if Organization.objects.in_status(s, today).filter(pk=org.pk).exists()]


@pytest.mark.parametrize(("approved", "revoked", "suspension", "expected"), TABLE)
def test_each_combination_has_one_status_in_both_forms(approved, revoked, suspension, expected):
    org = make(approved, revoked, suspension)

    assert org.status(DAY) == expected
    assert queryset_status(org, DAY) == expected
    assert filtered_statuses(org, DAY) == [expected]
    assert Organization.objects.active(DAY).filter(pk=org.pk).exists() == (expected == S.ACTIVE)


def test_status_defaults_to_todays_date_in_japan(time_machine):
    org = make(True, False, (0, 0))  # suspended on DAY only
    time_machine.move_to(datetime(2026, 11, 26, 23, 59, tzinfo=UTC) - timedelta(hours=9))  # 23:59 JST

    assert org.status() == S.SUSPENDED

    time_machine.move_to(datetime(2026, 11, 26, 15, 0, tzinfo=UTC))  # 00:00 JST on the 27th
    assert org.status() == S.ACTIVE


class _Rollback(Exception):
    pass


offsets = st.integers(min_value=-3, max_value=3)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    specs=st.lists(
        st.tuples(st.booleans(), st.booleans(),
                  st.one_of(st.none(), st.tuples(offsets, offsets).map(lambda p: (min(p), max(p))))),
        min_size=1, max_size=6,
    ),
    today_offset=offsets,
)
def test_the_instance_and_queryset_forms_agree(db, specs, today_offset):
    today = days(today_offset)
    try:
        with transaction.atomic():
            orgs = [make(*spec) for spec in specs]
            annotated = dict(Organization.objects.with_status(today).filter(
                pk__in=[o.pk for o in orgs]).values_list("pk", "status_today"))
            for org in orgs:
                assert annotated[org.pk] == org.status(today), (specs, today)
                assert filtered_statuses(org, today) == [org.status(today)], (specs, today)
            raise _Rollback
    except _Rollback:
        pass


# --- the screens read the status ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("traits", "says"),
    [({"unapproved": True}, "まだ労働局の承諾を受けていないため"),
     ({"suspended": True}, "サービスの利用を停止されています"),
     ({"revoked": True}, "サービスの利用を解除されました")],
    ids=["pending", "suspended", "revoked"],
)
def test_the_organisation_page_says_which_status_refuses_it(traits, says):
    member = with_totp(MemberFactory(organization=OrganizationFactory(**traits)).user)

    response = login(member).get("/orgs/seekers/")

    assert response.status_code == 403
    assert says in page(response)
    others = {"まだ労働局の承諾を受けていないため", "サービスの利用を停止されています", "サービスの利用を解除されました"} - {says}
    assert not any(other in page(response) for other in others)


def test_an_approved_organisation_whose_suspension_ended_uses_the_service(time_machine):
    org = make(True, False, (-7, -1))
    time_machine.move_to(datetime(2026, 11, 26, 1, 0, tzinfo=UTC))  # 10:00 JST on DAY
    member = with_totp(MemberFactory(organization=org).user)

    response = login(member).get("/orgs/seekers/")

    assert response.status_code == 200


def admin_filter(client, state: str) -> set[str]:
    html = page(client.get("/admin/organizations/organization/", {"state": state}))
    table = re.search(r'<table id="result_list">(.*?)</table>', html, re.S)
    return set(re.findall(r'<th class="field-name"><a [^>]*>(.*?)</a>', table.group(1))) if table else set()


def test_the_admin_filter_offers_each_status_and_lists_what_status_says(staff, time_machine):
    time_machine.move_to(datetime(2026, 11, 26, 1, 0, tzinfo=UTC))
    made = {}
    for approved, revoked, suspension, _expected in TABLE:
        org = make(approved, revoked, suspension)
        made[org.name] = org.status(DAY)
    client = login(with_totp(staff))

    html = page(client.get("/admin/organizations/organization/"))
    for status in S:
        assert f"?state={status.value}" in html, status
        assert str(status.label) in html, status
    for status in S:
        assert admin_filter(client, status.value) == {name for name, s in made.items() if s == status}, status


@pytest.mark.parametrize(("approved", "revoked", "suspension", "expected"), TABLE)
def test_only_a_revoked_organisations_member_is_refused_at_login(time_machine, approved, revoked, suspension,
                                                                expected):
    time_machine.move_to(datetime(2026, 11, 26, 1, 0, tzinfo=UTC))  # 10:00 JST on DAY
    member = MemberFactory(organization=make(approved, revoked, suspension)).user

    refusal = login_refusal(member)

    if expected == S.REVOKED:
        assert refusal == "この利用団体はサービスの利用を解除されているため、ログインできません。"
    else:
        assert refusal == ""  # the organisation's pages then say why it cannot use them
