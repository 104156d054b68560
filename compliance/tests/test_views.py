"""Compliance pages (SPEC rules 18, 20, 21): the seeker's 苦情申出 and 削除・廃棄の依頼, the organisation's
answer to a deletion request, and the authorization matrix of every organisation URL for suspended
and revoked organisations (leaflet: 一定期間、利用団体のサービス利用を停止 / 利用を解除)."""

import re
from datetime import date, timedelta

import pytest

from accounts.tests.factories import DEFAULT_PASSWORD
from compliance import services
from compliance.models import Complaint, DeletionRequest, Suspension
from compliance.tests.factories import DeletionRequestFactory, ViolationFactory
from conftest import jst
from messaging.models import Message
from messaging.tests.factories import ConversationFactory, MessageFactory
from messaging.tests.helpers import public_id
from organizations.models import Organization
from seekers.models import ApplicantIdentity
from tests.pages import field_error, login, page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa")]

TODAY = date(2026, 11, 26)
REQUIRED = "このフィールドは必須です。"
INVALID_CHOICE = "正しく選択してください。選択したものは候補にありません。"
FUTURE_DISPOSAL = "削除・廃棄した日に未来の日付は入力できません。"
REVOKED_PAGE = "サービスの利用を解除されました"
REVOKED_LOGIN = "この利用団体はサービスの利用を解除されているため、ログインできません。"
# OrganizationFactory(suspended=True) is suspended from 2000-01-01 to 2099-12-31.
SUSPENDED_PAGE = "2000年1月1日 から 2099年12月31日 まで、サービスの利用を停止されています"


@pytest.fixture(autouse=True)
def now(time_machine):
    """10:00 JST on the SPEC's example day, which the dates and deadlines on the pages below are written for."""
    time_machine.move_to(jst(TODAY, 10))


def is_anonymous(client) -> bool:
    return "_auth_user_id" not in client.session


@pytest.fixture
def conversation(agency, account):
    """The agency's guidance to the seeker."""
    conversation = ConversationFactory(organization=agency, account=account)
    MessageFactory(conversation=conversation, body="介護職の求人をご紹介します。")
    return conversation


@pytest.fixture
def others_conversation(municipality, other_seeker):
    conversation = ConversationFactory(organization=municipality, account=other_seeker.seeker_account)
    MessageFactory(conversation=conversation)
    return conversation




# --- 苦情申出 (seeker) ------------------------------------------------------------------------------


def test_a_seeker_files_a_complaint_and_sees_its_status(seeker_client, account, agency, conversation,
                                                         others_conversation, municipality):
    form = seeker_client.get("/seekers/complaints/new/")
    assert form.status_code == 200
    assert f"{agency.name} とのやりとり(2026年11月26日〜)" in page(form)
    assert municipality.name not in page(form)  # another seeker's conversation is not offered

    response = seeker_client.post("/seekers/complaints/new/", {
        "conversation": conversation.pk, "body": "自社の健康食品の広告が送られてきました。",
    }, follow=True)

    assert response.redirect_chain == [("/seekers/complaints/", 302)]
    complaint = Complaint.objects.get()
    assert (complaint.account, complaint.organization, complaint.conversation) == (account, agency, conversation)
    assert complaint.body == "自社の健康食品の広告が送られてきました。"
    html = page(response)
    assert "苦情申出を受け付けました。" in html
    row = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    assert agency.name in row
    assert "<td>受付</td>" in row


def test_a_forged_conversation_id_is_a_form_error(seeker_client, conversation, others_conversation):
    response = seeker_client.post("/seekers/complaints/new/", {
        "conversation": others_conversation.pk, "body": "他人のやりとりについての苦情",
    })

    assert response.status_code == 200
    assert field_error(page(response), "conversation") == INVALID_CHOICE
    assert not Complaint.objects.exists()


def test_an_empty_complaint_is_refused_at_the_field(seeker_client, conversation):
    response = seeker_client.post("/seekers/complaints/new/", {"conversation": conversation.pk, "body": ""})

    assert response.status_code == 200
    html = page(response)
    assert field_error(html, "body") == REQUIRED
    assert 'aria-describedby="id_body_helptext id_body_error"' in html
    assert not Complaint.objects.exists()


