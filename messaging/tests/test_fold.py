"""The fold of a long message body on the thread pages (messaging/templatetags/messaging_text.py): short
bodies whole, long ones cut where a line or a sentence ends, nothing lost."""

from messaging.templatetags.messaging_text import (
    FOLD_OVER_CHARS,
    FOLD_OVER_LINES,
    HEAD_CHARS,
    HEAD_LINES,
    fold,
)


def test_a_short_body_is_shown_whole():
    body = "あ" * FOLD_OVER_CHARS

    assert fold(body) == (body, "")
    assert fold("一行\n" * (FOLD_OVER_LINES - 1)) == ("一行\n" * (FOLD_OVER_LINES - 1), "")
    assert fold("") == ("", "")


def test_many_short_lines_fold_after_the_first_lines():
    body = "".join(f"{n}行目\n" for n in range(1, 21))

    head, rest = fold(body)

    assert head.split("\n") == [f"{n}行目" for n in range(1, HEAD_LINES + 1)]
    assert rest.startswith(f"{HEAD_LINES + 1}行目")
    assert head + "\n" + rest == body


def test_a_long_paragraph_is_cut_after_a_sentence():
    body = "求人をご紹介できます。" * 100

    head, rest = fold(body)

    assert head.endswith("。")
    assert HEAD_CHARS // 2 <= len(head) <= HEAD_CHARS
    assert head + rest == body


def test_text_without_breaks_is_cut_at_the_window():
    body = "a" * 1000

    head, rest = fold(body)

    assert (len(head), len(rest)) == (HEAD_CHARS, 1000 - HEAD_CHARS)
