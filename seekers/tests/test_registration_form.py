"""利用登録 that forgives (issue 13 item 6): 生年月日 typed as text in 西暦 or 和暦, messages that name
the field, and a done page that says where the mail went, until when the key works and what to do when
no mail arrives."""

import re
from datetime import date

import pytest
import time_machine

from conftest import TODAY, jst
from seekers.models import SeekerAccount
from seekers.tests.factories import JobApplicationFactory

pytestmark = pytest.mark.django_db

URL = "/seekers/register/"
NUMBER = "13010-12345678"
BIRTH = date(1990, 4, 1)
EMAIL = "taro@example.jp"
NOW = jst(TODAY, 14, 5, 20)  # the suite's today, 14:05:20 in Japan


@pytest.fixture
def application(db):
    return JobApplicationFactory(kyushoku_number=NUMBER, identity__birth_date=BIRTH)


def form_data(password, **overrides):
    data = {"kyushoku_number": NUMBER, "birth_date": "1990-04-01", "email": EMAIL, "email2": EMAIL,
            "password1": password, "password2": password, "agree": "on"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def html(response) -> str:
    return response.content.decode()


def field_error(response, name: str) -> str:
    match = re.search(rf'<ul class="errorlist" id="id_{name}_error">(.*?)</ul>', html(response), re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def text_of(response) -> str:
    """The page as read: tags dropped, whitespace folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", html(response)).split())


def test_the_birth_date_is_a_text_field_with_examples(client):
    page = html(client.get(URL))

    [tag] = re.findall(r'<input[^>]*name="birth_date"[^>]*>', page)
    assert 'type="text"' in tag
    assert 'type="date"' not in page
    assert 'autocomplete="bday"' in tag
    assert 'inputmode="text"' in tag
    assert 'aria-describedby="id_birth_date_helptext"' in tag
    hint = re.search(r'<div class="helptext" id="id_birth_date_helptext">(.*?)</div>', page).group(1)
    assert "西暦・和暦のどちらでも" in hint
    assert "1990/4/1" in hint and "平成2年4月1日" in hint and "H2.4.1" in hint


@pytest.mark.parametrize(
    "birth",
    ["1990-04-01", "1990/4/1", "1990年4月1日", "平成2年4月1日", "H2.4.1", "h2/4/1", "１９９０年４月１日",
     "平成２年４月１日", "19900401"],
)
def test_every_usual_spelling_of_the_birth_date_registers(client, application, password, birth):
    response = client.post(URL, form_data(password, birth_date=birth))

    assert response.status_code == 302, field_error(response, "birth_date")
    assert SeekerAccount.objects.get().application == application


def test_a_reiwa_birth_date_in_gannen_registers(client, password):
    application = JobApplicationFactory(identity__birth_date=date(2019, 5, 1))

    response = client.post(URL, form_data(password, kyushoku_number=application.kyushoku_number,
                                          birth_date="令和元年5月1日"))

    assert response.status_code == 302
    assert SeekerAccount.objects.get().application == application


@pytest.mark.parametrize(
    ("birth", "message"),
    [
        ("平成31年5月1日", "平成は2019年4月30日までです(2019年5月1日からは令和)。生年月日を確認してください。"),
        ("1990年2月30日", "1990年2月30日という日付はありません。生年月日を確認してください。"),
        ("2099/1/1", "生年月日には今日より前の日付を入力してください。"),
        ("4月1日", "生年月日を読み取れませんでした。"),
    ],
    ids=["outside_heisei", "no_such_day", "future", "unreadable"],
)
def test_a_refused_birth_date_says_why_and_keeps_what_was_typed(client, application, password, birth, message):
    response = client.post(URL, form_data(password, birth_date=birth))

    assert response.status_code == 200
    assert field_error(response, "birth_date").startswith(message)
    assert f'value="{birth}"' in html(response)  # typed text stays, to be corrected
    assert not SeekerAccount.objects.exists()


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("kyushoku_number", "求職番号を入力してください。"),
        ("birth_date", "生年月日を入力してください。"),
        ("email", "メールアドレスを入力してください。"),
        ("email2", "確認のため、メールアドレスをもう一度入力してください。"),
        ("password1", "パスワードを入力してください。"),
        ("password2", "確認のため、パスワードをもう一度入力してください。"),
        ("agree", "利用登録には利用規約への同意が必要です。"),
    ],
)
def test_a_missing_field_is_named(client, application, password, field, message):
    response = client.post(URL, form_data(password, **{field: None}))

    assert response.status_code == 200
    assert field_error(response, field) == message
    assert "このフィールドは必須です" not in html(response)
    assert message in text_of(response)  # also in the summary at the top


def test_an_empty_form_names_every_field(client):
    # What a browser sends for an untouched form: every text field, empty; no checkbox.
    response = client.post(URL, dict.fromkeys(["kyushoku_number", "birth_date", "email", "email2", "password1",
                                               "password2"], ""))

    page = text_of(response)
    assert "このフィールドは必須です" not in page
    for message in ["求職番号を入力してください。", "生年月日を入力してください。", "メールアドレスを入力してください。",
                    "パスワードを入力してください。", "利用規約への同意が必要です。"]:
        assert message in page


def test_a_malformed_email_is_named(client, application, password):
    response = client.post(URL, form_data(password, email="taro.example.jp", email2="taro.example.jp"))

    assert field_error(response, "email") == "メールアドレスを正しく入力してください(例: taro@example.jp)。"


def test_the_number_keeps_its_checks(client, application, password):
    response = client.post(URL, form_data(password, kyushoku_number="12345"))

    assert field_error(response, "kyushoku_number").startswith("求職番号は「12345-12345678」の形")


# --- the done page --------------------------------------------------------------------------------------


def registered_done_page(client, password):
    with time_machine.travel(NOW, tick=False):
        response = client.post(URL, form_data(password))
        assert response.status_code == 302
        return client.get(response["Location"])


def test_the_done_page_says_where_the_mail_went_and_until_when_the_key_works(client, application, password):
    page = text_of(registered_done_page(client, password))

    assert f"{EMAIL} あてに、ユーザIDと認証キーをお送りしました。" in page
    # Issued at 14:05:20 JST, valid for 30 minutes: shown to the minute, never later than it works.
    expires = f"{TODAY.year}年{TODAY.month}月{TODAY.day}日 14:35"
    assert f"認証キーの有効期限は {expires} (日本時間)です。発行から30分で使えなくなります。" in page


def test_the_done_page_says_what_to_do_when_no_mail_arrives(client, application, password, settings):
    settings.DEFAULT_FROM_EMAIL = "求職情報提供サイト <noreply@kyushoku.mhlw.example.jp>"
    response = registered_done_page(client, password)

    page = text_of(response)
    assert "メールが届かないとき" in page
    assert "迷惑メールフォルダ" in page
    assert "ドメイン「kyushoku.mhlw.example.jp」(送信元 noreply@kyushoku.mhlw.example.jp)" in page
    assert "「認証キーを再発行する」" in page
    assert "求職申込みをしたハローワークにお問い合わせください" in page
    assert 'href="/seekers/forgot-user-id/"' in html(response)
    assert 'href="/accounts/login/"' in html(response)


def test_the_done_page_opened_again_still_explains(client, application, password):
    registered_done_page(client, password)

    again = text_of(client.get("/seekers/register/done/"))

    assert "登録したメールアドレスあてに、ユーザIDと認証キーをお送りしました。" in again
    assert "認証キーは発行から30分で使えなくなります。" in again
    assert "迷惑メールフォルダ" in again
