"""ブロック設定 at /seekers/settings/blocks/ (SPEC rule 8): the blocked organisations listed and unblocked,
audited; another seeker's block untouched; the page says where blocking is offered, as the site
offers it; and who may use the page (its query budget is in tests/test_list_query_budgets.py)."""

import re

import pytest

from accounts.models import AuditEvent
from messaging.tests.factories import ConversationFactory, MessageFactory
from seekers import services
from seekers.models import Block
from seekers.tests.helpers import listed, profile_of
from tests.pages import page

pytestmark = pytest.mark.django_db


def test_blocks_page_lists_and_unblocks(member_client, seeker_client, seeker, other_seeker, agency):
    account = seeker.seeker_account
    profile = profile_of(account)
    services.block_add(actor=seeker, account=account, organization=agency)
    services.block_add(actor=other_seeker, account=other_seeker.seeker_account, organization=agency)
    assert profile.public_id not in listed(member_client.get("/orgs/seekers/"))

    html = page(seeker_client.get("/seekers/settings/blocks/"))
    assert agency.name in html
    assert f"{agency.name} のブロックを解除" in html

    response = seeker_client.post("/seekers/settings/blocks/", {"unblock": str(agency.pk)})

    assert response.status_code == 302
    assert response["Location"] == "/seekers/settings/blocks/"
    assert not Block.objects.filter(account=account).exists()
    assert Block.objects.filter(account=other_seeker.seeker_account, organization=agency).exists()
    event = AuditEvent.objects.get(verb="seeker.unblock")
    assert event.actor == seeker
    assert event.data["organization"] == agency.pk
    html = page(seeker_client.get("/seekers/settings/blocks/"))
    assert "ブロックを解除しました。" in html
    assert "ブロックしている利用団体はありません。" in html

    assert profile.public_id in listed(member_client.get("/orgs/seekers/"))


def test_the_page_says_where_blocking_is_offered_as_the_site_offers_it(seeker_client, account, agency):
    """The thread offers the button the page names; the message list offers none, and the page no
    longer says it does."""
    message = MessageFactory(conversation=ConversationFactory(account=account, organization=agency))

    html = page(seeker_client.get("/seekers/settings/blocks/"))

    assert "メッセージ一覧からその利用団体のメッセージを開き、メッセージの画面で「この利用団体をブロックする」を選んでください。" in html
    assert "ブロックはメッセージ一覧・メッセージ画面から設定できます" not in html
    thread = page(seeker_client.get(f"/seekers/messages/{message.pk}/"))
    assert re.search(r"<(button|a)\b[^>]*>この利用団体をブロックする</(button|a)>", thread)  # a button or a link to a confirmation
    inbox = page(seeker_client.get("/seekers/messages/"))
    assert "ブロック" not in inbox[inbox.index("<main"):inbox.index("</main>")]


# --- access -------------------------------------------------------------------------------------------------


def test_unblocking_what_another_seeker_blocked_changes_nothing(seeker_client, seeker, other_seeker, agency):
    services.block_add(actor=other_seeker, account=other_seeker.seeker_account, organization=agency)

    seeker_client.post("/seekers/settings/blocks/", {"unblock": str(agency.pk)})
    seeker_client.post("/seekers/settings/blocks/", {"unblock": "not-a-number"})

    assert Block.objects.filter(account=other_seeker.seeker_account, organization=agency).exists()
    assert not AuditEvent.objects.filter(verb="seeker.unblock").exists()


def test_anonymous_is_sent_to_the_login_page(client, seeker, agency):
    services.block_add(actor=seeker, account=seeker.seeker_account, organization=agency)

    response = client.get("/seekers/settings/blocks/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/seekers/settings/blocks/"
    assert client.post("/seekers/settings/blocks/", {"unblock": str(agency.pk)}).status_code == 302
    assert Block.objects.filter(account=seeker.seeker_account, organization=agency).exists()
    assert not AuditEvent.objects.filter(verb="seeker.unblock").exists()


@pytest.mark.parametrize("who", ["member_client", "staff_client"])
def test_other_roles_cannot_use_the_page(request, seeker, agency, who):
    services.block_add(actor=seeker, account=seeker.seeker_account, organization=agency)
    client = request.getfixturevalue(who)

    assert client.get("/seekers/settings/blocks/").status_code == 403
    assert client.post("/seekers/settings/blocks/", {"unblock": str(agency.pk)}).status_code == 403
    assert Block.objects.filter(account=seeker.seeker_account, organization=agency).exists()
