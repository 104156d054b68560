"""{% memo_form_fields form %} (organizations.templatetags.form_fields): the same HTML as including
includes/form_field.html for each field, each field kept per process only when its HTML is a function
of the key alone; a typed value or a field with an error is rendered afresh and never kept."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from organizations import reference_cache
from seekers.forms import SearchForm

pytestmark = pytest.mark.django_db

MEMO = Template("{% load form_fields %}{% memo_form_fields form %}")
INCLUDED = Template('{% for field in form %}{% include "includes/form_field.html" %}{% endfor %}')


@pytest.fixture(autouse=True)
def _cold():
    reference_cache._memo.clear()


def both(data=None) -> tuple[str, str]:
    form = SearchForm(data)
    form.is_valid()
    return MEMO.render(Context({"form": form})), INCLUDED.render(Context({"form": form}))


def kept() -> str:
    return "".join(str(entry[2]) for entry in reference_cache._memo.values())


@pytest.mark.parametrize("data", [None, {"prefecture": "13", "wants_regular": "yes", "dispatch_ok": "on"},
                                  {"per_page": "50", "keyword": "フォークリフト", "income_min": "200000"}],
                         ids=["unbound", "chosen", "typed"])
def test_the_html_is_the_includes_and_the_second_render_reads_nothing(data):
    memo, included = both(data)
    assert memo == included
    form = SearchForm(data)
    form.is_valid()
    with CaptureQueriesContext(connection) as ctx:
        again = MEMO.render(Context({"form": form}))
    assert again == included and len(ctx.captured_queries) == 0


def test_a_typed_value_is_shown_but_never_kept():
    memo, _ = both({"keyword": "秘密の語句", "municipality": "131016", "income_min": "123456"})
    assert "秘密の語句" in memo and "123456" in memo
    assert "秘密の語句" not in kept() and "123456" not in kept()


def test_a_field_with_an_error_is_rendered_afresh():
    memo, included = both({"income_min": "300000", "income_max": "100000"})
    assert memo == included and "上限は下限以上の金額にしてください。" in memo
    assert "上限は下限以上" not in kept()


def test_each_language_has_its_own_entries():
    japanese, _ = both()
    with translation.override("en"):
        english, included = both()
    assert english == included and english != japanese
