"""A stopped seeker's read-only site (SPEC rule 9): they sign in and read every conversation, their
deletion requests and complaints, and every page says they are stopped; nothing can be sent or
changed, and a hand-made POST is refused by the services and stores nothing (replies, 求職申込み希望,
辞退, blocks and unblocks, receive conditions)."""

import pytest

from accounts.models import AuditEvent
from compliance.models import Complaint, DeletionRequest
from messaging.models import Message
from messaging.tests.factories import ConversationFactory, MessageFactory
from seekers import services
from seekers.models import Block, Profile
from tests.pages import page

pytestmark = pytest.mark.django_db

STOPPED_NOTICE = "アカウント利用停止中です。"


@pytest.fixture
def world(seeker, account, agency, municipality):
    conversation = ConversationFactory(organization=agency, account=account)
    guidance = MessageFactory(conversation=conversation, subject="介護職のご案内", body="夜勤のない求人があります。")
    procedure = MessageFactory(conversation=conversation, kind=Message.Kind.PROCEDURE, subject="求職申込みの手続き",
                               body="メールでご連絡ください。")
    services.block_add(actor=seeker, account=account, organization_id=municipality.pk)
    services.seeker_stop(actor=seeker, account=account)
    return {"conversation": conversation, "guidance": guidance, "procedure": procedure}


def nothing_stored(before_messages: int, before_events: int) -> bool:
    return Message.objects.count() == before_messages and AuditEvent.objects.count() == before_events


# --- what stays ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/seekers/", "/seekers/messages/", "/seekers/profile/", "/seekers/settings/conditions/",
                                 "/seekers/settings/blocks/", "/seekers/settings/stop/", "/seekers/deletion-requests/",
                                 "/seekers/complaints/", "/seekers/complaints/new/"])
def test_every_page_opens_and_says_the_account_is_stopped(seeker_client, world, url):
    response = seeker_client.get(url)

    assert response.status_code == 200
    html = page(response)
    assert STOPPED_NOTICE in html
    assert "再開を希望する場合は、求職申込みをしたハローワークにご相談ください。" in html


def test_the_stopped_seeker_reads_the_procedure_message(seeker_client, world):
    html = page(seeker_client.get(f"/seekers/messages/{world['procedure'].pk}/"))

    assert "メールでご連絡ください。" in html
    assert "夜勤のない求人があります。" in html
    assert "アカウント利用停止中のため、メッセージは送信できません。" in html


def test_a_seeker_who_is_not_stopped_sees_no_notice(seeker_client):
    assert STOPPED_NOTICE not in page(seeker_client.get("/seekers/"))


def test_the_stopped_seeker_still_asks_for_deletion_and_files_a_complaint(seeker_client, world, agency):
    conversation = world["conversation"]

    asked = seeker_client.post("/seekers/deletion-requests/", {"organization": agency.pk, "confirm": "on"})
    filed = seeker_client.post("/seekers/complaints/new/", {"conversation": conversation.pk, "body": "広告でした。"})

    assert (asked.status_code, filed.status_code) == (302, 302)
    assert DeletionRequest.objects.get().organization == agency
    assert Complaint.objects.get().conversation == conversation


# --- nothing sent, nothing changed: hand-made POSTs ----------------------------------------------------


@pytest.mark.parametrize("kind", ["question", "apply"])
def test_a_reply_or_an_application_request_is_refused(seeker_client, world, kind):
    before = (Message.objects.count(), AuditEvent.objects.count())

    response = seeker_client.post(f"/seekers/messages/{world['guidance'].pk}/", {
        "kind": kind, "subject": "質問", "body": "勤務地はどこですか。", "confirm_pii": "on"})

    assert response.status_code == 200
    assert "アカウント利用停止中のため、メッセージは送信できません。" in page(response)
    assert nothing_stored(*before)


def test_a_decline_is_refused(seeker_client, world):
    before = (Message.objects.count(), AuditEvent.objects.count())

    seeker_client.post(f"/seekers/messages/{world['guidance'].pk}/decline/",
                       {"subject": "辞退します", "body": "今回は辞退します。", "confirm_pii": "on"})

    assert nothing_stored(*before)
    assert world["conversation"].__class__.objects.get(pk=world["conversation"].pk).declined_at is None


def test_a_block_from_the_thread_is_refused(seeker_client, world, agency):
    before = AuditEvent.objects.count()

    seeker_client.post(f"/seekers/messages/{world['guidance'].pk}/block/")

    assert not Block.objects.filter(organization=agency).exists()
    assert AuditEvent.objects.count() == before


def test_an_unblock_is_refused(seeker_client, world, municipality):
    response = seeker_client.post("/seekers/settings/blocks/", {"unblock": municipality.pk}, follow=True)

    assert Block.objects.filter(organization_id=municipality.pk).exists()
    assert not AuditEvent.objects.filter(verb="seeker.unblock").exists()
    assert "アカウント利用停止中のため、ブロックの設定・解除はできません。" in page(response)


def test_a_receive_condition_change_is_refused(seeker_client, world, account):
    before = Profile.objects.values("cond_kind_bits", "cond_privacy_mark").get(pk=account.application_id)

    response = seeker_client.post("/seekers/settings/conditions/", {"privacy_mark": "on"})

    assert response.status_code == 200
    assert "アカウント利用停止中のため、この操作はできません。" in page(response)
    assert Profile.objects.values("cond_kind_bits", "cond_privacy_mark").get(pk=account.application_id) == before
    assert not AuditEvent.objects.filter(verb="seeker.conditions_set").exists()


# --- the services themselves ---------------------------------------------------------------------------


def test_the_services_refuse_a_stopped_seeker(seeker, world, account, agency, municipality):
    with pytest.raises(services.BlockRefused, match="stopped"):
        services.block_add(actor=seeker, account=account, organization_id=agency.pk)
    with pytest.raises(services.BlockRefused, match="stopped"):
        services.block_remove(actor=seeker, account=account, organization_id=municipality.pk)
    with pytest.raises(services.SeekerReadOnly):
        services.conditions_set(actor=seeker, account=account, kinds=[1], regions=[], industries=[], occupations=[],
                                privacy_mark=True)

    assert set(Block.objects.values_list("organization_id", flat=True)) == {municipality.pk}
    assert Profile.objects.get(pk=account.application_id).cond_privacy_mark is False


def test_a_stale_account_object_is_refused_too(seeker, agency):
    """The service reads the stop from the database, not from the object it was given."""
    stale = seeker.seeker_account
    services.seeker_stop(actor=seeker, account=type(stale).objects.get(pk=stale.pk))
    assert stale.stopped_at is None

    with pytest.raises(services.BlockRefused, match="stopped"):
        services.block_add(actor=seeker, account=stale, organization_id=agency.pk)
