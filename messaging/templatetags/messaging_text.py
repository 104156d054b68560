"""How a long message body is folded on the thread pages (issue: one 10,000-character message made a
phone page tens of thousands of pixels tall). Presentation only: the whole text is always in the page,
the rest inside a <details> that opens without JavaScript."""

from typing import NamedTuple

from django import template

register = template.Library()

# A body up to this long (characters, lines) is shown whole: folding it would hide a line or two.
FOLD_OVER_CHARS = 300
FOLD_OVER_LINES = 8
# What stays visible above 「続きを表示」: about eight lines on a 390 px phone.
HEAD_CHARS = 160
HEAD_LINES = 5


class Fold(NamedTuple):
    head: str
    rest: str


@register.filter
def fold(body: str) -> Fold:
    """The body split into the lines shown and the rest (empty when it is short). The cut falls at
    the last line break, else the last 。, inside the head's window, so the visible part ends where
    a sentence does when it can."""
    body = body or ""
    if len(body) <= FOLD_OVER_CHARS and body.count("\n") < FOLD_OVER_LINES:
        return Fold(body, "")
    window = body[:HEAD_CHARS]
    lines = window.split("\n")
    if len(lines) > HEAD_LINES:
        window = "\n".join(lines[:HEAD_LINES]) + "\n"
    # A break before the window's middle would show too little: then the next kind, then the end.
    cut = next((at for at in (window.rfind("\n") + 1, window.rfind("。") + 1) if at >= len(window) // 2),
               len(window))
    return Fold(body[:cut].rstrip("\n"), body[cut:])
