"""The PII guard (SPEC rule 15, issue item 7): each detector on plain, full-width and split forms,
the figures it must leave alone, failing closed, and what organisations and the seeker see when a
field is withheld until staff review it."""

import pytest
from django.utils import timezone

from organizations.tests.factories import MemberFactory
from seekers import pii, services
from seekers.models import Profile
from seekers.tests.factories import SeekerAccountFactory
from tests.pages import with_totp

WITHHELD = "(確認中のため表示していません)"


def kinds(text: str) -> set[str]:
    return {finding.kind for finding in pii.detect(text)}


# --- detectors ---------------------------------------------------------------------------------------

POSITIVE = [
    # phone: plain, full-width, hyphen variants, spaces, brackets, +81
    ("phone", "連絡先は090-1234-5678です"),
    ("phone", "０９０－１２３４－５６７８"),
    ("phone", "０９０ー１２３４ー５６７８"),
    ("phone", "090‐1234‐5678"),
    ("phone", "090−1234−5678"),
    ("phone", "090 1234 5678"),
    ("phone", "０９０　１２３４　５６７８"),
    ("phone", "09012345678"),
    ("phone", "03(1234)5678"),
    ("phone", "０３（１２３４）５６７８"),
    ("phone", "TEL 0312345678"),
    ("phone", "+81 90 1234 5678"),
    ("phone", "0120-123-456"),
    # email: ＠, アットマーク, (at), spaces
    ("email", "yamada@example.com"),
    ("email", "ｙａｍａｄａ＠ｅｘａｍｐｌｅ．ｃｏｍ"),
    ("email", "yamada アットマーク example ドット com"),
    ("email", "ｙａｍａｄａ　アットマーク　ｅｘａｍｐｌｅ　ドット　ｃｏｍ"),
    ("email", "yamada(at)example(dot)co(dot)jp"),
    ("email", "yamada @ example . com"),
    # postal codes
    ("postal_code", "〒160-0023"),
    ("postal_code", "〒１６０－００２３"),
    ("postal_code", "〒 160 - 0023"),
    ("postal_code", "〒1600023"),
    ("postal_code", "郵便番号 160-0023"),
    ("postal_code", "〒160ー0023"),  # the long-vowel mark an IME gives for "-"
    ("postal_code", "〒１６０ー００２３"),
    ("postal_code", "〒160−0023"),  # U+2212 minus
    # URLs
    ("url", "https://example.com/me"),
    ("url", "ｈｔｔｐｓ：／／ｅｘａｍｐｌｅ．ｃｏｍ"),
    ("url", "www.example.jp を見てください"),
    ("url", "詳しくは example.co.jp まで"),
    # 12-digit numbers (マイナンバー etc.)
    ("digits12", "1234 5678 9012"),
    ("digits12", "123456789012"),
    ("digits12", "1234-5678-9012"),
    ("digits12", "１２３４５６７８９０１２"),
    # street addresses
    ("address", "東京都新宿区西新宿2-8-1"),
    ("address", "東京都新宿区西新宿２－８－１"),
    ("address", "新宿区西新宿二丁目8番1号"),
    ("address", "大阪市北区梅田3-1-1"),
    ("address", "札幌市中央区北1条西2丁目"),
    ("address", "新宿区西新宿二丁目八番一号"),  # kanji numerals throughout
    ("address", "新宿区西新宿2ー8ー1"),  # the long-vowel mark as the dash
    # names
    ("name", "私は山田太郎です"),
    ("name", "山田様"),
    ("name", "山田太郎様"),
    ("name", "佐藤さん"),
    ("name", "私の名前は山田です"),
    ("name", "山田太郎と申します"),
    ("name", "氏名：山田太郎"),
    ("name", "私は山田 太郎です"),  # a space between family and given name, as names are written
    ("name", "私は山田　太郎です"),
]


@pytest.mark.parametrize("kind, text", POSITIVE, ids=[f"{kind}-{i:02d}" for i, (kind, _) in enumerate(POSITIVE)])
def test_detector_flags(kind, text):
    assert kind in kinds(text), f"{text!r} not flagged as {kind}: {pii.detect(text)}"


