"""The review page at /seekers/profile/review/ (SPEC rule 15): after the 認証キー the seeker sees the
profile exactly as organisations will see it, with what the PII guard withheld, and starts
publication by ticking the box; every other seeker page sends them here until then."""

import re

import pytest

from accounts.models import AuditEvent
from seekers.models import Profile, SeekerAccount
from seekers.tests.factories import SeekerAccountFactory
from seekers.tests.helpers import profile_of
from tests.pages import field_error, login, page

pytestmark = pytest.mark.django_db

URL = "/seekers/profile/review/"
TABLE = re.compile(r'<table class="table profile-table">.*?</table>', re.S)
PHONE_TEXT = "連絡は090-1234-5678までお願いします。"


@pytest.fixture
def reviewer(db) -> SeekerAccount:
    """After the 認証キー, before the confirmation; one free-text field with a phone number in it."""
    from seekers import services

    account = SeekerAccountFactory(profile_confirmed_at=None, application__profile__appeal_points=PHONE_TEXT)
    services.profile_screen(actor=None, profile=profile_of(account))
    return account


@pytest.fixture
def reviewer_client(reviewer):
    return login(reviewer.user)


def test_the_page_shows_the_profile_as_organisations_will_and_the_guards_findings(reviewer_client, reviewer):
    html = page(reviewer_client.get(URL))

    assert "<h1>公開前の確認</h1>" in html
    assert "まだどの利用団体にも公開されていません" in html
    table = TABLE.search(html).group(0)
    assert profile_of(reviewer).desired_job in table
    # Withheld as organisations see it: the placeholder, not the text.
    assert "(確認中のため表示していません)" in table
    assert "090-1234-5678" not in table
    assert "アピールポイント: 電話番号" in html  # withheld_explained, in the findings box
    assert "求職申込みをしたハローワークに修正をお申し出ください" in html
    assert 'name="confirm"' in html


def test_the_table_is_the_one_the_organisation_then_sees(reviewer_client, reviewer, member_client):
    review_table = TABLE.search(page(reviewer_client.get(URL))).group(0)
    reviewer_client.post(URL, {"confirm": "on"})

    organisation_table = TABLE.search(
        page(member_client.get(f"/orgs/seekers/{profile_of(reviewer).public_id}/"))
    ).group(0)

    assert review_table == organisation_table


def test_confirming_starts_publication_and_goes_home(reviewer_client, reviewer):
    response = reviewer_client.post(URL, {"confirm": "on"})

    assert response.status_code == 302
    assert response["Location"] == "/seekers/"
    reviewer.refresh_from_db()
    assert reviewer.profile_confirmed_at is not None
    assert profile_of(reviewer).listed_until is not None
    home = page(reviewer_client.get("/seekers/"))
    assert "求職情報の提供を始めました。" in home
    assert "求職情報提供サイト ホーム" in home


def test_the_button_without_the_box_publishes_nothing(reviewer_client, reviewer):
    response = reviewer_client.post(URL, {})

    assert response.status_code == 200
    assert "公開を始める場合は、内容を確かめた上でチェックを入れてください。" in field_error(response, "confirm")
    reviewer.refresh_from_db()
    assert reviewer.profile_confirmed_at is None
    assert profile_of(reviewer).published_at is None
    assert not AuditEvent.objects.filter(verb=AuditEvent.Verb.SEEKER_PROFILE_CONFIRM).exists()


@pytest.mark.parametrize("path", [
    "/seekers/", "/seekers/profile/", "/seekers/settings/conditions/", "/seekers/settings/blocks/",
    "/seekers/messages/", "/seekers/complaints/",
])
def test_every_other_seeker_page_sends_an_unconfirmed_seeker_here(reviewer_client, path):
    response = reviewer_client.get(path)

    assert response.status_code == 302
    assert response["Location"] == URL


def test_a_confirmed_seeker_is_sent_to_their_profile(seeker_client, seeker):
    response = seeker_client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == "/seekers/profile/"
    assert "公開前の確認は済んでいます。" in page(seeker_client.get("/seekers/profile/"))


def test_a_hand_made_post_after_the_confirmation_does_nothing(seeker_client, seeker):
    confirmed_at = seeker.seeker_account.profile_confirmed_at

    response = seeker_client.post(URL, {"confirm": "on"})

    assert response.status_code == 302
    assert response["Location"] == "/seekers/profile/"
    assert SeekerAccount.objects.get(pk=seeker.seeker_account.pk).profile_confirmed_at == confirmed_at
    assert not AuditEvent.objects.filter(verb=AuditEvent.Verb.SEEKER_PROFILE_CONFIRM).exists()


def test_the_page_shows_only_the_seekers_own_profile(reviewer_client, other_seeker):
    Profile.objects.filter(pk=other_seeker.seeker_account.application_id).update(desired_job="他人の希望職種")

    assert "他人の希望職種" not in page(reviewer_client.get(URL))


# --- access -------------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/seekers/profile/review/")


def test_a_member_is_refused(member_client):
    assert member_client.get(URL).status_code == 403
    assert member_client.post(URL, {"confirm": "on"}).status_code == 403


def test_staff_are_refused(staff_client):
    assert staff_client.get(URL).status_code == 403


def test_a_seeker_before_the_first_login_is_refused(db):
    account = SeekerAccountFactory(first_login_at=None)

    client = login(account.user)

    assert client.post(URL, {"confirm": "on"}).status_code == 403
    account.refresh_from_db()
    assert account.profile_confirmed_at is None
