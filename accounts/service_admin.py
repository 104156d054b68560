"""Staff writes in the admin go through services (STYLE.md). A service refuses with a ValidationError
keyed by field; these helpers show its messages next to those fields, on the page staff filled in
with everything they typed, instead of a 403 or a 500."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


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
