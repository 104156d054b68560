"""アカウント利用停止 (SPEC rule 9, Q4) at /seekers/settings/stop/ in two steps: the first says what a stop
does and that a restart is done at Hello Work, before anything can be confirmed; the second
(/seekers/settings/stop/confirm/) asks for the confirmation and the password. And staff's undo
(seeker_resume)."""

import re

import pytest
from django.test import Client

from accounts.models import AuditEvent
from seekers import services
from seekers.models import SeekerAccount
from tests.pages import field_error, page, with_totp

pytestmark = pytest.mark.django_db

URL = "/seekers/settings/stop/"
CONFIRM_URL = "/seekers/settings/stop/confirm/"
CONSEQUENCES = [
    "あなたの求職情報は、すべての利用団体からただちに見えなくなります。",
    "メッセージは、どちらからも送れなくなります。",
    "ブロックや受信条件の変更もできなくなります。",
    # what stays: the read-only site (SPEC rule 9)
    "このサイトにログインして、これまでのメッセージ(利用団体が示した求職申込みの手続きなど)を読み、受け取った内容を保存できます。",
    "あなたの求職情報を見た、またはメッセージを送った利用団体に、削除・廃棄を依頼できます。",
    "苦情を申し出て、その状況を確認できます。",
    "停止はこのサイトでは取り消せません",
    "再開を希望する場合は、求職申込みをしたハローワーク(ハローワーク受付票に記載の窓口)で手続きをしてください。",
]


def stopped(user) -> bool:
    return SeekerAccount.objects.get(user=user).stopped_at is not None


def test_the_first_step_says_what_stopping_does_before_anything_is_confirmed(client, seeker):
    client.force_login(seeker)

    response = client.get(URL)

    assert response.status_code == 200
    text = page(response)
    assert "<h1>アカウント利用停止</h1>" in text
    for sentence in CONSEQUENCES:
        assert sentence in text
    main = text[text.index('<main'):text.index("</main>")]
    assert 'method="post"' not in main  # nothing to confirm here: the next step is a page of its own
    assert re.search(rf'<a class="button button--danger" href="{CONFIRM_URL}">内容を確認したので、停止の手続きに進む</a>',
                     text)
    assert not stopped(seeker)


def test_the_second_step_restates_it_and_asks_for_the_confirmation_and_the_password(client, seeker):
    client.force_login(seeker)

    response = client.get(CONFIRM_URL)

    assert response.status_code == 200
    text = page(response)
    assert "アカウント利用停止の確認" in text
    for sentence in CONSEQUENCES:  # said again, above the confirmation
        assert sentence in text
        assert text.index(sentence) < text.index('name="confirm"')
    assert ("求職情報がすべての利用団体から見えなくなり、メッセージの送受信もできなくなること、"
            "再開にはハローワークでの手続きが必要なことを確認しました") in text
    assert '<input type="checkbox" name="confirm"' in text
    assert 'name="password"' in text
    assert "求職情報の提供を停止する" in text
    assert not stopped(seeker)


def test_without_the_confirmation_nothing_stops(client, seeker, password):
    client.force_login(seeker)

    response = client.post(CONFIRM_URL, {"password": password})

    assert response.status_code == 200
    assert "停止する場合は確認のチェックを入れてください。" in field_error(response, "confirm")
    assert not stopped(seeker)
    assert not AuditEvent.objects.filter(verb="seeker.stop").exists()


def test_a_post_to_the_first_step_stops_nothing(client, seeker, password):
    """The first step has no form; a hand-made POST there (or one from the old one-page form) is refused."""
    client.force_login(seeker)

    response = client.post(URL, {"confirm": "on", "password": password})

    assert response.status_code == 405
    assert not stopped(seeker)
    assert not AuditEvent.objects.filter(verb="seeker.stop").exists()


def test_with_a_wrong_password_nothing_stops(client, seeker):
    client.force_login(seeker)

    response = client.post(CONFIRM_URL, {"confirm": "on", "password": "not-my-password"})

    assert response.status_code == 200
    assert "パスワードが正しくありません。" in field_error(response, "password")
    assert "not-my-password" not in page(response)
    assert not stopped(seeker)
    assert not AuditEvent.objects.filter(verb="seeker.stop").exists()


def test_a_confirmed_post_stops_at_once_and_is_audited(client, seeker, password):
    client.force_login(seeker)

    response = client.post(CONFIRM_URL, {"confirm": "on", "password": password})

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
    assert "アカウント利用停止中です。" in text  # every page says so from now on
    assert "停止した後も、このサイトにログインして" in text
    assert 'name="confirm"' not in text  # nothing left to submit
    assert CONFIRM_URL not in text


def test_the_second_step_of_a_stopped_account_leads_back_to_the_first(client, seeker, password):
    client.force_login(seeker)
    client.post(CONFIRM_URL, {"confirm": "on", "password": password})

    response = client.get(CONFIRM_URL)

    assert response.status_code == 302
    assert response["Location"] == URL


def test_stopping_twice_records_one_stop(client, seeker, password):
    client.force_login(seeker)
    client.post(CONFIRM_URL, {"confirm": "on", "password": password})
    first_stop = SeekerAccount.objects.get(user=seeker).stopped_at

    client.post(CONFIRM_URL, {"confirm": "on", "password": password})

    assert SeekerAccount.objects.get(user=seeker).stopped_at == first_stop
    assert AuditEvent.objects.filter(verb="seeker.stop").count() == 1


def test_stop_only_affects_the_seeker_themself(client, seeker, other_seeker, password):
    client.force_login(seeker)

    client.post(CONFIRM_URL, {"confirm": "on", "password": password})

    assert stopped(seeker)
    assert not stopped(other_seeker)


@pytest.mark.parametrize("url", [URL, CONFIRM_URL])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_anonymous_post_stops_nothing(client, seeker, password):
    response = client.post(CONFIRM_URL, {"confirm": "on", "password": password})

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={CONFIRM_URL}"
    assert not stopped(seeker)


@pytest.mark.parametrize("who", ["agency_member", "municipality_member", "staff"])
def test_members_and_staff_get_403(client, request, who, seeker):
    user = request.getfixturevalue(who)
    with_totp(user)  # past the MFA gate, so the 403 is the page's own
    client.force_login(user)

    assert client.get(URL).status_code == 403
    assert client.get(CONFIRM_URL).status_code == 403
    assert client.post(CONFIRM_URL, {"confirm": "on"}).status_code == 403
    assert not stopped(seeker)


def test_stop_without_csrf_token_is_refused(seeker, password):
    client = Client(enforce_csrf_checks=True)
    client.force_login(seeker)

    response = client.post(CONFIRM_URL, {"confirm": "on", "password": password})

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
