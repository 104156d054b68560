"""アカウント利用停止 (SPEC rule 9, Q4) at /seekers/settings/stop/, and staff's undo (seeker_resume)."""

import pytest
from django.test import Client

from accounts.models import AuditEvent
from seekers import services
from seekers.models import SeekerAccount
from tests.pages import field_error, page, with_totp

pytestmark = pytest.mark.django_db

URL = "/seekers/settings/stop/"


def stopped(user) -> bool:
    return SeekerAccount.objects.get(user=user).stopped_at is not None


def test_the_page_explains_what_stopping_does(client, seeker):
    client.force_login(seeker)

    response = client.get(URL)

    assert response.status_code == 200
    text = page(response)
    assert "アカウント利用停止" in text
    assert "すべての利用団体からただちに見えなくなり" in text
    assert "求職情報の提供を停止することを確認しました" in text
    assert 'name="password"' in text
    assert "求職情報の提供を停止する" in text


def test_without_the_confirmation_nothing_stops(client, seeker, password):
    client.force_login(seeker)

    response = client.post(URL, {"password": password})

    assert response.status_code == 200
    assert "停止する場合は確認のチェックを入れてください。" in field_error(response, "confirm")
    assert not stopped(seeker)
    assert not AuditEvent.objects.filter(verb="seeker.stop").exists()


def test_with_a_wrong_password_nothing_stops(client, seeker):
    client.force_login(seeker)

    response = client.post(URL, {"confirm": "on", "password": "not-my-password"})

    assert response.status_code == 200
    assert "パスワードが正しくありません。" in field_error(response, "password")
    assert "not-my-password" not in page(response)
    assert not stopped(seeker)
    assert not AuditEvent.objects.filter(verb="seeker.stop").exists()


def test_a_right_post_stops_at_once_and_is_audited(client, seeker, password):
    client.force_login(seeker)

    response = client.post(URL, {"confirm": "on", "password": password})

    assert response.status_code == 302
    assert response["Location"] == URL
    account = SeekerAccount.objects.get(user=seeker)
    assert account.stopped_at is not None
    event = AuditEvent.objects.get(verb="seeker.stop")
    assert event.actor == seeker
    assert event.target_id == str(account.pk)

    after = client.get(URL)
    text = page(after)
    assert "求職情報の提供を停止しました。利用団体からは求職情報が見えなくなりました。" in text
    assert "に求職情報の提供を停止しました。" in text
    assert "ハローワークにご相談ください" in text  # how to undo it
    assert 'name="confirm"' not in text  # nothing left to submit


def test_stopping_twice_records_one_stop(client, seeker, password):
    client.force_login(seeker)
    client.post(URL, {"confirm": "on", "password": password})
    first_stop = SeekerAccount.objects.get(user=seeker).stopped_at

    client.post(URL, {"confirm": "on", "password": password})

    assert SeekerAccount.objects.get(user=seeker).stopped_at == first_stop
    assert AuditEvent.objects.filter(verb="seeker.stop").count() == 1


def test_stop_only_affects_the_seeker_themself(client, seeker, other_seeker, password):
    client.force_login(seeker)

    client.post(URL, {"confirm": "on", "password": password})

    assert stopped(seeker)
    assert not stopped(other_seeker)


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={URL}"


def test_anonymous_post_stops_nothing(client, seeker, password):
    response = client.post(URL, {"confirm": "on", "password": password})

    assert response.status_code == 302
    assert not stopped(seeker)


@pytest.mark.parametrize("who", ["agency_member", "municipality_member", "staff"])
def test_members_and_staff_get_403(client, request, who):
    user = request.getfixturevalue(who)
    with_totp(user)  # past the MFA gate, so the 403 is the page's own
    client.force_login(user)

    assert client.get(URL).status_code == 403
    assert client.post(URL, {"confirm": "on"}).status_code == 403


def test_stop_without_csrf_token_is_refused(seeker, password):
    client = Client(enforce_csrf_checks=True)
    client.force_login(seeker)

    response = client.post(URL, {"confirm": "on", "password": password})

    assert response.status_code == 403
    assert not stopped(seeker)


def test_staff_can_resume_a_stopped_account(client, seeker, staff, password):
    account = services.seeker_stop(actor=seeker, account=seeker.seeker_account)
    assert account.stopped_at is not None

    resumed = services.seeker_resume(actor=staff, account=account)

    assert resumed.stopped_at is None
    assert not stopped(seeker)
    event = AuditEvent.objects.get(verb="seeker.resume")
    assert event.actor == staff
    assert event.target_id == str(account.pk)
    # The seeker can log in again.
    response = client.post("/accounts/login/", {"login": seeker.username, "password": password})
    assert response["Location"] == "/seekers/"


def test_resuming_an_account_that_is_not_stopped_records_nothing(seeker, staff):
    services.seeker_resume(actor=staff, account=seeker.seeker_account)

    assert not AuditEvent.objects.filter(verb="seeker.resume").exists()
