"""Staff approve 利用団体 and record what they handle in the admin (SPEC: Actors, rules 7 and 12). The form
posts are built from the rendered page, as a browser without JavaScript would send them."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from conftest import jst
from organizations.models import IndustryGroup, Member, OccupationGroup, Organization, Qualification
from organizations.tests.factories import MemberFactory, OrganizationFactory
from tests.pages import AdminPage, field_error, with_totp

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 26)

DISCLOSURE_ERROR = "労働局の承諾には、この項目(最初の案内メッセージの必須記載事項)の入力が必要です。"
PERMIT_ERROR = "民間職業紹介事業者等の承諾には許可・届出番号が必要です。"
SUB_KIND_ERROR = "細分は地方自治体等のみ選べます。"


@pytest.fixture(autouse=True)
def today(time_machine):
    """The day the approval dates below are written against (2026-11-27 is in the future)."""
    time_machine.move_to(jst(TODAY, 10))
    return TODAY


def add_url():
    return reverse("admin:organizations_organization_add")


def changelist_url():
    return reverse("admin:organizations_organization_changelist")


def change_url(org):
    return reverse("admin:organizations_organization_change", args=[org.pk])


COMPLETE = {
    "name": "株式会社ハローキャリア",
    "kind": "agency",
    "sub_kind": "",
    "permit_number": "13-ユ-312345",
    "bureau": "13",
    "approved_on": "",
    "track_record": "2025年度 紹介就職件数 42件",
    "job_openings": "都内の事務職・介護職 約120件",
    "fees": "求職者からは手数料をいただきません。",
    "privacy_officer": "総務部長 山田太郎",
    "complaints_officer": "業務部長 佐藤花子",
    "contact_procedure": "当社ウェブサイトの応募フォームから面談をご予約ください。",
}


def filled_form(client, url, **values) -> dict[str, list[str]]:
    page = AdminPage(client.get(url).content.decode(), "organization_form")
    data = dict(page.fields)
    for key, value in values.items():
        data[key] = value if isinstance(value, list) else [value]
    return data


# --- who may open the pages -----------------------------------------------------------------------


def first_major(model):
    return model.objects.filter(major=None).order_by("code").first()


@pytest.mark.parametrize(
    ("url_name", "shown"),
    [
        ("admin:organizations_organization_changelist", "org"),
        ("admin:organizations_organization_add", "最初の案内メッセージの必須記載事項"),
        ("admin:organizations_organization_change", "org"),
        ("admin:organizations_member_changelist", "member"),
        ("admin:organizations_member_add", "メールアドレス"),
        ("admin:organizations_member_change", "member"),
        ("admin:organizations_prefecture_changelist", "prefecture"),
        ("admin:organizations_prefecture_add", "都道府県コード"),
        ("admin:organizations_prefecture_change", "prefecture"),
        ("admin:organizations_occupationgroup_changelist", "occupation"),
        ("admin:organizations_occupationgroup_change", "occupation"),
        ("admin:organizations_industrygroup_changelist", "industry"),
        ("admin:organizations_industrygroup_change", "industry"),
        ("admin:organizations_qualification_changelist", "qualification"),
        ("admin:organizations_qualification_add", "免許・資格名"),
        ("admin:organizations_qualification_change", "qualification"),
    ],
)
def test_organisation_and_reference_pages_load_for_staff(staff_client, url_name, shown):
    """`shown` names the object whose text the page must show (its change page opens for it), or is
    a literal text of an add page."""
    org = OrganizationFactory(name="株式会社テスト紹介")
    member = MemberFactory(organization=org, display_name="担当 一郎")
    occupation, industry = first_major(OccupationGroup), first_major(IndustryGroup)
    qualification = Qualification.objects.order_by("code").first()
    objects = {
        "org": (org.pk, org.name),
        "member": (member.pk, "担当 一郎"),
        "prefecture": ("13", "東京都"),
        "occupation": (occupation.pk, occupation.name),
        "industry": (industry.pk, industry.name),
        "qualification": (qualification.pk, qualification.name),
    }
    pk, text = objects.get(shown, (None, shown))
    args = [pk] if url_name.endswith("_change") else []

    response = staff_client.get(reverse(url_name, args=args))

    assert response.status_code == 200
    assert text in response.content.decode()


@pytest.mark.parametrize("who", ["seeker", "agency_member", "anonymous"])
@pytest.mark.parametrize(
    "url_name",
    [
        "admin:organizations_organization_changelist",
        "admin:organizations_organization_change",
        "admin:organizations_member_changelist",
        "admin:organizations_prefecture_changelist",
    ],
)
def test_non_staff_are_sent_to_the_admin_login(request, client, agency, who, url_name):
    user = request.getfixturevalue(who)
    if who == "agency_member":
        with_totp(user)  # past the TOTP requirement, so that the admin's own check is what refuses
    if who != "anonymous":
        client.force_login(user)
    url = reverse(url_name, args=[agency.pk] if url_name.endswith("change") else [])

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert agency.name not in response.content.decode()


def test_a_member_cannot_run_the_approve_action(client, agency_member):
    pending = OrganizationFactory(unapproved=True)
    client.force_login(with_totp(agency_member))

    response = client.post(changelist_url(), {"action": "approve", "_selected_action": [pending.pk]})

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.approved_on is None


# --- the approval rule on the form ----------------------------------------------------------------


def test_saving_approved_with_empty_fees_shows_the_error_at_fees(staff_client):
    data = filled_form(staff_client, add_url(), **{**COMPLETE, "approved_on": "2026-11-26", "fees": ""})

    response = staff_client.post(add_url(), data)

    assert response.status_code == 200
    page = AdminPage(response.content.decode(), "organization_form")
    assert DISCLOSURE_ERROR in page.error_at("id_fees")
    assert page.attrs_by_id["id_fees"].get("aria-invalid") == "true"
    # Only the empty field is marked.
    assert "id_track_record_error" not in page.errors_by_id
    assert not Organization.objects.filter(name="株式会社ハローキャリア").exists()


@pytest.mark.parametrize(
    "field", ["track_record", "job_openings", "privacy_officer", "complaints_officer", "contact_procedure"]
)
def test_each_disclosure_is_required_for_approval(staff_client, field):
    data = filled_form(staff_client, add_url(), **{**COMPLETE, "approved_on": "2026-11-26", field: "   "})

    response = staff_client.post(add_url(), data)

    assert response.status_code == 200
    assert DISCLOSURE_ERROR in AdminPage(response.content.decode(), "organization_form").error_at(f"id_{field}")
    assert not Organization.objects.filter(name="株式会社ハローキャリア").exists()


def test_approved_agency_without_permit_number_shows_the_error_at_the_field(staff_client):
    data = filled_form(staff_client, add_url(), **{**COMPLETE, "approved_on": "2026-11-26", "permit_number": ""})

    response = staff_client.post(add_url(), data)

    assert response.status_code == 200
    assert PERMIT_ERROR in AdminPage(response.content.decode(), "organization_form").error_at("id_permit_number")
    assert not Organization.objects.filter(name="株式会社ハローキャリア").exists()


def test_sub_kind_on_an_agency_shows_the_error_at_the_field(staff_client):
    data = filled_form(staff_client, add_url(), **{**COMPLETE, "sub_kind": "nurse_center"})

    response = staff_client.post(add_url(), data)

    assert response.status_code == 200
    assert SUB_KIND_ERROR in AdminPage(response.content.decode(), "organization_form").error_at("id_sub_kind")
    assert not Organization.objects.filter(name="株式会社ハローキャリア").exists()


def test_an_unapproved_organisation_saves_with_empty_disclosures(staff_client):
    data = filled_form(staff_client, add_url(), name="準備中の団体", kind="agency")

    response = staff_client.post(add_url(), data)

    assert response.status_code == 302
    org = Organization.objects.get(name="準備中の団体")
    assert org.approved_on is None
    assert org.fees == ""


def test_saving_a_complete_approved_organisation_records_who_approved(staff_client, staff):
    data = filled_form(staff_client, add_url(), **{**COMPLETE, "approved_on": "2026-11-20"})

    response = staff_client.post(add_url(), data)

    assert response.status_code == 302
    org = Organization.objects.get(name="株式会社ハローキャリア")
    assert org.approved_on == date(2026, 11, 20)
    assert org.approved_by == staff


def test_approving_through_the_form_is_audited(staff_client, staff):
    data = filled_form(staff_client, add_url(), **{**COMPLETE, "approved_on": "2026-11-20"})

    staff_client.post(add_url(), data)

    event = AuditEvent.objects.get(verb="organization.approve")
    assert event.actor == staff


def test_a_local_government_nurse_center_is_approved_without_permit_number(staff_client):
    values = {**COMPLETE, "name": "東京都ナースセンター", "kind": "local_gov", "sub_kind": "nurse_center",
              "permit_number": "", "approved_on": "2026-11-20"}
    data = filled_form(staff_client, add_url(), **values)

    response = staff_client.post(add_url(), data)

    assert response.status_code == 302
    org = Organization.objects.get(name="東京都ナースセンター")
    assert (org.kind, org.sub_kind, org.approved_on) == ("local_gov", "nurse_center", date(2026, 11, 20))


def test_an_approval_date_in_the_future_is_refused_at_the_field(staff_client):
    data = filled_form(staff_client, add_url(), **{**COMPLETE, "approved_on": "2026-11-27"})

    response = staff_client.post(add_url(), data)

    assert response.status_code == 200
    page = AdminPage(response.content.decode(), "organization_form")
    assert "労働局承諾日に未来の日付は入力できません。" in page.error_at("id_approved_on")
    assert page.fields["fees"] == [COMPLETE["fees"]]  # what staff typed is still there
    assert not Organization.objects.filter(name="株式会社ハローキャリア").exists()
    assert not AuditEvent.objects.exists()


def test_approving_an_existing_organisation_through_its_change_form(staff_client, staff):
    pending = OrganizationFactory(unapproved=True)

    response = staff_client.post(change_url(pending), filled_form(staff_client, change_url(pending),
                                                                  approved_on="2026-11-25"))

    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.approved_on, pending.approved_by) == (date(2026, 11, 25), staff)
    assert AuditEvent.objects.get(verb="organization.approve").target_id == str(pending.pk)


def test_emptying_a_disclosure_of_an_approved_organisation_is_refused_at_the_field(staff_client, agency):
    data = filled_form(staff_client, change_url(agency), fees="", name="改称した団体")

    response = staff_client.post(change_url(agency), data)

    assert response.status_code == 200
    page = AdminPage(response.content.decode(), "organization_form")
    assert DISCLOSURE_ERROR in page.error_at("id_fees")
    assert page.fields["name"] == ["改称した団体"]
    agency.refresh_from_db()
    assert agency.fees
    assert agency.name != "改称した団体"


def test_the_approval_date_is_part_of_the_record_once_approved(staff_client, agency):
    page = AdminPage(staff_client.get(change_url(agency)).content.decode(), "organization_form")
    assert "approved_on" not in page.fields

    response = staff_client.post(change_url(agency), {**page.fields, "approved_on": ["2026-11-20"]})

    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.approved_on == date(2026, 4, 1)
    assert not AuditEvent.objects.filter(verb="organization.approve").exists()


# --- the approve action ---------------------------------------------------------------------------


def test_approve_action_approves_a_complete_organisation(staff_client, staff):
    pending = OrganizationFactory(unapproved=True, name="承諾待ち株式会社")

    response = staff_client.post(
        changelist_url(), {"action": "approve", "_selected_action": [pending.pk]}, follow=True
    )

    assert response.status_code == 200
    assert "1 団体を承諾しました。" in response.content.decode()
    pending.refresh_from_db()
    assert pending.approved_on == TODAY
    assert pending.approved_by == staff
    event = AuditEvent.objects.get(verb="organization.approve")
    assert event.actor == staff
    assert event.target_id == str(pending.pk)
    assert event.data == {"approved_on": "2026-11-26", "approval_until": "2029-11-25"}


@pytest.mark.parametrize(
    "missing", [{"fees": ""}, {"contact_procedure": ""}, {"privacy_officer": "  "}, {"permit_number": ""}]
)
def test_approve_action_refuses_an_incomplete_organisation(staff_client, missing):
    incomplete = OrganizationFactory(unapproved=True, name="記載漏れ株式会社", **missing)

    response = staff_client.post(
        changelist_url(), {"action": "approve", "_selected_action": [incomplete.pk]}, follow=True
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "記載漏れ株式会社 は必須記載事項が未入力のため承諾できません。" in content
    assert "団体を承諾しました" not in content
    incomplete.refresh_from_db()
    assert incomplete.approved_on is None
    assert incomplete.approved_by is None
    assert not AuditEvent.objects.filter(verb="organization.approve").exists()


def test_approve_action_with_a_mixed_selection(staff_client):
    complete = OrganizationFactory(unapproved=True, name="完備株式会社")
    incomplete = OrganizationFactory(unapproved=True, name="未記入株式会社", job_openings="")

    response = staff_client.post(
        changelist_url(), {"action": "approve", "_selected_action": [complete.pk, incomplete.pk]}, follow=True
    )

    content = response.content.decode()
    assert "1 団体を承諾しました。" in content
    assert "未記入株式会社 は必須記載事項が未入力のため承諾できません。" in content
    complete.refresh_from_db()
    incomplete.refresh_from_db()
    assert complete.approved_on == TODAY
    assert incomplete.approved_on is None


def test_approving_again_keeps_the_first_approval(staff_client, staff):
    first_approver = with_totp(type(staff).objects.create(username="kanri2", email="k2@example.jp", role="staff",
                                                          is_staff=True, is_superuser=True))
    org = OrganizationFactory(approved_on=date(2026, 4, 1), approved_by=first_approver)

    staff_client.post(changelist_url(), {"action": "approve", "_selected_action": [org.pk]})

    org.refresh_from_db()
    assert (org.approved_on, org.approved_by) == (date(2026, 4, 1), first_approver)
    assert not AuditEvent.objects.filter(verb="organization.approve").exists()


# --- what the organisation handles ----------------------------------------------------------------


def test_saving_handled_regions_and_occupations_updates_the_bit_sets(staff_client, agency):
    occupation = first_major(OccupationGroup)
    other_occupation = OccupationGroup.objects.filter(major=None).order_by("code")[1]
    industry = first_major(IndustryGroup)
    data = filled_form(
        staff_client,
        change_url(agency),
        regions=["13", "47"],
        occupations=[occupation.pk, other_occupation.pk],
        industries=[industry.pk],
    )

    response = staff_client.post(change_url(agency), data)

    assert response.status_code == 302
    agency.refresh_from_db()
    # 東京都 is JIS code 13 → bit 12; 沖縄県 47 → bit 46.
    assert agency.region_bits == (1 << 12) | (1 << 46)
    assert agency.occupation_bits == (1 << occupation.bit) | (1 << other_occupation.bit)
    assert agency.industry_bits == 1 << industry.bit
    assert set(agency.regions.values_list("code", flat=True)) == {"13", "47"}
    event = AuditEvent.objects.get(verb="organization.set_handled")
    assert event.data["regions"] == ["13", "47"]


def test_clearing_handled_regions_clears_the_bits(staff_client, agency):
    agency.regions.set(["13", "27"])
    staff_client.post(change_url(agency), filled_form(staff_client, change_url(agency)))
    agency.refresh_from_db()
    assert agency.region_bits == (1 << 12) | (1 << 26)

    data = filled_form(staff_client, change_url(agency), regions=[])
    data.pop("regions")
    response = staff_client.post(change_url(agency), data)

    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.region_bits == 0
    assert not agency.regions.exists()


def test_the_occupation_choices_are_major_groups_only(staff_client, agency):
    page = AdminPage(staff_client.get(change_url(agency)).content.decode(), "organization_form")
    medium = OccupationGroup.objects.exclude(major=None).first()

    response = staff_client.post(change_url(agency), {**page.fields, "occupations": [medium.pk]})

    assert response.status_code == 200
    assert AdminPage(response.content.decode(), "organization_form").error_at("id_occupations")
    agency.refresh_from_db()
    assert agency.occupation_bits == 0


# --- search and filters ---------------------------------------------------------------------------


def shown(response) -> set[str]:
    return {org.name for org in response.context["cl"].result_list}


def test_search_by_name_and_permit_number(staff_client):
    OrganizationFactory(name="株式会社さくら人材", permit_number="13-ユ-399001")
    OrganizationFactory(name="もみじキャリア株式会社", permit_number="27-ユ-399002")

    by_name = staff_client.get(changelist_url(), {"q": "さくら"})
    by_permit = staff_client.get(changelist_url(), {"q": "27-ユ-399002"})

    assert shown(by_name) == {"株式会社さくら人材"}
    assert shown(by_permit) == {"もみじキャリア株式会社"}


def test_approval_state_filter(staff_client):
    OrganizationFactory(name="利用中")
    OrganizationFactory(name="承諾待ち", unapproved=True)
    OrganizationFactory(name="停止中", suspended_from=date(2026, 11, 1), suspended_until=date(2026, 12, 31))
    OrganizationFactory(name="停止明け", suspended_from=date(2026, 10, 1), suspended_until=date(2026, 11, 25))
    OrganizationFactory(name="解除済み", revoked=True)

    def state(value):
        return shown(staff_client.get(changelist_url(), {"state": value}))

    assert state("active") == {"利用中", "停止明け"}
    assert state("pending") == {"承諾待ち"}
    assert state("suspended") == {"停止中"}
    assert state("revoked") == {"解除済み"}


def test_member_changelist_lists_each_member_with_its_organisation(staff_client):
    org = OrganizationFactory(name="株式会社メンバー確認")
    MemberFactory(organization=org, display_name="担当 一郎")
    MemberFactory(organization=org, display_name="担当 二郎", role=Member.Role.ADMIN)

    response = staff_client.get(reverse("admin:organizations_member_changelist"), {"q": "メンバー確認"})

    assert response.status_code == 200
    assert {m.display_name for m in response.context["cl"].result_list} == {"担当 一郎", "担当 二郎"}


# --- the approval's end (issue 14) ------------------------------------------------------------------


def test_staff_change_the_approvals_end_on_the_change_form(staff_client, staff, agency):
    data = filled_form(staff_client, change_url(agency), approval_until="2030-03-31")

    response = staff_client.post(change_url(agency), data)

    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.approval_until == date(2030, 3, 31)
    event = AuditEvent.objects.get(verb="organization.approval_until")
    assert (event.actor, event.data["after"]) == (staff, "2030-03-31")


def test_an_end_before_the_approval_is_refused_at_the_field(staff_client, agency):
    data = filled_form(staff_client, change_url(agency), approval_until="2026-03-31")

    response = staff_client.post(change_url(agency), data)

    assert response.status_code == 200
    assert "承諾の有効期限は労働局承諾日以降の日付にしてください。" in field_error(response.content.decode(), "approval_until")
    agency.refresh_from_db()
    assert agency.approval_until == date(2029, 3, 31)


def test_an_unapproved_organisation_has_no_end_to_type(staff_client):
    pending = OrganizationFactory(unapproved=True)

    page = AdminPage(staff_client.get(change_url(pending)).content.decode(), "organization_form")

    assert "approval_until" not in page.fields
