"""Messaging pages (SPEC rules 8, 10–17; leaflet STEP 2–6): the seeker's メッセージ一覧 and thread with
reply, 辞退 and ブロック; the organisations' inbox, thread and guidance page; access, bad input and
query budgets."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from messaging import services
from messaging.models import Conversation, DailyGuidanceCount, Message
from messaging.tests.factories import ConversationFactory, MessageFactory, disclosures_of
from organizations.models import Organization
from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers import services as seeker_services
from seekers.models import Block

pytestmark = pytest.mark.django_db

LIMIT = 1000
COLUMNS = ["No.", "状態", "日付", "送信元", "受信先", "受信日時", "件名", "本文", "詳細"]
CLOSED = "このやりとりは終了しました"
SCRIPT = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"
TEN_MB = 10 * 1024 * 1024


@pytest.fixture(autouse=True)
def no_mfa(settings):
    """Member pages open without TOTP here; the MFA requirement has its own tests (accounts)."""
    settings.REQUIRE_MFA = False


def page(response) -> str:
    return response.content.decode()


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def field_error(html: str, name: str) -> str:
    """The error list tied to one field (`<ul class="errorlist" id="id_<name>_error">`), as text."""
    match = re.search(rf'<ul class="errorlist" id="id_{name}_error">(.*?)</ul>', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)) if match else ""


def inbox_rows(html: str) -> list[str]:
    tbody = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    return re.findall(r"<tr>(.*?)</tr>", tbody.group(1), re.S) if tbody else []


def public_id(account) -> str:
    return account.application.profile.public_id


def guide(member, account, **kwargs) -> Message:
    organization = Organization.objects.get(pk=member.membership.organization_id)
    return services.guidance_send(
        actor=member, organization=organization, public_id=public_id(account),
        subject=kwargs.get("subject", "介護職の求人のご案内"), body=kwargs.get("body", "求人をご紹介できます。"),
        disclosures=kwargs.get("disclosures", disclosures_of(organization)),
    )


def reply(account, conversation, kind="question", subject="質問があります", body="夜勤はありますか。") -> Message:
    return services.seeker_reply(actor=account.user, account=account, conversation=conversation, kind=kind,
                                 subject=subject, body=body)


@pytest.fixture
def account(seeker):
    return seeker.seeker_account


@pytest.fixture
def guidance(agency_member, account) -> Message:
    """The agency's first guidance to the seeker."""
    return guide(agency_member, account)


@pytest.fixture
def seeker_client(seeker):
    return login(seeker)


@pytest.fixture
def member_client(agency_member):
    return login(agency_member)


def seeker_replies():
    return Message.objects.filter(sender="seeker")


# --- メッセージ一覧 (SPEC rule 14, leaflet STEP 2) -----------------------------------------------------------


def test_the_inbox_has_the_leaflets_columns(seeker_client, seeker, agency, guidance):
    response = seeker_client.get("/seekers/messages/")

    assert response.status_code == 200
    html = page(response)
    headers = re.findall(r'<th scope="col">(.*?)</th>', html)
    assert headers == COLUMNS
    [row] = inbox_rows(html)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
    local = timezone.localtime(guidance.created_at)
    assert cells == [
        "1", "未読", local.strftime("%Y/%m/%d"), agency.name, seeker.username, local.strftime("%Y/%m/%d %H:%M"),
        "介護職の求人のご案内", "求人をご紹介できます。", "No.1 の詳細",
    ]
    assert f'href="/seekers/messages/{guidance.pk}/"' in row


def test_the_body_column_is_an_excerpt(seeker_client, agency_member, account):
    guide(agency_member, account, body="あ" * 200 + "末尾の文")

    [row] = inbox_rows(page(seeker_client.get("/seekers/messages/")))

    assert "あ" * 30 in row
    assert "末尾の文" not in row
    assert "あ" * 200 not in row


def test_opening_a_message_marks_it_read(seeker_client, guidance):
    assert '<span class="status--unread">未読</span>' in inbox_rows(page(seeker_client.get("/seekers/messages/")))[0]

    response = seeker_client.get(f"/seekers/messages/{guidance.pk}/")

    assert response.status_code == 200
    assert "介護職の求人のご案内" in page(response)
    [row] = inbox_rows(page(seeker_client.get("/seekers/messages/")))
    assert '<span class="status--read">読了</span>' in row
    assert "未読" not in row


