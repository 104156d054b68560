"""権限の変更 at /orgs/organization/members/<id>/role/ (issue 16): the page says what the change does
and asks first; the last administrator is refused there, before any form."""

import pytest

from accounts.models import AuditEvent
from organizations.models import Member
from organizations.tests.factories import MemberFactory, OrganizationFactory
from tests.pages import login, page, with_totp

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa")]


def url(member) -> str:
    return f"/orgs/organization/members/{member.pk}/role/"


def test_the_page_asks_first_and_says_what_making_an_administrator_does(agency_admin_client, agency):
    colleague = MemberFactory(organization=agency, display_name="田中")

    html = page(agency_admin_client.get(url(colleague)))

    assert "田中 を管理者にする" in html
    assert "メンバーの招待・権限の変更・削除" in html
    assert '<input type="hidden" name="role" value="admin">' in html
    assert Member.objects.get(pk=colleague.pk).role == "member"  # a GET changes nothing


def test_the_administrator_makes_a_member_administrator_and_back(agency_admin_client, agency, agency_admin):
    colleague = MemberFactory(organization=agency, display_name="田中")

    response = agency_admin_client.post(url(colleague), {"role": "admin"})

    assert response.status_code == 302 and response["Location"] == "/orgs/organization/members/"
    assert Member.objects.get(pk=colleague.pk).role == "admin"
    assert "田中 の権限を「管理者」に変更しました。" in page(agency_admin_client.get(response["Location"]))
    assert "担当者にすると" in page(agency_admin_client.get(url(colleague)))
    agency_admin_client.post(url(colleague), {"role": "member"})
    assert Member.objects.get(pk=colleague.pk).role == "member"
    assert AuditEvent.objects.filter(verb=AuditEvent.Verb.MEMBER_ROLE_CHANGE, actor=agency_admin).count() == 2


def test_the_last_administrator_is_refused_before_being_asked(agency_admin_client, agency, agency_admin):
    me = agency_admin.membership

    html = page(agency_admin_client.get(url(me)))
    response = agency_admin_client.post(url(me), {"role": "member"})

    message = "この方は最後の管理者のため担当者に変更できません。"
    assert message in html and '<button class="button button--primary" type="submit">' not in html
    assert response.status_code == 200 and message in page(response)
    assert Member.objects.get(pk=me.pk).role == "admin"


def test_an_administrator_who_demotes_themselves_lands_on_a_page_they_may_open(agency_admin_client, agency,
                                                                               agency_admin):
    MemberFactory(organization=agency, role="admin")

    response = agency_admin_client.post(url(agency_admin.membership), {"role": "member"})

    assert response["Location"] == "/orgs/organization/"
    assert agency_admin_client.get("/orgs/organization/members/").status_code == 403


def test_a_hand_made_role_is_refused(agency_admin_client, agency):
    colleague = MemberFactory(organization=agency)

    response = agency_admin_client.post(url(colleague), {"role": "owner"})

    assert response.status_code == 200
    assert Member.objects.get(pk=colleague.pk).role == "member"


def test_another_organisations_member_is_not_found(agency_admin_client):
    stranger = MemberFactory(organization=OrganizationFactory())

    assert agency_admin_client.get(url(stranger)).status_code == 404
    assert agency_admin_client.post(url(stranger), {"role": "admin"}).status_code == 404
    assert Member.objects.get(pk=stranger.pk).role == "member"


def test_a_member_who_is_not_the_administrator_is_refused(member_client, agency, agency_member):
    colleague = MemberFactory(organization=agency)

    assert member_client.get(url(colleague)).status_code == 403
    assert member_client.post(url(agency_member.membership), {"role": "admin"}).status_code == 403
    assert Member.objects.get(pk=agency_member.membership.pk).role == "member"


def test_anonymous_visitors_are_sent_to_the_login_page(client, agency_member):
    response = client.post(url(agency_member.membership), {"role": "admin"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert Member.objects.get(pk=agency_member.membership.pk).role == "member"


@pytest.mark.parametrize("who", ["seeker", "staff"])
def test_the_page_is_forbidden_to_other_roles(request, agency_member, who):
    assert login(request.getfixturevalue(who)).get(url(agency_member.membership)).status_code == 403


def test_a_suspended_organisations_administrator_cannot_change_roles():
    suspended = OrganizationFactory(suspended=True)
    client = login(with_totp(MemberFactory(organization=suspended, role="admin").user))
    colleague = MemberFactory(organization=suspended)

    assert client.post(url(colleague), {"role": "admin"}).status_code == 403
    assert Member.objects.get(pk=colleague.pk).role == "member"
