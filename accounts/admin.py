from allauth.account.models import EmailAddress
from allauth.mfa.admin import AuthenticatorAdmin as BaseAuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, OutgoingEmail, User
from .service_admin import StaffInputMixin, shown_as
from .services import user_email_change

# allauth's own address admin would let staff add a verified login address that no audit event or
# notice follows; addresses change only through the user's page (accounts.services.user_email_change).
if admin.site.is_registered(EmailAddress):
    admin.site.unregister(EmailAddress)

# allauth names its model "authenticator" in English only. The names shown are set on the model's
# options here; migrations read only what its Meta declares (Options.original_attrs), so allauth's
# migrations stay as they are.
Authenticator._meta.verbose_name = _("認証手段")
Authenticator._meta.verbose_name_plural = _("認証手段(認証アプリ・リカバリーコード)")

if admin.site.is_registered(Group):
    admin.site.unregister(Group)
if admin.site.is_registered(Authenticator):
    admin.site.unregister(Authenticator)


@admin.register(Group)
class GroupAdmin(StaffInputMixin, BaseGroupAdmin):
    pass


def _titled(filter_class, title):
    """A field's list filter under a Japanese title (the model's field has only an English name)."""

    class Titled(filter_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return Titled


@admin.register(Authenticator)
class AuthenticatorAdmin(StaffInputMixin, BaseAuthenticatorAdmin):
    """allauth's, with Japanese names for its fields."""

    list_display = ("owner", "kind", "created", "last_used")
    list_filter = (("type", _titled(admin.ChoicesFieldListFilter, _("種類"))),
                   ("created_at", _titled(admin.DateFieldListFilter, _("登録日時"))),
                   ("last_used_at", _titled(admin.DateFieldListFilter, _("最終使用日時"))))
    field_labels = {"user": _("ユーザー"), "type": _("種類"), "data": _("データ"), "created_at": _("登録日時"),
                    "last_used_at": _("最終使用日時")}
    owner = shown_as("user", _("ユーザー"), ordering="user__username")
    created = shown_as("created_at", _("登録日時"))
    last_used = shown_as("last_used_at", _("最終使用日時"))

    @admin.display(description=_("種類"), ordering="type")
    def kind(self, obj):
        return obj.get_type_display()


@admin.register(User)
class UserAdmin(StaffInputMixin, BaseUserAdmin):
    list_display = ("username", "email", "role", "is_active", "is_staff", "last_login")
    list_filter = ("role", "is_active", "is_staff")
    fieldsets = BaseUserAdmin.fieldsets + ((_("種別"), {"fields": ("role",)}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("種別"), {"fields": ("role", "email")}),)

    def save_model(self, request, obj, form, change):
        """A changed email goes through its service (audit event, notice to the old address); the
        admin's own transaction holds both writes."""
        if change and "email" in form.changed_data:
            new_email = obj.email
            obj.email = form.initial.get("email", "")
            super().save_model(request, obj, form, change)
            user_email_change(actor=request.user, user=obj, email=new_email)
        else:
            super().save_model(request, obj, form, change)


class ReadOnlyAdmin(StaffInputMixin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor_label", "verb", "target_type", "target_label")
    list_filter = ("verb", "target_type")
    search_fields = ("actor_label", "verb", "target_id", "target_label")
    date_hierarchy = "created_at"


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdmin):
    list_display = ("created", "kind", "to", "subject", "sent_at", "tries")
    list_filter = ("kind", ("sent_at", admin.EmptyFieldListFilter))
    search_fields = ("to", "subject")
    created = shown_as("created_at", _("作成日時"))
    tries = shown_as("attempts", _("送信の試行回数"))
    claimed = shown_as("claimed_until", _("送信処理中の期限"))
    error = shown_as("last_error", _("最後のエラー"))
    # The text is not shown (mails with a secret are wiped once sent).
    fields = ("created", "kind", "to", "subject", "sent_at", "tries", "claimed", "error")
    readonly_fields = fields
