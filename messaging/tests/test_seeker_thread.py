"""The seeker's thread at /seekers/messages/<id>/ (SPEC rules 8, 14–16; leaflet STEP 3–5): opening marks
it 読了, replies with the PII guard, 辞退 and ブロック, refusals that say why, size limits, and the
owner-only rule."""

import re

import pytest
from django.conf import settings
from django.utils import timezone

from messaging import services
from messaging.models import Conversation, Message
from messaging.tests.factories import DISCLOSURES, disclosures_of
from messaging.tests.helpers import (
    ESCAPED,
    MAX_LENGTH_ERROR,
    SCRIPT,
    TEN_MB,
    guide,
    inbox_rows,
    reply,
    seeker_replies,
    textarea,
)
from organizations.models import Organization
from organizations.services import organization_disclosures_update
from seekers import services as seeker_services
from seekers.models import Block
from tests.pages import field_error, login, page

# Member pages open without TOTP here; the MFA requirement has its own tests (accounts).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa")]


def test_opening_a_message_marks_it_read(seeker_client, guidance):
    assert '<span class="status status--unread">未読</span>' in inbox_rows(page(seeker_client.get("/seekers/messages/")))[0]

    response = seeker_client.get(f"/seekers/messages/{guidance.pk}/")

    assert response.status_code == 200
    assert "介護職の求人のご案内" in page(response)
    [row] = inbox_rows(page(seeker_client.get("/seekers/messages/")))
    assert '<span class="status status--read">読了</span>' in row
    assert "未読" not in row


def test_opening_a_thread_marks_read_the_messages_it_shows_and_says_which_were_new(
    seeker_client, agency_member, account, guidance
):
    seeker_client.get(f"/seekers/messages/{guidance.pk}/")
    later = guide(agency_member, account, subject="続報のご案内")

    inbox = inbox_rows(page(seeker_client.get("/seekers/messages/")))
    html = page(seeker_client.get(f"/seekers/messages/{guidance.pk}/"))  # opened from the older message

    # A new message in an old thread is 未読 in メッセージ一覧 until the thread is opened again.
    assert "続報のご案内" in inbox[0] and '<span class="status status--unread">未読</span>' in inbox[0]
    assert '<span class="status status--read">読了</span>' in inbox[1]
    # The page shows both and marks the one that was unread; both are 読了 now.
    item = re.search(rf'<li class="card thread__item[^"]*" id="m{later.pk}">.*?</li>', html, re.S).group(0)
    assert '<span class="status status--unread">未読</span>' in item
    old = re.search(rf'<li class="card thread__item[^"]*" id="m{guidance.pk}">.*?</li>', html, re.S).group(0)
    assert "未読" not in old
    assert not Message.objects.filter(account=account, sender="org", read_at__isnull=True).exists()


def test_the_thread_shows_the_disclosures_as_sent(seeker_client, agency, agency_member, guidance):
    as_sent = disclosures_of(agency)
    organization_disclosures_update(actor=agency_member, organization=agency,
                                    values={"fees": "求職者から手数料 10万円をいただきます。"})
    Organization.objects.filter(pk=agency.pk).update(name="改称後の名称", privacy_mark=False)

    html = page(seeker_client.get(f"/seekers/messages/{guidance.pk}/"))

    disclosures = re.search(r'<section class="notice" aria-label="利用団体の必須記載事項">(.*?)</section>', html, re.S)
    shown = disclosures.group(1)
    for name in (*DISCLOSURES, "name", "permit_number"):
        assert as_sent[name] in shown, name
    assert "<dt>名称</dt><dd>" + as_sent["name"] in shown
    assert "<dt>許可・届出番号</dt><dd>" + as_sent["permit_number"] in shown
    assert "<dt>プライバシーマーク</dt><dd>取得している</dd>" in shown
    assert "10万円" not in html and "改称後の名称" not in shown


def test_markup_in_subjects_and_bodies_is_shown_as_text(seeker_client, member_client, agency_member, account):
    guidance = guide(agency_member, account, subject=f"件名{SCRIPT}", body=f"本文{SCRIPT}")
    reply(account, guidance.conversation, subject=f"返信{SCRIPT}", body=f"質問{SCRIPT}")

    pages = {
        "seeker inbox": page(seeker_client.get("/seekers/messages/")),
        "seeker thread": page(seeker_client.get(f"/seekers/messages/{guidance.pk}/")),
        "org thread": page(member_client.get(f"/orgs/messages/{guidance.conversation_id}/")),
    }

    for name, html in pages.items():
        assert ESCAPED in html, name
        assert "<script>alert" not in html, name
    assert f"件名{ESCAPED}" in pages["seeker thread"] and f"本文{ESCAPED}" in pages["seeker thread"]
    assert f"返信{ESCAPED}" in pages["org thread"] and f"質問{ESCAPED}" in pages["org thread"]


