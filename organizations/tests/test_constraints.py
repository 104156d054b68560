"""The 利用団体's own-row rules, the user table's role rules and the reference codes' shape, each held
by a database constraint (STYLE.md): a write around the admin form or the services is still refused."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from accounts.models import User
from organizations.models import (
    IndustryGroup,
    Member,
    OccupationGroup,
    Organization,
    Prefecture,
    Qualification,
)
from organizations.services import DISCLOSURE_FIELDS
from organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def refused(callable_, *args, **kwargs):
    """True when the database refuses the write; the savepoint keeps the test's transaction usable."""
    try:
        with transaction.atomic():
            callable_(*args, **kwargs)
    except IntegrityError:
        return True
    return False


def org_fields(**overrides):
    """An approved 民間職業紹介事業者 with every mandatory disclosure filled in."""
    fields = {
        "name": "株式会社テスト人材",
        "kind": Organization.Kind.AGENCY,
        "permit_number": "13-ユ-301234",
        "approved_on": date(2026, 4, 1),
        "track_record": "2025年度 紹介就職件数 10件",
        "job_openings": "都内の事務職 30件",
        "fees": "求職者からは手数料をいただきません。",
        "privacy_officer": "総務部長 山田太郎",
        "complaints_officer": "業務部長 佐藤花子",
        "contact_procedure": "電話 03-0000-0000 で面談を予約してください。",
    }
    fields.update(overrides)
    return fields


# --- Organization ---------------------------------------------------------------------------------


def test_a_complete_approved_agency_saves():
    Organization.objects.create(**org_fields())

    assert Organization.objects.get().approved_on == date(2026, 4, 1)


def test_an_unapproved_organisation_may_have_empty_disclosures_and_no_permit():
    Organization.objects.create(name="準備中の団体", kind=Organization.Kind.AGENCY)

    org = Organization.objects.get()
    assert org.approved_on is None
    assert org.fees == ""


@pytest.mark.parametrize("field", DISCLOSURE_FIELDS)
def test_approved_organisation_with_an_empty_disclosure_is_refused(field):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(**org_fields(**{field: ""}))

    assert not Organization.objects.exists()


@pytest.mark.parametrize("field", DISCLOSURE_FIELDS)
def test_emptying_a_disclosure_of_an_approved_organisation_is_refused(field):
    org = OrganizationFactory()

    assert refused(Organization.objects.filter(pk=org.pk).update, **{field: ""})
    org.refresh_from_db()
    assert getattr(org, field) != ""


def test_approving_by_update_while_a_disclosure_is_empty_is_refused():
    org = OrganizationFactory(unapproved=True, fees="")

    assert refused(Organization.objects.filter(pk=org.pk).update, approved_on=date(2026, 11, 26))
    org.refresh_from_db()
    assert org.approved_on is None


def test_approved_agency_without_permit_number_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(**org_fields(permit_number=""))

    assert not Organization.objects.exists()


def test_approved_local_government_needs_no_permit_number():
    Organization.objects.create(**org_fields(kind=Organization.Kind.LOCAL_GOV, permit_number=""))

    assert Organization.objects.get().kind == Organization.Kind.LOCAL_GOV


def test_unapproved_agency_without_permit_number_is_allowed():
    Organization.objects.create(**org_fields(permit_number="", approved_on=None))

    assert Organization.objects.get().permit_number == ""


@pytest.mark.parametrize("sub_kind", ["nurse_center", "welfare_center", "childcare_center", "other"])
def test_sub_kind_on_an_agency_is_refused(sub_kind):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(**org_fields(sub_kind=sub_kind))

    assert not Organization.objects.exists()


@pytest.mark.parametrize("sub_kind", ["", "nurse_center", "welfare_center", "childcare_center", "other"])
def test_sub_kind_on_a_local_government_saves(sub_kind):
    Organization.objects.create(**org_fields(kind=Organization.Kind.LOCAL_GOV, permit_number="", sub_kind=sub_kind))

    assert Organization.objects.get().sub_kind == sub_kind


def test_changing_a_nurse_center_into_an_agency_is_refused():
    org = OrganizationFactory(municipality=True, sub_kind="nurse_center")

    assert refused(Organization.objects.filter(pk=org.pk).update, kind=Organization.Kind.AGENCY)


def test_reversed_suspension_period_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(
            **org_fields(suspended_from=date(2026, 12, 1), suspended_until=date(2026, 11, 30))
        )

    assert not Organization.objects.exists()


def test_reversing_a_suspension_period_by_update_is_refused():
    org = OrganizationFactory(suspended_from=date(2026, 11, 1), suspended_until=date(2026, 11, 30))

    assert refused(Organization.objects.filter(pk=org.pk).update, suspended_until=date(2026, 10, 31))


@pytest.mark.parametrize(
    ("start", "end"),
    [(None, None), (date(2026, 11, 1), date(2026, 11, 30)), (date(2026, 11, 26), date(2026, 11, 26))],
)
def test_a_valid_suspension_period_saves(start, end):
    Organization.objects.create(**org_fields(suspended_from=start, suspended_until=end))

    org = Organization.objects.get()
    assert (org.suspended_from, org.suspended_until) == (start, end)


