"""辞退の確認 at /seekers/messages/<id>/decline/ (SPEC rule 8; issue item 2): the page shows the text that
will be sent, editable and checked as a reply is, and says what 辞退 does before anything happens; only
its POST declines. The owner-only rule and who may open it."""

import pytest

from messaging.models import Conversation, Message
from messaging.tests.helpers import CLOSED, MAX_LENGTH_ERROR, textarea
from seekers import services as seeker_services
from seekers.models import Block
from tests.pages import field_error, login, page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa")]

DEFAULT_SUBJECT = "辞退します"
DEFAULT_BODY = "ご案内ありがとうございました。今回は辞退させていただきます。"


def url(message) -> str:
    return f"/seekers/messages/{message.pk}/decline/"


def declines():
    return Message.objects.filter(kind=Message.Kind.DECLINE)


def test_the_confirmation_shows_the_text_and_what_declining_does(seeker_client, agency, guidance):
    response = seeker_client.get(url(guidance))

    assert response.status_code == 200
    html = page(response)
    assert f"{agency.name} への辞退" in html
    assert "この操作は取り消せません。" in html
    assert "これ以降メッセージを送れなくなります" in html
    assert f'value="{DEFAULT_SUBJECT}"' in html
    assert textarea(html, "body") == DEFAULT_BODY
    assert "辞退を送信する(取り消せません)" in html
    assert f'href="/seekers/messages/{guidance.pk}/">やめる(メッセージに戻る)</a>' in html
    # Looking is not declining.
    assert Conversation.objects.get().declined_at is None
    assert not declines().exists()


def test_declining_with_the_text_as_shown_closes_the_conversation_on_both_sides(
    seeker_client, member_client, guidance
):
    response = seeker_client.post(url(guidance), {"subject": DEFAULT_SUBJECT, "body": DEFAULT_BODY})

    assert response.status_code == 302
    assert response["Location"] == f"/seekers/messages/{guidance.pk}/"
    seeker_page = page(seeker_client.get(response["Location"]))
    assert "辞退を送信しました。このやりとりは終了しました。" in seeker_page
    assert "このやりとりは辞退により終了しています。" in seeker_page
    assert "返信を送信する" not in seeker_page
    assert "/decline/" not in seeker_page
    [sent] = declines()
    assert (sent.subject, sent.body) == (DEFAULT_SUBJECT, DEFAULT_BODY)
    org_url = f"/orgs/messages/{guidance.conversation_id}/"
    org_page = page(member_client.get(org_url))
    assert CLOSED in org_page
    assert DEFAULT_BODY in org_page
    assert 'name="body"' not in org_page
    member_client.post(org_url, {"kind": "answer", "subject": "再度のご案内", "body": "ご検討ください。"})
    assert list(Message.objects.values_list("kind", flat=True)) == ["guidance", "decline"]


def test_the_seeker_may_rewrite_the_text(seeker_client, member_client, guidance):
    response = seeker_client.post(url(guidance), {"subject": "今回は見送ります", "body": "別の職種を探すことにしました。"})

    assert response.status_code == 302
    [sent] = declines()
    assert (sent.subject, sent.body) == ("今回は見送ります", "別の職種を探すことにしました。")
    assert "別の職種を探すことにしました。" in page(member_client.get(f"/orgs/messages/{guidance.conversation_id}/"))


def test_a_decline_text_that_looks_identifying_asks_for_confirmation(seeker_client, guidance):
    data = {"subject": DEFAULT_SUBJECT, "body": "今後は 090-1234-5678 にご連絡ください。"}

    response = seeker_client.post(url(guidance), data)

    assert response.status_code == 200
    html = page(response)
    assert "電話番号" in html
    assert "個人を特定できる情報の可能性があります" in field_error(html, "confirm_pii")
    assert textarea(html, "body") == data["body"]
    assert not declines().exists()
    assert Conversation.objects.get().declined_at is None

    response = seeker_client.post(url(guidance), {**data, "confirm_pii": "on"})

    assert response.status_code == 302
    assert declines().get().body == data["body"]


def test_an_over_long_text_is_refused_at_the_field_and_kept(seeker_client, guidance):
    response = seeker_client.post(url(guidance), {"subject": DEFAULT_SUBJECT, "body": "あ" * 10_001})

    assert response.status_code == 200
    assert field_error(page(response), "body") == MAX_LENGTH_ERROR
    assert textarea(page(response), "body") == "あ" * 10_001
    assert not declines().exists()


@pytest.mark.parametrize("blank", ["subject", "body"])
def test_a_blank_subject_or_body_is_refused(seeker_client, guidance, blank):
    data = {"subject": DEFAULT_SUBJECT, "body": DEFAULT_BODY, blank: ""}

    response = seeker_client.post(url(guidance), data)

    assert response.status_code == 200
    assert field_error(page(response), blank)
    assert not declines().exists()


def test_a_declined_conversation_says_so_and_cannot_be_declined_again(seeker_client, guidance):
    seeker_client.post(url(guidance), {"subject": DEFAULT_SUBJECT, "body": DEFAULT_BODY})

    html = page(seeker_client.get(url(guidance)))
    response = seeker_client.post(url(guidance), {"subject": "二度目", "body": DEFAULT_BODY})

    assert "このやりとりは辞退により終了しています。" in html
    assert 'name="body"' not in html
    assert response.status_code == 200
    assert "このやりとりは辞退により終了しています。" in page(response)
    assert declines().count() == 1


def test_a_stopped_seeker_is_told_why_and_cannot_decline(seeker_client, account, guidance):
    seeker_services.seeker_stop(actor=account.user, account=account)

    html = page(seeker_client.get(url(guidance)))
    response = seeker_client.post(url(guidance), {"subject": DEFAULT_SUBJECT, "body": DEFAULT_BODY})

    assert "アカウント利用停止中のため、メッセージは送信できません。" in html
    assert 'name="body"' not in html
    assert response.status_code == 200
    assert "アカウント利用停止中のため、メッセージは送信できません。" in page(response)
    assert not declines().exists()


def test_declining_is_not_blocking(seeker_client, account, guidance):
    seeker_client.post(url(guidance), {"subject": DEFAULT_SUBJECT, "body": DEFAULT_BODY})

    assert not Block.objects.filter(account=account).exists()


# --- access: owner only, anonymous, wrong role --------------------------------------------------------------


def test_another_seekers_message_is_not_found(other_seeker, guidance):
    intruder = login(other_seeker)

    assert intruder.get(url(guidance)).status_code == 404
    assert intruder.post(url(guidance), {"subject": DEFAULT_SUBJECT, "body": DEFAULT_BODY}).status_code == 404
    assert Conversation.objects.get().declined_at is None
    assert not declines().exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client, guidance):
    response = client.get(url(guidance))

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url(guidance)}"
    response = client.post(url(guidance), {"subject": DEFAULT_SUBJECT, "body": DEFAULT_BODY})
    assert response.status_code == 302
    assert Conversation.objects.get().declined_at is None


@pytest.mark.parametrize("who", ["agency_member", "municipality_member", "staff"])
def test_the_confirmation_is_forbidden_to_other_roles(request, guidance, who):
    client = login(request.getfixturevalue(who))

    assert client.get(url(guidance)).status_code == 403
    assert client.post(url(guidance), {"subject": DEFAULT_SUBJECT, "body": DEFAULT_BODY}).status_code == 403
    assert Conversation.objects.get().declined_at is None
