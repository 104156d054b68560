"""What every staff screen in the admin shares.

Staff writes go through services (STYLE.md). A service refuses with a ValidationError keyed by
field; these helpers show its messages next to those fields, on the page staff filled in with
everything they typed, instead of a 403 or a 500.

Staff type at a counter with a Japanese IME: dates and search terms are read whatever width and
separators they were typed with (StaffInputMixin)."""

import re
import unicodedata

from django import forms
from django.contrib.admin import display as admin_display
from django.contrib.admin import widgets as admin_widgets
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from .audit import audit
from .models import AuditEvent


class ServiceModelForm(forms.ModelForm):
    """An admin form that checks each field's shape and leaves the rules to the service. The model
    constraints on `service_decides` are not checked by the form: the service checks them first, with
    a message at the field (and the database constraint still backs it). Without this the form would
    refuse with the constraint's generic message at the top of the page."""

    service_decides: tuple[str, ...] = ()

    def _get_validation_exclusions(self):
        return super()._get_validation_exclusions() | set(self.service_decides)


def show_refusal(form: forms.BaseForm, refusal: ValidationError) -> None:
    """Put a service's refusal on the form: each message at its field, or at the top of the form
    when the field is not on it (read-only, or in an inline)."""
    errors = refusal.error_dict if hasattr(refusal, "error_dict") else {NON_FIELD_ERRORS: refusal.error_list}
    for field, error_list in errors.items():
        form.add_error(field if field in form.fields else None, error_list)


class _ShowsRefusal:
    refusal: ValidationError

    def clean(self):
        data = super().clean()
        show_refusal(self, self.refusal)
        return data


class ServiceAdminMixin:
    """For a ModelAdmin whose save_model/save_related call a service. A ValidationError from the
    service ends the admin's transaction (ModelAdmin.changeform_view is atomic on POST), so nothing
    it began is kept; the same POST is then shown again with the refusal at the fields."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refusal:
            if request.method != "POST" or hasattr(request, "service_refusal"):
                raise
            request.service_refusal = refusal
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "service_refusal", None)
        if refusal is None:
            return form_class
        return type(form_class.__name__, (_ShowsRefusal, form_class), {"refusal": refusal})


# --- What staff type: dates and search terms as they come from a Japanese keyboard ----------------

# Between digits these are all typed for the 求職番号's dash (IME long vowel mark, dashes, minus signs).
_DASH_BETWEEN_DIGITS = re.compile(r"(?<=\d)\s*[‐‑‒–—―−ーｰ-]\s*(?=\d)")
# A 求職番号 typed without its dash (13 digits) is searched as stored, NNNNN-NNNNNNNN.
_BARE_KYUSHOKU_NUMBER = re.compile(r"(?<![\d-])(\d{5})(\d{8})(?![\d-])")


def normalize_typed(value):
    """Full-width digits, letters and signs (NFKC) as half-width, without surrounding spaces."""
    return unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else value


def normalize_search(term: str) -> str:
    """An admin search term as the rows store it: NFKC, and the 求職番号's dash variants (or none)
    as the one dash it is stored with."""
    text = _DASH_BETWEEN_DIGITS.sub("-", normalize_typed(term or ""))
    return _BARE_KYUSHOKU_NUMBER.sub(r"\1-\2", text)


class AdminDateInput(admin_widgets.AdminDateWidget):
    """A date typed in full width (２０２６／１２／１) is read as half width; the accepted forms
    (2026-12-01, 2026/12/1, 2026年12月1日) are DATE_INPUT_FORMATS (config/formats)."""

    def value_from_datadict(self, data, files, name):
        return normalize_typed(super().value_from_datadict(data, files, name))


class AdminSplitDateTimeInput(admin_widgets.AdminSplitDateTime):
    def value_from_datadict(self, data, files, name):
        return [normalize_typed(value) for value in super().value_from_datadict(data, files, name)]


# --- Names for fields whose model gives none in Japanese -------------------------------------------


class LabelledFieldsMixin:
    """`field_labels` names form fields whose model field has no Japanese verbose name (allauth's,
    and a few foreign keys); `shown_as` does the same for list columns and read-only rows."""

    field_labels: dict = {}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and db_field.name in self.field_labels:
            formfield.label = self.field_labels[db_field.name]
        return formfield


def shown_as(field_name: str, label, *, ordering: str | None = None):
    """A ModelAdmin attribute showing the model field `field_name` under `label`, for list_display and
    readonly_fields; the admin formats the value as it would the field's (dates in Japan time, empty
    as "-")."""

    @admin_display(description=label, ordering=ordering or field_name)
    def show(model_admin, obj):
        return getattr(obj, field_name)

    show.__name__ = field_name
    return show


class StaffInputMixin(LabelledFieldsMixin):
    """For every ModelAdmin and inline of the staff screens: date fields that take what staff type,
    (ModelAdmin) a search that finds rows whatever width the terms were typed in, and Japanese names
    for the fields that have none (LabelledFieldsMixin)."""

    formfield_overrides = {
        models.DateField: {"widget": AdminDateInput},
        models.DateTimeField: {"widget": AdminSplitDateTimeInput},
    }

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, normalize_search(search_term))


class IdentityReadsAudited:
    """Admin pages that show a seeker's identity (氏名, 求職番号): every staff read is an audit event,
    the list's (with its query) when `identity_list_audited`, and each opened page's, against the
    application whose identity it shows (`identity_target`)."""

    identity_list_audited = False

    def identity_target(self, obj):
        raise NotImplementedError

    def identity_read_data(self, obj) -> dict:
        return {}

    def changelist_view(self, request, extra_context=None):
        if self.identity_list_audited and self.has_view_permission(request):
            audit(actor=request.user, verb=AuditEvent.Verb.IDENTITY_LIST, query=request.GET.urlencode()[:500])
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, object_id)
            if obj is not None and self.has_view_permission(request, obj):
                audit(actor=request.user, verb=AuditEvent.Verb.IDENTITY_VIEW, target=self.identity_target(obj),
                      **self.identity_read_data(obj))
        return super().change_view(request, object_id, form_url, extra_context)