# --- replies (STEP 3, STEP 5) and the PII guard (SPEC rule 15) ---------------------------------------------


def test_a_question_is_sent_and_the_organisation_sees_it_unread(seeker_client, member_client, guidance):
    response = seeker_client.post(
        f"/seekers/messages/{guidance.pk}/",
        {"action": "reply", "kind": "question", "subject": "勤務時間", "body": "夜勤はありますか。"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/seekers/messages/{guidance.pk}/"
    assert "返信を送信しました。" in page(seeker_client.get(response["Location"]))
    inbox = page(member_client.get("/orgs/messages/"))
    assert "未読の返信" in inbox
    thread = page(member_client.get(f"/orgs/messages/{guidance.conversation_id}/"))
    assert "夜勤はありますか。" in thread
    assert "未読の返信" not in page(member_client.get("/orgs/messages/"))


def test_a_reply_that_looks_like_it_identifies_the_seeker_asks_for_confirmation(seeker_client, guidance):
    data = {"action": "reply", "kind": "question", "subject": "連絡先", "body": "電話は 090-1234-5678 です。"}

    response = seeker_client.post(f"/seekers/messages/{guidance.pk}/", data)

    assert response.status_code == 200
    html = page(response)
    assert "次の情報が含まれている可能性があります" in html
    assert "電話番号" in html
    assert "個人を特定できる情報の可能性があります" in field_error(html, "confirm_pii")
    assert 'name="confirm_pii"' in html
    assert "090-1234-5678" in html  # the text is kept for editing
    assert not seeker_replies().exists()

    response = seeker_client.post(f"/seekers/messages/{guidance.pk}/", {**data, "confirm_pii": "on"})

    assert response.status_code == 302
    assert seeker_replies().get().body == "電話は 090-1234-5678 です。"


def test_a_plain_reply_shows_no_confirmation_box(seeker_client, guidance):
    html = page(seeker_client.get(f"/seekers/messages/{guidance.pk}/"))

    assert 'name="confirm_pii"' not in html
    assert "個人を特定できる情報は書かないでください" in html


def test_asking_to_apply_flags_the_conversation_for_the_organisation(seeker_client, member_client, agency, guidance):
    response = seeker_client.post(
        f"/seekers/messages/{guidance.pk}/",
        {"action": "reply", "kind": "apply", "subject": "申込み希望", "body": "紹介をお願いしたいです。"},
    )

    assert response.status_code == 302
    assert Conversation.objects.get().apply_requested_at is not None
    html = page(member_client.get(f"/orgs/messages/{guidance.conversation_id}/"))
    assert "求職者から求職申込み希望が届いています" in html


def test_a_reply_kind_outside_the_choices_is_refused(seeker_client, guidance):
    response = seeker_client.post(
        f"/seekers/messages/{guidance.pk}/",
        {"action": "reply", "kind": "procedure", "subject": "件名", "body": "本文"},
    )

    assert response.status_code == 200
    assert field_error(page(response), "kind")
    assert not seeker_replies().exists()


def test_a_reply_to_a_suspended_organisation_is_refused_with_a_reason(seeker_client, agency, guidance):
    today = timezone.localdate()
    Organization.objects.filter(pk=agency.pk).update(suspended_from=today, suspended_until=today)

    response = seeker_client.post(
        f"/seekers/messages/{guidance.pk}/",
        {"action": "reply", "kind": "apply", "subject": "申込み希望", "body": "利用を希望します。"},
    )

    assert response.status_code == 200
    assert "この利用団体は現在サービスを利用できないため、返信できません。" in page(response)
    assert not seeker_replies().exists()


def test_a_stopped_seeker_can_read_but_not_reply(seeker_client, account, guidance):
    seeker_services.seeker_stop(actor=account.user, account=account)

    html = page(seeker_client.get(f"/seekers/messages/{guidance.pk}/"))
    response = seeker_client.post(
        f"/seekers/messages/{guidance.pk}/", {"action": "reply", "kind": "question", "subject": "件名", "body": "本文"}
    )

    assert "介護職の求人のご案内" in html
    assert "返信を送信する" not in html
    assert response.status_code == 200
    assert "返信を送信しました。" not in page(response)
    assert not seeker_replies().exists()


@pytest.mark.parametrize(
    ("close", "says"),
    [("stop", "アカウント利用停止中のため、メッセージは送信できません。"),
     ("decline", "辞退したやりとりには返信できません。")],
    ids=["stop", "decline"],
)
def test_a_reply_refused_after_the_thread_closed_says_why(seeker_client, account, guidance, close, says):
    if close == "stop":
        seeker_services.seeker_stop(actor=account.user, account=account)
    else:
        services.seeker_decline(actor=account.user, account=account, conversation=guidance.conversation)

    response = seeker_client.post(
        f"/seekers/messages/{guidance.pk}/", {"action": "reply", "kind": "question", "subject": "件名", "body": "本文"}
    )

    assert says in page(response)
    assert not seeker_replies().filter(kind="question").exists()


def test_a_long_message_folds_and_the_form_is_a_jump_away(seeker_client, agency_member, account):
    first = guide(agency_member, account, body="ご案内の要点です。\n" + "詳しい説明が続きます。" * 400)

    html = page(seeker_client.get(f"/seekers/messages/{first.pk}/"))

    assert '<details class="message-more">' in html
    assert "続きを表示(残り" in html
    assert html.index("ご案内の要点です。") < html.index("<details")
    assert '<a href="#reply">返信フォームへ</a>' in html
    # One message: no need to jump to the newest.
    assert "最新のメッセージへ" not in html


def test_no_jump_to_a_form_that_is_not_there(seeker_client, account, guidance):
    seeker_services.seeker_stop(actor=account.user, account=account)

    html = page(seeker_client.get(f"/seekers/messages/{guidance.pk}/"))

    assert "返信フォームへ" not in html


# --- ブロック from every thread, whatever its state (SPEC rule 8) ----------------------------------------------

BLOCK_LINK = "この利用団体をブロックする</a>"


def _decline(account, guidance):
    services.seeker_decline(actor=account.user, account=account, conversation=guidance.conversation)


def _withdraw(account, guidance):
    """Receive conditions that leave the organisation out: the thread is withdrawn for it."""
    Organization.objects.filter(pk=guidance.organization_id).update(privacy_mark=False)
    seeker_services.conditions_set(actor=account.user, account=account, kinds=[], regions=[], industries=[],
                                   occupations=[], privacy_mark=True)


def _suspend(account, guidance):
    Organization.objects.filter(pk=guidance.organization_id).update(
        suspended_from=timezone.localdate(), suspended_until=timezone.localdate())


@pytest.mark.parametrize("close", [_decline, _withdraw, _suspend], ids=["declined", "withdrawn", "suspended"])
def test_a_closed_thread_still_offers_the_block(seeker_client, account, guidance, close):
    close(account, guidance)

    html = page(seeker_client.get(f"/seekers/messages/{guidance.pk}/"))
    response = seeker_client.post(f"/seekers/messages/{guidance.pk}/block/")

    assert BLOCK_LINK in html
    assert response.status_code == 302
    assert Block.objects.filter(account=account, organization_id=guidance.organization_id).exists()


@pytest.mark.parametrize("state", ["blocked", "revoked", "stopped"])
def test_no_block_is_offered_where_block_add_would_refuse_it(seeker_client, account, guidance, state):
    if state == "blocked":
        seeker_services.block_add(actor=account.user, account=account, organization_id=guidance.organization_id)
    elif state == "revoked":
        Organization.objects.filter(pk=guidance.organization_id).update(revoked_at=timezone.now())
    else:
        seeker_services.seeker_stop(actor=account.user, account=account)

    html = page(seeker_client.get(f"/seekers/messages/{guidance.pk}/"))

    assert BLOCK_LINK not in html


# --- 辞退 and ブロック: only through their confirmation pages (test_seeker_decline.py, test_seeker_block.py) ----


def test_the_thread_links_to_the_confirmations_instead_of_acting(seeker_client, guidance):
    html = page(seeker_client.get(f"/seekers/messages/{guidance.pk}/"))

    assert f'href="/seekers/messages/{guidance.pk}/decline/">辞退する(このやりとりを終了)</a>' in html
    assert f'href="/seekers/messages/{guidance.pk}/block/">この利用団体をブロックする</a>' in html
    assert 'value="decline"' not in html and 'value="block"' not in html


@pytest.mark.parametrize("action", ["decline", "block"])
def test_a_hand_made_post_on_the_thread_only_leads_to_the_confirmation(seeker_client, account, guidance, action):
    response = seeker_client.post(f"/seekers/messages/{guidance.pk}/", {"action": action})

    assert response.status_code == 302
    assert response["Location"] == f"/seekers/messages/{guidance.pk}/{action}/"
    assert Conversation.objects.get().declined_at is None
    assert list(Message.objects.values_list("kind", flat=True)) == ["guidance"]
    assert not Block.objects.filter(account=account).exists()


# --- size limits --------------------------------------------------------------------------------------------


def test_a_ten_megabyte_reply_is_refused_with_413(seeker_client, guidance):
    response = seeker_client.post(
        f"/seekers/messages/{guidance.pk}/", {"action": "reply", "kind": "question", "subject": "件名", "body": "あ" * TEN_MB}
    )

    assert response.status_code == 413
    assert not seeker_replies().exists()


def test_the_reply_body_has_no_maxlength_and_a_counter_for_the_script(seeker_client, guidance):
    html = page(seeker_client.get(f"/seekers/messages/{guidance.pk}/"))

    field = re.search(r"<textarea[^>]*>", html).group(0)
    assert "maxlength" not in field
    assert 'data-char-limit="10000"' in field
    assert '<script src="/static/js/char-count.js" defer></script>' in html


def test_line_breaks_count_as_one_character(seeker_client, guidance):
    body = ("あ" * 9 + "\r\n") * 999 + "あ" * 10  # 10,999 as a browser sends it; 10,000 as typed

    response = seeker_client.post(f"/seekers/messages/{guidance.pk}/",
                                  {"action": "reply", "kind": "question", "subject": "改行", "body": body})

    assert response.status_code == 302
    assert seeker_replies().get().body == ("あ" * 9 + "\n") * 999 + "あ" * 10


def test_the_request_size_limit_is_below_ten_megabytes():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE < TEN_MB
    assert settings.MESSAGE_BODY_MAX == 10_000


def test_a_reply_over_ten_thousand_characters_gets_the_error_at_the_field(seeker_client, guidance):
    url = f"/seekers/messages/{guidance.pk}/"
    response = seeker_client.post(url, {"action": "reply", "kind": "question", "subject": "長文", "body": "あ" * 10_001})

    assert response.status_code == 200
    assert field_error(page(response), "body") == MAX_LENGTH_ERROR
    assert "10,000文字まで。" in page(response)
    assert "返信を送信しました。" not in page(response)
    assert not seeker_replies().exists()
    # The whole text comes back for editing: nothing in the page cuts it (no maxlength).
    assert textarea(page(response), "body") == "あ" * 10_001

    response = seeker_client.post(url, {"action": "reply", "kind": "question", "subject": "長文", "body": "あ" * 10_000})
    assert response.status_code == 302
    assert len(seeker_replies().get().body) == 10_000


# --- access: owner only, anonymous, wrong role --------------------------------------------------------------


def test_another_seekers_message_is_not_found(other_seeker, guidance):
    intruder = login(other_seeker)

    assert intruder.get(f"/seekers/messages/{guidance.pk}/").status_code == 404
    assert Message.objects.get(pk=guidance.pk).read_at is None


@pytest.mark.parametrize(
    "data",
    [
        {"action": "reply", "kind": "question", "subject": "なりすまし", "body": "他人のやりとりへの書き込み"},
        {"action": "reply", "kind": "apply", "subject": "なりすまし", "body": "申込み希望"},
        {"action": "decline"},
        {"action": "block"},
    ],
    ids=["question", "apply", "decline", "block"],
)
def test_posting_to_another_seekers_conversation_is_not_found(other_seeker, guidance, data):
    intruder = login(other_seeker)

    response = intruder.post(f"/seekers/messages/{guidance.pk}/", data)

    assert response.status_code == 404
    assert not seeker_replies().exists()
    assert not Block.objects.exists()
    conversation = Conversation.objects.get()
    assert (conversation.declined_at, conversation.apply_requested_at, conversation.org_unread) == (None, None, False)


def test_anonymous_visitors_are_sent_to_the_login_page(client, guidance):
    url = f"/seekers/messages/{guidance.pk}/"

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"
    response = client.post(url, {"action": "decline"})
    assert response.status_code == 302
    assert Conversation.objects.get().declined_at is None


@pytest.mark.parametrize("who", ["agency_member", "municipality_member", "staff"])
def test_the_thread_is_forbidden_to_other_roles(request, guidance, who):
    client = login(request.getfixturevalue(who))
    url = f"/seekers/messages/{guidance.pk}/"

    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "decline"}).status_code == 403
    assert Conversation.objects.get().declined_at is None
    assert Message.objects.get(pk=guidance.pk).read_at is None