NEGATIVE = [
    "希望月収 250,000円",
    "希望月収 ２５０，０００円",
    "希望月収 250,000円〜300,000円",
    "月収25万円",
    "時給1,200円",
    "時給 1200 円",
    "年収3,000,000円",
    "年収 3000000円",
    "0101",
    "免許・資格コード 0101 0104",
    "2026年4月",
    "2019年〜2024年",
    "2019年4月〜2024年3月 介護職員",
    "2026/04/01 から勤務可能",
    "平成25年3月 高等学校 卒業",
    "お客様対応",
    "利用者様の介護",
    "患者さんの対応",
    "私は介護職です",
    "私は保育士です",
    "1日8時間",
    "週5日 8:00〜17:00",
    "13-ユ-123456",
    "TOEIC 800点",
    "簿記2級",
    "品川区の倉庫で3年",
    "練馬区の介護施設で5年勤務",
    "新宿区で8時間勤務",
    "電話対応 1日50件",
]


@pytest.mark.parametrize("text", NEGATIVE, ids=[f"ok-{i:02d}" for i in range(len(NEGATIVE))])
def test_detector_leaves_alone(text):
    assert pii.detect(text) == [], f"{text!r} wrongly flagged: {pii.detect(text)}"


def test_normalize_folds_width_and_spelled_out_marks():
    assert pii.normalize("ｙａｍａｄａ＠ｅｘａｍｐｌｅ．ｃｏｍ") == "yamada@example.com"
    assert pii.normalize("yamada アットマーク example ドット com") == "yamada@example.com"
    assert pii.normalize("ﾌｫｰｸﾘﾌﾄ") == "フォークリフト"


def test_screen_names_the_fields_and_kinds():
    result = pii.screen({
        "appeal_points": "連絡は 090-1234-5678 か yamada@example.com へ",
        "main_experience": "小売店での接客 5年",
        "special_notes": "",
    })

    assert set(result) == {"appeal_points"}
    assert set(result["appeal_points"]) == {"phone", "email"}


def test_screen_fails_closed_when_the_detector_breaks(monkeypatch):
    def broken(text):
        raise RuntimeError("detector crashed")

    monkeypatch.setattr(pii, "detect", broken)

    result = pii.screen({"appeal_points": "丁寧な対応", "main_experience": "接客 5年", "special_notes": ""})

    assert result == {"appeal_points": ["check_failed"], "main_experience": ["check_failed"]}


# --- the service and the pages -------------------------------------------------------------------------

PHONE_NOTE = "平日の夜なら 090-1234-5678 までご連絡ください。フォークリフト歴10年"


@pytest.fixture
def flagged(db):
    """A started seeker whose その他特記事項 carries a phone number."""
    account = SeekerAccountFactory(
        application__applied_on=timezone.localdate(),
        application__profile__special_notes=PHONE_NOTE,
        application__profile__appeal_points="明るく丁寧な対応が得意です。",
    )
    return account, Profile.objects.get(pk=account.application_id)


@pytest.fixture
def member(agency):
    user = MemberFactory(organization=agency).user
    with_totp(user)
    return user


def org_page(client, member, profile) -> str:
    client.force_login(member)
    response = client.get(f"/orgs/seekers/{profile.public_id}/")
    assert response.status_code == 200
    return response.content.decode()


def search_ids(client, member, keyword: str) -> str:
    client.force_login(member)
    return client.get("/orgs/seekers/", {"keyword": keyword}).content.decode()


@pytest.mark.django_db
def test_a_flagged_field_is_withheld_from_organisations(client, flagged, member):
    _, profile = flagged
    assert profile.withheld == {"special_notes": ["phone"]}

    html = org_page(client, member, profile)

    assert WITHHELD in html
    assert "090-1234-5678" not in html
    assert "フォークリフト歴10年" not in html
    assert "明るく丁寧な対応が得意です。" in html  # the other fields are shown
    assert profile.public_id not in search_ids(client, member, "フォークリフト歴")
    assert profile.public_id in search_ids(client, member, "丁寧な対応")


