"""SPEC rule 23 outside the admin's lists: the offices file, the approval and sanction services'
refusals, complaints routed to the seeker's office, and the seeker's pages naming their office."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from compliance import services as compliance_services
from compliance.models import Complaint, Suspension
from compliance.tests.factories import ViolationFactory
from messaging.tests.factories import ConversationFactory
from organizations import services
from organizations.jurisdiction import staff_reach
from organizations.models import Office, Organization, Prefecture, StaffPost
from organizations.reference_data import DATA_DIR, load_offices, read_rows
from organizations.tests.factories import OfficeFactory, OrganizationFactory, staff_with_post
from seekers.tests.factories import JobApplicationFactory, SeekerAccountFactory

pytestmark = pytest.mark.django_db

OFFICES_FILE = DATA_DIR / "offices.csv"


# --- the offices file ------------------------------------------------------------------------------


def test_the_offices_file_names_its_official_source_and_its_count():
    head = [line for line in OFFICES_FILE.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    assert head[0].startswith("# 出典: 厚生労働省「全国ハローワークの所在案内」")
    assert "https://www.mhlw.go.jp/kouseiroudoushou/shozaiannai/roudoukyoku/" in head[0]
    [declared] = [int(m[1]) for line in head if (m := re.match(r"# 件数: (\d+)$", line))]
    assert declared == len(read_rows("offices.csv"))


def test_every_office_row_has_a_five_digit_code_a_prefecture_and_a_name():
    rows = read_rows("offices.csv")
    codes = [row["code"] for row in rows]
    assert len(codes) == len(set(codes))
    prefectures = {row["code"] for row in read_rows("prefectures.csv")}
    for row in rows:
        assert re.fullmatch(r"\d{5}", row["code"]), row
        assert row["prefecture_code"] in prefectures, row
        assert row["name"].startswith("ハローワーク") or row["name"].endswith("公共職業安定所"), row


def test_the_migration_loaded_every_row_of_the_file():
    assert set(Office.objects.values_list("code", flat=True)) >= {r["code"] for r in read_rows("offices.csv")}


def test_the_loader_reads_rows_into_offices(tmp_path, monkeypatch):
    from django.apps import apps

    (tmp_path / "offices.csv").write_text(
        "# 出典: test\ncode,prefecture_code,name,address,phone\n"
        "99001,13,ハローワークテスト,東京都千代田区1-1,03-1111-2222\n", encoding="utf-8")
    monkeypatch.setattr("organizations.reference_data.DATA_DIR", tmp_path)

    load_offices(apps)

    office = Office.objects.get(code="99001")
    assert (office.name, office.prefecture_id, office.phone) == ("ハローワークテスト", "13", "03-1111-2222")


def test_there_is_one_labour_bureau_per_prefecture():
    names = [p.labour_bureau_name for p in Prefecture.objects.all()]
    assert len(set(names)) == 47
    assert {"北海道労働局", "東京労働局", "大阪労働局", "京都労働局", "沖縄労働局"} <= set(names)


# --- reach ------------------------------------------------------------------------------------------


def test_reach_of_each_kind_of_post():
    OfficeFactory(code="13010"), OfficeFactory(code="13020"), OfficeFactory(code="27010")
    office = staff_with_post(StaffPost.Level.OFFICE, office="13010")
    bureau = staff_with_post(StaffPost.Level.BUREAU, bureau="13", group="労働局 監督")
    national = staff_with_post(StaffPost.Level.NATIONAL)

    assert staff_reach(office).office_codes == ("13010",)
    assert set(staff_reach(bureau).office_codes) == {"13010", "13020"}
    assert staff_reach(national).national
    assert staff_reach(office).includes_number("13010-00000001")
    assert not staff_reach(office).includes_number("13020-00000001")


# --- approval and sanctions refused in the service --------------------------------------------------


def test_a_bureau_approves_its_own_organisations_only():
    osaka = staff_with_post(StaffPost.Level.BUREAU, bureau="27", group="労働局 監督")
    tokyo_org = OrganizationFactory(unapproved=True, bureau_id="13")

    with pytest.raises(PermissionDenied):
        services.organization_approve(actor=osaka, organization=tokyo_org)

    tokyo_org.refresh_from_db()
    assert tokyo_org.approved_on is None
    assert not AuditEvent.objects.filter(verb="organization.approve").exists()


def test_approval_needs_a_bureau():
    national = staff_with_post(StaffPost.Level.NATIONAL, group="労働局 監督")
    org = OrganizationFactory(unapproved=True, bureau_id=None)

    with pytest.raises(ValidationError) as refused:
        services.organization_approve(actor=national, organization=org)

    assert "bureau" in refused.value.message_dict


def test_office_staff_approve_nothing():
    counter = staff_with_post(StaffPost.Level.OFFICE, office="13010")
    org = OrganizationFactory(unapproved=True, bureau_id="13")

    with pytest.raises(PermissionDenied):
        services.organization_approve(actor=counter, organization=org)


def test_a_bureau_cannot_move_an_organisation_to_another_bureau():
    tokyo = staff_with_post(StaffPost.Level.BUREAU, bureau="13", group="労働局 監督")
    org = OrganizationFactory(bureau_id="13")
    org.bureau_id = "27"

    with pytest.raises(ValidationError) as refused:
        services.organization_save(actor=tokyo, organization=org)

    assert "bureau" in refused.value.message_dict
    assert Organization.objects.get(pk=org.pk).bureau_id == "13"


@pytest.mark.parametrize("sanction", ["correction", "suspend", "revoke"])
def test_a_bureau_sanctioning_another_bureaus_organisation_is_refused(sanction):
    osaka = staff_with_post(StaffPost.Level.BUREAU, bureau="27", group="労働局 監督")
    violation = ViolationFactory(organization=OrganizationFactory(bureau_id="13"), confirmed=True)
    today = timezone.localdate()
    call = {
        "correction": lambda: compliance_services.correction_request_issue(
            actor=osaka, violation=violation, due_on=today + timedelta(days=14), content="是正を求めます"),
        "suspend": lambda: compliance_services.organization_suspend(
            actor=osaka, violation=violation, starts_on=today, ends_on=today + timedelta(days=6), reason="違反"),
        "revoke": lambda: compliance_services.organization_revoke(actor=osaka, violation=violation, reason="違反"),
    }[sanction]

    with pytest.raises(PermissionDenied, match="管轄外"):
        call()

    organization = Organization.objects.get(pk=violation.organization_id)
    assert (organization.suspended_from, organization.revoked_at) == (None, None)
    assert not AuditEvent.objects.filter(verb__startswith="sanction.").exists()


def test_the_own_bureau_sanctions():
    tokyo = staff_with_post(StaffPost.Level.BUREAU, bureau="13", group="労働局 監督")
    violation = ViolationFactory(organization=OrganizationFactory(bureau_id="13"), confirmed=True)
    today = timezone.localdate()

    compliance_services.organization_suspend(actor=tokyo, violation=violation, starts_on=today,
                                             ends_on=today + timedelta(days=6), reason="違反")

    assert Suspension.objects.filter(organization_id=violation.organization_id).exists()


def test_another_bureau_cannot_end_or_correct_a_suspension_nor_move_an_approvals_end():
    tokyo = staff_with_post(StaffPost.Level.BUREAU, bureau="13", group="労働局 監督")
    osaka = staff_with_post(StaffPost.Level.BUREAU, bureau="27", group="労働局 監督")
    violation = ViolationFactory(organization=OrganizationFactory(bureau_id="13"), confirmed=True)
    today = timezone.localdate()
    suspension = compliance_services.organization_suspend(
        actor=tokyo, violation=violation, starts_on=today - timedelta(days=2), ends_on=today + timedelta(days=6),
        reason="違反")

    with pytest.raises(PermissionDenied, match="管轄外"):
        compliance_services.suspension_end_early(actor=osaka, suspension=suspension, reason="是正を確認")
    with pytest.raises(PermissionDenied, match="管轄外"):
        compliance_services.suspension_change(actor=osaka, suspension=suspension, starts_on=suspension.starts_on,
                                              ends_on=today + timedelta(days=1), reason="期間の訂正")
    organization = Organization.objects.get(pk=violation.organization_id)
    with pytest.raises(PermissionDenied, match="管轄外"):
        services.organization_approval_until_set(actor=osaka, organization=organization,
                                                 approval_until=organization.approval_until + timedelta(days=30))

    assert Suspension.objects.get(pk=suspension.pk).ends_on == today + timedelta(days=6)
    assert Organization.objects.get(pk=organization.pk).approval_until == organization.approval_until
    compliance_services.suspension_end_early(actor=tokyo, suspension=suspension, reason="是正を確認")
    assert Suspension.objects.get(pk=suspension.pk).ends_on == today - timedelta(days=1)


# --- complaints go to the seeker's office; the seeker's pages name it -----------------------------


def test_a_complaint_is_routed_to_the_seekers_office():
    account = SeekerAccountFactory(application=JobApplicationFactory(kyushoku_number="27010-00000042"))
    conversation = ConversationFactory(account=account)

    complaint = compliance_services.complaint_file(actor=account.user, account=account,
                                                   conversation=conversation, body="不適切な勧誘")

    assert Complaint.objects.get(pk=complaint.pk).office_code == "27010"


def test_the_seekers_pages_name_their_office_and_its_phone(client):
    OfficeFactory(code="13010", name="ハローワーク千代田テスト", phone="03-1234-5678")
    account = SeekerAccountFactory(application=JobApplicationFactory(kyushoku_number="13010-00000077"))
    client.force_login(account.user)

    home = client.get(reverse("seekers_seekers:home")).content.decode()
    complaints = client.get(reverse("compliance_seekers:complaints")).content.decode()

    for page in (home, complaints):
        assert "ハローワーク千代田テスト" in page
        assert "03-1234-5678" in page


def test_an_office_not_in_the_table_leaves_the_line_generic(client):
    account = SeekerAccountFactory(application=JobApplicationFactory(kyushoku_number="47990-00000001"))
    client.force_login(account.user)

    page = client.get(reverse("compliance_seekers:complaints")).content.decode()

    assert page.count("office-contact") == 0
    assert "ハローワークに苦情を申し出る" in page


def test_an_office_cannot_enter_another_offices_number():
    from seekers.models import ApplicantIdentity, JobApplication, Profile
    from seekers.services import application_save

    counter = staff_with_post(StaffPost.Level.OFFICE, office="13010")
    application = JobApplication(kyushoku_number="13020-00000009", applied_on=timezone.localdate(),
                                 opt_in="yes", provision=1)

    with pytest.raises(ValidationError) as refused:
        application_save(actor=counter, application=application,
                         identity=ApplicantIdentity(name="山田 太郎", name_kana="ヤマダ タロウ"),
                         profile=Profile(desired_job="事務"))

    assert "kyushoku_number" in refused.value.message_dict
    assert not JobApplication.objects.filter(kyushoku_number="13020-00000009").exists()
