"""Staff keep the administrator's powers over members in admin, through the same services: a role
change (organizations.services.member_role_change) and removal (member_remove, what the admin's
削除 does), with the last-administrator rule shown as the refusal."""

import pytest

from accounts.models import AuditEvent
from organizations.models import Member
from organizations.tests.factories import MemberFactory
from tests.pages import field_error, login, page, with_totp

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa")]


def change_url(member) -> str:
    return f"/admin/organizations/member/{member.pk}/change/"


def test_staff_change_a_role_through_the_service(staff_client, staff, agency):
    admin = MemberFactory(organization=agency, role="admin")
    member = MemberFactory(organization=agency, display_name="田中")

    response = staff_client.post(change_url(member), {"display_name": "田中 一郎", "role": "admin"})

    assert response.status_code == 302, field_error(response, "role")
    stored = Member.objects.get(pk=member.pk)
    assert (stored.role, stored.display_name, stored.organization) == ("admin", "田中 一郎", agency)
    event = AuditEvent.objects.get(verb=AuditEvent.Verb.MEMBER_ROLE_CHANGE)
    assert event.actor == staff and event.data == {"before": "member", "after": "admin"}
    assert Member.objects.get(pk=admin.pk).role == "admin"


def test_staff_cannot_demote_the_last_administrator(staff_client, agency):
    only = MemberFactory(organization=agency, role="admin", display_name="管理 太郎")

    response = staff_client.post(change_url(only), {"display_name": "変えた名前", "role": "member"})

    assert response.status_code == 200
    assert "この方は最後の管理者のため担当者に変更できません。" in field_error(response, "role")
    assert 'value="変えた名前"' in page(response)
    stored = Member.objects.get(pk=only.pk)
    assert (stored.role, stored.display_name) == ("admin", "管理 太郎")


def test_staff_removal_ends_the_members_session_and_keeps_the_row(staff_client, staff, agency_admin,
                                                                  agency_member):
    member_client = login(with_totp(agency_member))
    assert member_client.get("/orgs/seekers/").status_code == 200
    url = f"/admin/organizations/member/{agency_member.membership.pk}/delete/"

    assert "ログアウトされ" in page(staff_client.get(url))  # the confirmation says what it does
    response = staff_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    stored = Member.objects.get(pk=agency_member.membership.pk)
    assert stored.removed_at is not None and not stored.user.is_active
    assert member_client.get("/orgs/seekers/").status_code == 302
    assert AuditEvent.objects.get(verb=AuditEvent.Verb.MEMBER_REMOVE).actor == staff


def test_staff_cannot_remove_the_last_administrator(staff_client, agency_admin):
    url = f"/admin/organizations/member/{agency_admin.membership.pk}/delete/"

    response = staff_client.post(url, {"post": "yes"}, follow=True)

    assert "この方は最後の管理者のため削除できません。" in page(response)
    assert Member.objects.get(pk=agency_admin.membership.pk).removed_at is None


def test_the_bulk_delete_action_removes_through_the_service_and_refuses_the_last_administrator(
        staff_client, agency, agency_admin, agency_member):
    response = staff_client.post("/admin/organizations/member/", {
        "action": "delete_selected", "post": "yes",
        "_selected_action": [agency_admin.membership.pk, agency_member.membership.pk],
    }, follow=True)

    assert "この方は最後の管理者のため削除できません。" in page(response)
    assert Member.objects.get(pk=agency_member.membership.pk).removed_at is not None
    assert Member.objects.get(pk=agency_admin.membership.pk).removed_at is None


def test_the_organisation_page_shows_members_read_only(staff_client, agency, agency_admin):
    html = page(staff_client.get(f"/admin/organizations/organization/{agency.pk}/change/"))

    assert agency_admin.membership.display_name in html
    assert 'name="members-0-role"' not in html and 'name="members-0-DELETE"' not in html


def test_staff_invite_back_a_member_the_organisation_removed(staff_client, agency, agency_admin, agency_member):
    from organizations.services import member_remove

    member_remove(actor=agency_admin, member=agency_member.membership)

    response = staff_client.post("/admin/organizations/member/add/", {
        "organization": agency.pk, "email": agency_member.email, "display_name": "", "role": "member"})

    assert response.status_code == 302, field_error(response, "email")
    assert Member.objects.get(pk=agency_member.membership.pk).removed_at is None