def test_the_complaint_list_shows_only_the_seekers_own(seeker_client, seeker, other_seeker, conversation,
                                                       others_conversation, municipality):
    services.complaint_file(actor=other_seeker, account=other_seeker.seeker_account,
                            conversation=others_conversation, body="別の人の苦情")

    response = seeker_client.get("/seekers/complaints/")

    assert response.status_code == 200
    assert "申し出た苦情はありません。" in page(response)
    assert municipality.name not in page(response)


# --- 削除・廃棄の依頼 (seeker and organisation) ---------------------------------------------------------


def test_a_seeker_asks_for_deletion_and_sees_the_answer(seeker_client, member_client, agency, conversation):
    before = seeker_client.get("/seekers/deletion-requests/")
    confirm_url = f"/seekers/deletion-requests/{conversation.organization_id}/confirm/"
    assert f'href="{confirm_url}">{agency.name} に削除・廃棄を依頼する</a>' in page(before)
    assert seeker_client.get(confirm_url).status_code == 200

    response = seeker_client.post("/seekers/deletion-requests/", {"organization": conversation.organization_id, "confirm": "on"},
                                  follow=True)

    assert response.redirect_chain == [("/seekers/deletion-requests/", 302)]
    assert "依頼済み(回答期限 2026年12月10日)" in page(response)
    assert f"{agency.name} に削除・廃棄を依頼する" not in page(response)
    request = DeletionRequest.objects.get()

    answered = member_client.post(f"/orgs/deletion-requests/{request.pk}/answer/", {
        "disposed_on": "2026-11-26", "note": "求職情報の記録を削除しました。",
    })
    assert answered.status_code == 302

    after = page(seeker_client.get("/seekers/deletion-requests/"))
    assert "2026年11月26日 に削除・廃棄済み" in after
    assert "求職情報の記録を削除しました。" in after
    assert "依頼済み" not in after


def test_a_seeker_cannot_ask_about_another_seekers_conversation(seeker_client, conversation, others_conversation):
    response = seeker_client.post("/seekers/deletion-requests/",
                                  {"organization": others_conversation.organization_id, "confirm": "on"})

    assert response.status_code == 404
    assert not DeletionRequest.objects.exists()


SEEKER_PAGES = ["/seekers/complaints/", "/seekers/complaints/new/", "/seekers/deletion-requests/"]


