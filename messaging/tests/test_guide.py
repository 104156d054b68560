"""The guidance page at /orgs/seekers/<public_id>/guide/ (SPEC rules 10, 12, 17): the remaining count,
the disclosures pre-filled and required on a first message only, the daily cap, size limits, and a
profile the organisation may not see is not found."""

import re

import pytest
from django.utils import timezone

from messaging.models import DailyGuidanceCount, Message
from messaging.tests.factories import disclosures_of
from messaging.tests.helpers import MAX_LENGTH_ERROR, TEN_MB, guide_data, public_id
from seekers.models import Block
from tests.pages import field_error, login, page

# Member pages open without TOTP here; the MFA requirement has its own tests (accounts).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa")]

LIMIT = 1000


def test_the_guidance_page_shows_the_remaining_count_and_prefilled_disclosures(member_client, agency, account):
    DailyGuidanceCount.objects.create(organization=agency, day=timezone.localdate(), count=12)

    response = member_client.get(f"/orgs/seekers/{public_id(account)}/guide/")

    assert response.status_code == 200
    html = page(response)
    assert "本日あと 988 件送信できます" in html
    for name in ("track_record", "job_openings", "fees"):
        assert re.search(rf'<textarea name="{name}"[^>]*>\s*{re.escape(getattr(agency, name))}</textarea>', html)
    for name in ("privacy_officer", "complaints_officer"):
        assert re.search(rf'name="{name}" value="{re.escape(getattr(agency, name))}"', html)


def test_sending_guidance_from_the_page(member_client, agency, account, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(f"/orgs/seekers/{public_id(account)}/guide/", guide_data(agency))

    message = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/orgs/messages/{message.conversation_id}/"
    assert message.disclosures == disclosures_of(agency)
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [account.user.email]
    assert "本日あと 999 件" in page(member_client.get("/orgs/messages/"))


def test_a_later_guidance_page_asks_for_no_disclosures(member_client, agency, account, guidance):
    url = f"/orgs/seekers/{public_id(account)}/guide/"
    html = page(member_client.get(url))

    assert "この求職者とはすでにやりとりがあります。" in html
    assert 'name="fees"' not in html
    response = member_client.post(url, {"subject": "追加のご案内", "body": "新しい求人です。"})
    assert response.status_code == 302
    assert Message.objects.filter(conversation=guidance.conversation).count() == 2


@pytest.mark.parametrize("field", ["track_record", "job_openings", "fees", "privacy_officer", "complaints_officer"])
@pytest.mark.parametrize("blank", ["", "  \r\n "], ids=["empty", "whitespace"])
def test_a_blanked_disclosure_is_refused_at_the_field(member_client, agency, account, field, blank):
    response = member_client.post(f"/orgs/seekers/{public_id(account)}/guide/", guide_data(agency, **{field: blank}))

    assert response.status_code == 200
    assert field_error(page(response), field) == "最初の案内メッセージには必須の記載事項です。"
    assert not Message.objects.exists()
    assert "本日あと 1,000 件送信できます" in page(response)


def test_a_removed_disclosure_field_is_refused_at_the_field(member_client, agency, account):
    data = guide_data(agency)
    del data["complaints_officer"]

    response = member_client.post(f"/orgs/seekers/{public_id(account)}/guide/", data)

    assert field_error(page(response), "complaints_officer") == "最初の案内メッセージには必須の記載事項です。"
    assert not Message.objects.exists()


def test_the_thousand_and_first_guidance_of_the_day_is_refused(member_client, agency, account, other_seeker):
    DailyGuidanceCount.objects.create(organization=agency, day=timezone.localdate(), count=LIMIT - 1)

    first = member_client.post(f"/orgs/seekers/{public_id(account)}/guide/", guide_data(agency))
    assert first.status_code == 302
    url = f"/orgs/seekers/{public_id(other_seeker.seeker_account)}/guide/"
    assert "本日あと 0 件送信できます" in page(member_client.get(url))

    response = member_client.post(url, guide_data(agency))

    assert response.status_code == 200
    assert "本日の案内メッセージの送信上限(1,000件)に達しました。明日以降に送信してください。" in page(response)
    assert Message.objects.count() == 1


# --- size limits --------------------------------------------------------------------------------------------


def test_a_ten_megabyte_guidance_is_refused_with_413(member_client, agency, account):
    response = member_client.post(f"/orgs/seekers/{public_id(account)}/guide/", guide_data(agency, body="x" * TEN_MB))

    assert response.status_code == 413
    assert not Message.objects.exists()


def test_a_guidance_over_ten_thousand_characters_gets_the_error_at_the_field(member_client, agency, account):
    response = member_client.post(f"/orgs/seekers/{public_id(account)}/guide/", guide_data(agency, body="x" * 10_001))

    assert response.status_code == 200
    assert field_error(page(response), "body") == MAX_LENGTH_ERROR
    assert not Message.objects.exists()


# --- access: visible profiles only, anonymous, wrong role ---------------------------------------------------


def test_the_guidance_page_of_an_invisible_profile_is_not_found(member_client, agency, account):
    Block.objects.create(account=account, organization=agency)
    url = f"/orgs/seekers/{public_id(account)}/guide/"

    assert member_client.get(url).status_code == 404
    assert member_client.post(url, guide_data(agency)).status_code == 404
    assert member_client.get("/orgs/seekers/0000000000000000/guide/").status_code == 404
    assert not Message.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client, agency, account):
    url = f"/orgs/seekers/{public_id(account)}/guide/"

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"
    assert client.post(url, guide_data(agency)).status_code == 302
    assert not Message.objects.exists()


@pytest.mark.parametrize("who", ["seeker", "staff"])
def test_the_guidance_page_is_forbidden_to_other_roles(request, agency, account, who):
    client = login(request.getfixturevalue(who))
    url = f"/orgs/seekers/{public_id(account)}/guide/"

    assert client.get(url).status_code == 403
    assert client.post(url, guide_data(agency)).status_code == 403
    assert not Message.objects.exists()