@pytest.mark.django_db
def test_the_seeker_sees_which_field_is_withheld_and_why(client, flagged):
    account, _ = flagged
    client.force_login(account.user)

    html = client.get("/seekers/profile/").content.decode()

    assert "利用団体に表示していない項目" in html
    assert "その他特記事項: 電話番号" in html
    assert "個人を特定できる情報(電話番号)が含まれている可能性があるため、職員が確認するまで利用団体には表示されません。" in html
    assert PHONE_NOTE in html  # the seeker sees their own text


@pytest.mark.django_db
def test_a_withheld_desired_job_is_hidden_in_the_search_list_too(client, member):
    account = SeekerAccountFactory(application__profile__desired_job="介護職(山田様の紹介)")
    profile = Profile.objects.get(pk=account.application_id)
    assert "desired_job" in profile.withheld
    client.force_login(member)

    html = client.get("/orgs/seekers/").content.decode()

    assert profile.public_id in html
    assert "山田様" not in html
    assert "(確認中)" in html


@pytest.mark.django_db
def test_staff_release_then_a_new_flagged_text_is_withheld_again(client, flagged, member, staff):
    _, profile = flagged

    services.profile_release_field(actor=staff, profile=profile, field="special_notes")

    profile.refresh_from_db()
    assert profile.withheld == {}
    html = org_page(client, member, profile)
    assert "090-1234-5678" in html
    assert WITHHELD not in html
    assert profile.public_id in search_ids(client, member, "フォークリフト歴")

    # Staff edit the text (as in the admin form, which screens again after saving).
    profile.special_notes = "メールは yamada＠example．com へ。フォークリフト歴10年"
    profile.save(update_fields=["special_notes"])
    services.profile_screen(actor=staff, profile=profile)

    profile.refresh_from_db()
    assert profile.withheld == {"special_notes": ["email"]}
    html = org_page(client, member, profile)
    assert WITHHELD in html
    assert "yamada" not in html
    assert profile.public_id not in search_ids(client, member, "フォークリフト歴")


@pytest.mark.django_db
def test_a_redacted_text_is_shown_without_a_release(client, flagged, member, staff):
    _, profile = flagged
    profile.special_notes = "平日の夜なら連絡がつきます。フォークリフト歴10年"
    profile.save(update_fields=["special_notes"])

    services.profile_screen(actor=staff, profile=profile)

    html = org_page(client, member, profile)
    assert "平日の夜なら連絡がつきます。" in html
    assert WITHHELD not in html


@pytest.mark.django_db
def test_the_release_covers_that_text_only(flagged, staff):
    _, profile = flagged
    services.profile_release_field(actor=staff, profile=profile, field="special_notes")

    profile.refresh_from_db()
    profile.special_notes = PHONE_NOTE + " 080-9876-5432"
    profile.save(update_fields=["special_notes"])
    services.profile_screen(actor=staff, profile=profile)

    profile.refresh_from_db()
    assert profile.withheld == {"special_notes": ["phone"]}


@pytest.mark.django_db
def test_a_broken_detector_withholds_every_free_text_field(client, member, monkeypatch):
    def broken(text):
        raise RuntimeError("detector crashed")

    monkeypatch.setattr(pii, "detect", broken)
    account = SeekerAccountFactory(
        application__profile__desired_job="一般事務", application__profile__appeal_points="丁寧な対応",
    )
    profile = Profile.objects.get(pk=account.application_id)

    assert set(profile.withheld) >= {"desired_job", "appeal_points", "main_experience"}
    html = org_page(client, member, profile)
    assert "丁寧な対応" not in html
    assert "一般事務" not in html
    assert profile.search_text == ""

    client.force_login(account.user)
    seeker_html = client.get("/seekers/profile/").content.decode()
    assert "アピールポイント: 確認処理の失敗" in seeker_html