def test_anonymous_visitors_are_sent_to_login(client, conversation):
    for url in SEEKER_PAGES + ["/orgs/deletion-requests/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"/accounts/login/?next={url}", url
    assert client.post("/seekers/deletion-requests/", {"organization": conversation.organization_id, "confirm": "on"}
                       ).status_code == 302
    assert not DeletionRequest.objects.exists()


def test_an_anonymous_answer_is_sent_to_login_and_changes_nothing(client, conversation):
    request = DeletionRequestFactory(conversation=conversation)
    url = f"/orgs/deletion-requests/{request.pk}/answer/"

    response = client.post(url, {"disposed_on": "2026-11-26", "note": "削除しました。"})

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"
    request.refresh_from_db()
    assert request.answered_at is None
    assert request.conversation.org_access_ended_at is None


def test_the_seeker_pages_are_forbidden_to_members(member_client, conversation):
    for url in SEEKER_PAGES:
        assert member_client.get(url).status_code == 403, url
    response = member_client.post("/seekers/complaints/new/", {"conversation": conversation.pk, "body": "x"})
    assert response.status_code == 403
    assert not Complaint.objects.exists()


def test_the_organisation_pages_are_forbidden_to_seekers(seeker_client, conversation):
    request = DeletionRequestFactory(conversation=conversation)

    assert seeker_client.get("/orgs/deletion-requests/").status_code == 403
    response = seeker_client.post(f"/orgs/deletion-requests/{request.pk}/answer/",
                                  {"disposed_on": "2026-11-26", "note": "削除"})
    assert response.status_code == 403
    assert DeletionRequest.objects.get().answered_at is None


def test_every_page_is_forbidden_to_staff(staff_client, conversation):
    request = DeletionRequestFactory(conversation=conversation)

    for url in SEEKER_PAGES + ["/orgs/deletion-requests/"]:
        assert staff_client.get(url).status_code == 403, url
    response = staff_client.post(f"/orgs/deletion-requests/{request.pk}/answer/",
                                 {"disposed_on": "2026-11-26", "note": "削除"})
    assert response.status_code == 403
    assert DeletionRequest.objects.get().answered_at is None


def test_the_organisation_sees_the_request_by_public_id_only(member_client, account, conversation):
    ApplicantIdentity.objects.filter(application=account.application).update(
        name="鰐淵 緑子", name_kana="ワニブチ ミドリコ", phone="090-1234-5678", email="wanibuchi@example.jp")
    DeletionRequestFactory(conversation=conversation)

    response = member_client.get("/orgs/deletion-requests/")

    assert response.status_code == 200
    html = page(response)
    assert f"求職者 {public_id(account)}(2026年11月26日 依頼)" in html
    assert "回答期限: 2026年12月10日" in html
    for secret in ("鰐淵", "ワニブチ", "090-1234-5678", "wanibuchi@example.jp", account.user.username,
                   account.user.email, account.application.kyushoku_number):
        assert secret not in html, secret


def test_the_organisation_does_not_see_another_organisations_requests(member_client, others_conversation):
    DeletionRequestFactory(conversation=others_conversation)

    response = member_client.get("/orgs/deletion-requests/")

    assert "削除・廃棄の依頼はありません。" in page(response)
    assert public_id(others_conversation.account) not in page(response)


def test_answering_ends_the_organisations_access_to_the_conversation(member_client, account, conversation):
    request = DeletionRequestFactory(conversation=conversation)
    assert member_client.get(f"/orgs/messages/{conversation.pk}/").status_code == 200

    response = member_client.post(f"/orgs/deletion-requests/{request.pk}/answer/", {
        "disposed_on": "2026-11-25", "note": "紙の記録をシュレッダーで廃棄しました。",
    }, follow=True)

    assert response.redirect_chain == [("/orgs/deletion-requests/", 302)]
    assert "2026年11月25日 に削除・廃棄済みと回答しました。" in page(response)
    request.refresh_from_db()
    assert request.disposed_on == date(2026, 11, 25)
    assert member_client.get(f"/orgs/messages/{conversation.pk}/").status_code == 404
    assert public_id(account) not in page(member_client.get("/orgs/messages/"))
    reply = member_client.post(f"/orgs/messages/{conversation.pk}/",
                               {"kind": "answer", "subject": "追伸", "body": "まだ送れますか"})
    assert reply.status_code == 404
    assert not Message.objects.filter(subject="追伸").exists()


def test_answering_another_organisations_request_is_a_404(member_client, others_conversation):
    request = DeletionRequestFactory(conversation=others_conversation)

    response = member_client.post(f"/orgs/deletion-requests/{request.pk}/answer/",
                                  {"disposed_on": "2026-11-26", "note": "削除しました。"})

    assert response.status_code == 404
    request.refresh_from_db()
    assert request.answered_at is None
    assert request.conversation.org_access_ended_at is None


def test_an_answer_without_a_date_is_refused_at_the_field(member_client, conversation):
    request = DeletionRequestFactory(conversation=conversation)

    response = member_client.post(f"/orgs/deletion-requests/{request.pk}/answer/",
                                  {"disposed_on": "", "note": "削除しました。"})

    assert response.status_code == 200
    assert field_error(page(response), "disposed_on") == REQUIRED
    assert DeletionRequest.objects.get().answered_at is None


def test_an_answer_with_a_future_date_is_refused_at_the_field(member_client, conversation):
    request = DeletionRequestFactory(conversation=conversation)

    response = member_client.post(f"/orgs/deletion-requests/{request.pk}/answer/",
                                  {"disposed_on": "2026-11-27", "note": "明日削除します。"})

    assert response.status_code == 200
    assert field_error(page(response), "disposed_on") == FUTURE_DISPOSAL
    assert DeletionRequest.objects.get().answered_at is None
    assert member_client.get(f"/orgs/messages/{conversation.pk}/").status_code == 200


# --- the authorization matrix: every organisation URL, suspended and revoked ----------------------------

ORG_PAGES = [
    ("get", "/orgs/seekers/"),
    ("get", "/orgs/seekers/{public_id}/"),
    ("get", "/orgs/seekers/{public_id}/guide/"),
    ("post", "/orgs/seekers/{public_id}/guide/"),
    ("get", "/orgs/messages/"),
    ("get", "/orgs/messages/{conversation}/"),
    ("post", "/orgs/messages/{conversation}/"),
    ("get", "/orgs/deletion-requests/"),
    ("post", "/orgs/deletion-requests/{request}/answer/"),
]
PAGE_IDS = [f"{method} {url}" for method, url in ORG_PAGES]
# What a suspension leaves open (SPEC rules 18, 20): the deletion requests and their answers.
DELETION_PAGES = ORG_PAGES[-2:]
CLOSED_WHILE_SUSPENDED = ORG_PAGES[:-2]


def org_world(member, account) -> dict:
    """The member's organisation's own conversation with the seeker and a deletion request in it, so that
    a refusal cannot be a 404 in disguise."""
    organization = Organization.objects.get(pk=member.membership.organization_id)
    conversation = ConversationFactory(organization=organization, account=account)
    MessageFactory(conversation=conversation)
    MessageFactory(conversation=conversation, reply=True)
    request = DeletionRequestFactory(conversation=conversation)
    return {"organization": organization, "public_id": public_id(account), "conversation": conversation.pk,
            "request": request.pk}


def hit(client, method: str, url: str, world: dict):
    url = url.format(**world)
    if method == "get":
        return client.get(url)
    if url.endswith("/guide/"):
        data = {"subject": "介護職のご案内", "body": "求人をご紹介できます。"}
    elif url.endswith("/answer/"):
        data = {"disposed_on": "2026-11-26", "note": "削除しました。"}
    else:
        data = {"kind": "answer", "subject": "ご質問への回答", "body": "夜勤はありません。"}
    return client.post(url, data)


def nothing_changed(world: dict) -> bool:
    return (
        Message.objects.count() == 2
        and DeletionRequest.objects.get(pk=world["request"]).answered_at is None
    )


@pytest.mark.parametrize(("method", "url"), ORG_PAGES, ids=PAGE_IDS)
def test_an_active_organisations_member_can_use_every_page(agency_member, account, method, url):
    """The baseline of the matrix: the same requests succeed for an approved, unsanctioned organisation."""
    world = org_world(agency_member, account)

    response = hit(login(agency_member), method, url, world)

    assert response.status_code == (200 if method == "get" else 302)


@pytest.mark.parametrize(("method", "url"), CLOSED_WHILE_SUSPENDED, ids=PAGE_IDS[:-2])
def test_a_suspended_organisations_member_is_refused_with_the_period(suspended_member, account, method, url):
    world = org_world(suspended_member, account)
    client = login(suspended_member)

    response = hit(client, method, url, world)

    assert response.status_code == 403
    assert SUSPENDED_PAGE in page(response)
    assert "介護職" not in page(response)  # nothing of the profile or the thread
    assert nothing_changed(world)


@pytest.mark.parametrize(("method", "url"), DELETION_PAGES, ids=PAGE_IDS[-2:])
def test_a_suspended_organisation_still_answers_deletion_requests(suspended_member, account, method, url):
    """The one thing a suspension leaves open, and the page says so."""
    world = org_world(suspended_member, account)
    client = login(suspended_member)

    response = hit(client, method, url, world)

    if method == "get":
        assert response.status_code == 200
        html = page(response)
        assert "サービスの利用を停止されています。" in html
        assert "削除・廃棄の依頼への回答はこの画面でできます" in html
        assert 'action="/orgs/deletion-requests/' in html
        assert DeletionRequest.objects.get(pk=world["request"]).answered_at is None
    else:
        assert response.status_code == 302
        assert DeletionRequest.objects.get(pk=world["request"]).answered_at is not None


def test_the_suspension_page_points_to_the_deletion_requests(suspended_member, account):
    world = org_world(suspended_member, account)

    html = page(hit(login(suspended_member), "get", "/orgs/messages/", world))

    assert "削除・廃棄の依頼への回答は、利用停止中もできます" in html
    assert 'href="/orgs/deletion-requests/"' in html


@pytest.mark.parametrize(("method", "url"), ORG_PAGES, ids=PAGE_IDS)
def test_a_revoked_organisations_member_is_refused_and_logged_out(revoked_member, account, method, url):
    world = org_world(revoked_member, account)
    client = login(revoked_member)

    response = hit(client, method, url, world)

    assert response.status_code == 403
    assert REVOKED_PAGE in page(response)
    assert nothing_changed(world)
    assert is_anonymous(client)
    following = client.get("/orgs/messages/")
    assert following.status_code == 302
    assert following["Location"] == "/accounts/login/?next=/orgs/messages/"


def test_a_suspension_bites_on_the_very_next_request(member_client, supervisor, agency, account, conversation):
    assert member_client.get(f"/orgs/messages/{conversation.pk}/").status_code == 200
    violation = ViolationFactory(organization=agency, confirmed=True)

    services.organization_suspend(actor=supervisor, violation=violation, starts_on=TODAY,
                                  ends_on=TODAY + timedelta(days=6), reason="広告の送信")

    response = member_client.post(f"/orgs/messages/{conversation.pk}/",
                                  {"kind": "answer", "subject": "回答", "body": "お答えします。"})
    assert response.status_code == 403
    assert "2026年11月26日 から 2026年12月2日 まで、サービスの利用を停止されています" in page(response)
    assert not Message.objects.filter(kind="answer").exists()
    assert member_client.get("/orgs/seekers/").status_code == 403


def test_a_revocation_logs_the_member_out_and_login_is_refused(member_client, supervisor, agency, agency_member,
                                                               conversation):
    assert member_client.get("/orgs/messages/").status_code == 200
    services.organization_revoke(actor=supervisor, violation=ViolationFactory(organization=agency, confirmed=True),
                                 reason="悪質な違反")

    response = member_client.get("/orgs/messages/")

    assert response.status_code == 403
    assert REVOKED_PAGE in page(response)
    assert is_anonymous(member_client)
    again = member_client.post("/accounts/login/", {"login": agency_member.email, "password": DEFAULT_PASSWORD},
                               follow=True)
    assert REVOKED_LOGIN in page(again)
    assert is_anonymous(member_client)


def test_a_revoked_member_cannot_log_in(client, revoked_member):
    response = client.post("/accounts/login/", {"login": revoked_member.email, "password": DEFAULT_PASSWORD},
                           follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/login/"
    assert REVOKED_LOGIN in page(response)
    assert is_anonymous(client)
    assert client.get("/orgs/messages/").status_code == 302


def test_access_comes_back_after_the_last_day_without_any_job(time_machine, supervisor, agency, agency_member,
                                                              conversation):
    violation = ViolationFactory(organization=agency, confirmed=True)
    suspension = services.organization_suspend(actor=supervisor, violation=violation, starts_on=date(2026, 11, 20),
                                               ends_on=date(2026, 11, 26), reason="広告の送信")
    time_machine.move_to(jst(TODAY, 23, 59, 50))
    client = login(agency_member)
    assert client.get("/orgs/messages/").status_code == 403  # the last day is still suspended

    time_machine.move_to(jst(TODAY + timedelta(days=1), 0, 0, 10))

    assert client.get("/orgs/messages/").status_code == 200
    assert client.get(f"/orgs/messages/{conversation.pk}/").status_code == 200
    assert client.get("/orgs/seekers/").status_code == 200
    assert Suspension.objects.get(pk=suspension.pk).ended_processed_at is None  # no job has run
    assert Organization.objects.get(pk=agency.pk).suspended_until == date(2026, 11, 26)
