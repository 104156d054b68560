import calendar
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# \Z, not $: both Python and PostgreSQL read it as the very end (no trailing newline slips through).
KYUSHOKU_NUMBER_REGEX = r"^[0-9]{5}-[0-9]{8}\Z"


def end_of_month_after_next(day: date) -> date:
    """The default end of validity (SPEC rule 5, the leaflet's 翌々月の末日): 2026-11-26 → 2027-01-31."""
    month_index = day.year * 12 + (day.month - 1) + 2
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, calendar.monthrange(year, month)[1])


def add_one_month_end(day: date) -> date:
    """Staff's one-month extension: the end of the month after the current end."""
    month_index = day.year * 12 + (day.month - 1) + 1
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, calendar.monthrange(year, month)[1])


def normalize_kyushoku_number(value: str) -> str:
    """Full-width digits, dashes and spaces as typed at a counter become `NNNNN-NNNNNNNN`."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    for dash in ("‐", "‑", "‒", "–", "—", "―", "−", "ー", "ｰ"):
        text = text.replace(dash, "-")
    text = "".join(text.split())
    if text.isdigit() and len(text) == 13:
        text = f"{text[:5]}-{text[5:]}"
    return text


def validate_kyushoku_number(value: str) -> None:
    import re

    if not re.fullmatch(KYUSHOKU_NUMBER_REGEX, value or ""):
        raise ValidationError(
            _("求職番号は「12345-12345678」の形(数字5桁-数字8桁)で入力してください。"), code="kyushoku_number"
        )
