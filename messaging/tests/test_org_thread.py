"""The organisation's thread at /orgs/messages/<id>/ (SPEC rules 13, 16): answering, the procedure
pre-filled after a 求職申込み希望, size limits, a suspension that bites mid-conversation, and the rule
that only the organisation's own members see it."""

import re

import pytest
from django.utils import timezone

from messaging.models import Message
from messaging.tests.helpers import MAX_LENGTH_ERROR, TEN_MB, reply, textarea
from organizations.models import Organization
from organizations.tests.factories import MemberFactory, OrganizationFactory
from tests.pages import field_error, login, page

# Member pages open without TOTP here; the MFA requirement has its own tests (accounts).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa")]


def test_the_organisation_answers_a_question(member_client, seeker_client, account, guidance):
    reply(account, guidance.conversation, subject="勤務時間", body="夜勤はありますか。")
    url = f"/orgs/messages/{guidance.conversation_id}/"
    assert "夜勤はありますか。" in page(member_client.get(url))

    response = member_client.post(url, {"kind": "answer", "subject": "勤務時間について", "body": "夜勤は月4回です。"})

    assert response.status_code == 302
    assert response["Location"] == url
    assert "メッセージを送信しました。" in page(member_client.get(url))
    assert Message.objects.get(kind="answer").body == "夜勤は月4回です。"
    assert "夜勤は月4回です。" in page(seeker_client.get("/seekers/messages/"))


def test_the_organisation_thread_prefills_the_procedure_after_a_request(member_client, agency, account, guidance):
    url = f"/orgs/messages/{guidance.conversation_id}/"
    before = page(member_client.get(url))
    assert agency.contact_procedure not in before
    assert re.search(r'<textarea name="body"[^>]*>\s*</textarea>', before)
    assert re.search(r'value="answer"[^>]*checked', before)

    reply(account, guidance.conversation, kind="apply", subject="申込み希望", body="利用を希望します。")
    html = page(member_client.get(url))

    assert re.search(r'value="procedure"[^>]*checked', html)
    assert re.search(rf'<textarea name="body"[^>]*>\s*{re.escape(agency.contact_procedure)}</textarea>', html)
    assert 'value="求職申込みの手続きについて"' in html
    response = member_client.post(
        url, {"kind": "procedure", "subject": "求職申込みの手続きについて", "body": agency.contact_procedure}
    )
    assert response.status_code == 302
    assert Message.objects.filter(kind="procedure", body=agency.contact_procedure).exists()


def test_the_organisation_cannot_send_the_procedure_before_a_request(member_client, guidance):
    response = member_client.post(
        f"/orgs/messages/{guidance.conversation_id}/", {"kind": "procedure", "subject": "手続き", "body": "電話で"}
    )

    assert response.status_code == 200
    assert "求職申込みの手続きは、求職申込み希望を受けてから送信できます。" in page(response)
    assert not Message.objects.filter(kind="procedure").exists()


def test_a_colleague_in_the_same_organisation_sees_the_conversation(agency, guidance):
    colleague = login(MemberFactory(organization=agency).user)

    assert colleague.get(f"/orgs/messages/{guidance.conversation_id}/").status_code == 200


def test_a_suspension_stops_a_member_in_the_middle_of_a_conversation(member_client, agency, account, guidance):
    reply(account, guidance.conversation)
    today = timezone.localdate()
    Organization.objects.filter(pk=agency.pk).update(suspended_from=today, suspended_until=today)
    url = f"/orgs/messages/{guidance.conversation_id}/"

    response = member_client.post(url, {"kind": "answer", "subject": "回答", "body": "お答えします。"})

    assert response.status_code == 403
    assert "サービスの利用を停止されています" in page(response)
    assert not Message.objects.filter(kind="answer").exists()


# --- size limits --------------------------------------------------------------------------------------------


def test_a_ten_megabyte_answer_is_refused_with_413(member_client, guidance):
    response = member_client.post(
        f"/orgs/messages/{guidance.conversation_id}/", {"kind": "answer", "subject": "件名", "body": "x" * TEN_MB}
    )

    assert response.status_code == 413
    assert Message.objects.count() == 1


def test_an_answer_over_ten_thousand_characters_gets_the_error_at_the_field(member_client, guidance):
    response = member_client.post(
        f"/orgs/messages/{guidance.conversation_id}/", {"kind": "answer", "subject": "件名", "body": "x" * 10_001}
    )

    assert response.status_code == 200
    assert field_error(page(response), "body") == MAX_LENGTH_ERROR
    assert "メッセージを送信しました。" not in page(response)
    assert textarea(page(response), "body") == "x" * 10_001
    assert "maxlength" not in re.search(r"<textarea[^>]*>", page(response)).group(0)
    assert Message.objects.count() == 1


# --- a long thread on a phone (issue item 7) ----------------------------------------------------------------


def test_a_long_message_folds_with_its_first_lines_shown(member_client, account, guidance):
    long_body = "最初の段落です。\n" + "長い本文が続きます。" * 300 + "最後の一文。"
    reply(account, guidance.conversation, subject="長い質問", body=long_body)

    html = page(member_client.get(f"/orgs/messages/{guidance.conversation_id}/"))

    folded = re.search(r'<div class="message-body message-body--folded">(.*?)</details>', html, re.S).group(1)
    head, rest = folded.split("<details", 1)
    assert "最初の段落です。" in head and "最後の一文。" not in head
    assert "続きを表示(残り" in rest and "最後の一文。" in rest
    # The short guidance is shown whole, not folded.
    assert html.count("message-body--folded") == 1
    assert '<div class="message-body">求人をご紹介できます。</div>' in html


def test_jump_links_lead_to_the_newest_message_and_the_form(member_client, account, guidance):
    latest = reply(account, guidance.conversation)

    html = page(member_client.get(f"/orgs/messages/{guidance.conversation_id}/"))

    assert f'<a href="#m{latest.pk}">最新のメッセージへ</a>' in html
    assert f'id="m{latest.pk}"' in html
    assert '<a href="#reply">返信フォームへ</a>' in html
    assert '<section class="card" id="reply"' in html


# --- access: own organisation only, anonymous, wrong role ---------------------------------------------------


def test_another_organisations_conversation_is_not_found(guidance):
    stranger = login(MemberFactory(organization=OrganizationFactory()).user)
    url = f"/orgs/messages/{guidance.conversation_id}/"

    assert stranger.get(url).status_code == 404
    assert stranger.post(url, {"kind": "answer", "subject": "件名", "body": "本文"}).status_code == 404
    assert Message.objects.count() == 1
    assert guidance.conversation.account.application.profile.public_id not in page(stranger.get("/orgs/messages/"))


def test_anonymous_visitors_are_sent_to_the_login_page(client, guidance):
    url = f"/orgs/messages/{guidance.conversation_id}/"

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"
    assert client.post(url, {"kind": "answer", "subject": "件名", "body": "本文"}).status_code == 302
    assert Message.objects.count() == 1


@pytest.mark.parametrize("who", ["seeker", "staff"])
def test_the_thread_is_forbidden_to_other_roles(request, guidance, who):
    client = login(request.getfixturevalue(who))
    url = f"/orgs/messages/{guidance.conversation_id}/"

    response = client.get(url)

    assert response.status_code == 403
    assert "介護職の求人のご案内" not in page(response)
    assert client.post(url, {"kind": "answer", "subject": "件名", "body": "本文"}).status_code == 403
    assert Message.objects.count() == 1