def test_the_thread_shows_the_disclosures_as_sent(seeker_client, agency, guidance):
    as_sent = disclosures_of(agency)
    Organization.objects.filter(pk=agency.pk).update(fees="求職者から手数料 10万円をいただきます。")

    html = page(seeker_client.get(f"/seekers/messages/{guidance.pk}/"))

    assert "利用団体の必須記載事項" in html
    for value in as_sent.values():
        assert value in html
    assert "10万円" not in html


def test_the_inbox_lists_the_newest_first(seeker_client, account):
    for subject in ("一通目", "二通目", "三通目"):
        MessageFactory(conversation=ConversationFactory(account=account), subject=subject)

    rows = inbox_rows(page(seeker_client.get("/seekers/messages/")))

    assert [re.search(r"(.通目)", row).group(1) for row in rows] == ["三通目", "二通目", "一通目"]
    assert [re.search(r"<td>(\d+)</td>", row).group(1) for row in rows] == ["3", "2", "1"]


def test_the_inbox_shows_only_messages_from_organisations_to_this_seeker(seeker_client, account, other_seeker):
    conversation = ConversationFactory(account=account)
    MessageFactory(conversation=conversation, subject="団体からの案内")
    MessageFactory(conversation=conversation, reply=True, subject="自分の質問")
    MessageFactory(conversation=ConversationFactory(account=other_seeker.seeker_account), subject="他人あての案内")

    html = page(seeker_client.get("/seekers/messages/"))

    assert len(inbox_rows(html)) == 1
    assert "団体からの案内" in html
    assert "自分の質問" not in html
    assert "他人あての案内" not in html


def test_the_inbox_pages_by_twenty(seeker_client, account):
    conversation = ConversationFactory(account=account)
    for n in range(25):
        MessageFactory(conversation=conversation, subject=f"案内{n:02d}")

    first = page(seeker_client.get("/seekers/messages/"))
    second = page(seeker_client.get("/seekers/messages/?page=2"))

    assert len(inbox_rows(first)) == 20
    assert "案内24" in first and "案内05" in first and "案内04" not in first
    assert "1 / 2 ページ" in first and 'href="?page=2"' in first
    assert len(inbox_rows(second)) == 5
    assert "案内04" in second and "案内00" in second and "案内05" not in second
    assert [re.search(r"<td>(\d+)</td>", row).group(1) for row in inbox_rows(second)] == ["5", "4", "3", "2", "1"]


def test_the_header_shows_the_unread_count_on_every_seeker_page(seeker_client, account, agency_member):
    first = guide(agency_member, account)
    guide(MemberFactory(organization=OrganizationFactory()).user, account)

    for url in ("/seekers/", "/seekers/messages/", "/seekers/profile/", "/seekers/settings/blocks/"):
        assert "未読 2 件" in page(seeker_client.get(url)), url

    seeker_client.get(f"/seekers/messages/{first.pk}/")
    assert "未読 1 件" in page(seeker_client.get("/seekers/"))


def test_the_header_has_no_unread_badge_when_all_are_read(seeker_client, guidance):
    seeker_client.get(f"/seekers/messages/{guidance.pk}/")

    assert "未読" not in page(seeker_client.get("/seekers/"))


# --- the seeker's thread: owner only ----------------------------------------------------------------------------


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


# --- replies (STEP 3, STEP 5) and the PII guard (SPEC rule 15) -----------------------------------------------


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


# --- 辞退 and ブロック from the thread (SPEC rule 8) --------------------------------------------------------------


