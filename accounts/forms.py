from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import users_for_password_reissue


class LoginForm(AllauthLoginForm):
    """Seekers sign in with their ユーザID, members and staff with their email."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["login"]
        field.label = _("ユーザID(利用団体・職員の方はメールアドレス)")
        field.widget.attrs.update({"placeholder": "", "autocomplete": "username"})
        self.fields["password"].label = _("パスワード")
        self.fields["password"].widget.attrs["placeholder"] = ""
        self.fields.pop("remember", None)


class ResetPasswordForm(AllauthResetPasswordForm):
    """パスワード再発行 (Q3): ユーザID and the registered email must both match. The answer is the same
    whether they match or not (ACCOUNT_PREVENT_ENUMERATION)."""

    user_id = forms.CharField(
        label=_("ユーザID(利用団体・職員の方はメールアドレス)"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    field_order = ["user_id", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("登録したメールアドレス")
        self.fields["email"].widget.attrs["placeholder"] = ""

    def clean(self):
        data = super().clean()
        self.users = list(users_for_password_reissue(user_id=data.get("user_id") or "", email=data.get("email") or ""))
        return data
