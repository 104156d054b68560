"""The anonymous profile (issue items 2 and 9): a seeker's identity values (氏名, 生年月日, 住所, 電話番号,
メールアドレス, 求職番号, the application date) appear on no organisation page in any spelling, the
keyword search never reads them, the seeker's own page shows only the ユーザID, and the public id is
random."""

import hashlib
import html as html_lib
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from organizations.models import Prefecture
from seekers.models import Profile
from seekers.tests.factories import ProfileFactory, SeekerAccountFactory
from seekers.tests.helpers import listed, profile_of
from tests.pages import login, page

pytestmark = pytest.mark.django_db

SENTINEL_NAME = "試験用氏名ゼロイチ"
SENTINEL_KANA = "シケンヨウシメイゼロイチ"
SENTINEL_BIRTH = date(1961, 2, 3)
SENTINEL_ADDRESS = "特異町センチネル1-2-3"
SENTINEL_POSTAL = "998-0997"
SENTINEL_PHONE = "099-8765-4321"
SENTINEL_EMAIL = "sentinel-zz@example.jp"
SENTINEL_NUMBER = "99999-99999999"


def date_forms(day: date) -> list[str]:
    return [
        day.isoformat(), f"{day.year}年{day.month}月{day.day}日", f"{day.year}年{day.month:02d}月{day.day:02d}日",
        f"{day.year}/{day.month:02d}/{day.day:02d}", f"{day.year}/{day.month}/{day.day}",
        f"{day.year}.{day.month:02d}.{day.day:02d}", day.strftime("%Y%m%d"),
    ]


@pytest.fixture
def sentinel(db):
    applied_on = timezone.localdate() - timedelta(days=17)
    account = SeekerAccountFactory(
        user__email=SENTINEL_EMAIL,
        application__kyushoku_number=SENTINEL_NUMBER,
        application__applied_on=applied_on,
        application__identity__name=SENTINEL_NAME,
        application__identity__name_kana=SENTINEL_KANA,
        application__identity__birth_date=SENTINEL_BIRTH,
        application__identity__gender="female",
        application__identity__postal_code=SENTINEL_POSTAL,
        application__identity__address=SENTINEL_ADDRESS,
        application__identity__phone=SENTINEL_PHONE,
        application__identity__email=SENTINEL_EMAIL,
        application__profile__desired_job="介護職員(センチネル確認用)",
        application__profile__desired_prefecture=Prefecture.objects.get(code="13"),
        application__profile__employment_type=Profile.EmploymentType.FULL_TIME,
        application__profile__desired_monthly_income=230000,
        application__profile__appeal_points="利用者様に寄り添う介護を心がけています。",
    )
    today = timezone.localdate()
    age = today.year - SENTINEL_BIRTH.year - ((today.month, today.day) < (SENTINEL_BIRTH.month, SENTINEL_BIRTH.day))
    forbidden = [
        SENTINEL_NAME, SENTINEL_KANA, "試験用氏名", SENTINEL_ADDRESS, "特異町", "センチネル1-2-3", SENTINEL_POSTAL,
        SENTINEL_PHONE, "09987654321", SENTINEL_EMAIL, "sentinel-zz", SENTINEL_NUMBER, "9999999999999",
        "99999999", "昭和36年", f"{age}歳", *date_forms(SENTINEL_BIRTH), *date_forms(applied_on),
    ]
    return account, profile_of(account), forbidden


def assert_no_identity(html: str, forbidden: list[str], where: str) -> None:
    # Entities (&#x27; …) are decoded so an escaped value cannot slip past.
    decoded = html_lib.unescape(html)
    leaked = [value for value in forbidden if value in decoded]
    assert not leaked, f"{where} shows identity values {leaked}"


def test_no_identity_value_on_any_organisation_page(member_client, sentinel):
    account, profile, forbidden = sentinel

    pages = {
        "search": "/orgs/seekers/",
        "search by prefecture and type": "/orgs/seekers/?prefecture=13&employment_type=full_time",
        "search by income": "/orgs/seekers/?income_min=200000&income_max=250000",
        "search by keyword": "/orgs/seekers/?keyword=%E4%BB%8B%E8%AD%B7",  # 介護
        "profile": f"/orgs/seekers/{profile.public_id}/",
    }
    for where, path in pages.items():
        response = member_client.get(path)
        assert response.status_code == 200, where
        if where != "profile":
            assert profile.public_id in listed(response), where  # the profile is really on the page
        else:
            assert "介護職員(センチネル確認用)" in page(response)
        assert_no_identity(page(response), forbidden, where)


def test_searching_an_identity_value_finds_nothing(member_client, sentinel):
    """The keyword search reads published free text only, never identity fields."""
    _, profile, _ = sentinel

    for keyword in (SENTINEL_NAME, "特異町", SENTINEL_PHONE, SENTINEL_NUMBER, "sentinel-zz"):
        response = member_client.get("/orgs/seekers/", {"keyword": keyword})
        assert profile.public_id not in listed(response), keyword
        assert "検索結果 0件" in page(response), keyword


def test_the_seekers_own_profile_page_shows_no_identity_but_the_user_id(member_client, sentinel):
    account, profile, forbidden = sentinel
    member_client.get(f"/orgs/seekers/{profile.public_id}/")  # so the view log has a row too

    response = login(account.user).get("/seekers/profile/")

    assert response.status_code == 200
    html = page(response)
    assert f"ユーザID: {account.user.username}" in html
    assert "介護職員(センチネル確認用)" in html
    assert_no_identity(html, forbidden, "/seekers/profile/")


def test_the_public_id_is_random_not_derived_from_the_number_or_the_key(sentinel):
    account, profile, _ = sentinel
    public_id = profile.public_id
    application = account.application

    assert re.fullmatch(r"[0-9a-f]{16}", public_id)
    digits = SENTINEL_NUMBER.replace("-", "")
    for algorithm in ("md5", "sha1", "sha256"):
        for source in (SENTINEL_NUMBER, digits, str(application.pk)):
            assert public_id != hashlib.new(algorithm, source.encode()).hexdigest()[:16]
    assert public_id not in (str(application.pk), f"{application.pk:016x}", f"{application.pk:016d}")

    # The same application published again gets a new, unrelated id.
    Profile.objects.filter(pk=profile.pk).delete()
    again = ProfileFactory(application=application)
    assert again.public_id != public_id
