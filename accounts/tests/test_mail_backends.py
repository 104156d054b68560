"""The laptop's console mail (config/settings/local.py): each mail once, as its reader sees it, not the
raw MIME message with a base64 subject and the HTML part repeating the text."""

from io import StringIO

import pytest
from django.core.mail import EmailMultiAlternatives, get_connection

from accounts.mail import Mail, outbox_write

BACKEND = "accounts.mail_backends.ReadableConsoleBackend"
SUBJECT = "求職情報提供サイト ユーザIDと認証キーのお知らせ"
BODY = "ユーザID: K0001234\n認証キー: 482913\n\nこの認証キーは30分間有効です。"
HTML = "<p>HTMLの版だけにある文</p>"


def printed(*messages: EmailMultiAlternatives) -> str:
    out = StringIO()
    get_connection(BACKEND, stream=out).send_messages(list(messages))
    return out.getvalue()


def mail(subject: str = SUBJECT, to: str = "seeker@example.jp") -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(subject, BODY, to=[to])
    message.attach_alternative(HTML, "text/html")
    return message


def test_prints_the_decoded_subject_once():
    text = printed(mail())

    assert text.count(SUBJECT) == 1
    assert f"Subject: {SUBJECT}\n" in text
    assert "=?utf-8?" not in text


def test_prints_the_addresses_and_the_text_part_only():
    text = printed(mail())

    assert "To:      seeker@example.jp\n" in text
    assert "From:    求職情報提供サイト <noreply@kyushoku.example.jp>\n" in text  # the display name decoded
    assert text.count("認証キー: 482913") == 1
    assert "この認証キーは30分間有効です。" in text
    assert "HTMLの版だけにある文" not in text
    assert "(not shown: text/html)" in text
    assert "Content-Transfer-Encoding" not in text
    assert "MIME-Version" not in text


def test_a_long_subject_stays_on_one_line():
    # Long enough that the MIME header is folded over several encoded words.
    subject = "求職情報提供サイト " + "利用期間終了のお知らせと再開の手続きについてのご案内" * 3

    text = printed(mail(subject=subject))

    assert f"Subject: {subject}\n" in text


def test_several_mails_are_each_printed_once():
    text = printed(mail(subject="一通目の件名", to="a@example.jp"), mail(subject="二通目の件名", to="b@example.jp"))

    assert text.count("一通目の件名") == 1
    assert text.count("二通目の件名") == 1
    assert text.index("a@example.jp") < text.index("二通目の件名") < text.index("b@example.jp")


@pytest.mark.django_db
def test_a_mail_from_the_outbox_is_printed_readably(settings, capsys, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = BACKEND

    with django_capture_on_commit_callbacks(execute=True):
        outbox_write([Mail(to="seeker@example.jp", kind="account_notice", subject=SUBJECT, body=BODY,
                           html_body=HTML)])

    out = capsys.readouterr().out
    assert out.count(SUBJECT) == 1
    assert out.count("認証キー: 482913") == 1
    assert "=?utf-8?" not in out
    assert "HTMLの版だけにある文" not in out
