"""Every mail looks like the service (issue 13 item 4): its subject starts with the site's name, never a
host; its text names who sends it; no host name or 'example.com' outside its links; no allauth
"こんにちは、<host> です!". Each mail is made by its real call site and read as delivered."""

import re
from datetime import date, timedelta
from pathlib import Path

import allauth
import pytest
from allauth.account.adapter import get_adapter
from allauth.core.context import request_context
from django.core import mail
from django.test import RequestFactory

from accounts.models import OutgoingEmail
from accounts.services import user_email_change
from messaging.services import guidance_send
from organizations.services import member_invite
from seekers.services import auth_key_reissue, periods_end, seeker_register, user_id_remind
from seekers.tests.factories import JobApplicationFactory

pytestmark = pytest.mark.django_db

PREFIX = "【求職情報提供サイト】"
# The development SITE_URL's host, the test client's, Django's default Site and allauth's greeting.
HOSTS = ("127.0.0.1", ":8000", "localhost", "testserver", "example.com")
SENDER = "ハローワーク 求職情報提供サイト"
LINK = re.compile(r"https?://[^\s\"'<>]+")
BIRTH = date(1990, 4, 1)


def registration(request, password):
    application = JobApplicationFactory(identity__birth_date=BIRTH)
    seeker_register(kyushoku_number=application.kyushoku_number, birth_date=BIRTH, email="taro@example.jp",
                    password=password, terms_version="2026-11")


def key_reissue(request, password):
    application = JobApplicationFactory(identity__birth_date=BIRTH)
    registered = seeker_register(kyushoku_number=application.kyushoku_number, birth_date=BIRTH,
                                 email="taro@example.jp", password=password, terms_version="2026-11")
    auth_key_reissue(account=registered.account)


def seeker_password_reset(request, password):
    seeker = request.getfixturevalue("seeker")
    request.getfixturevalue("client").post("/accounts/password/reset/",
                                           {"user_id": seeker.username, "email": seeker.email})


def member_password_reset(request, password):
    member = request.getfixturevalue("agency_member")
    request.getfixturevalue("client").post("/accounts/password/reset/",
                                           {"user_id": member.email, "email": member.email})


def invitation(request, password):
    member_invite(actor=request.getfixturevalue("staff"), organization=request.getfixturevalue("agency"),
                  email="new.member@agency.example.jp")


def first_guidance(request, password):
    seeker, agency = request.getfixturevalue("seeker"), request.getfixturevalue("agency")
    guidance_send(actor=request.getfixturevalue("agency_member"), organization=agency,
                  public_id=seeker.seeker_account.application.profile.public_id, subject="求人のご案内",
                  body="介護職の求人をご紹介できます。")


def period_end(request, password):
    application = request.getfixturevalue("seeker").seeker_account.application
    periods_end(today=application.valid_until + timedelta(days=1))


def email_change_notice(request, password):
    user_email_change(actor=request.getfixturevalue("staff"), user=request.getfixturevalue("seeker"),
                      email="new.address@example.jp")


def user_id_reminder(request, password):
    seeker = request.getfixturevalue("seeker")
    application = seeker.seeker_account.application
    user_id_remind(kyushoku_number=application.kyushoku_number, birth_date=application.identity.birth_date,
                   email=seeker.email)


def saved_search_new(request, password):
    from django.utils import timezone

    from seekers.models import SavedSearch
    from seekers.services import saved_search_create, saved_searches_mail

    now = timezone.now()
    member = request.getfixturevalue("agency_member").membership
    saved = saved_search_create(actor=member.user, member=member, name="全国", query={},
                                mail_hour=timezone.localtime(now).hour)
    SavedSearch.objects.filter(pk=saved.pk).update(last_looked_at=now - timedelta(hours=1))
    request.getfixturevalue("seeker")  # published after the last look
    saved_searches_mail(now=now)


def approval_reminder(request, password):
    from organizations.models import Member
    from organizations.services import approval_reminders_send
    from organizations.tests.factories import MemberFactory

    agency = request.getfixturevalue("agency")
    MemberFactory(organization=agency, role=Member.Role.ADMIN)
    approval_reminders_send(today=agency.approval_until - timedelta(days=10))


