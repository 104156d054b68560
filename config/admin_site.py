"""The staff admin site. Every ModelAdmin registered on it, the project's and the libraries' (auth's
Group, allauth's addresses and authenticators), is given CraftedInputAdmin first, so a crafted URL or
form answers like any wrong id (the admin's "does not exist" page, a message) instead of a 500."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.translation import gettext as _

from config.converters import BIGINT_MAX

BIGINT_MIN = -BIGINT_MAX - 1


def _key(field, value):
    """`value` as the field's Python value; ValueError when it is not one the column can hold."""
    try:
        converted = field.to_python(value)
    except (ValidationError, TypeError) as exc:
        raise ValueError(value) from exc
    if isinstance(converted, int) and not BIGINT_MIN <= converted <= BIGINT_MAX:
        raise ValueError(value)
    if isinstance(converted, str) and "\x00" in converted:  # PostgreSQL refuses NUL in text
        raise ValueError(value)
    return converted


class CraftedInputAdmin:
    """Three places where Django's admin passes request text to the database or a widget unchecked."""

    def get_object(self, request, object_id, from_field=None):
        """An object id past bigint is no object (SQLite refuses to bind it; a one-to-one primary key
        skips Django's own range check). An empty `_to_field` (`?_to_field=`) is the primary key, as
        Django's own check of it reads it; a name that is no field is no object."""
        from_field = from_field or None
        try:
            field = self.model._meta.pk if from_field is None else self.model._meta.get_field(from_field)
            _key(field, object_id)
        except (ValueError, FieldDoesNotExist):
            return None
        return super().get_object(request, object_id, from_field)

    def get_changeform_initial_data(self, request):
        """`/add/?field=value` prefills the form; a value the field cannot hold is dropped, and the
        others are converted (a date-time's split widget cannot show a string)."""
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.many_to_many or not field.concrete:
                continue
            try:
                initial[name] = _key(field, value)
            except ValueError:
                del initial[name]
        return initial

    def response_action(self, request, queryset):
        """An action on ids that are not this model's keys is refused with a message (Django would
        filter on them and fail on the first that is not a number, or on NUL in a text key)."""
        try:
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                _key(self.model._meta.pk, value)
        except ValueError:
            self.message_user(request, _("選択された項目が正しくありません。一覧から選び直してください。"),
                              messages.WARNING)
            return None
        return super().response_action(request, queryset)


class AdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        """Each ModelAdmin also gets ReachAdmin (SPEC rule 23, organizations.admin_reach): its rows
        filtered by the staff member's reach. An admin that does not say what its rows hang on
        (`reach`) is for national administrators only, so a new admin is closed until it says."""
        from organizations.admin_reach import ReachAdmin

        admin_class = admin_class or admin.ModelAdmin
        bases = []
        if not issubclass(admin_class, CraftedInputAdmin):
            bases.append(CraftedInputAdmin)
        if not issubclass(admin_class, ReachAdmin):
            bases.append(ReachAdmin)
        if bases:
            admin_class = type(admin_class.__name__, (*bases, admin_class), {
                "__module__": admin_class.__module__, "__doc__": admin_class.__doc__,
                "reach": getattr(admin_class, "reach", ("national", None)),
            })
        super().register(model_or_iterable, admin_class, **options)
