"""SPEC rule 10, the one visibility rule, clause by clause (issue item 1).

Each case starts from a profile both the agency and the municipality can see, flips one clause and
shows the profile vanish from every surface an organisation has: the selector, its single-profile
form, the search page and the profile page. The last test checks that the seeker's side of the same
rule (`organizations_seeing`, behind the count on the conditions screen) agrees with the
organisations' side over random data."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from accounts.models import OutgoingEmail
from accounts.tests.factories import StaffFactory
from conftest import jst
from organizations.models import (
    KIND_CHOICES_FOR_CONDITIONS,
    IndustryGroup,
    OccupationGroup,
    Organization,
    Prefecture,
)
from organizations.services import organization_set_handled, organization_set_sanction_state
from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers import services
from seekers.models import Block, JobApplication, Profile, SeekerAccount
from seekers.search import visibility as selectors
from seekers.tests.factories import SeekerAccountFactory
from tests.pages import AdminPage, with_totp

pytestmark = pytest.mark.django_db

TOKYO_BIT = 12  # 東京都, JIS code 13
OSAKA_BIT = 26  # 大阪府, JIS code 27

VISIBLE, HIDDEN, INACTIVE = "visible", "hidden (404)", "inactive organisation (403)"


def member_of(organization) -> object:
    """A member of the organisation who has set up TOTP (REQUIRE_MFA is on in tests)."""
    user = MemberFactory(organization=organization).user
    with_totp(user)
    return user


@dataclass
class World:
    account: SeekerAccount
    profile: Profile
    agency: Organization
    municipality: Organization
    members: dict

    def org(self, key: str) -> Organization:
        return getattr(self, key)


def make_world(*, applied_on: date | None = None) -> World:
    """A started seeker whose profile both organisations see. Both organisations handle 東京都,
    医療，福祉 (P) and 福祉・介護の職業 (08), so a receive condition naming those admits them and
    one naming something else excludes them."""
    applied_on = applied_on or timezone.localdate() - timedelta(days=40)
    account = SeekerAccountFactory(application__applied_on=applied_on)
    agency = OrganizationFactory(name="テスト人材サービス株式会社", privacy_mark=True)
    municipality = OrganizationFactory(municipality=True, name="テスト市就職支援センター")
    for org in (agency, municipality):
        organization_set_handled(
            actor=None, organization=org,
            regions=[Prefecture.objects.get(code="13")],
            industries=[IndustryGroup.objects.get(code="P")],
            occupations=[OccupationGroup.objects.get(code="08")],
        )
    members = {"agency": member_of(agency), "municipality": member_of(municipality)}
    profile = Profile.objects.get(pk=account.application_id)
    return World(account=account, profile=profile, agency=agency, municipality=municipality, members=members)


def assert_state(client, world: World, key: str, state: str, note: str = "") -> None:
    """The profile's visibility to one organisation on all four surfaces. The selectors get the
    organisation as the request reads it (member_required), fresh after the flip."""
    org = Organization.objects.get(pk=world.org(key).pk)
    public_id = world.profile.public_id
    in_selector = selectors.profiles_visible_to(org).filter(pk=world.profile.pk).exists()
    single = selectors.profile_visible_to(org, public_id)
    # The seeker's side of the same rule (the count on the conditions screen) must agree.
    account = SeekerAccount.objects.select_related("application__profile").get(pk=world.account.pk)
    seen_by_seeker = selectors.organizations_seeing(account).filter(pk=org.pk).exists()
    # A revoked organisation's member is logged out by the first refused request: log in before each.
    client.force_login(world.members[key])
    search = client.get("/orgs/seekers/")
    client.force_login(world.members[key])
    detail = client.get(f"/orgs/seekers/{public_id}/")
    html = search.content.decode()
    where = f"{note} {key} expected {state}".strip()

    assert seen_by_seeker == (state == VISIBLE), f"organizations_seeing: {where}"
    if state == VISIBLE:
        assert in_selector, where
        assert single is not None and single.pk == world.profile.pk, where
        assert search.status_code == 200, where
        assert f"/orgs/seekers/{public_id}/" in html, where
        assert detail.status_code == 200, where
        assert public_id in detail.content.decode(), where
        return

    assert not in_selector, where
    assert single is None, where
    assert public_id not in html, where
    if state == HIDDEN:
        assert search.status_code == 200, where
        assert "条件に合う求職情報はありません。" in html or "検索結果 0件" in html, where
        assert detail.status_code == 404, where
    else:
        assert search.status_code == 403, where
        assert "ご利用いただけません" in html, where
        assert detail.status_code == 403, where


# --- the flips -----------------------------------------------------------------------------------


def org_update(world: World, key: str, **values) -> None:
    Organization.objects.filter(pk=world.org(key).pk).update(**values)


def sanction(world: World, key: str, **state) -> None:
    organization_set_sanction_state(actor=None, organization=world.org(key), **state)


def set_conditions(world: World, **chosen) -> None:
    values = {"kinds": [], "regions": [], "industries": [], "occupations": [], "privacy_mark": False, **chosen}
    services.conditions_set(actor=world.account.user, account=world.account, **values)


def today() -> date:
    return timezone.localdate()


def industry_bit(code: str) -> int:
    return IndustryGroup.objects.get(code=code).bit


def occupation_bit(code: str) -> int:
    return OccupationGroup.objects.get(code=code).bit


def change_provision(world: World, provision: int) -> None:
    services.application_provision_change(
        actor=StaffFactory(), application=world.account.application, provision=provision
    )


def staff_change(world: World, **values) -> None:
    """Staff change the 求職申込 in the admin, as they do when a seeker asks (the real path: the
    admin's save re-derives the profile's listing)."""
    staff = StaffFactory()
    with_totp(staff)
    browser = Client()
    browser.force_login(staff)
    url = reverse("admin:seekers_jobapplication_change", args=[world.account.application_id])
    page = AdminPage(browser.get(url).content.decode(), "jobapplication_form")
    data = dict(page.fields)
    data.update({name: [str(value)] for name, value in values.items()})
    response = browser.post(url, data)
    assert response.status_code == 302, AdminPage(response.content.decode(), "jobapplication_form").errors_by_id
    application = JobApplication.objects.get(pk=world.account.application_id)
    assert {name: str(getattr(application, name)) for name in values} == {k: str(v) for k, v in values.items()}


def undo_first_login(world: World) -> None:
    """No screen un-starts an account; set the state directly and re-derive the listing the way
    every writer of these columns must (services.profile_sync_listing)."""
    SeekerAccount.objects.filter(pk=world.account.pk).update(first_login_at=None, profile_confirmed_at=None)
    services.profile_sync_listing(application_ids=[world.account.application_id])


def first_login(world: World) -> None:
    """The real first login: a 認証キー by mail, typed in (services.auth_key_verify)."""
    account = SeekerAccount.objects.select_related("user", "application").get(pk=world.account.pk)
    services.auth_key_reissue(account=account)
    mail = OutgoingEmail.objects.filter(to=account.user.email, kind="auth_key").latest("pk")
    key = re.search(r"認証キー: (\S+)", mail.body).group(1)
    services.auth_key_verify(account=account, key=key)


def review_confirm(world: World) -> None:
    """The seeker confirms the review after the first login (services.profile_review_confirm)."""
    account = SeekerAccount.objects.select_related("user", "application").get(pk=world.account.pk)
    services.profile_review_confirm(actor=account.user, account=account)


P = JobApplication.Provision
BOTH_VISIBLE = {"agency": VISIBLE, "municipality": VISIBLE}
BOTH_HIDDEN = {"agency": HIDDEN, "municipality": HIDDEN}

# Each case: a list of (flip, expected state per organisation) applied in order to a fresh world.
CASES = {
    "org_unapproved": [
        (lambda w: org_update(w, "agency", approved_on=None, approval_until=None),
         {"agency": INACTIVE, "municipality": VISIBLE}),
    ],
    "org_suspended_today": [
        (lambda w: sanction(w, "agency", suspended_from=today(), suspended_until=today()),
         {"agency": INACTIVE, "municipality": VISIBLE}),
    ],
    "org_suspension_ended_yesterday": [
        (lambda w: sanction(w, "agency", suspended_from=today() - timedelta(days=7),
                            suspended_until=today() - timedelta(days=1)), BOTH_VISIBLE),
    ],
    "org_suspension_starts_tomorrow": [
        (lambda w: sanction(w, "municipality", suspended_from=today() + timedelta(days=1),
                            suspended_until=today() + timedelta(days=8)), BOTH_VISIBLE),
    ],
    "org_revoked": [
        (lambda w: sanction(w, "municipality", revoked_at=timezone.now()),
         {"agency": VISIBLE, "municipality": INACTIVE}),
    ],
    "account_not_first_logged_in": [
        (undo_first_login, BOTH_HIDDEN),
        (first_login, BOTH_HIDDEN),  # on the review page: not published yet (SPEC rule 15)
        (review_confirm, BOTH_VISIBLE),
    ],
    "account_stopped": [
        (lambda w: services.seeker_stop(actor=w.account.user, account=w.account), BOTH_HIDDEN),
    ],
    "opt_in_no": [
        (lambda w: staff_change(w, opt_in=JobApplication.OptIn.NO), BOTH_HIDDEN),
        (lambda w: staff_change(w, opt_in=JobApplication.OptIn.YES), BOTH_VISIBLE),
    ],
    "valid_until_yesterday": [
        (lambda w: staff_change(w, valid_until=today() - timedelta(days=1)), BOTH_HIDDEN),
    ],
    "valid_until_today": [
        (lambda w: staff_change(w, valid_until=today()), BOTH_VISIBLE),
    ],
    "provision_2_local_gov_only": [
        (lambda w: change_provision(w, P.LOCAL_GOV_ONLY), {"agency": HIDDEN, "municipality": VISIBLE}),
    ],
    "provision_3_agency_only": [
        (lambda w: change_provision(w, P.AGENCY_ONLY), {"agency": VISIBLE, "municipality": HIDDEN}),
    ],
    "provision_4_none": [
        (lambda w: change_provision(w, P.NONE), BOTH_HIDDEN),
        (lambda w: change_provision(w, P.BOTH), BOTH_VISIBLE),
    ],
    "condition_kind": [
        # bit 1 = 地方自治体等 (no sub-kind), bit 0 = 民間職業紹介事業者等
        (lambda w: set_conditions(w, kinds=[1]), {"agency": HIDDEN, "municipality": VISIBLE}),
        (lambda w: set_conditions(w, kinds=[0]), {"agency": VISIBLE, "municipality": HIDDEN}),
        (lambda w: set_conditions(w, kinds=[0, 1]), BOTH_VISIBLE),
    ],
    "condition_region": [
        (lambda w: set_conditions(w, regions=[OSAKA_BIT]), BOTH_HIDDEN),
        (lambda w: set_conditions(w, regions=[OSAKA_BIT, TOKYO_BIT]), BOTH_VISIBLE),
    ],
    "condition_industry": [
        (lambda w: set_conditions(w, industries=[industry_bit("O")]), BOTH_HIDDEN),
        (lambda w: set_conditions(w, industries=[industry_bit("P")]), BOTH_VISIBLE),
    ],
    "condition_occupation": [
        (lambda w: set_conditions(w, occupations=[occupation_bit("06")]), BOTH_HIDDEN),
        (lambda w: set_conditions(w, occupations=[occupation_bit("06"), occupation_bit("08")]), BOTH_VISIBLE),
    ],
    "condition_privacy_mark": [
        # The agency holds プライバシーマーク, the municipality does not.
        (lambda w: set_conditions(w, privacy_mark=True), {"agency": VISIBLE, "municipality": HIDDEN}),
        (lambda w: org_update(w, "municipality", privacy_mark=True), BOTH_VISIBLE),
        (lambda w: set_conditions(w, privacy_mark=False), BOTH_VISIBLE),
    ],
    "block": [
        (lambda w: services.block_add(actor=w.account.user, account=w.account, organization_id=w.agency.pk),
         {"agency": HIDDEN, "municipality": VISIBLE}),
        (lambda w: services.block_remove(actor=w.account.user, account=w.account, organization_id=w.agency.pk),
         BOTH_VISIBLE),
    ],
    # The agency answered a 削除・廃棄 request (SPEC rule 18): hidden from it for good.
    "disposal": [
        (lambda w: services.disposal_record(actor=None, account=w.account, organization=w.agency),
         {"agency": HIDDEN, "municipality": VISIBLE}),
    ],
}


def test_baseline_the_profile_is_visible_to_an_agency_and_a_municipality(client):
    world = make_world()

    for key in ("agency", "municipality"):
        assert_state(client, world, key, VISIBLE)


@pytest.mark.parametrize("case", list(CASES))
def test_each_clause_flipped_alone(client, case):
    world = make_world()
    for key in ("agency", "municipality"):
        assert_state(client, world, key, VISIBLE)

    for step, (flip, expected) in enumerate(CASES[case]):
        flip(world)
        for key, state in expected.items():
            assert_state(client, world, key, state, note=f"{case} step {step}")


def test_a_second_seeker_is_unaffected_by_the_first_ones_flip(client):
    """The flips act on one profile only: another seeker stays visible throughout."""
    world = make_world()
    other = SeekerAccountFactory()
    other_public_id = Profile.objects.get(pk=other.application_id).public_id

    services.block_add(actor=world.account.user, account=world.account, organization_id=world.municipality.pk)
    services.seeker_stop(actor=world.account.user, account=world.account)  # read-only from here

    client.force_login(world.members["agency"])
    html = client.get("/orgs/seekers/").content.decode()
    assert other_public_id in html
    assert world.profile.public_id not in html
    assert client.get(f"/orgs/seekers/{other_public_id}/").status_code == 200


# --- the validity by date (JST), before any nightly job ---------------------------------------------


def test_valid_until_today_is_visible_until_2359_jst_and_gone_at_0000(client):
    with time_machine.travel(jst(date(2027, 1, 31), 23, 59), tick=False):
        world = make_world(applied_on=date(2026, 11, 26))
        assert world.account.application.valid_until == date(2027, 1, 31)
        for key in ("agency", "municipality"):
            assert_state(client, world, key, VISIBLE)

    with time_machine.travel(jst(date(2027, 2, 1), 0), tick=False):
        for key in ("agency", "municipality"):
            assert_state(client, world, key, HIDDEN)
        # No job has run: the period is not marked yet, visibility follows the date alone.
        assert JobApplication.objects.get(pk=world.account.application_id).period_ended_at is None


def test_midnight_jst_is_still_the_previous_day_in_utc(client):
    """00:30 JST on 1 February is 15:30 UTC on 31 January: the rule must use the Japanese date."""
    with time_machine.travel(jst(date(2027, 1, 31), 12), tick=False):
        world = make_world(applied_on=date(2026, 11, 26))
    with time_machine.travel(datetime(2027, 1, 31, 15, 30, tzinfo=UTC), tick=False):
        assert_state(client, world, "agency", HIDDEN)


def test_a_suspension_ending_today_lifts_at_midnight_jst(client):
    with time_machine.travel(jst(date(2027, 3, 10), 23, 59), tick=False):
        world = make_world()
        sanction(world, "agency", suspended_from=date(2027, 3, 1), suspended_until=date(2027, 3, 10))
        assert_state(client, world, "agency", INACTIVE)
    with time_machine.travel(jst(date(2027, 3, 11), 0), tick=False):
        assert_state(client, world, "agency", VISIBLE)


# --- organizations_seeing agrees with profiles_visible_to --------------------------------------------


class _Rollback(Exception):
    """Raised at the end of each hypothesis example so its rows never outlive it."""


ORG_STATES = ("active", "active", "active", "active", "unapproved", "suspended", "revoked")
# Two bit positions, so matches and misses are both common. An organisation handles something; a
# seeker's condition is "no restriction" (0) about half the time.
ORG_BITS = st.integers(min_value=1, max_value=0b11)
SEEKER_BITS = st.one_of(st.just(0), st.integers(min_value=0, max_value=0b11))


def mostly(value: bool) -> st.SearchStrategy[bool]:
    """The given value four times out of five (and when shrunk)."""
    return st.integers(min_value=0, max_value=4).map(lambda n: value if n < 4 else not value)


org_strategy = st.fixed_dictionaries({
    "kind": st.sampled_from(KIND_CHOICES_FOR_CONDITIONS),
    "privacy_mark": st.booleans(),
    "state": st.sampled_from(ORG_STATES),
    "region_bits": ORG_BITS,
    "industry_bits": ORG_BITS,
    "occupation_bits": ORG_BITS,
})
seeker_strategy = st.fixed_dictionaries({
    "provision": st.sampled_from([P.BOTH, P.BOTH, P.LOCAL_GOV_ONLY, P.AGENCY_ONLY, P.NONE]),
    "cond_kind_bits": st.one_of(
        st.just(0), st.integers(min_value=1, max_value=(1 << len(KIND_CHOICES_FOR_CONDITIONS)) - 1)
    ),
    "cond_region_bits": SEEKER_BITS,
    "cond_industry_bits": SEEKER_BITS,
    "cond_occupation_bits": SEEKER_BITS,
    "cond_privacy_mark": st.booleans(),
    "blocks": st.sets(st.integers(min_value=0, max_value=5), max_size=2),
    # organisations that answered a 削除・廃棄 request from this seeker (SPEC rule 18)
    "disposals": st.sets(st.integers(min_value=0, max_value=5), max_size=2),
    "stopped": mostly(False),
    "started": mostly(True),
    "opt_in": st.sampled_from([JobApplication.OptIn.YES] * 4 + [JobApplication.OptIn.NO]),
    "expired": mostly(False),
})


def _build_org(spec: dict) -> Organization:
    kind, sub_kind = spec["kind"]
    traits = {"unapproved": {"unapproved": True}, "suspended": {"suspended": True},
              "revoked": {"revoked": True}}.get(spec["state"], {})
    org = OrganizationFactory(
        kind=kind, sub_kind=sub_kind, permit_number="13-ユ-000001" if kind == "agency" else "",
        privacy_mark=spec["privacy_mark"], **traits,
    )
    Organization.objects.filter(pk=org.pk).update(
        region_bits=spec["region_bits"], industry_bits=spec["industry_bits"],
        occupation_bits=spec["occupation_bits"],
    )
    return Organization.objects.get(pk=org.pk)  # as a request reads it


def _build_seeker(spec: dict, orgs: list[Organization]) -> SeekerAccount:
    started = timezone.now() if spec["started"] else None
    account = SeekerAccountFactory(
        first_login_at=started,
        application__applied_on=timezone.localdate() - timedelta(days=40),
        application__provision=spec["provision"],
        application__opt_in=spec["opt_in"],
    )
    if spec["expired"]:
        JobApplication.objects.filter(pk=account.application_id).update(
            valid_until=timezone.localdate() - timedelta(days=1)
        )
    for index in spec["disposals"]:
        if index < len(orgs):
            services.disposal_record(actor=None, account=account, organization=orgs[index])
    if spec["stopped"]:
        SeekerAccount.objects.filter(pk=account.pk).update(stopped_at=timezone.now())
    services.profile_sync_listing(application_ids=[account.application_id])  # as every writer does
    Profile.objects.filter(pk=account.application_id).update(
        **{k: spec[k] for k in ("cond_kind_bits", "cond_region_bits", "cond_industry_bits",
                                "cond_occupation_bits", "cond_privacy_mark")}
    )
    for index in spec["blocks"]:
        if index < len(orgs):  # set as rows: block_add refuses a stopped seeker, and the block predates the stop
            Block.objects.create(account=account, organization=orgs[index])
    return account


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    org_specs=st.lists(org_strategy, min_size=3, max_size=6),
    seeker_specs=st.lists(seeker_strategy, min_size=3, max_size=5),
)
def test_organizations_seeing_agrees_with_profiles_visible_to(db, org_specs, seeker_specs):
    try:
        with transaction.atomic():
            orgs = [_build_org(spec) for spec in org_specs]
            accounts = [_build_seeker(spec, orgs) for spec in seeker_specs]
            ours = {a.application_id for a in accounts}

            seen_by_seekers = {}
            for account in accounts:
                fresh = SeekerAccount.objects.select_related("application__profile").get(pk=account.pk)
                seen_by_seekers[account.application_id] = set(
                    selectors.organizations_seeing(fresh).values_list("pk", flat=True)
                )
            pairs = 0
            for org in orgs:
                visible = set(selectors.profiles_visible_to(org).values_list("pk", flat=True)) & ours
                expected = {app_id for app_id, org_ids in seen_by_seekers.items() if org.pk in org_ids}
                assert visible == expected, (org_specs, seeker_specs)
                pairs += len(visible)
            event(f"visible pairs: {min(pairs, 5)}{'+' if pairs >= 5 else ''}")
            raise _Rollback
    except _Rollback:
        pass
