"""SPEC rule 8: a blocked organisation sees neither the seeker nor the content of their past
conversations, and one the seeker's receive conditions exclude likewise (rule 7). It keeps only the
fact that a conversation existed and ended: its inbox lists the conversation as ended with a
withdrawn profile, the page shows no message. Staff keep the content (the complaint screen), and an
unblock gives the organisation the thread back."""

import pytest

from compliance.services import complaint_file
from messaging import services
from messaging.models import Message
from messaging.tests.helpers import cells, inbox_rows
from organizations.models import Organization
from seekers import services as seeker_services
from tests.pages import login, page, with_totp

pytestmark = pytest.mark.django_db

GUIDANCE_SUBJECT = "介護職の求人のご案内"
GUIDANCE_BODY = "首都圏の特別養護老人ホームの求人をご紹介できます。"
QUESTION_BODY = "夜勤の回数を教えてください。"
ENDED = "このやりとりは終了しました。"


@pytest.fixture
def conversation(agency_member, account):
    """The agency's guidance, the seeker's 求職申込み希望 and the agency's answer."""
    organization = Organization.objects.get(pk=agency_member.membership.organization_id)
    guidance = services.guidance_send(
        actor=agency_member, organization=organization, public_id=account.application.profile.public_id,
        subject=GUIDANCE_SUBJECT, body=GUIDANCE_BODY,
    )
    conversation = guidance.conversation
    services.seeker_reply(actor=account.user, account=account, conversation=conversation, kind="apply",
                          subject="申込みを希望します", body=QUESTION_BODY)
    return conversation


def block(account, conversation):
    seeker_services.block_add(actor=account.user, account=account, organization_id=conversation.organization.pk)


def unblock(account, conversation):
    seeker_services.block_remove(actor=account.user, account=account, organization_id=conversation.organization_id)


def exclude_by_conditions(account, conversation):
    """The seeker accepts only 地方自治体等 (kind bit 1); the agency is a 民間職業紹介事業者."""
    seeker_services.conditions_set(actor=account.user, account=account, kinds=[1], regions=[], industries=[],
                                   occupations=[], privacy_mark=False)


def admit_again(account, conversation):
    seeker_services.conditions_set(actor=account.user, account=account, kinds=[], regions=[], industries=[],
                                   occupations=[], privacy_mark=False)


def shows_no_content(html: str, public_id: str) -> bool:
    return not any(text in html for text in (GUIDANCE_SUBJECT, GUIDANCE_BODY, QUESTION_BODY, public_id))


def assert_withdrawn(member_client, conversation, public_id) -> None:
    url = f"/orgs/messages/{conversation.pk}/"

    inbox = page(member_client.get("/orgs/messages/"))
    [row] = inbox_rows(inbox)
    assert "終了" in row
    assert "求職情報の提供が終了した求職者" in row
    assert f'href="{url}"' in row
    assert shows_no_content(row, public_id)
    assert "求職申込み希望" not in cells(row) and "未読の返信" not in cells(row)
    assert inbox_rows(page(member_client.get("/orgs/messages/?filter=apply"))) == []

    response = member_client.get(url)
    assert response.status_code == 200
    detail = page(response)
    assert ENDED in detail
    assert shows_no_content(detail, public_id)
    assert 'name="body"' not in detail
    assert "ブロック" not in detail and "受信条件" not in detail  # ended, not why

    before = Message.objects.count()
    refused = member_client.post(url, {"kind": "answer", "subject": "回答", "body": "ご連絡ください。"})
    assert refused.status_code == 200
    assert shows_no_content(page(refused), public_id)
    assert Message.objects.count() == before


def assert_readable(member_client, conversation, public_id) -> None:
    detail = page(member_client.get(f"/orgs/messages/{conversation.pk}/"))
    assert GUIDANCE_BODY in detail and QUESTION_BODY in detail
    assert public_id in detail
    assert 'name="body"' in detail
    [row] = inbox_rows(page(member_client.get("/orgs/messages/")))
    assert public_id in row


@pytest.mark.parametrize(("withdraw", "restore"), [(block, unblock), (exclude_by_conditions, admit_again)],
                         ids=["block", "receive-conditions"])
def test_a_withdrawn_profile_leaves_the_organisation_only_the_fact_of_the_conversation(
    member_client, account, conversation, withdraw, restore
):
    public_id = account.application.profile.public_id
    assert_readable(member_client, conversation, public_id)

    withdraw(account, conversation)
    assert_withdrawn(member_client, conversation, public_id)

    restore(account, conversation)
    assert_readable(member_client, conversation, public_id)


def test_opening_a_withdrawn_conversation_marks_nothing_read(member_client, account, conversation):
    block(account, conversation)

    member_client.get(f"/orgs/messages/{conversation.pk}/")

    conversation.refresh_from_db()
    assert conversation.org_unread is True
    assert Message.objects.get(kind="apply").read_at is None


def test_staff_keep_the_content_of_a_blocked_conversation(staff, member_client, account, conversation):
    complaint = complaint_file(actor=account.user, account=account, conversation=conversation,
                               body="しつこく連絡が来ます。")
    block(account, conversation)
    assert ENDED in page(member_client.get(f"/orgs/messages/{conversation.pk}/"))

    html = page(login(with_totp(staff)).get(f"/admin/compliance/complaint/{complaint.pk}/change/"))

    assert GUIDANCE_BODY in html
    assert QUESTION_BODY in html


def test_the_seeker_still_reads_the_thread_after_blocking(account, conversation):
    block(account, conversation)

    html = page(login(account.user).get(f"/seekers/messages/{conversation.messages.first().pk}/"))

    assert GUIDANCE_BODY in html and QUESTION_BODY in html
    assert "この利用団体はブロック中です" in html
