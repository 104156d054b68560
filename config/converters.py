"""Path converters that refuse what no row can have, so a crafted URL is a 404 before any query:
NUL, numbers past PostgreSQL's bigint, public ids of the wrong shape. Registered on import;
config/urls.py imports this module before it includes the apps' URL modules."""

from django.urls import register_converter

BIGINT_MAX = 2**63 - 1


class IdConverter:
    """A row id (`<id:name>`): 1 to 19 ASCII digits, at most bigint's maximum (the plain `int`
    converter passes 99999999999999999999 on to the database)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > BIGINT_MAX:
            raise ValueError("past bigint")  # the resolver takes ValueError as "no match": a 404
        return number

    def to_url(self, value) -> str:
        return str(int(value))


class PublicIdConverter:
    """A profile's 公開ID (`<public_id:name>`): 16 lowercase hex digits (seekers.models.new_public_id)."""

    regex = "[0-9a-f]{16}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")
register_converter(PublicIdConverter, "public_id")


def parse_id(value) -> int | None:
    """A row id from a request parameter (a button's value), or None when it is not one: the same
    rule as the `id` converter."""
    text = str(value or "")
    if not (text.isascii() and text.isdigit()):
        return None
    try:
        return IdConverter().to_python(text)
    except ValueError:
        return None
