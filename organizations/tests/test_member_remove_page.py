"""メンバーの削除 at /orgs/organization/members/<id>/remove/ (issue 16): the page says what removal
does and asks first; the removed member's open session is logged out on its next request."""

import pytest

from accounts.models import AuditEvent
from organizations.models import Member
from organizations.tests.factories import MemberFactory, OrganizationFactory
from tests.pages import login, page, with_totp

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa")]


def url(member) -> str:
    return f"/orgs/organization/members/{member.pk}/remove/"


def test_the_page_says_what_removal_does_and_asks_first(agency_admin_client, agency_member):
    html = page(agency_admin_client.get(url(agency_member.membership)))

    assert "すぐにログアウトされ" in html and "あとで同じメールアドレスを招待すると" in html
    assert '<button class="button button--danger" type="submit">削除する</button>' in html
    assert Member.objects.get(pk=agency_member.membership.pk).removed_at is None


def test_a_removed_members_open_session_is_logged_out_on_its_next_request(agency_admin_client, member_client,
                                                                          agency_member, agency_admin):
    assert member_client.get("/orgs/seekers/").status_code == 200  # signed in and working

    response = agency_admin_client.post(url(agency_member.membership))

    assert response.status_code == 302 and response["Location"] == "/orgs/organization/members/"
    after = member_client.get("/orgs/seekers/")
    assert after.status_code == 302 and after["Location"] == "/accounts/login/?next=/orgs/seekers/"
    assert not member_client.get("/orgs/messages/").wsgi_request.user.is_authenticated
    listed = page(agency_admin_client.get("/orgs/organization/members/"))
    assert agency_member.email not in listed and "ログイン中の画面もログアウトされました。" in listed
    assert AuditEvent.objects.get(verb=AuditEvent.Verb.MEMBER_REMOVE).actor == agency_admin


def test_a_removed_member_cannot_sign_in_again(agency_admin_client, agency_member, client, password):
    agency_admin_client.post(url(agency_member.membership))

    client.post("/accounts/login/", {"login": agency_member.email, "password": password})

    assert "_auth_user_id" not in client.session


def test_the_last_administrator_is_refused_before_being_asked(agency_admin_client, agency_admin):
    me = agency_admin.membership

    html = page(agency_admin_client.get(url(me)))
    response = agency_admin_client.post(url(me))

    message = "この方は最後の管理者のため削除できません。"
    assert message in html and "button--danger" not in html
    assert response.status_code == 200 and message in page(response)
    assert Member.objects.get(pk=me.pk).removed_at is None
    assert agency_admin_client.get("/orgs/organization/members/").status_code == 200


def test_an_administrator_who_removes_themselves_is_logged_out(agency_admin_client, agency, agency_admin):
    MemberFactory(organization=agency, role="admin")

    response = agency_admin_client.post(url(agency_admin.membership))

    assert response["Location"] == "/accounts/login/"
    assert agency_admin_client.get("/orgs/seekers/").status_code == 302


def test_another_organisations_member_is_not_found(agency_admin_client):
    stranger = MemberFactory(organization=OrganizationFactory())

    assert agency_admin_client.get(url(stranger)).status_code == 404
    assert agency_admin_client.post(url(stranger)).status_code == 404
    assert Member.objects.get(pk=stranger.pk).removed_at is None


def test_an_already_removed_member_is_not_found(agency_admin_client, agency_member):
    agency_admin_client.post(url(agency_member.membership))

    assert agency_admin_client.get(url(agency_member.membership)).status_code == 404


def test_a_member_who_is_not_the_administrator_is_refused(member_client, agency):
    colleague = MemberFactory(organization=agency)

    assert member_client.get(url(colleague)).status_code == 403
    assert member_client.post(url(colleague)).status_code == 403
    assert Member.objects.get(pk=colleague.pk).removed_at is None


def test_anonymous_visitors_are_sent_to_the_login_page(client, agency_member):
    response = client.post(url(agency_member.membership))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert Member.objects.get(pk=agency_member.membership.pk).removed_at is None


@pytest.mark.parametrize("who", ["seeker", "staff"])
def test_the_page_is_forbidden_to_other_roles(request, agency_member, who):
    assert login(request.getfixturevalue(who)).post(url(agency_member.membership)).status_code == 403


def test_a_suspended_organisations_administrator_cannot_remove():
    suspended = OrganizationFactory(suspended=True)
    client = login(with_totp(MemberFactory(organization=suspended, role="admin").user))
    colleague = MemberFactory(organization=suspended)

    assert client.post(url(colleague)).status_code == 403
    assert Member.objects.get(pk=colleague.pk).removed_at is None
