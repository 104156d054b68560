"""Staff compliance screens in /admin/ (SPEC rules 18–21): the complaint queue with the conversation beside
it, violations and their evidence export (CSV, printable), sanctions and who may issue them (groups
窓口職員 and 労働局 監督), the organisation's history, the monthly 利用状況の報告, and the audit trail."""

import csv
import io
import re
from datetime import date, datetime

import pytest

from accounts.models import AuditEvent
from compliance import services
from compliance.models import Complaint, CorrectionRequest, DeletionRequest, Suspension, Violation
from compliance.tests.factories import (
    ComplaintFactory,
    DeletionRequestFactory,
    SuspensionFactory,
    ViolationFactory,
    staff_in,
)
from conftest import jst
from messaging.models import Message
from messaging.tests.factories import ConversationFactory, MessageFactory
from organizations.models import Organization
from organizations.tests.factories import OrganizationFactory
from seekers import services as seeker_services
from seekers.tests.factories import JobApplicationFactory, SeekerAccountFactory
from tests.pages import field_error, login, page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa")]

TODAY = date(2026, 11, 26)
REPEAT_HINT = "12か月以内に確認済みの違反が他にもあります(利用解除の検討)"
NEEDS_CONFIRMED = "利用停止・利用解除は、違反と確認された事案にのみ行えます。"


@pytest.fixture(autouse=True)
def now(time_machine):
    """10:00 JST on the SPEC's example day, which the report months and due dates below are written for."""
    time_machine.move_to(jst(TODAY, 10))


def result_rows(html: str) -> list[str]:
    """The rows of an admin changelist's result table, as text."""
    table = re.search(r'<table id="result_list">(.*?)</table>', html, re.S)
    body = re.search(r"<tbody>(.*?)</tbody>", table.group(1), re.S) if table else None
    rows = re.findall(r"<tr.*?>(.*?)</tr>", body.group(1), re.S) if body else []
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows]


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff"), "no BOM: spreadsheet software would misread the Japanese"
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def complaint_for(org_name: str, status: str = Complaint.Status.RECEIVED) -> Complaint:
    conversation = ConversationFactory(organization=OrganizationFactory(name=org_name))
    MessageFactory(conversation=conversation, body=f"{org_name}からの案内本文")
    return ComplaintFactory(conversation=conversation, status=status)


# --- the complaint queue (SPEC rule 21) -------------------------------------------------------------------


def test_the_complaint_queue_filters_by_status(staff_client):
    complaint_for("受付商事", Complaint.Status.RECEIVED)
    complaint_for("調査人材", Complaint.Status.INVESTIGATING)
    complaint_for("対応済サービス", Complaint.Status.DONE)

    everything = result_rows(page(staff_client.get("/admin/compliance/complaint/")))
    investigating = result_rows(page(staff_client.get("/admin/compliance/complaint/?status__exact=investigating")))

    assert len(everything) == 3
    [row] = investigating
    assert "調査人材" in row
    assert "調査中" in row


def test_the_complaint_page_shows_the_conversation_read_only(staff_client):
    complaint = complaint_for("広告送信株式会社")
    MessageFactory(conversation=complaint.conversation, reply=True, body="この広告は何ですか。")

    response = staff_client.get(f"/admin/compliance/complaint/{complaint.pk}/change/")

    assert response.status_code == 200
    html = page(response)
    assert "やりとり(閲覧のみ)" in html
    thread = re.search(r'<ol class="evidence-thread">(.*?)</ol>', html, re.S).group(1)
    assert "広告送信株式会社からの案内本文" in thread
    assert "この広告は何ですか。" in thread
    assert "2026年11月26日 10:00" in thread  # Japan time
    assert 'name="conversation"' not in html
    assert 'name="body"' not in html
    assert 'name="status"' in html


