"""Login attempts are rate-limited with allauth's limits (off elsewhere in the test settings)."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def limits(settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/5m/ip,3/5m/key", "login": "30/m/ip"}
    cache.clear()
    yield
    cache.clear()


def test_the_fourth_wrong_password_is_refused_even_with_the_right_one_next(client, seeker, password):
    for _ in range(3):
        response = client.post("/accounts/login/", {"login": seeker.username, "password": "wrong-password-1"})
        assert response.status_code == 200

    response = client.post("/accounts/login/", {"login": seeker.username, "password": password})

    assert "_auth_user_id" not in client.session
    assert "ログイン失敗が連続しています。時間が経ってからやり直してください。" in response.content.decode()


def test_a_right_password_within_the_limit_logs_in(client, seeker, password):
    client.post("/accounts/login/", {"login": seeker.username, "password": "wrong-password-1"})
    client.post("/accounts/login/", {"login": seeker.username, "password": password})
    assert client.session["_auth_user_id"] == str(seeker.pk)