MAILS = {
    "registration": (registration, OutgoingEmail.Kind.AUTH_KEY),
    "key_reissue": (key_reissue, OutgoingEmail.Kind.AUTH_KEY),
    "seeker_password_reset": (seeker_password_reset, OutgoingEmail.Kind.PASSWORD_RESET_KEY),
    "member_password_reset": (member_password_reset, OutgoingEmail.Kind.PASSWORD_RESET_KEY),
    "invitation": (invitation, OutgoingEmail.Kind.MEMBER_INVITE),
    "first_guidance": (first_guidance, OutgoingEmail.Kind.FIRST_GUIDANCE),
    "period_end": (period_end, OutgoingEmail.Kind.PERIOD_END),
    "email_change_notice": (email_change_notice, OutgoingEmail.Kind.ACCOUNT_NOTICE),
    "user_id_reminder": (user_id_reminder, OutgoingEmail.Kind.USER_ID_REMINDER),
    "saved_search_new": (saved_search_new, OutgoingEmail.Kind.SAVED_SEARCH_NEW),
    "approval_reminder": (approval_reminder, OutgoingEmail.Kind.APPROVAL_REMINDER),
}


def test_every_kind_of_mail_is_covered():
    # Email confirmation is allauth's, sent only from its /accounts/email/ page, which the site does
    # not mount (accounts.services); its subject is checked with allauth's other mails below.
    assert {kind for _, kind in MAILS.values()} >= set(OutgoingEmail.Kind) - {OutgoingEmail.Kind.EMAIL_CONFIRMATION}


@pytest.mark.parametrize("name", MAILS)
def test_the_mail_looks_like_the_service(request, name, password, django_capture_on_commit_callbacks):
    send, kind = MAILS[name]
    with django_capture_on_commit_callbacks(execute=True):
        send(request, password)

    # The key reissue follows its registration: two mails, both checked.
    assert len(mail.outbox) == (2 if name == "key_reissue" else 1)
    assert OutgoingEmail.objects.filter(kind=kind).exists()
    for message in mail.outbox:
        assert_looks_like_the_service(message)


def assert_looks_like_the_service(message) -> None:
    assert message.subject.startswith(PREFIX), message.subject
    assert not any(host in message.subject for host in HOSTS), message.subject
    parts = [message.body] + [html for html, mimetype in message.alternatives if mimetype == "text/html"]
    for part in parts:
        outside_links = LINK.sub("", part)
        assert not [host for host in HOSTS if host in outside_links], outside_links
        assert "こんにちは" not in part
        assert "ユーザー名" not in part
        assert SENDER in part  # who sends it, in its own name


def test_the_password_reset_mail_says_who_asked_and_what_to_do_if_not_you(client, seeker,
                                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"user_id": seeker.username, "email": seeker.email})

    [message] = mail.outbox
    assert message.subject == "【求職情報提供サイト】パスワード再設定のご案内"
    body = message.body
    assert "「パスワードを忘れた方(パスワード再発行)」で、次のアカウントのパスワード再発行の申込みがありました。" in body
    assert f"ユーザID: {seeker.username}" in body
    assert "リンクは送信から1時間有効で、1回だけ使えます。" in body
    assert re.search(r"/accounts/password/reset/key/\S+", body)
    assert "申込みをした覚えがない場合は、このメールを破棄してください。リンクを開かなければ、パスワードは変わりません。" in body
    [(html, _)] = message.alternatives
    assert f"<strong>{seeker.username}</strong>" in html
    assert re.search(r'<a href="http://testserver/accounts/password/reset/key/[^"]+">', html)


def test_a_member_s_reset_mail_names_the_login_email_not_a_user_id(client, agency_member,
                                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"user_id": agency_member.email, "email": agency_member.email})

    [message] = mail.outbox
    assert f"ログインに使うメールアドレス: {agency_member.email}" in message.body
    assert "ユーザID:" not in message.body
    assert agency_member.username not in message.body


ALLAUTH_MAILS = sorted(
    path.name.removesuffix("_subject.txt")
    for path in (Path(allauth.__file__).parent / "templates" / "account" / "email").glob("*_subject.txt")
)


@pytest.mark.parametrize("template", ALLAUTH_MAILS)
def test_any_allauth_mail_gets_the_site_s_name_first(template, agency_member, django_capture_on_commit_callbacks):
    """Mails allauth may send one day (confirmation, notices): its subjects go through the adapter."""
    request = RequestFactory().post("/accounts/")
    request.user = agency_member
    with request_context(request), django_capture_on_commit_callbacks(execute=True):
        get_adapter(request).send_mail(f"account/email/{template}", agency_member.email, {"user": agency_member})

    [message] = mail.outbox
    assert message.subject.startswith(PREFIX), message.subject
    assert "testserver" not in message.subject and "[" not in message.subject