def test_changing_the_status_is_audited(staff_client, staff):
    complaint = complaint_for("苦情対象社")

    response = staff_client.post(f"/admin/compliance/complaint/{complaint.pk}/change/",
                                 {"status": "investigating", "staff_note": "利用団体に照会中"})

    assert response.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.status, complaint.staff_note) == ("investigating", "利用団体に照会中")
    [event] = AuditEvent.objects.filter(verb="complaint.status")
    assert (event.actor, event.target_id) == (staff, str(complaint.pk))
    assert (event.data["before"], event.data["after"]) == ("received", "investigating")


def test_staff_cannot_add_a_complaint(staff_client):
    assert staff_client.get("/admin/compliance/complaint/add/").status_code == 403


# --- violations and the evidence export (SPEC rule 19) ----------------------------------------------------


def test_recording_a_violation_through_the_admin_form(staff_client, staff):
    complaint = complaint_for("派遣勧誘社")
    conversation = complaint.conversation

    response = staff_client.post("/admin/compliance/violation/add/", {
        "organization": complaint.organization_id, "category": "dispatch_push", "occurred_on": "2026-11-20",
        "description": "派遣労働者としての登録を繰り返し勧めた。", "confirmed": "on",
        "complaints": str(complaint.pk), "conversations": str(conversation.pk), "deletion_request": "",
    })

    assert response.status_code == 302
    violation = Violation.objects.get()
    assert violation.recorded_by == staff
    assert violation.get_category_display() == "利用規約違反: 派遣労働者としての登録の働きかけ"
    assert list(violation.complaints.all()) == [complaint]
    assert list(violation.conversations.all()) == [conversation]
    [event] = AuditEvent.objects.filter(verb="violation.record")
    assert (event.actor, event.target_type, event.target_id) == (staff, "compliance.Violation", str(violation.pk))
    assert event.data == {"category": "dispatch_push", "confirmed": True}


def test_another_organisations_conversation_is_refused_as_evidence_at_the_field(staff_client):
    ours = complaint_for("派遣勧誘社")
    theirs = ConversationFactory(organization=OrganizationFactory(name="無関係社"))

    response = staff_client.post("/admin/compliance/violation/add/", {
        "organization": ours.organization_id, "category": "dispatch_push", "occurred_on": "2026-11-20",
        "description": "派遣労働者としての登録を繰り返し勧めた。", "complaints": str(ours.pk),
        "conversations": str(theirs.pk), "deletion_request": "",
    })

    assert response.status_code == 200
    html = page(response)
    assert field_error(html, "conversations") == "証拠には、この利用団体のものだけを選べます。"
    assert "派遣労働者としての登録を繰り返し勧めた。" in html  # what staff typed is still there
    assert not Violation.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="violation.").exists()


def test_confirming_a_violation_in_the_admin_is_audited(staff_client, staff):
    violation = ViolationFactory(confirmed=False)

    response = staff_client.post(f"/admin/compliance/violation/{violation.pk}/change/", {
        "organization": violation.organization_id, "category": violation.category, "occurred_on": "2026-11-26",
        # No complaint or conversation chosen: a select sends nothing.
        "description": violation.description, "confirmed": "on", "deletion_request": "",
    })

    assert response.status_code == 302
    violation.refresh_from_db()
    assert violation.confirmed
    [event] = AuditEvent.objects.filter(verb="violation.update")
    assert (event.actor, event.target_id, event.data["changed"]) == (staff, str(violation.pk), ["confirmed"])


def test_every_category_of_the_leaflet_can_be_recorded(staff_client):
    choices = re.findall(r'<option value="(\w+)"', page(staff_client.get("/admin/compliance/violation/add/")))

    assert set(choices) >= {
        "refused_application", "third_party", "advertising", "dispatch_push", "paid_without_consent",
        "unfair_acquisition", "no_deletion_notice",
    }


