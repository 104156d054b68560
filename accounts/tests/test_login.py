"""Login, logout, sessions and the MFA requirement (issue items 3, 5 and 7)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.pages import page, with_totp

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
LOGOUT_URL = "/accounts/logout/"


def logged_in_as(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def totp_secret_for(user) -> str:
    """Activate TOTP for the user and return its secret, to compute the codes the login asks for."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(timezone.now().timestamp()) // 30))


@pytest.fixture
def mfa_member(agency_member):
    with_totp(agency_member)
    return agency_member


@pytest.fixture
def mfa_staff(staff):
    with_totp(staff)
    return staff


# --- who may log in -------------------------------------------------------------------------------


def test_seeker_logs_in_with_user_id_and_password(client, seeker, password):
    response = client.post(LOGIN_URL, {"login": seeker.username, "password": password})

    assert response.status_code == 302
    assert response["Location"] == "/seekers/"
    assert logged_in_as(client, seeker)
    assert client.get("/seekers/").status_code == 200


def test_wrong_password_is_refused_in_japanese(client, seeker):
    response = client.post(LOGIN_URL, {"login": seeker.username, "password": "not-the-password"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert re.search(r"正しくありません|間違っています", page(response))


def test_a_stopped_seeker_logs_in_to_a_read_only_site(client, seeker, password):
    """SPEC rule 9: after アカウント利用停止 the seeker still signs in, and every page says they are
    stopped and how a restart is asked for."""
    account = seeker.seeker_account
    account.stopped_at = timezone.now()
    account.save()

    response = client.post(LOGIN_URL, {"login": seeker.username, "password": password}, follow=True)

    assert logged_in_as(client, seeker)
    assert response.redirect_chain[-1][0] == "/seekers/"
    html = page(response)
    assert "アカウント利用停止中" in html
    assert "ハローワークにご相談ください" in html
    assert "アカウント利用停止中" in page(client.get("/seekers/messages/"))


def test_a_revoked_organisations_member_cannot_log_in(client, revoked_member, password):
    response = client.post(LOGIN_URL, {"login": revoked_member.email, "password": password}, follow=True)

    assert "_auth_user_id" not in client.session
    assert "この利用団体はサービスの利用を解除されているため、ログインできません。" in page(response)


def test_member_logs_in_with_email(client, agency_member, password):
    response = client.post(LOGIN_URL, {"login": agency_member.email, "password": password})

    assert response.status_code == 302
    assert response["Location"] == "/orgs/seekers/"
    assert logged_in_as(client, agency_member)


@pytest.mark.parametrize("evil", ["https://evil.example/", "//evil.example/", "https:/\\evil.example/"])
def test_next_off_site_is_ignored(client, seeker, password, evil):
    response = client.post(f"{LOGIN_URL}?next={evil}", {"login": seeker.username, "password": password,
                                                          "next": evil})

    assert response.status_code == 302
    assert response["Location"] == "/seekers/"
    assert "evil.example" not in response["Location"]
    assert logged_in_as(client, seeker)


def test_next_on_site_is_followed(client, seeker, password):
    response = client.post(LOGIN_URL, {"login": seeker.username, "password": password,
                                       "next": "/seekers/settings/stop/"})

    assert response["Location"] == "/seekers/settings/stop/"


def test_login_without_csrf_token_is_refused(seeker, password):
    client = Client(enforce_csrf_checks=True)

    response = client.post(LOGIN_URL, {"login": seeker.username, "password": password})

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


# --- sessions -------------------------------------------------------------------------------------


def test_login_starts_a_new_session(client, seeker, password):
    session = client.session
    session["probe"] = "before login"
    session.save()
    old_key = session.session_key
    assert SessionStore().exists(old_key)

    client.post(LOGIN_URL, {"login": seeker.username, "password": password})

    assert logged_in_as(client, seeker)
    assert client.session.session_key != old_key
    assert not SessionStore().exists(old_key)  # a fixed (planted) session id is worth nothing


def test_logout_on_get_only_asks(client, seeker):
    client.force_login(seeker)

    response = client.get(LOGOUT_URL)

    assert response.status_code == 200
    assert "ログアウト" in page(response)
    assert logged_in_as(client, seeker)


def test_logout_ends_the_session_on_the_server(client, seeker):
    client.force_login(seeker)
    old_key = client.session.session_key
    assert SessionStore().exists(old_key)

    response = client.post(LOGOUT_URL)

    assert response.status_code == 302
    assert not SessionStore().exists(old_key)
    # Replaying the old cookie does not bring the login back.
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_key
    assert replay.get("/seekers/")["Location"].startswith(LOGIN_URL)


def _idle(client, user, idle: timedelta, path: str):
    start = datetime.now(UTC).replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        client.force_login(user)
        assert client.get(path).status_code == 200
    with time_machine.travel(start + idle, tick=False):
        return client.get(path, follow=False)


def test_a_seeker_idle_over_two_hours_is_logged_out(client, seeker):
    response = _idle(client, seeker, timedelta(hours=2, seconds=1), "/seekers/")

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert "_auth_user_id" not in client.session
    login_page = client.get(response["Location"])
    assert "一定時間操作がなかったため、ログアウトしました。" in page(login_page)


def test_a_seeker_idle_one_hour_stays_logged_in(client, seeker):
    response = _idle(client, seeker, timedelta(hours=1), "/seekers/")

    assert response.status_code == 200
    assert logged_in_as(client, seeker)


def test_activity_restarts_the_idle_clock(client, seeker):
    start = datetime.now(UTC).replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        client.force_login(seeker)
        client.get("/seekers/")
    with time_machine.travel(start + timedelta(hours=1, minutes=30), tick=False):
        assert client.get("/seekers/").status_code == 200
    with time_machine.travel(start + timedelta(hours=3), tick=False):
        assert client.get("/seekers/").status_code == 200
    assert logged_in_as(client, seeker)


def test_a_member_idle_over_30_minutes_is_logged_out(client, mfa_member):
    response = _idle(client, mfa_member, timedelta(minutes=30, seconds=1), "/")

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert "_auth_user_id" not in client.session


def test_a_member_idle_20_minutes_stays_logged_in(client, mfa_member):
    response = _idle(client, mfa_member, timedelta(minutes=20), "/")

    assert response.status_code == 200
    assert logged_in_as(client, mfa_member)


def test_an_idle_logout_ends_the_session_on_the_server(client, seeker):
    start = datetime.now(UTC).replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        client.force_login(seeker)
        client.get("/seekers/")
        old_key = client.session.session_key
    with time_machine.travel(start + timedelta(hours=3), tick=False):
        client.get("/seekers/")
        assert not SessionStore().exists(old_key)


# --- MFA for members and staff (REQUIRE_MFA is on in tests) ----------------------------------------


def test_require_mfa_is_on_in_tests():
    assert settings.REQUIRE_MFA is True


@pytest.mark.parametrize("path", ["/orgs/seekers/", "/orgs/messages/", "/", "/seekers/"])
def test_member_without_totp_is_sent_to_totp_setup(client, agency_member, password, path):
    client.post(LOGIN_URL, {"login": agency_member.email, "password": password})
    assert logged_in_as(client, agency_member)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_the_totp_setup_screens_stay_open_for_a_member(client, agency_member, password):
    """The gate must leave a way through: the setup (after allauth's password re-check) opens."""
    client.post(LOGIN_URL, {"login": agency_member.email, "password": password})

    response = client.get(reverse("mfa_activate_totp"), follow=True)

    assert response.status_code == 200
    assert all(url.startswith("/accounts/") for url, _ in response.redirect_chain)
    assert logged_in_as(client, agency_member)


def test_staff_without_totp_is_sent_to_totp_setup_from_admin(client, staff):
    client.force_login(staff)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    follow = client.get(response["Location"], follow=True)
    assert "この画面を使うには、先に2段階認証(認証アプリ)の設定が必要です。" in page(follow)


def test_without_require_mfa_member_and_staff_pass(client, agency_member, staff, settings):
    settings.REQUIRE_MFA = False

    client.force_login(agency_member)
    assert client.get("/").status_code == 200
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


def test_member_with_totp_is_let_through(client, mfa_member):
    client.force_login(mfa_member)

    response = client.get("/")

    assert response.status_code == 200


def test_staff_with_totp_reaches_admin(client, mfa_staff):
    client.force_login(mfa_staff)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert "ハローワーク・労働局 職員用" in page(response)


def test_seekers_are_not_asked_for_totp(client, seeker):
    client.force_login(seeker)

    assert client.get("/seekers/").status_code == 200


def test_staff_with_totp_logs_in_through_the_same_login_and_the_code(client, staff, password):
    secret = totp_secret_for(staff)

    response = client.post(LOGIN_URL, {"login": staff.email, "password": password})

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # the password alone is not enough

    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert logged_in_as(client, staff)
    assert client.get("/admin/").status_code == 200


def test_a_wrong_totp_code_does_not_log_in(client, mfa_member, password):
    client.post(LOGIN_URL, {"login": mfa_member.email, "password": password})

    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_admin_password_form_is_not_a_way_around_totp(client, mfa_staff, password):
    """/admin/ is reached through the site's login with its TOTP step; Django admin's own password
    form must not log a staff member in on the password alone."""
    client.post("/admin/login/?next=/admin/", {"username": mfa_staff.username, "password": password,
                                               "this_is_the_login_form": "1", "next": "/admin/"})

    assert "_auth_user_id" not in client.session
    admin = client.get("/admin/")
    assert admin.status_code == 302
    assert "/login/" in admin["Location"]
