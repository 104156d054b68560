"""ブロックの確認 at /seekers/settings/blocks/<organization id>/ (SPEC rule 8, doda's 企業ブロック): reached from
the search by name on ブロック設定 and from メッセージ一覧, it says what a block does and where it is undone
before anything happens; only its POST blocks, and an id that names no blockable organisation gets one
clear refusal, the same for an unknown, unapproved or revoked one. Who may use it."""

import pytest

from accounts.models import AuditEvent
from organizations.tests.factories import OrganizationFactory
from seekers import services
from seekers.models import Block
from seekers.tests.helpers import listed, profile_of
from tests.pages import login, page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa")]

REFUSAL = "指定された利用団体はブロックできません。"
BLOCK_BUTTON = '<button class="button button--danger" type="submit">ブロックする</button>'


def url(organization_id, query: str = "") -> str:
    return f"/seekers/settings/blocks/{organization_id}/{query}"


def test_the_confirmation_says_what_a_block_does_before_it_is_done(seeker_client, account, agency):
    response = seeker_client.get(url(agency.pk))

    assert response.status_code == 200
    html = page(response)
    assert f"{agency.name} をブロックする" in html
    assert "あなたの求職情報を閲覧できなくなります" in html
    assert "あなたにメッセージを送れなくなります" in html
    assert "ブロックしたことは、利用団体には知らされません。" in html
    assert 'href="/seekers/settings/blocks/">ブロック設定</a>からいつでも解除できます' in html
    assert BLOCK_BUTTON in html
    assert not Block.objects.exists()


def test_blocking_in_advance_hides_the_seeker_from_an_organisation_that_never_wrote(
    seeker_client, member_client, account, agency
):
    public_id = profile_of(account).public_id
    assert public_id in listed(member_client.get("/orgs/seekers/"))

    response = seeker_client.post(url(agency.pk))

    assert response.status_code == 302
    assert response["Location"] == "/seekers/settings/blocks/"
    assert Block.objects.filter(account=account, organization=agency).exists()
    assert AuditEvent.objects.get(verb=AuditEvent.Verb.SEEKER_BLOCK).data["organization"] == agency.pk
    html = page(seeker_client.get(response["Location"]))
    assert f"{agency.name} をブロックしました。" in html
    assert f"{agency.name} のブロックを解除" in html
    assert public_id not in listed(member_client.get("/orgs/seekers/"))
    assert member_client.get(f"/orgs/seekers/{public_id}/").status_code == 404


def test_coming_from_the_message_list_returns_there(seeker_client, agency):
    html = page(seeker_client.get(url(agency.pk, "?next=/seekers/messages/%3Fpage%3D2")))
    response = seeker_client.post(url(agency.pk), {"next": "/seekers/messages/?page=2"})

    assert 'name="next" value="/seekers/messages/?page=2"' in html
    assert 'href="/seekers/messages/?page=2">やめる</a>' in html
    assert response["Location"] == "/seekers/messages/?page=2"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_a_next_elsewhere_is_ignored(seeker_client, agency, target):
    html = page(seeker_client.get(url(agency.pk, f"?next={target}")))
    response = seeker_client.post(url(agency.pk), {"next": target})

    main = html[html.index("<main"):html.index("</main>")]
    assert 'name="next"' not in main and "evil" not in main
    assert 'href="/seekers/settings/blocks/">やめる</a>' in main
    assert response["Location"] == "/seekers/settings/blocks/"


def test_an_organisation_already_blocked_is_not_blocked_twice(seeker_client, account, agency):
    seeker_client.post(url(agency.pk))

    html = page(seeker_client.get(url(agency.pk)))
    response = seeker_client.post(url(agency.pk))

    assert "この利用団体はすでにブロックしています。" in html
    assert BLOCK_BUTTON not in html
    assert response.status_code == 200
    assert "この利用団体はすでにブロックしています。" in page(response)
    assert Block.objects.count() == 1


def test_a_stopped_seeker_cannot_block(seeker_client, account, agency):
    services.seeker_stop(actor=account.user, account=account)

    html = page(seeker_client.get(url(agency.pk)))
    response = seeker_client.post(url(agency.pk))

    assert "アカウント利用停止中のため、ブロックの設定・解除はできません。" in html
    assert BLOCK_BUTTON not in html
    assert response.status_code == 200
    assert not Block.objects.exists()


# --- attacks: a hand-made id --------------------------------------------------------------------------------


@pytest.mark.parametrize("traits", [{"unapproved": True}, {"revoked": True}, None], ids=["unapproved", "revoked", "unknown"])
def test_an_id_that_names_no_blockable_organisation_is_refused_the_same_way(seeker_client, account, traits):
    organization_id = OrganizationFactory(name="未承諾の人材会社", **traits).pk if traits is not None else 2**40

    shown = seeker_client.get(url(organization_id))
    posted = seeker_client.post(url(organization_id))

    for response in (shown, posted):
        assert response.status_code == 404
        html = page(response)
        assert REFUSAL in html
        assert "未承諾の人材会社" not in html
        assert BLOCK_BUTTON not in html
    assert not Block.objects.exists()
    assert not AuditEvent.objects.filter(verb=AuditEvent.Verb.SEEKER_BLOCK).exists()


def test_another_seekers_block_is_not_this_seekers(seeker_client, other_seeker, account, agency):
    services.block_add(actor=other_seeker, account=other_seeker.seeker_account, organization_id=agency.pk)

    assert BLOCK_BUTTON in page(seeker_client.get(url(agency.pk)))
    seeker_client.post(url(agency.pk))

    assert Block.objects.filter(organization=agency).count() == 2


# --- access: anonymous, wrong role ----------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client, agency):
    response = client.get(url(agency.pk))

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url(agency.pk)}"
    assert client.post(url(agency.pk)).status_code == 302
    assert not Block.objects.exists()


@pytest.mark.parametrize("who", ["agency_member", "municipality_member", "staff"])
def test_the_confirmation_is_forbidden_to_other_roles(request, agency, who):
    client = login(request.getfixturevalue(who))

    assert client.get(url(agency.pk)).status_code == 403
    assert client.post(url(agency.pk)).status_code == 403
    assert not Block.objects.exists()
