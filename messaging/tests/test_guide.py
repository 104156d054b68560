"""The guidance page at /orgs/seekers/<public_id>/guide/ (SPEC rules 10, 12, 17): the remaining count,
the disclosures shown read-only from the organisation's record on a first message (a POST carrying
any is refused), the daily cap, size limits, and a profile the organisation may not see is not found."""

import re
from html import escape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from messaging.models import DailyGuidanceCount, Message
from messaging.tests.factories import DISCLOSURES, disclosures_of
from messaging.tests.helpers import MAX_LENGTH_ERROR, TEN_MB, guide_data, public_id, textarea
from organizations.models import Organization
from seekers.models import Block
from tests.pages import error_summary, field_error, login, page

# Member pages open without TOTP here; the MFA requirement has its own tests (accounts).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa")]

LIMIT = 1000


def test_the_guidance_page_shows_the_remaining_count_and_the_recorded_disclosures_read_only(
        member_client, agency, account):
    DailyGuidanceCount.objects.create(organization=agency, day=timezone.localdate(), count=12)

    response = member_client.get(f"/orgs/seekers/{public_id(account)}/guide/")

    assert response.status_code == 200
    html = page(response)
    assert "本日あと 988 件送信できます" in html
    on_record = re.search(r'<section class="card" aria-labelledby="on-record">(.*?)</section>', html, re.S).group(1)
    for name in (*DISCLOSURES, "name", "permit_number"):
        assert escape(getattr(agency, name)) in on_record, name
    assert "プライバシーマーク</dt><dd>取得している" in on_record
    form = re.search(r"<form method=\"post\" novalidate>(.*?)</form>", html, re.S).group(1)
    for name in DISCLOSURES:
        assert f'name="{name}"' not in form  # shown, not a field: nothing to override
    assert 'href="/orgs/organization/"' in html


def test_the_guidance_page_reads_none_of_the_profiles_lists(member_client, account):
    """The form names the profile only: its 職業分類, 免許・資格, 広域就業希望地 and 希望勤務地 are not read."""
    with CaptureQueriesContext(connection) as captured:
        response = member_client.get(f"/orgs/seekers/{public_id(account)}/guide/")

    assert response.status_code == 200
    lists = ("seekers_profile_planned_", "seekers_profile_qualifications", "seekers_profile_wide_area_",
             "seekers_desiredplace")
    read = [q["sql"] for q in captured.captured_queries if any(name in q["sql"] for name in lists)]
    assert read == []


def test_sending_guidance_from_the_page(member_client, agency, account, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(f"/orgs/seekers/{public_id(account)}/guide/", guide_data())

    message = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/orgs/messages/{message.conversation_id}/"
    assert message.disclosures == disclosures_of(agency)
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [account.user.email]
    assert "本日あと 999 件" in page(member_client.get("/orgs/messages/"))


def test_a_later_guidance_page_shows_no_disclosures(member_client, agency, account, guidance):
    url = f"/orgs/seekers/{public_id(account)}/guide/"
    html = page(member_client.get(url))

    assert "この求職者とはすでにやりとりがあります。" in html
    assert agency.fees not in html
    response = member_client.post(url, {"subject": "追加のご案内", "body": "新しい求人です。"})
    assert response.status_code == 302
    assert Message.objects.filter(conversation=guidance.conversation).count() == 2


# --- SPEC rule 12: a member cannot type other disclosures into a message ---------------------------------


@pytest.mark.parametrize("field, typed", [
    ("fees", "手数料は無料です。"),
    ("track_record", "紹介就職件数 9,999件"),
    ("job_openings", "全国の求人 10万件"),
    ("privacy_officer", "担当者 鈴木"),
    ("complaints_officer", "担当者 鈴木"),
    ("name", "厚生労働省認定センター"),
    ("permit_number", "13-ユ-000001"),
    ("privacy_mark", "on"),
    ("fees", ""),
])
def test_a_hand_edited_post_carrying_a_disclosure_is_refused(member_client, agency, account, field, typed):
    response = member_client.post(f"/orgs/seekers/{public_id(account)}/guide/", guide_data(**{field: typed}))

    assert response.status_code == 200
    assert ("必須記載事項は団体の登録内容から記載されるため、メッセージごとに入力・変更することはできません。"
            in error_summary(page(response)))
    assert not Message.objects.exists()
    assert "本日あと 1,000 件送信できます" in page(response)
    assert textarea(page(response), "body") == "求人をご紹介できます。"  # what was typed is kept


def test_a_hand_edited_later_guidance_is_refused_too(member_client, agency, account, guidance):
    response = member_client.post(f"/orgs/seekers/{public_id(account)}/guide/",
                                  guide_data(fees="手数料は無料です。"))

    assert response.status_code == 200
    assert Message.objects.count() == 1


def test_an_incomplete_record_says_what_to_fill_in_and_where(member_client, agency, account):
    # The approval constraint keeps the fields non-empty; whitespace is what can slip onto the record.
    Organization.objects.filter(pk=agency.pk).update(fees="  \n ")
    url = f"/orgs/seekers/{public_id(account)}/guide/"
    refusal = ("団体の必須記載事項(「職業紹介に関する手数料」)が登録されていないため、最初の案内メッセージを送信できません。"
               "団体の管理者が「団体の記載事項」のページで入力してください。")

    assert refusal in page(member_client.get(url))
    response = member_client.post(url, guide_data())

    assert response.status_code == 200
    assert refusal in error_summary(page(response))
    assert 'href="/orgs/organization/"' in page(response)
    assert not Message.objects.exists()
    assert "本日あと 1,000 件送信できます" in page(response)  # the refused send counted nothing


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
