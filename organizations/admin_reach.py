"""The admin's side of SPEC rule 23: every ModelAdmin says what its rows hang on (`reach`), and
this mixin filters its queryset with organizations.jurisdiction.staff_reach, the one rule.

    reach = ("applications", "account__application__kyushoku_number")   # the seeker's office
    reach = ("offices", "office_code")                                  # a row's own office code
    reach = ("organizations", "organization__bureau")                   # the organisation's 労働局
    reach = ("national", None)                                          # national administrators only
    reach = ("reference", None)                                         # code tables: every staff member

A change page of a row outside reach is a 404 (not the admin's "does not exist" redirect), so a
typed URL or a hand-made POST learns nothing and changes nothing; actions and autocomplete lookups
go through get_queryset and so never see such rows. tests/test_admin_reach.py checks that every
registered admin declares one."""

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import Http404

from .jurisdiction import NOTHING, Reach, staff_reach

KINDS = ("applications", "offices", "organizations", "national", "reference")


def reach_of(request) -> Reach:
    """The request's staff reach, read once per request."""
    if not hasattr(request, "_staff_reach"):
        request._staff_reach = staff_reach(request.user)
    return request._staff_reach


def reach_q(reach: Reach, kind: str, path: str | None):
    if kind == "applications":
        return reach.applications(path)
    if kind == "offices":
        return reach.office_codes_q(path)
    if kind == "organizations":
        return reach.organizations(path)
    if kind == "national":
        return None if reach.national else NOTHING
    if kind == "reference":
        return None
    raise ValueError(kind)


class ReachAdmin:
    reach: tuple[str, str | None]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        q = reach_q(reach_of(request), *self.reach)
        return queryset if q is None else queryset.filter(q)

    def _closed(self, request) -> bool:
        return self.reach[0] == "national" and not reach_of(request).national

    def has_module_permission(self, request):
        return not self._closed(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return not self._closed(request) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._closed(request) and super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return not self._closed(request) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return not self._closed(request) and super().has_delete_permission(request, obj)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        # There, but outside this staff member's reach: 404. Staff without the model's permission
        # get the admin's 403 first, as before.
        if obj is None and self.has_view_or_change_permission(request) and self._exists(object_id, from_field):
            raise Http404
        return obj

    def _exists(self, object_id, from_field) -> bool:
        try:
            field = self.model._meta.pk if not from_field else self.model._meta.get_field(from_field)
            value = field.to_python(object_id)
        except (ValidationError, TypeError, ValueError, FieldDoesNotExist):
            return False
        return self.model._default_manager.filter(**{field.attname: value}).exists()
