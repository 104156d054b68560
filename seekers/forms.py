import datetime
import unicodedata

from django import forms
from django.contrib.auth import password_validation
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .keys import normalize_code
from .validity import normalize_kyushoku_number, validate_kyushoku_number


def _normalize_date_text(value: str) -> str:
    text = unicodedata.normalize("NFKC", value or "").strip()
    for sep in ("年", "月", "/", "."):
        text = text.replace(sep, "-")
    return text.replace("日", "")


class LenientDateField(forms.DateField):
    """Accepts 1990-04-01, 1990/4/1, １９９０年４月１日 (and the browser's date picker)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = _normalize_date_text(value)
        return super().to_python(value)


class RegistrationForm(forms.Form):
    kyushoku_number = forms.CharField(
        label=_("求職番号"),
        max_length=30,
        help_text=_("ハローワークでお渡しした「ハローワーク受付票」に記載の番号です(例: 13010-12345678)。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    birth_date = LenientDateField(
        label=_("生年月日"),
        input_formats=["%Y-%m-%d"],
        help_text=_("例: 1990-04-01"),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
    )
    email = forms.EmailField(
        label=_("メールアドレス"),
        help_text=_("ユーザIDと認証キーをこのアドレスにお送りします。"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    email2 = forms.EmailField(
        label=_("メールアドレス(確認)"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password1 = forms.CharField(
        label=_("パスワード"),
        strip=False,
        help_text=_("10文字以上。数字だけ、よく使われるものは使えません。"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("パスワード(確認)"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    agree = forms.BooleanField(
        label=_("利用規約(求職者用)に同意します"),
        error_messages={"required": _("利用登録には利用規約への同意が必要です。")},
    )

    def clean_kyushoku_number(self):
        value = normalize_kyushoku_number(self.cleaned_data["kyushoku_number"])
        validate_kyushoku_number(value)
        return value

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        if value >= timezone.localdate() or value < datetime.date(1900, 1, 1):
            raise forms.ValidationError(_("生年月日を正しく入力してください。"))
        return value

    def clean(self):
        data = super().clean()
        if data.get("email") and data.get("email2") and data["email"].lower() != data["email2"].lower():
            self.add_error("email2", _("メールアドレスが一致しません。同じアドレスを2回入力してください。"))
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("パスワードが一致しません。同じパスワードを2回入力してください。"))
        elif password1:
            try:
                password_validation.validate_password(password1)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class AuthKeyForm(forms.Form):
    auth_key = forms.CharField(
        label=_("認証キー"),
        max_length=40,
        help_text=_("利用登録後にメールでお送りした8文字の認証キーを入力してください。"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}),
    )

    def clean_auth_key(self):
        value = normalize_code(self.cleaned_data["auth_key"])
        if not value:
            raise forms.ValidationError(_("認証キーを入力してください。"))
        return value


class StopForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("求職情報の提供を停止することを確認しました"),
        error_messages={"required": _("停止する場合は確認のチェックを入れてください。")},
    )
    password = forms.CharField(
        label=_("パスワード"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        value = self.cleaned_data["password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("パスワードが正しくありません。"))
        return value
