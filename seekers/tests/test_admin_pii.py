"""Text that the PII guard withholds from organisations (SPEC rule 15), as staff meet it in the admin:
the message after saving an application names each withheld field and why, and the review list shows
field names and reasons in Japanese instead of raw JSON."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from seekers import services
from seekers.models import JobApplication
from seekers.tests.factories import JobApplicationFactory
from tests.pages import AdminPage, changelist_rows, login, page, with_totp

pytestmark = pytest.mark.django_db

JST = ZoneInfo("Asia/Tokyo")
WITHHELD_MESSAGE = ("個人情報と思われる記載があるため、次の項目は利用団体に公開していません: "
                    "経験した主な仕事(電話番号)、アピールポイント(メールアドレス)。")


@pytest.fixture(autouse=True)
def now(time_machine):
    time_machine.move_to(datetime(2026, 11, 26, 10, 0, tzinfo=JST))


@pytest.fixture
def staff_client(staff):
    return login(with_totp(staff))


def messages_after(response) -> list[tuple[str, str]]:
    """The (level, text) of each message on the page a save redirected to."""
    listing = re.search(r'<ul class="messagelist">(.*?)</ul>', page(response), re.S)
    items = re.findall(r'<li class="(\w+)">(.*?)</li>', listing.group(1), re.S) if listing else []
    return [(level, re.sub(r"<[^>]+>", "", text).strip()) for level, text in items]


def post_form(client, url, form_id, **values):
    form = AdminPage(page(client.get(url)), form_id)
    data = dict(form.fields)
    profile = form.prefix_of("appeal_points")
    identity = form.prefix_of("birth_date")
    data.update({key.replace("PROFILE", profile).replace("IDENTITY", identity): [value]
                 for key, value in values.items()})
    return client.post(url, data, follow=True)


def test_saving_withheld_text_names_each_field_and_why(staff_client):
    application = JobApplicationFactory(kyushoku_number="13010-00000201")

    response = post_form(staff_client, reverse("admin:seekers_jobapplication_change", args=[application.pk]),
                         "jobapplication_form", **{"PROFILE-0-main_experience": "連絡は 090-1234-5678 まで",
                                                   "PROFILE-0-appeal_points": "メールは taro@example.jp へ"})

    shown = messages_after(response)
    assert ("warning", f"{WITHHELD_MESSAGE} 記載を直して保存し直すか、確認の上で公開してください。 非公開の項目を確認する") in shown
    assert any(level == "success" for level, _text in shown)
    review = reverse("admin:seekers_profile_change", args=[application.pk])
    assert f'<a href="{review}">非公開の項目を確認する</a>' in page(response)


def test_adding_an_application_with_withheld_text_says_so(staff_client):
    response = post_form(staff_client, reverse("admin:seekers_jobapplication_add"), "jobapplication_form", **{
        "kyushoku_number": "13010-00000202", "applied_on": "2026/11/26", "opt_in": "yes", "provision": "1",
        "IDENTITY-0-name": "鈴木 一郎", "IDENTITY-0-name_kana": "スズキ イチロウ", "IDENTITY-0-birth_date": "1985/6/15",
        "IDENTITY-0-gender": "male", "IDENTITY-0-address": "東京都新宿区西新宿2-8-1",
        "sheet-0-desired_job": "一般事務", "sheet-0-desired_prefecture": "13",
        "PROFILE-0-main_experience": "連絡は 090-1234-5678 まで", "PROFILE-0-appeal_points": "メールは taro@example.jp へ",
    })

    assert JobApplication.objects.filter(kyushoku_number="13010-00000202").exists()
    assert any(level == "warning" and text.startswith(WITHHELD_MESSAGE) for level, text in messages_after(response))


def test_a_save_with_nothing_withheld_says_only_that_it_was_saved(staff_client):
    application = JobApplicationFactory(kyushoku_number="13010-00000203")

    response = post_form(staff_client, reverse("admin:seekers_jobapplication_change", args=[application.pk]),
                         "jobapplication_form", **{"PROFILE-0-appeal_points": "丁寧な対応を心がけています。"})

    assert [level for level, _text in messages_after(response)] == ["success"]


def test_the_review_list_names_the_fields_and_reasons_in_japanese(staff_client):
    application = JobApplicationFactory(kyushoku_number="13010-00000204",
                                        profile__main_experience="連絡は 090-1234-5678 まで")
    services.profile_screen(actor=None, profile=application.profile)

    response = staff_client.get("/admin/seekers/profile/?withheld=yes")

    [row] = changelist_rows(response)
    assert "13010-00000204" in row
    assert "経験した主な仕事(電話番号)" in row
    html = page(response)
    assert "非公開の項目(理由)" in html
    assert "求職申込(求職番号)" in html
    assert "main_experience" not in html
    assert not re.search(r">\s*application\s*<", html, re.I)


def test_the_review_page_names_the_fields_and_reasons(staff_client):
    application = JobApplicationFactory(profile__appeal_points="メールは taro@example.jp へ")
    services.profile_screen(actor=None, profile=application.profile)

    html = page(staff_client.get(reverse("admin:seekers_profile_change", args=[application.pk])))

    assert re.search(r"非公開の項目\(理由\).*?アピールポイント\(メールアドレス\)", html, re.S)
    assert '{"appeal_points"' not in html
