"""メンバーの操作記録 at /orgs/organization/members/audit/ (issue 16): the audit events of the
organisation's members (removed ones too), newest first, a page at a time; nobody else's."""

import pytest

from accounts.audit import audit
from accounts.models import AuditEvent
from organizations import services
from organizations.tests.factories import MemberFactory, OrganizationFactory
from tests.pages import login, page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa")]

URL = "/orgs/organization/members/audit/"


def test_the_administrator_reads_the_members_actions_newest_first(agency_admin_client, agency, agency_admin,
                                                                  staff, frozen_clock):
    colleague = MemberFactory(organization=agency, display_name="田中")
    gone = MemberFactory(organization=agency)
    outsider = MemberFactory(organization=OrganizationFactory(), display_name="他団体の人")
    services.member_role_change(actor=agency_admin, member=colleague, role="admin")
    frozen_clock.shift(60)
    audit(actor=outsider.user, verb=AuditEvent.Verb.MESSAGE_GUIDANCE, target=outsider)
    audit(actor=staff, verb=AuditEvent.Verb.ORGANIZATION_UPDATE, target=agency)
    services.member_remove(actor=colleague.user, member=gone)

    html = page(agency_admin_client.get(URL))

    assert html.index("利用団体メンバーの削除") < html.index("利用団体メンバーの権限の変更")
    assert "田中" in html and colleague.user.email in html
    assert "他団体の人" not in html and "利用団体の変更" not in html
    assert "操作 2 件" in html


def test_the_audit_is_paged_with_the_same_queries(agency_admin_client, agency, agency_admin,
                                                   django_assert_num_queries):
    for _ in range(60):
        audit(actor=agency_admin, verb=AuditEvent.Verb.MESSAGE_GUIDANCE)
    agency_admin_client.get(URL)  # the first request of a session writes its idle stamp
    # 1 session, 2 user with their membership and its organisation (one join, accounts.backends.get_user;
    # member_required checks it), 3 the MFA gate, 4 the count, 5 the page with each actor's name and email.
    with django_assert_num_queries(5):
        first = page(agency_admin_client.get(URL))
    with django_assert_num_queries(5):
        second = page(agency_admin_client.get(URL + "?page=2"))
    assert first.count("案内メッセージの送信") == 50 and second.count("案内メッセージの送信") == 10
    assert "1 / 2 ページ" in first and "2 / 2 ページ" in second


def test_a_member_who_is_not_the_administrator_is_refused(member_client):
    assert member_client.get(URL).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"] == f"/accounts/login/?next={URL}"


@pytest.mark.parametrize("who", ["seeker", "staff"])
def test_the_page_is_forbidden_to_other_roles(request, who):
    assert login(request.getfixturevalue(who)).get(URL).status_code == 403