@pytest.fixture
def evidence():
    """A violation whose evidence is one conversation (linked directly) and a complaint's conversation."""
    organization = OrganizationFactory(name="証拠株式会社")
    direct = ConversationFactory(organization=organization)
    MessageFactory(conversation=direct, subject="ご案内", body="介護職の求人です。")
    MessageFactory(conversation=direct, reply=True, subject="+1", body='=HYPERLINK("http://x")')
    MessageFactory(conversation=direct, reply=True, subject="-1", body="@x")
    via_complaint = ConversationFactory(organization=organization)
    MessageFactory(conversation=via_complaint, subject="健康食品のご案内", body="今なら半額です。")
    complaint = ComplaintFactory(conversation=via_complaint)
    return ViolationFactory(organization=organization, confirmed=True, conversations=[direct],
                            complaints=[complaint])


def test_the_evidence_csv_has_every_message_with_its_time_and_no_formulas(staff_client, staff, evidence):
    response = staff_client.get(f"/admin/compliance/violation/{evidence.pk}/evidence.csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="evidence-{evidence.pk}.csv"'
    header, *rows = read_csv(response)
    assert header == ["やりとりID", "日時", "送信元", "種類", "件名", "本文", "必須記載事項"]
    messages = Message.objects.order_by("conversation_id", "created_at", "id")
    assert len(rows) == messages.count() == 4
    for row, message in zip(rows, messages, strict=True):
        assert row[0] == str(message.conversation_id)
        assert datetime.fromisoformat(row[1]) == message.created_at
    cells = {cell for row in rows for cell in row}
    assert {"'=HYPERLINK(\"http://x\")", "'+1", "'-1", "'@x", "今なら半額です。", "介護職の求人です。"} <= cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert rows[0][2:4] == ["利用団体", "案内"]
    assert "2025年度 紹介就職件数" in rows[0][6]  # the disclosures as sent with the first guidance
    [event] = AuditEvent.objects.filter(verb="evidence.export")
    assert (event.actor, event.target_id) == (staff, str(evidence.pk))


def test_the_printable_evidence_lists_the_messages(staff_client, evidence):
    response = staff_client.get(f"/admin/compliance/violation/{evidence.pk}/evidence/")

    assert response.status_code == 200
    html = page(response)
    assert "証拠株式会社" in html
    assert "利用規約違反: 職業紹介と無関係な広告" in html
    for text in ("介護職の求人です。", "今なら半額です。", "健康食品のご案内", "=HYPERLINK(&quot;http://x&quot;)"):
        assert text in html, text
    assert len(re.findall(r"<tr><td>", html)) == 4


def test_the_printable_evidence_shows_japan_time(staff_client, evidence):
    html = page(staff_client.get(f"/admin/compliance/violation/{evidence.pk}/evidence/"))

    rows = re.findall(r"<tr><td>.*?</tr>", html, re.S)
    assert len(rows) == 4
    for row in rows:  # every message was sent at 10:00 JST (01:00 UTC)
        assert re.search(r"2026[/-]11[/-]26[ T]10:00", row), row
        assert "+00:00" not in row


def test_the_evidence_export_is_refused_to_non_staff(client, agency_member, evidence):
    client.force_login(agency_member)

    response = client.get(f"/admin/compliance/violation/{evidence.pk}/evidence.csv")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert "HYPERLINK" not in page(response)
    assert not AuditEvent.objects.filter(verb="evidence.export").exists()


# --- the organisation's history and the repeat hint (SPEC rule 20) ---------------------------------------


def test_the_history_page_lists_everything_and_hints_at_a_repeat(staff_client):
    org = OrganizationFactory(name="再犯人材株式会社")
    first = ViolationFactory(organization=org, confirmed=True, occurred_on=date(2026, 3, 10),
                             category=Violation.Category.ADVERTISING)
    ViolationFactory(organization=org, confirmed=True, occurred_on=date(2026, 11, 2),
                     category=Violation.Category.PAID_WITHOUT_CONSENT)
    SuspensionFactory(violation=first, starts_on=date(2026, 4, 1), ends_on=date(2026, 4, 30),
                      reason="広告の送信による利用停止")
    CorrectionRequest.objects.create(violation=first, organization=org, issued_on=date(2026, 3, 15),
                                     due_on=date(2026, 3, 31), content="広告の送信をやめてください。")
    complaint = ComplaintFactory(conversation=ConversationFactory(organization=org), body="有料サービスの説明がなかった")
    quiet = OrganizationFactory(name="初回人材株式会社")
    ViolationFactory(organization=quiet, confirmed=True, occurred_on=date(2026, 11, 2))

    html = page(staff_client.get(f"/admin/compliance/violation/history/{org.pk}/"))
    other = page(staff_client.get(f"/admin/compliance/violation/history/{quiet.pk}/"))

    assert "再犯人材株式会社" in html
    assert "2026/03/10 利用規約違反: 職業紹介と無関係な広告 [確認済み]" in html
    assert "2026/11/02 利用規約違反: 事前の説明・承諾なしの有料サービス [確認済み]" in html
    assert html.count(REPEAT_HINT) == 2
    assert "2026/04/01〜2026/04/30 広告の送信による利用停止" in html
    assert "2026/03/15(回答期限 2026/03/31) 広告の送信をやめてください。 — 未回答" in html
    assert f"{complaint.created_at:%Y/%m/%d} 受付 有料サービスの説明がなかった" in html
    assert REPEAT_HINT not in other
    assert "広告の送信による利用停止" not in other


def test_the_violation_list_shows_the_repeat_hint(staff_client):
    org = OrganizationFactory(name="一覧確認社")
    ViolationFactory(organization=org, confirmed=True, occurred_on=date(2026, 6, 1))
    ViolationFactory(organization=org, confirmed=True, occurred_on=date(2026, 11, 1))

    rows = result_rows(page(staff_client.get("/admin/compliance/violation/")))

    assert len(rows) == 2
    assert all(REPEAT_HINT in row for row in rows)


# --- deletion requests past their deadline appear as candidates (SPEC rule 18) -----------------------------


def test_overdue_deletion_requests_appear_to_staff_as_candidates(staff_client):
    late = DeletionRequestFactory(conversation=ConversationFactory(organization=OrganizationFactory(name="期限切れ社")),
                                  overdue=True)
    DeletionRequestFactory(conversation=ConversationFactory(organization=OrganizationFactory(name="期限内社")))
    services.deletion_overdue_flag()

    rows = result_rows(page(staff_client.get("/admin/compliance/deletionrequest/?state=overdue")))

    [row] = rows
    assert "期限切れ社" in row
    assert DeletionRequest.objects.get(pk=late.pk).overdue_flagged_at is not None


# --- 利用状況の報告 -----------------------------------------------------------------------------------------

COLUMNS = ["利用団体", "案内メッセージ", "返信", "求職申込み希望", "辞退", "ブロック", "削除・廃棄の依頼", "依頼への回答",
           "苦情申出"]


def at(time_machine, year, month, day, hour, minute):
    time_machine.move_to(jst(date(year, month, day), hour, minute))


@pytest.fixture
def two_months(time_machine):
    """October and November 2026 for two organisations; the month edges are Japanese midnights."""
    a = OrganizationFactory(name="Ａ人材サービス")
    b = OrganizationFactory(name="Ｂ就職支援センター", municipality=True)
    s1, s2, s3 = (SeekerAccountFactory() for _ in range(3))
    a1, a2, a3 = (ConversationFactory(organization=a, account=s) for s in (s1, s2, s3))
    b1, b2 = (ConversationFactory(organization=b, account=s) for s in (s1, s2))

    at(time_machine, 2026, 10, 15, 10, 0)  # October: one of each for A
    MessageFactory(conversation=a1)
    MessageFactory(conversation=a1, reply=True)
    seeker_services.block_add(actor=None, account=s3, organization_id=b.pk)
    october_request = services.deletion_request_create(actor=s1.user, account=s1, organization_id=a1.organization_id)
    services.complaint_file(actor=s1.user, account=s1, conversation=a1, body="十月の苦情")
    at(time_machine, 2026, 10, 31, 23, 50)  # still October in Japan (14:50 UTC)
    MessageFactory(conversation=b1)

    at(time_machine, 2026, 11, 1, 0, 5)  # already November in Japan (31 October in UTC)
    MessageFactory(conversation=a2)
    at(time_machine, 2026, 11, 20, 10, 0)
    MessageFactory(conversation=a3)
    MessageFactory(conversation=a1, reply=True)
    MessageFactory(conversation=a2, apply=True)
    MessageFactory(conversation=a3, reply=True, kind=Message.Kind.DECLINE, subject="辞退します")
    seeker_services.block_add(actor=None, account=s1, organization_id=a.pk)
    services.deletion_request_create(actor=s2.user, account=s2, organization_id=a2.organization_id)
    services.deletion_request_answer(actor=None, organization=a, request_id=october_request.pk,
                                     disposed_on=date(2026, 11, 19), note="削除しました。")
    services.complaint_file(actor=s3.user, account=s3, conversation=a3, body="十一月の苦情")
    MessageFactory(conversation=b1)
    MessageFactory(conversation=b2)
    MessageFactory(conversation=b1, reply=True)

    at(time_machine, 2026, 12, 1, 0, 5)  # December in Japan (30 November in UTC)
    MessageFactory(conversation=b2)
    MessageFactory(conversation=b2, reply=True)
    at(time_machine, 2026, 12, 2, 10, 0)
    return a, b


NOVEMBER = {
    "Ａ人材サービス": ["2", "3", "1", "1", "1", "1", "1", "1"],
    "Ｂ就職支援センター": ["2", "1", "0", "0", "0", "0", "0", "0"],
}
OCTOBER = {
    "Ａ人材サービス": ["1", "1", "0", "0", "0", "1", "0", "1"],
    "Ｂ就職支援センター": ["1", "0", "0", "0", "1", "0", "0", "0"],
}


def report_table(html: str) -> tuple[list[str], dict[str, list[str]]]:
    """The report's own table (the admin's navigation sidebar has tables too)."""
    [table] = [t for t in re.findall(r"<table>(.*?)</table>", html, re.S) if '<th scope="col">利用団体</th>' in t]
    header = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r'<th scope="col">(.*?)</th>', table)]
    body = re.search(r"<tbody>(.*?)</tbody>", table, re.S).group(1)
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        name, *values = re.findall(r"<td>(.*?)</td>", row, re.S)
        rows[name] = values
    return header, rows


