"""メンバー管理 at /orgs/organization/members/ (issue 16): the organisation's administrator sees its
members and invites one by email (the invitation link mail staff send too)."""

import re

import pytest

from accounts.models import AuditEvent, OutgoingEmail, User
from organizations.models import Member
from organizations.tests.factories import MemberFactory, OrganizationFactory
from tests.pages import field_error, login, page, with_totp

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa")]

URL = "/orgs/organization/members/"


def test_the_administrator_sees_the_members_with_their_links(agency_admin_client, agency, agency_admin):
    colleague = MemberFactory(organization=agency, display_name="採用担当 田中")
    outsider = MemberFactory(organization=OrganizationFactory(), display_name="他団体の人")

    html = page(agency_admin_client.get(URL))

    assert "採用担当 田中" in html and colleague.user.email in html and agency_admin.email in html
    assert "他団体の人" not in html and outsider.user.email not in html
    assert f'href="/orgs/organization/members/{colleague.pk}/remove/"' in html
    assert f'href="/orgs/organization/members/{colleague.pk}/role/"' in html
    assert 'href="/orgs/organization/members/audit/"' in html
    assert '<a href="/orgs/organization/members/" aria-current="page">メンバー管理</a>' in html


def test_the_member_list_costs_the_same_queries_with_more_members(agency_admin_client, agency,
                                                                  django_assert_num_queries):
    MemberFactory.create_batch(5, organization=agency)
    agency_admin_client.get(URL)  # the first request of a session writes its idle stamp
    # 1 session, 2 user with their membership and its organisation (one join, accounts.backends.get_user;
    # member_required checks it), 3 the MFA gate, 4 the members with their users.
    with django_assert_num_queries(4):
        first = agency_admin_client.get(URL)
    MemberFactory.create_batch(10, organization=agency)
    with django_assert_num_queries(4):
        second = agency_admin_client.get(URL)
    assert page(second).count("/remove/") == page(first).count("/remove/") + 10


def test_the_administrator_invites_a_member(agency_admin_client, agency, agency_admin, mailoutbox,
                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = agency_admin_client.post(URL, {"email": "new@agency.example.jp", "display_name": "新人",
                                                  "role": "member"})

    assert response.status_code == 302 and response["Location"] == URL
    member = Member.objects.get(user__email="new@agency.example.jp")
    assert member.organization == agency and member.role == "member" and member.display_name == "新人"
    assert AuditEvent.objects.get(verb=AuditEvent.Verb.MEMBER_INVITE).actor == agency_admin
    assert [m.to for m in mailoutbox] == [["new@agency.example.jp"]]
    assert re.search(r"/accounts/password/reset/key/\S+", mailoutbox[0].body)
    assert OutgoingEmail.objects.get().kind == OutgoingEmail.Kind.MEMBER_INVITE
    assert "new@agency.example.jp に招待のメールを送りました。" in page(agency_admin_client.get(URL))


def test_an_address_in_use_is_refused_at_the_field_and_the_rest_kept(agency_admin_client, agency_member):
    response = agency_admin_client.post(URL, {"email": agency_member.email, "display_name": "入力した名前",
                                              "role": "admin"})

    assert response.status_code == 200
    assert field_error(response, "email") == "このメールアドレスはすでに登録されています。"
    assert 'value="入力した名前"' in page(response)
    assert not AuditEvent.objects.filter(verb=AuditEvent.Verb.MEMBER_INVITE).exists()


def test_a_malformed_address_is_refused_at_the_field(agency_admin_client):
    response = agency_admin_client.post(URL, {"email": "not-an-address", "display_name": "", "role": "member"})

    assert field_error(response, "email") == "メールアドレスの形式で入力してください(例: tanaka@example.jp)。"
    assert User.objects.filter(role="member").count() == 1


def test_a_member_who_is_not_the_administrator_is_refused(member_client, agency):
    assert member_client.get(URL).status_code == 403
    response = member_client.post(URL, {"email": "x@agency.example.jp", "display_name": "", "role": "admin"})
    assert response.status_code == 403
    assert not User.objects.filter(email="x@agency.example.jp").exists()
    assert "メンバー管理" not in page(member_client.get("/orgs/organization/"))


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"] == f"/accounts/login/?next={URL}"


@pytest.mark.parametrize("who", ["seeker", "staff"])
def test_the_page_is_forbidden_to_other_roles(request, who):
    assert login(request.getfixturevalue(who)).get(URL).status_code == 403


def test_a_suspended_organisations_administrator_cannot_invite():
    client = login(with_totp(MemberFactory(organization=OrganizationFactory(suspended=True), role="admin").user))

    response = client.post(URL, {"email": "x@agency.example.jp", "display_name": "", "role": "member"})

    assert response.status_code == 403
    assert not User.objects.filter(email="x@agency.example.jp").exists()


def test_a_removed_member_is_invited_back(agency_admin_client, agency_admin, agency_member):
    from organizations.services import member_remove

    member_remove(actor=agency_admin, member=agency_member.membership)

    response = agency_admin_client.post(URL, {"email": agency_member.email, "display_name": "", "role": "member"})

    assert response.status_code == 302
    assert Member.objects.get(pk=agency_member.membership.pk).removed_at is None
    assert agency_member.email in page(agency_admin_client.get(URL))