def test_declining_closes_the_conversation_on_both_sides(seeker_client, member_client, guidance):
    response = seeker_client.post(f"/seekers/messages/{guidance.pk}/", {"action": "decline"})

    assert response.status_code == 302
    seeker_page = page(seeker_client.get(f"/seekers/messages/{guidance.pk}/"))
    assert "このやりとりは辞退により終了しています。" in seeker_page
    assert "返信を送信する" not in seeker_page
    org_url = f"/orgs/messages/{guidance.conversation_id}/"
    org_page = page(member_client.get(org_url))
    assert CLOSED in org_page
    assert 'name="body"' not in org_page
    member_client.post(org_url, {"kind": "answer", "subject": "再度のご案内", "body": "ご検討ください。"})
    assert list(Message.objects.values_list("kind", flat=True)) == ["guidance", "decline"]


def test_blocking_from_the_thread_shuts_the_organisation_out(seeker_client, member_client, account, guidance):
    response = seeker_client.post(f"/seekers/messages/{guidance.pk}/", {"action": "block"})

    assert response.status_code == 302
    assert Block.objects.filter(account=account, organization=guidance.organization).exists()
    assert "この利用団体はブロック中です" in page(seeker_client.get(f"/seekers/messages/{guidance.pk}/"))
    pid = public_id(account)
    # The organisation can no longer see the profile nor write to the seeker.
    assert member_client.get(f"/orgs/seekers/{pid}/").status_code == 404
    assert member_client.get(f"/orgs/seekers/{pid}/guide/").status_code == 404
    response = member_client.post(f"/orgs/seekers/{pid}/guide/", {"subject": "再送", "body": "ご案内です。"})
    assert response.status_code == 404
    # Its conversation says it is closed, not why.
    org_url = f"/orgs/messages/{guidance.conversation_id}/"
    org_page = page(member_client.get(org_url))
    assert CLOSED in org_page
    assert "ブロック" not in org_page
    assert "ブロック" not in page(member_client.get("/orgs/messages/"))
    member_client.post(org_url, {"kind": "answer", "subject": "回答", "body": "ご連絡ください。"})
    assert Message.objects.count() == 1


# --- the organisations' inbox and thread (issue item 6) -------------------------------------------------------


def test_the_organisation_inbox_lists_unread_replies_first(member_client, agency):
    replied = ConversationFactory(organization=agency)
    MessageFactory(conversation=replied)
    MessageFactory(conversation=replied, reply=True)
    read = ConversationFactory(organization=agency)
    MessageFactory(conversation=read)
    MessageFactory(conversation=read, reply=True, read=True)
    Conversation.objects.filter(pk=read.pk).update(org_unread=False)
    newest = ConversationFactory(organization=agency)
    MessageFactory(conversation=newest)
    ConversationFactory()  # another organisation's

    html = page(member_client.get("/orgs/messages/"))

    ids = [public_id(c.account) for c in (replied, newest, read)]
    assert all(i in html for i in ids)
    assert [html.index(i) for i in ids] == sorted(html.index(i) for i in ids)
    assert html.count("とのやりとり</a>") == 3
    assert html.count('<span class="status--unread">未読の返信</span>') == 1


def test_the_apply_filter_lists_only_conversations_with_a_request(member_client, agency):
    asked = ConversationFactory(organization=agency)
    MessageFactory(conversation=asked)
    MessageFactory(conversation=asked, apply=True)
    plain = ConversationFactory(organization=agency)
    MessageFactory(conversation=plain)
    MessageFactory(conversation=plain, reply=True)

    everything = page(member_client.get("/orgs/messages/"))
    filtered = page(member_client.get("/orgs/messages/?filter=apply"))

    assert public_id(asked.account) in everything and public_id(plain.account) in everything
    assert public_id(asked.account) in filtered
    assert public_id(plain.account) not in filtered
    assert '<span class="badge">求職申込み希望</span>' in filtered


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


def test_another_organisations_conversation_is_not_found(guidance):
    stranger = login(MemberFactory(organization=OrganizationFactory()).user)
    url = f"/orgs/messages/{guidance.conversation_id}/"

    assert stranger.get(url).status_code == 404
    assert stranger.post(url, {"kind": "answer", "subject": "件名", "body": "本文"}).status_code == 404
    assert Message.objects.count() == 1
    assert guidance.conversation.account.application.profile.public_id not in page(stranger.get("/orgs/messages/"))


def test_a_colleague_in_the_same_organisation_sees_the_conversation(agency, guidance):
    colleague = login(MemberFactory(organization=agency).user)

    assert colleague.get(f"/orgs/messages/{guidance.conversation_id}/").status_code == 200


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