@pytest.mark.parametrize(("month", "expected"), [("2026-11", NOVEMBER), ("2026-10", OCTOBER)])
def test_the_usage_report_counts_one_month_per_organisation(two_months, staff, month, expected):
    staff_client = login(staff)  # after the clock moved, so the session has not expired

    response = staff_client.get(f"/admin/compliance/violation/report/?month={month}")

    assert response.status_code == 200
    header, rows = report_table(page(response))
    assert header == COLUMNS
    assert rows == expected


def test_the_usage_report_csv_matches_the_page(two_months, staff):
    staff_client = login(staff)
    html = page(staff_client.get("/admin/compliance/violation/report/?month=2026-11"))
    response = staff_client.get("/admin/compliance/violation/report/?month=2026-11&format=csv")

    assert response["Content-Disposition"] == 'attachment; filename="usage-2026-11.csv"'
    header, *rows = read_csv(response)
    assert header == COLUMNS
    assert {name: values for name, *values in rows} == NOVEMBER == report_table(html)[1]


def test_the_usage_report_csv_escapes_formula_names(staff_client):
    OrganizationFactory(name="=1+2 人材")

    [_header, row] = read_csv(staff_client.get("/admin/compliance/violation/report/?month=2026-11&format=csv"))

    assert row[0] == "'=1+2 人材"


