"""Staff add organisation members in admin (no self-registration); the member sets a password from
the emailed link, then signs in with email and password."""

import re

import pytest
from django.core import mail

from accounts.models import AuditEvent, OutgoingEmail, User
from organizations.models import Member
from organizations.services import member_invite

# TOTP has its own tests; here the point is the invitation.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa")]


def _link(body: str) -> str:
    return re.search(r"https?://\S+/accounts/password/reset/key/\S+", body).group(0)


def test_staff_add_a_member_who_sets_a_password_from_the_mail(client, staff, agency,
                                                              django_capture_on_commit_callbacks):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/organizations/member/add/", {
            "organization": agency.pk, "email": "new.member@agency.example.jp", "display_name": "採用担当 田中",
            "role": "member",
        })
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="new.member@agency.example.jp")
    assert user.role == "member" and not user.has_usable_password()
    assert Member.objects.get(user=user).organization == agency
    assert AuditEvent.objects.filter(verb="member.invite").exists()
    sent = [m for m in mail.outbox if m.to == ["new.member@agency.example.jp"]]
    assert len(sent) == 1 and agency.name in sent[0].body
    assert OutgoingEmail.objects.get(to="new.member@agency.example.jp").body == ""  # the link is wiped once sent

    client.logout()
    path = _link(sent[0].body).split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path, follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else "/" + path
    done = client.post(form_url, {"password1": "Shinki-Pass-2026", "password2": "Shinki-Pass-2026"})
    assert done.status_code == 302

    client.post("/accounts/login/", {"login": "new.member@agency.example.jp", "password": "Shinki-Pass-2026"})
    assert client.get("/orgs/seekers/").status_code == 200


def test_an_email_already_used_by_a_member_is_refused_at_the_field(client, staff, agency, agency_member):
    client.force_login(staff)
    response = client.post("/admin/organizations/member/add/", {
        "organization": agency.pk, "email": agency_member.email.upper(), "display_name": "", "role": "member",
    })
    assert response.status_code == 200
    assert "このメールアドレスはすでに登録されています。" in response.content.decode()


def test_a_member_cannot_log_in_before_setting_a_password(client, staff, agency):
    member = member_invite(actor=staff, organization=agency, email="wait@agency.example.jp")
    response = client.post("/accounts/login/", {"login": "wait@agency.example.jp", "password": ""})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert member.user.has_usable_password() is False