# --- the guidance page (SPEC rules 12, 17) ------------------------------------------------------------------------


def guide_data(organization, **overrides) -> dict:
    return {"subject": "介護職のご案内", "body": "求人をご紹介できます。", **disclosures_of(organization), **overrides}


def test_the_guidance_page_shows_the_remaining_count_and_prefilled_disclosures(member_client, agency, account):
    DailyGuidanceCount.objects.create(organization=agency, day=timezone.localdate(), count=12)

    response = member_client.get(f"/orgs/seekers/{public_id(account)}/guide/")

    assert response.status_code == 200
    html = page(response)
    assert "本日あと 988 件送信できます" in html
    for name in ("track_record", "job_openings", "fees"):
        assert re.search(rf'<textarea name="{name}"[^>]*>\s*{re.escape(getattr(agency, name))}</textarea>', html)
    for name in ("privacy_officer", "complaints_officer"):
        assert re.search(rf'name="{name}" value="{re.escape(getattr(agency, name))}"', html)


def test_sending_guidance_from_the_page(member_client, agency, account, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(f"/orgs/seekers/{public_id(account)}/guide/", guide_data(agency))

    message = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/orgs/messages/{message.conversation_id}/"
    assert message.disclosures == disclosures_of(agency)
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [account.user.email]
    assert "本日あと 999 件" in page(member_client.get("/orgs/messages/"))


def test_a_later_guidance_page_asks_for_no_disclosures(member_client, agency, account, guidance):
    url = f"/orgs/seekers/{public_id(account)}/guide/"
    html = page(member_client.get(url))

    assert "この求職者とはすでにやりとりがあります。" in html
    assert 'name="fees"' not in html
    response = member_client.post(url, {"subject": "追加のご案内", "body": "新しい求人です。"})
    assert response.status_code == 302
    assert Message.objects.filter(conversation=guidance.conversation).count() == 2


@pytest.mark.parametrize("field", ["track_record", "job_openings", "fees", "privacy_officer", "complaints_officer"])
@pytest.mark.parametrize("blank", ["", "  \r\n "], ids=["empty", "whitespace"])
def test_a_blanked_disclosure_is_refused_at_the_field(member_client, agency, account, field, blank):
    response = member_client.post(f"/orgs/seekers/{public_id(account)}/guide/", guide_data(agency, **{field: blank}))

    assert response.status_code == 200
    assert field_error(page(response), field) == "最初の案内メッセージには必須の記載事項です。"
    assert not Message.objects.exists()
    assert "本日あと 1,000 件送信できます" in page(response)


def test_a_removed_disclosure_field_is_refused_at_the_field(member_client, agency, account):
    data = guide_data(agency)
    del data["complaints_officer"]

    response = member_client.post(f"/orgs/seekers/{public_id(account)}/guide/", data)

    assert field_error(page(response), "complaints_officer") == "最初の案内メッセージには必須の記載事項です。"
    assert not Message.objects.exists()


def test_the_thousand_and_first_guidance_of_the_day_is_refused(member_client, agency, account, other_seeker):
    DailyGuidanceCount.objects.create(organization=agency, day=timezone.localdate(), count=LIMIT - 1)

    first = member_client.post(f"/orgs/seekers/{public_id(account)}/guide/", guide_data(agency))
    assert first.status_code == 302
    url = f"/orgs/seekers/{public_id(other_seeker.seeker_account)}/guide/"
    assert "本日あと 0 件送信できます" in page(member_client.get(url))

    response = member_client.post(url, guide_data(agency))

    assert response.status_code == 200
    assert "本日の案内メッセージの送信上限(1,000件)に達しました。明日以降に送信してください。" in page(response)
    assert Message.objects.count() == 1


def test_the_guidance_page_of_an_invisible_profile_is_not_found(member_client, agency, account):
    Block.objects.create(account=account, organization=agency)
    url = f"/orgs/seekers/{public_id(account)}/guide/"

    assert member_client.get(url).status_code == 404
    assert member_client.post(url, guide_data(agency)).status_code == 404
    assert member_client.get("/orgs/seekers/0000000000000000/guide/").status_code == 404
    assert not Message.objects.exists()


# --- size limits --------------------------------------------------------------------------------------------------


def test_a_ten_megabyte_reply_is_refused_with_413(seeker_client, guidance):
    response = seeker_client.post(
        f"/seekers/messages/{guidance.pk}/", {"action": "reply", "kind": "question", "subject": "件名", "body": "あ" * TEN_MB}
    )

    assert response.status_code == 413
    assert not seeker_replies().exists()


def test_a_ten_megabyte_guidance_is_refused_with_413(member_client, agency, account):
    response = member_client.post(f"/orgs/seekers/{public_id(account)}/guide/", guide_data(agency, body="x" * TEN_MB))

    assert response.status_code == 413
    assert not Message.objects.exists()


def test_a_ten_megabyte_answer_is_refused_with_413(member_client, guidance):
    response = member_client.post(
        f"/orgs/messages/{guidance.conversation_id}/", {"kind": "answer", "subject": "件名", "body": "x" * TEN_MB}
    )

    assert response.status_code == 413
    assert Message.objects.count() == 1


def test_the_request_size_limit_is_below_ten_megabytes():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE < TEN_MB
    assert settings.MESSAGE_BODY_MAX == 10_000


MAX_LENGTH_ERROR = "この値は 10000 文字以下でなければなりません( 10001 文字になっています)。"


def test_a_reply_over_ten_thousand_characters_gets_the_error_at_the_field(seeker_client, guidance):
    url = f"/seekers/messages/{guidance.pk}/"
    response = seeker_client.post(url, {"action": "reply", "kind": "question", "subject": "長文", "body": "あ" * 10_001})

    assert response.status_code == 200
    assert field_error(page(response), "body") == MAX_LENGTH_ERROR
    assert "10,000文字まで。" in page(response)
    assert not seeker_replies().exists()

    response = seeker_client.post(url, {"action": "reply", "kind": "question", "subject": "長文", "body": "あ" * 10_000})
    assert response.status_code == 302
    assert len(seeker_replies().get().body) == 10_000


def test_a_guidance_over_ten_thousand_characters_gets_the_error_at_the_field(member_client, agency, account):
    response = member_client.post(f"/orgs/seekers/{public_id(account)}/guide/", guide_data(agency, body="x" * 10_001))

    assert response.status_code == 200
    assert field_error(page(response), "body") == MAX_LENGTH_ERROR
    assert not Message.objects.exists()


def test_an_answer_over_ten_thousand_characters_gets_the_error_at_the_field(member_client, guidance):
    response = member_client.post(
        f"/orgs/messages/{guidance.conversation_id}/", {"kind": "answer", "subject": "件名", "body": "x" * 10_001}
    )

    assert response.status_code == 200
    assert field_error(page(response), "body") == MAX_LENGTH_ERROR
    assert Message.objects.count() == 1


# --- access: anonymous, wrong role, suspended organisation ----------------------------------------------------


def seeker_urls(guidance) -> list[str]:
    return ["/seekers/messages/", f"/seekers/messages/{guidance.pk}/"]


def org_urls(guidance) -> list[str]:
    return [
        "/orgs/messages/",
        "/orgs/messages/?filter=apply",
        f"/orgs/messages/{guidance.conversation_id}/",
        f"/orgs/seekers/{public_id(guidance.account)}/guide/",
    ]


def test_anonymous_visitors_are_sent_to_the_login_page(client, guidance):
    for url in seeker_urls(guidance) + org_urls(guidance):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next=/"), url
    response = client.post(f"/seekers/messages/{guidance.pk}/", {"action": "decline"})
    assert response.status_code == 302
    assert Conversation.objects.get().declined_at is None


@pytest.mark.parametrize("who", ["seeker", "staff"])
def test_the_organisation_pages_are_forbidden_to_other_roles(request, guidance, who):
    client = login(request.getfixturevalue(who))

    for url in org_urls(guidance):
        assert client.get(url).status_code == 403, url
    response = client.post(f"/orgs/seekers/{public_id(guidance.account)}/guide/", guide_data(guidance.organization))
    assert response.status_code == 403
    assert Message.objects.count() == 1


@pytest.mark.parametrize("who", ["agency_member", "municipality_member", "staff"])
def test_the_seeker_pages_are_forbidden_to_other_roles(request, guidance, who):
    client = login(request.getfixturevalue(who))

    for url in seeker_urls(guidance):
        assert client.get(url).status_code == 403, url
    assert client.post(seeker_urls(guidance)[1], {"action": "decline"}).status_code == 403
    assert Conversation.objects.get().declined_at is None


def sanctioned_urls(guidance) -> list[str]:
    return ["/orgs/messages/", "/orgs/messages/1/", f"/orgs/seekers/{public_id(guidance.account)}/guide/"]


def test_a_suspended_organisations_member_gets_the_403_page(suspended_member, guidance):
    client = login(suspended_member)

    for url in sanctioned_urls(guidance):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "サービスの利用を停止されています" in page(response), url


def test_a_revoked_organisations_member_gets_the_403_page_and_is_logged_out(revoked_member, guidance):
    for url in sanctioned_urls(guidance):
        client = login(revoked_member)
        response = client.get(url)
        assert response.status_code == 403, url
        assert "サービスの利用を解除されました" in page(response), url
        assert client.get(url).status_code == 302, url


def test_a_suspension_stops_a_member_in_the_middle_of_a_conversation(member_client, agency, account, guidance):
    reply(account, guidance.conversation)
    today = timezone.localdate()
    Organization.objects.filter(pk=agency.pk).update(suspended_from=today, suspended_until=today)
    url = f"/orgs/messages/{guidance.conversation_id}/"

    response = member_client.post(url, {"kind": "answer", "subject": "回答", "body": "お答えします。"})

    assert response.status_code == 403
    assert "サービスの利用を停止されています" in page(response)
    assert not Message.objects.filter(kind="answer").exists()


# --- query budgets (STYLE.md: several rows, the count shown constant) ------------------------------------------


def fill_seeker_inbox(account, n: int) -> None:
    """n messages from n different organisations (so a missing select_related would show)."""
    for _ in range(n):
        MessageFactory(conversation=ConversationFactory(account=account))


# GET /seekers/messages/ as a logged-in seeker:
#   1 session, 2 user (AuthenticationMiddleware), 3 seeker_account (seeker_required),
#   4 paginator count, 5 the page with the organisations joined, 6 the header's unread count
#   (context processor), 7-9 the session save of the idle-timeout stamp (savepoint, UPDATE, release).
SEEKER_INBOX_QUERIES = 9


@pytest.mark.parametrize("n", [3, 25])
def test_the_seeker_inbox_query_count_is_constant(seeker_client, account, django_assert_num_queries, n):
    fill_seeker_inbox(account, n)

    with django_assert_num_queries(SEEKER_INBOX_QUERIES):
        response = seeker_client.get("/seekers/messages/")

    assert len(inbox_rows(page(response))) == min(n, 20)


def fill_org_inbox(organization, n: int) -> None:
    for i in range(n):
        conversation = ConversationFactory(organization=organization)
        MessageFactory(conversation=conversation)
        if i % 2:
            MessageFactory(conversation=conversation, apply=True)


# GET /orgs/messages/ as a logged-in member:
#   1 session, 2 user, 3 membership, 4 the organisation fresh (member_required),
#   5 the page plus one row to tell whether another page follows (public id joined through
#   account → application → profile; no COUNT), 6 today's guidance count (the remaining figure),
#   7-9 the session save (savepoint, UPDATE, release).
ORG_INBOX_QUERIES = 9


@pytest.mark.parametrize("n", [3, 25])
@pytest.mark.parametrize("query", ["", "?filter=apply"])
def test_the_organisation_inbox_query_count_is_constant(member_client, agency, django_assert_num_queries, n, query):
    fill_org_inbox(agency, n)

    with django_assert_num_queries(ORG_INBOX_QUERIES):
        response = member_client.get(f"/orgs/messages/{query}")

    assert response.status_code == 200
    shown = n if not query else n // 2
    assert page(response).count("とのやりとり</a>") == min(shown, 20)