# --- who may sanction in admin (migration 0002) -----------------------------------------------------------


def test_counter_staff_cannot_open_or_post_the_suspension_form(agency):
    client = login(staff_in("窓口職員"))
    violation = ViolationFactory(organization=agency, confirmed=True)

    assert client.get("/admin/compliance/suspension/add/").status_code == 403
    response = client.post("/admin/compliance/suspension/add/", {
        "violation": violation.pk, "starts_on": "2026-11-26", "ends_on": "2026-12-02", "reason": "広告",
    })

    assert response.status_code == 403
    assert not Suspension.objects.exists()
    assert Organization.objects.get(pk=agency.pk).status() == Organization.Status.ACTIVE
    assert client.get("/admin/compliance/revocation/add/").status_code == 403
    assert client.get("/admin/compliance/correctionrequest/add/").status_code == 403


def test_a_supervisor_suspends_an_organisation_through_the_admin(agency):
    supervisor = staff_in("労働局 監督")
    client = login(supervisor)
    violation = ViolationFactory(organization=agency, confirmed=True)
    assert client.get("/admin/compliance/suspension/add/").status_code == 200

    response = client.post("/admin/compliance/suspension/add/", {
        "violation": violation.pk, "starts_on": "2026-11-26", "ends_on": "2026-12-02",
        "reason": "是正要請に応じなかったため",
    })

    assert response.status_code == 302
    suspension = Suspension.objects.get()
    assert (suspension.organization, suspension.created_by) == (agency, supervisor)
    org = Organization.objects.get(pk=agency.pk)
    assert (org.suspended_from, org.suspended_until) == (date(2026, 11, 26), date(2026, 12, 2))
    assert org.status() != Organization.Status.ACTIVE
    assert AuditEvent.objects.get(verb="sanction.suspend").actor == supervisor
    assert AuditEvent.objects.get(verb="organization.sanction_state").target_id == str(agency.pk)


