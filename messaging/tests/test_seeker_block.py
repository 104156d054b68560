"""ブロックの確認 at /seekers/messages/<id>/block/ (SPEC rule 8; issue item 2): the page says what a block
does and where it is undone before anything happens; only its POST blocks. The owner-only rule and
who may open it."""

import pytest

from messaging.models import Message
from messaging.tests.helpers import CLOSED, public_id
from seekers import services as seeker_services
from seekers.models import Block
from tests.pages import login, page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa")]


def url(message) -> str:
    return f"/seekers/messages/{message.pk}/block/"


def blocks(account):
    return Block.objects.filter(account=account)


def test_the_confirmation_says_what_a_block_does(seeker_client, account, agency, guidance):
    response = seeker_client.get(url(guidance))

    assert response.status_code == 200
    html = page(response)
    assert f"{agency.name} をブロックする" in html
    assert "あなたの求職情報を閲覧できなくなります" in html
    assert "このやりとりの内容も見られなくなり" in html
    assert 'href="/seekers/settings/blocks/">ブロック設定</a>からいつでも解除できます' in html
    assert '<button class="button button--danger" type="submit">ブロックする</button>' in html
    assert not blocks(account).exists()


def test_blocking_shuts_the_organisation_out(seeker_client, member_client, account, guidance):
    response = seeker_client.post(url(guidance))

    assert response.status_code == 302
    assert response["Location"] == f"/seekers/messages/{guidance.pk}/"
    assert blocks(account).filter(organization=guidance.organization).exists()
    thread = page(seeker_client.get(response["Location"]))
    assert "この利用団体をブロックしました。" in thread
    assert "この利用団体はブロック中です" in thread
    assert "/block/" not in thread
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


def test_an_organisation_already_blocked_is_not_blocked_twice(seeker_client, account, guidance):
    seeker_client.post(url(guidance))

    html = page(seeker_client.get(url(guidance)))
    response = seeker_client.post(url(guidance))

    assert "この利用団体はすでにブロックしています。" in html
    assert "<form method=\"post\" novalidate>" not in html
    assert response.status_code == 200
    assert blocks(account).count() == 1


def test_a_stopped_seeker_cannot_block(seeker_client, account, guidance):
    seeker_services.seeker_stop(actor=account.user, account=account)

    html = page(seeker_client.get(url(guidance)))
    response = seeker_client.post(url(guidance))

    assert "アカウント利用停止中のため、ブロックの設定・解除はできません。" in html
    assert '<button class="button button--danger" type="submit">ブロックする</button>' not in html
    assert response.status_code == 200
    assert "アカウント利用停止中のため、ブロックの設定・解除はできません。" in page(response)
    assert not blocks(account).exists()


# --- access: owner only, anonymous, wrong role --------------------------------------------------------------


def test_another_seekers_message_is_not_found(other_seeker, account, guidance):
    intruder = login(other_seeker)

    assert intruder.get(url(guidance)).status_code == 404
    assert intruder.post(url(guidance)).status_code == 404
    assert not Block.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client, guidance):
    response = client.get(url(guidance))

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url(guidance)}"
    assert client.post(url(guidance)).status_code == 302
    assert not Block.objects.exists()


@pytest.mark.parametrize("who", ["agency_member", "municipality_member", "staff"])
def test_the_confirmation_is_forbidden_to_other_roles(request, guidance, who):
    client = login(request.getfixturevalue(who))

    assert client.get(url(guidance)).status_code == 403
    assert client.post(url(guidance)).status_code == 403
    assert not Block.objects.exists()