@pytest.mark.parametrize(
    ("start", "end"), [(date(2026, 11, 1), None), (None, date(2026, 11, 30))], ids=["no-end", "no-start"]
)
def test_a_half_open_suspension_period_is_refused(start, end):
    assert refused(Organization.objects.create, **org_fields(suspended_from=start, suspended_until=end))


# --- Member ---------------------------------------------------------------------------------------


def test_a_user_belongs_to_one_organisation_only(agency_member):
    other = OrganizationFactory()

    assert refused(Member.objects.create, user=agency_member, organization=other)
    assert Member.objects.get(user=agency_member).organization != other


# --- User roles (accounts.User's constraints, about members and staff) ----------------------------


@pytest.mark.parametrize(
    ("role", "flags"),
    [
        ("seeker", {"is_staff": True}),
        ("seeker", {"is_superuser": True}),
        ("member", {"is_staff": True}),
        ("member", {"is_superuser": True}),
    ],
)
def test_only_the_staff_role_may_reach_the_admin(role, flags):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="someone", email="someone@example.jp", role=role, **flags)

    assert not User.objects.filter(username="someone").exists()


def test_making_a_seeker_staff_by_update_is_refused(seeker):
    assert refused(User.objects.filter(pk=seeker.pk).update, is_staff=True)
    seeker.refresh_from_db()
    assert seeker.is_staff is False


def test_staff_role_may_be_staff_and_superuser():
    User.objects.create(username="kanri", email="kanri@mhlw.example.jp", role="staff", is_staff=True, is_superuser=True)

    assert User.objects.get(username="kanri").is_superuser


def test_two_members_with_the_same_email_in_different_case_are_refused():
    User.objects.create(username="member-a", email="Tanaka@Org.example.jp", role="member")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="member-b", email="tanaka@org.EXAMPLE.jp", role="member")

    assert User.objects.filter(role="member").count() == 1


def test_a_staff_user_cannot_share_a_member_email():
    User.objects.create(username="member-a", email="tanaka@org.example.jp", role="member")

    assert refused(User.objects.create, username="staff-a", email="TANAKA@org.example.jp", role="staff")


def test_changing_a_member_email_to_another_members_is_refused():
    User.objects.create(username="member-a", email="tanaka@org.example.jp", role="member")
    other = User.objects.create(username="member-b", email="suzuki@org.example.jp", role="member")

    assert refused(User.objects.filter(pk=other.pk).update, email="Tanaka@org.example.jp")


def test_two_seekers_with_the_same_email_are_allowed():
    # A family may share one address; seekers sign in by their issued user ID, not by email.
    User.objects.create(username="K0000001", email="family@example.jp", role="seeker")
    User.objects.create(username="K0000002", email="family@example.jp", role="seeker")

    assert User.objects.filter(email="family@example.jp").count() == 2


def test_a_seeker_may_share_a_members_email():
    User.objects.create(username="member-a", email="tanaka@example.jp", role="member")
    User.objects.create(username="K0000001", email="tanaka@example.jp", role="seeker")

    assert User.objects.filter(email="tanaka@example.jp").count() == 2


def test_members_without_email_do_not_collide():
    User.objects.create(username="member-a", email="", role="member")
    User.objects.create(username="member-b", email="", role="member")

    assert User.objects.filter(email="").count() == 2


# --- Reference codes ------------------------------------------------------------------------------


@pytest.mark.parametrize("model", [OccupationGroup, IndustryGroup], ids=["occupation", "industry"])
def test_a_major_group_needs_a_bit_position(model):
    assert refused(model.objects.create, code="ZZ", name="大分類(テスト)", major=None, bit=None)


@pytest.mark.parametrize("model", [OccupationGroup, IndustryGroup], ids=["occupation", "industry"])
def test_a_medium_group_has_no_bit_position(model):
    major = model.objects.filter(major=None).first()

    assert refused(model.objects.create, code="ZZ9", name="中分類(テスト)", major=major, bit=60)
    model.objects.create(code="ZZ9", name="中分類(テスト)", major=major, bit=None)
    assert model.objects.get(code="ZZ9").major_bit == major.bit


@pytest.mark.parametrize("model", [OccupationGroup, IndustryGroup], ids=["occupation", "industry"])
def test_bit_positions_are_unique(model):
    taken = model.objects.filter(major=None).first().bit

    assert refused(model.objects.create, code="ZZ", name="大分類(テスト)", major=None, bit=taken)


@pytest.mark.parametrize("model", [OccupationGroup, IndustryGroup], ids=["occupation", "industry"])
def test_the_shipped_major_groups_fit_in_a_bigint(model):
    bits = list(model.objects.filter(major=None).values_list("bit", flat=True))

    assert bits
    assert sorted(bits) == list(range(len(bits)))
    assert max(bits) < 63


def test_the_47_prefectures_are_loaded_with_jis_codes():
    assert Prefecture.objects.count() == 47
    assert Prefecture.objects.get(code="13").name == "東京都"
    assert Prefecture.objects.get(code="01").name == "北海道"
    assert Prefecture.objects.get(code="47").name == "沖縄県"


def test_prefecture_names_are_unique():
    assert refused(Prefecture.objects.create, code="48", name="東京都")


def test_qualification_names_are_unique():
    existing = Qualification.objects.first()

    assert refused(Qualification.objects.create, code="ZZZZ", name=existing.name)