def test_a_suspension_for_an_unconfirmed_violation_is_refused_at_the_field(staff_client, agency):
    violation = ViolationFactory(organization=agency, confirmed=False)

    response = staff_client.post("/admin/compliance/suspension/add/", {
        "violation": violation.pk, "starts_on": "2026-11-26", "ends_on": "2026-12-02", "reason": "広告",
    })

    assert response.status_code == 200
    html = page(response)
    assert field_error(html, "violation") == NEEDS_CONFIRMED
    # The violation is chosen in a lookup (a select), whose error is tied to it.
    assert re.search(r'<select[^>]*name="violation"[^>]*aria-describedby="[^"]*id_violation_error', html) or \
        re.search(r'<select[^>]*aria-describedby="[^"]*id_violation_error[^"]*"[^>]*name="violation"', html)
    assert not Suspension.objects.exists()
    assert Organization.objects.get(pk=agency.pk).status() == Organization.Status.ACTIVE


def test_a_suspension_that_ends_before_it_starts_is_refused_at_the_field(staff_client, agency):
    violation = ViolationFactory(organization=agency, confirmed=True)

    response = staff_client.post("/admin/compliance/suspension/add/", {
        "violation": violation.pk, "starts_on": "2026-11-26", "ends_on": "2026-11-25", "reason": "広告",
    })

    assert response.status_code == 200
    assert field_error(page(response), "ends_on") == "終了日は開始日以降にしてください。"
    assert not Suspension.objects.exists()


def test_revoking_a_revoked_organisation_again_is_refused_at_the_field(staff_client, staff, agency):
    services.organization_revoke(actor=staff, violation=ViolationFactory(organization=agency, confirmed=True),
                                 reason="悪質な違反")
    again = ViolationFactory(organization=agency, confirmed=True)

    response = staff_client.post("/admin/compliance/revocation/add/", {"violation": again.pk, "reason": "再度"})

    assert response.status_code == 200
    assert field_error(page(response), "violation") == "この利用団体はすでに利用解除されています。"
    assert AuditEvent.objects.filter(verb="sanction.revoke").count() == 1


