"""Login throttles (allauth's limits in the shared cache, as configured in config/settings/base.py):
wrong passwords counted per account and, far more generously, per client address; a throttled
attempt answers 429 with the site's Japanese page; one throttled account does not lock out the
other accounts behind the same address."""

import re

import pytest
from django.core.cache import cache

from accounts.tests.factories import DEFAULT_PASSWORD
from config.settings import base
from seekers.tests.factories import SeekerAccountFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
OFFICE = "192.0.2.50"  # one address for a whole Hello Work office
THROTTLED_TITLE = "しばらく時間をおいてからお試しください"


@pytest.fixture(autouse=True)
def production_limits(settings):
    """The limits production runs with (the test settings switch them off for the other tests)."""
    settings.ACCOUNT_RATE_LIMITS = base.ACCOUNT_RATE_LIMITS
    cache.clear()


def attempt(client, login, password, address=OFFICE):
    return client.post(LOGIN_URL, {"login": login, "password": password}, REMOTE_ADDR=address)


def logged_in(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def assert_throttled(response):
    assert response.status_code == 429
    page = response.content.decode()
    assert f"<h1>{THROTTLED_TITLE}</h1>" in page
    assert "5分ほど待ってから、もう一度お試しください。" in page
    assert 'class="site-header"' in page  # the site's layout, not a bare error page
    assert "Too Many Requests" not in page


def test_the_configured_limits_are_per_account_and_generous_per_address():
    assert base.ACCOUNT_RATE_LIMITS["login_failed"] == "5/5m/key,30/5m/ip"
    assert base.ACCOUNT_RATE_LIMITS["login"] == "60/m/ip"
    assert base.ALLAUTH_TRUSTED_PROXY_COUNT == 0


def test_the_sixth_try_is_refused_with_429_even_with_the_right_password(client, seeker):
    for _ in range(5):
        response = attempt(client, seeker.username, "wrong-password-1")
        assert response.status_code == 200
        assert re.search(r"正しくありません|間違っています", response.content.decode())

    response = attempt(client, seeker.username, DEFAULT_PASSWORD)

    assert_throttled(response)
    assert not logged_in(client, seeker)


def test_a_throttled_account_does_not_lock_out_another_behind_the_same_address(client, seeker, other_seeker,
                                                                               agency_member):
    for _ in range(5):
        attempt(client, seeker.username, "wrong-password-1")
    assert_throttled(attempt(client, seeker.username, DEFAULT_PASSWORD))

    response = attempt(client, other_seeker.username, DEFAULT_PASSWORD)

    assert response.status_code == 302
    assert logged_in(client, other_seeker)
    client.logout()
    response = attempt(client, agency_member.email, DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert logged_in(client, agency_member)


def test_the_account_limit_does_not_depend_on_the_spelling_of_the_user_id(client, seeker):
    """ユーザID typed in full width, lower case or with hyphens is the same account (the backend
    folds them), so every spelling shares the one count of five."""
    name = seeker.username
    spellings = [
        name, name.lower(), f"{name[:4]}-{name[4:]}", "".join(chr(ord(c) + 0xFEE0) for c in name),
        f" {name[:2]} {name[2:]}",
    ]
    for spelling in spellings:
        assert attempt(client, spelling, "wrong-password-1").status_code == 200

    assert_throttled(attempt(client, name.lower(), DEFAULT_PASSWORD))
    assert not logged_in(client, seeker)


def test_an_account_throttled_from_one_address_is_throttled_from_any(client, seeker):
    for n in range(5):
        attempt(client, seeker.username, "wrong-password-1", address=f"198.51.100.{n + 1}")

    assert_throttled(attempt(client, seeker.username, DEFAULT_PASSWORD, address="203.0.113.77"))


def test_right_passwords_do_not_count_as_failures(client, seeker):
    for _ in range(8):
        response = attempt(client, seeker.username, DEFAULT_PASSWORD)
        assert response.status_code == 302
        client.logout()
    for _ in range(4):
        attempt(client, seeker.username, "wrong-password-1")

    assert attempt(client, seeker.username, DEFAULT_PASSWORD).status_code == 302


def test_the_address_limit_is_wide_but_holds(client):
    """Thirty wrong passwords in five minutes from one address, each for a different account (a
    password spray), throttle the address; an office's ordinary typos stay far below that."""
    seekers = [SeekerAccountFactory().user for _ in range(31)]
    for user in seekers[:30]:
        assert attempt(client, user.username, "wrong-password-1").status_code == 200

    assert_throttled(attempt(client, seekers[30].username, DEFAULT_PASSWORD))
    # The same account from another address is fine: the limit was the address's.
    response = attempt(client, seekers[30].username, DEFAULT_PASSWORD, address="198.51.100.9")
    assert response.status_code == 302


def test_tries_at_a_throttled_account_do_not_use_up_the_address(client, seeker, other_seeker):
    """The per-account rate is checked first: hammering one throttled account (40 more tries) does
    not spend the office address's thirty."""
    for _ in range(45):
        attempt(client, seeker.username, "wrong-password-1")

    response = attempt(client, other_seeker.username, DEFAULT_PASSWORD)

    assert response.status_code == 302
    assert logged_in(client, other_seeker)


def test_the_login_limit_per_address_answers_429_in_the_site_layout(client, seeker, settings):
    settings.ACCOUNT_RATE_LIMITS = {**base.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    for _ in range(2):
        attempt(client, seeker.username, "wrong-password-1")

    assert_throttled(attempt(client, seeker.username, DEFAULT_PASSWORD))


def test_behind_a_trusted_proxy_each_client_is_counted_by_its_own_address(client, seeker, settings):
    """Behind one TLS proxy (ALLAUTH_TRUSTED_PROXY_COUNT=1) the address is the one the proxy
    forwards, so one client's spray does not throttle everyone the proxy serves."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {**base.ACCOUNT_RATE_LIMITS, "login_failed": "5/5m/key,3/5m/ip"}
    others = [SeekerAccountFactory().user for _ in range(3)]
    for user in others:
        client.post(LOGIN_URL, {"login": user.username, "password": "wrong-password-1"}, REMOTE_ADDR="10.0.0.1",
                    HTTP_X_FORWARDED_FOR="203.0.113.5")

    response = client.post(LOGIN_URL, {"login": seeker.username, "password": DEFAULT_PASSWORD},
                           REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.5")

    assert response.status_code == 302
    assert logged_in(client, seeker)


def test_a_user_id_typed_as_an_email_never_signs_the_seeker_in(client, seeker):
    """Each spelling of an email login has a counter of its own; if "<ユーザID>@<any domain>" folded to
    the seeker's ユーザID, every new domain would buy five more tries at the seeker's password."""
    for domain in ("example.jp", "あ.テスト", "い.テスト"):
        response = attempt(client, f"{seeker.username}@{domain}", DEFAULT_PASSWORD)
        assert response.status_code == 200
        assert not logged_in(client, seeker)
