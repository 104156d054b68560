"""Login emails change only through staff (issue: verified email changes): allauth's email page is
not offered, and a change made in admin is audited and told to the old address."""

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, OutgoingEmail
from accounts.services import user_email_change
from accounts.tests.factories import DEFAULT_PASSWORD
from tests.pages import AdminPage, with_totp

pytestmark = pytest.mark.django_db


def test_the_email_page_explains_who_changes_it_and_offers_no_form(member_client):
    response = member_client.get("/accounts/email/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "登録メールアドレスは、このサイトでは変更できません。" in html
    assert 'name="email"' not in html


def test_posting_a_new_address_to_the_email_page_changes_nothing(member_client, agency_member):
    before = agency_member.email

    response = member_client.post("/accounts/email/", {"action_add": "", "email": "attacker@example.jp"})

    assert response.status_code == 405
    agency_member.refresh_from_db()
    assert agency_member.email == before
    assert not EmailAddress.objects.filter(email="attacker@example.jp").exists()


def change_in_admin(staff, user, new_email: str):
    client = Client()
    client.force_login(with_totp(staff))
    url = reverse("admin:accounts_user_change", args=[user.pk])
    form = AdminPage(client.get(url).content.decode(), "user_form")
    data = {name: values if len(values) > 1 else values[0] for name, values in form.fields.items()}
    data["email"] = new_email
    return client.post(url, data)


def test_staff_change_a_members_email_in_admin_audited_and_told_to_the_old_address(staff, agency_member):
    old = agency_member.email
    EmailAddress.objects.create(user=agency_member, email=old, primary=True, verified=True)

    response = change_in_admin(staff, agency_member, "new-address@example.jp")

    assert response.status_code == 302
    agency_member.refresh_from_db()
    assert agency_member.email == "new-address@example.jp"
    event = AuditEvent.objects.get(verb="user.email_change", target_id=str(agency_member.pk))
    assert event.actor == staff
    assert event.data == {"before": old, "after": "new-address@example.jp"}
    notice = OutgoingEmail.objects.get(kind="account_notice")
    assert notice.to == old
    assert not EmailAddress.objects.filter(email=old).exists()
    # The member signs in with the new address only.
    assert Client().login(email="new-address@example.jp", password=DEFAULT_PASSWORD)
    assert not Client().login(email=old, password=DEFAULT_PASSWORD)


def test_the_notice_names_the_new_address_and_what_to_do_if_unexpected(staff, agency_member):
    old = agency_member.email

    user_email_change(actor=staff, user=agency_member, email="new-address@example.jp")

    notice = OutgoingEmail.objects.get(kind="account_notice")
    assert notice.to == old
    assert notice.subject == "【求職情報提供サイト】登録メールアドレスの変更のお知らせ"
    assert "新しいメールアドレス: new-address@example.jp" in notice.body
    assert "変更を申し出た覚えがない場合は" in notice.body


def test_the_same_address_in_another_case_is_no_change(staff, agency_member):
    user_email_change(actor=staff, user=agency_member, email=agency_member.email.upper())

    assert not AuditEvent.objects.filter(verb="user.email_change").exists()
    assert not OutgoingEmail.objects.filter(kind="account_notice").exists()


def test_another_members_address_is_refused(staff, agency_member, municipality_member):
    with pytest.raises(ValidationError) as refused:
        user_email_change(actor=staff, user=agency_member, email=municipality_member.email)

    assert "このメールアドレスは他の利用者が使っています。" in str(refused.value)
    agency_member.refresh_from_db()
    assert agency_member.email != municipality_member.email


def test_allauths_own_address_admin_is_not_offered(staff, client):
    from django.contrib import admin

    client.force_login(with_totp(staff))

    assert not admin.site.is_registered(EmailAddress)
    assert client.get("/admin/account/emailaddress/add/").status_code == 404