def test_a_correction_due_in_the_past_is_refused_at_the_field(staff_client, agency):
    violation = ViolationFactory(organization=agency, confirmed=True)

    response = staff_client.post("/admin/compliance/correctionrequest/add/", {
        "violation": violation.pk, "due_on": "2026-11-25", "content": "是正してください。",
    })

    assert response.status_code == 200
    assert field_error(page(response), "due_on")
    assert not CorrectionRequest.objects.exists()


def test_a_supervisor_records_the_organisations_answer_to_a_correction_request(agency):
    supervisor = staff_in("労働局 監督")
    client = login(supervisor)
    correction = services.correction_request_issue(
        actor=supervisor, violation=ViolationFactory(organization=agency, confirmed=True),
        due_on=date(2026, 12, 10), content="広告の送信をやめてください。")

    response = client.post(f"/admin/compliance/correctionrequest/{correction.pk}/change/",
                           {"answer": "送信を停止し、社内研修を行いました。", "answered_on": "2026-12-01"})

    assert response.status_code == 302
    correction.refresh_from_db()
    assert (correction.answer, correction.answered_on) == ("送信を停止し、社内研修を行いました。", date(2026, 12, 1))
    assert correction.content == "広告の送信をやめてください。"
    assert AuditEvent.objects.get(verb="sanction.correction_answer").actor == supervisor


def test_an_answer_dated_before_the_request_is_refused_at_the_field(agency):
    supervisor = staff_in("労働局 監督")
    client = login(supervisor)
    correction = services.correction_request_issue(
        actor=supervisor, violation=ViolationFactory(organization=agency, confirmed=True),
        due_on=date(2026, 12, 10), content="広告の送信をやめてください。")

    response = client.post(f"/admin/compliance/correctionrequest/{correction.pk}/change/",
                           {"answer": "送信を停止しました。", "answered_on": "2026-11-01"})

    assert response.status_code == 200
    html = page(response)
    assert field_error(html, "answered_on") == "回答日は要請日以降の日付にしてください。"
    assert "送信を停止しました。" in html
    correction.refresh_from_db()
    assert (correction.answer, correction.answered_on) == ("", None)
    assert not AuditEvent.objects.filter(verb="sanction.correction_answer").exists()


# --- the audit trail ---------------------------------------------------------------------------------------


def test_the_audit_trail_is_read_only(staff_client):
    complaint = complaint_for("監査対象社")
    services.complaint_set_status(actor=None, complaint=complaint, status=Complaint.Status.DONE)
    event = AuditEvent.objects.get(verb="complaint.status")

    listing = staff_client.get("/admin/accounts/auditevent/")
    detail = staff_client.get(f"/admin/accounts/auditevent/{event.pk}/change/")
    add = staff_client.get("/admin/accounts/auditevent/add/")
    change = staff_client.post(f"/admin/accounts/auditevent/{event.pk}/change/", {"verb": "forged"})
    delete = staff_client.post(f"/admin/accounts/auditevent/{event.pk}/delete/", {"post": "yes"})

    assert "complaint.status" in page(listing)
    assert detail.status_code == 200
    assert "complaint.status" in page(detail)
    assert 'name="verb"' not in page(detail)
    assert add.status_code == 403
    assert change.status_code == 403
    assert delete.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).verb == "complaint.status"


def test_opening_a_job_application_records_the_identity_view(staff_client, staff):
    application = JobApplicationFactory(identity__name="鰐淵 緑子")

    response = staff_client.get(f"/admin/seekers/jobapplication/{application.pk}/change/")

    assert response.status_code == 200
    assert "鰐淵 緑子" in page(response)
    [event] = AuditEvent.objects.filter(verb="identity.view")
    assert (event.actor, event.target_type, event.target_id) == (staff, "seekers.JobApplication",
                                                                 str(application.pk))
