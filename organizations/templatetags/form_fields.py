"""{% memo_form_fields form %}: every field of a form through includes/form_field.html, as
`{% for field in form %}{% include "includes/form_field.html" %}{% endfor %}` renders them, each field
rendered once per process, language and submitted value (organizations.reference_cache, which also
drops the entries when the reference codes change, for the selects built from them). The search form's
13 fields through the template engine cost more than the rest of its page (bench_pages).

A field is taken from the memo only when its HTML is a function of the key alone: no errors (an error
message can name other fields' values), and an empty value or one the client picks from the field's
choices (a select, a tick box); a typed value (a keyword, an amount) is rendered afresh each time and
never kept."""

from django import forms, template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from organizations import reference_cache

register = template.Library()

FIELD_TEMPLATE = "includes/form_field.html"
_EMPTY = (None, "", [], ())


def _memo_key(bound_field) -> tuple | None:
    form = bound_field.form
    if form.is_bound and bound_field.errors:
        return None
    value = bound_field.data if form.is_bound else bound_field.initial
    field = bound_field.field
    chosen = isinstance(field, (forms.ChoiceField, forms.BooleanField)) or hasattr(field, "choices")
    if value not in _EMPTY and not chosen:
        return None
    return ("form-field", type(form).__module__, type(form).__qualname__, form.prefix, str(form.auto_id),
            form.is_bound, bound_field.name, repr(value))


@register.simple_tag
def memo_form_fields(form):
    field_template = get_template(FIELD_TEMPLATE)
    memo = reference_cache.Snapshot()
    parts = []
    for bound_field in form:
        key = _memo_key(bound_field)
        if key is None:
            parts.append(field_template.render({"field": bound_field}))
        else:
            parts.append(memo.get(key, lambda bf=bound_field: field_template.render({"field": bf})))
    return mark_safe("".join(parts))  # noqa: S308 - the field template's own (escaped) output
