"""Every mail kind (OutgoingEmail.Kind), each written by its own call site: the kind recorded, and
whether the text is wiped once sent (the kinds that carry a 認証キー or a link) or kept."""

import re
from datetime import timedelta

import pytest
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.core.context import request_context
from django.contrib.messages.storage.cookie import CookieStorage
from django.core import mail
from django.test import RequestFactory

from accounts.models import OutgoingEmail
from messaging.services import guidance_send
from organizations.services import member_invite
from seekers.services import periods_end, seeker_register
from seekers.tests.factories import JobApplicationFactory

pytestmark = pytest.mark.django_db

Kind = OutgoingEmail.Kind
WIPED = {Kind.AUTH_KEY, Kind.PASSWORD_RESET_KEY, Kind.MEMBER_INVITE, Kind.EMAIL_CONFIRMATION}
# The saved-search mail carries a count and a link that needs the member's login: no secret in it.
KEPT = {Kind.ACCOUNT_NOTICE, Kind.FIRST_GUIDANCE, Kind.PERIOD_END, Kind.USER_ID_REMINDER, Kind.SAVED_SEARCH_NEW,
        Kind.APPROVAL_REMINDER}


def test_every_kind_is_either_wiped_or_kept_once_sent():
    assert WIPED | KEPT == set(Kind), "a new kind must be declared wiped or kept (OutgoingEmail.WIPED_AFTER_SENDING)"
    assert OutgoingEmail.WIPED_AFTER_SENDING == WIPED


def sent_row(to: str) -> OutgoingEmail:
    """The one outbox row sent to `to`, read back after sending."""
    row = OutgoingEmail.objects.get(to=to)
    assert row.sent_at is not None
    return row


def delivered(to: str):
    [message] = [message for message in mail.outbox if message.to == [to]]
    return message


def assert_wiped(row: OutgoingEmail) -> None:
    assert (row.body, row.html_body) == ("", "")
    assert row.subject  # the subject stays: staff see what was sent, not the secret


def test_registration_mails_the_key_as_auth_key_and_wipes_it(django_capture_on_commit_callbacks, password):
    application = JobApplicationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        registration = seeker_register(kyushoku_number=application.kyushoku_number,
                                       birth_date=application.identity.birth_date, email="taro@example.jp",
                                       password=password, terms_version="2026-11")

    row = sent_row("taro@example.jp")
    assert row.kind == Kind.AUTH_KEY
    assert_wiped(row)
    assert registration.user_id in delivered("taro@example.jp").body


def test_the_password_reset_mail_is_password_reset_key_and_wiped(client, seeker,
                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"user_id": seeker.username, "email": seeker.email})

    row = sent_row(seeker.email)
    assert row.kind == Kind.PASSWORD_RESET_KEY
    assert_wiped(row)
    assert "/accounts/password/reset/key/" in delivered(seeker.email).body


def test_the_member_invitation_has_its_own_kind_and_is_wiped(staff, agency, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        member_invite(actor=staff, organization=agency, email="new.member@agency.example.jp")

    row = sent_row("new.member@agency.example.jp")
    assert row.kind == Kind.MEMBER_INVITE
    assert_wiped(row)
    body = delivered("new.member@agency.example.jp").body
    assert re.search(r"/accounts/password/reset/key/\S+", body)
    assert not OutgoingEmail.objects.filter(kind=Kind.PASSWORD_RESET_KEY).exists()


def test_an_email_confirmation_is_wiped(agency_member, django_capture_on_commit_callbacks):
    request = RequestFactory().post("/accounts/email/")
    request.user = agency_member
    request._messages = CookieStorage(request)  # allauth says 確認メールを…送信しました
    with request_context(request), django_capture_on_commit_callbacks(execute=True):
        EmailAddress.objects.add_email(request, agency_member, "second@agency.example.jp", confirm=True)

    row = sent_row("second@agency.example.jp")
    assert row.kind == Kind.EMAIL_CONFIRMATION
    assert_wiped(row)
    assert "/accounts/confirm-email/" in delivered("second@agency.example.jp").body


def test_allauth_notices_are_account_notice_and_kept(settings, agency_member, django_capture_on_commit_callbacks):
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    request = RequestFactory().post("/accounts/password/change/")
    request.user = agency_member
    with request_context(request), django_capture_on_commit_callbacks(execute=True):
        get_adapter(request).send_notification_mail("account/email/password_changed", agency_member,
                                                     email=agency_member.email)

    row = sent_row(agency_member.email)
    assert row.kind == Kind.ACCOUNT_NOTICE
    assert row.body and row.body == delivered(agency_member.email).body


def test_the_first_guidance_notice_is_kept(seeker, agency, agency_member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        guidance_send(actor=agency_member, organization=agency,
                      public_id=seeker.seeker_account.application.profile.public_id, subject="求人のご案内",
                      body="介護職の求人をご紹介できます。")

    row = sent_row(seeker.email)
    assert row.kind == Kind.FIRST_GUIDANCE
    assert agency.name in row.body and agency.name in row.html_body
    assert row.body == delivered(seeker.email).body


def test_the_end_of_period_notice_is_kept(seeker, django_capture_on_commit_callbacks):
    application = seeker.seeker_account.application
    with django_capture_on_commit_callbacks(execute=True):
        periods_end(today=application.valid_until + timedelta(days=1))

    row = sent_row(seeker.email)
    assert row.kind == Kind.PERIOD_END
    assert seeker.username in row.body
    assert row.body == delivered(seeker.email).body
