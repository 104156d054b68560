import datetime
import unicodedata

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from organizations.models import (
    KIND_CHOICES_FOR_CONDITIONS,
    IndustryGroup,
    OccupationGroup,
    Organization,
    Prefecture,
    Qualification,
)

from .dates import parse_birth_date
from .keys import normalize_code
from .models import Profile
from .validity import normalize_kyushoku_number, validate_kyushoku_number


class BirthDateField(forms.Field):
    """生年月日 as text, in 西暦 or 和暦 (seekers.dates.parse_birth_date), instead of a date picker that
    makes a seeker scroll back through decades. What was typed is shown again as typed when refused."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("生年月日"))
        kwargs.setdefault("help_text", _("西暦・和暦のどちらでも入力できます(例: 1990/4/1、平成2年4月1日、H2.4.1)。"))
        # A text keyboard, not a numeric one: 和暦 needs 平成 or H, and phones' numeric pads have no "/".
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "text", "autocomplete": "bday",
                                                           "maxlength": "30"}))
        kwargs.setdefault("error_messages", {"required": _("生年月日を入力してください。")})
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value
        return parse_birth_date(str(value)[:100])


class WidthFoldedEmailField(forms.EmailField):
    """An address typed with a Japanese keyboard in full-width (ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ) is the
    same address in ASCII."""

    def to_python(self, value):
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value)
        return super().to_python(value)


class KyushokuNumberField(forms.CharField):
    """求職番号 as printed on the ハローワーク受付票, typed in any width, with or without the hyphen."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("求職番号"))
        kwargs.setdefault("help_text", _("ハローワークでお渡しした「ハローワーク受付票」に記載の番号です(例: 13010-12345678)。"))
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}))
        kwargs.setdefault("error_messages", {
            "required": _("求職番号を入力してください。"),
            "max_length": _("求職番号は「12345-12345678」の形(数字5桁-数字8桁)で入力してください。"),
        })
        super().__init__(max_length=30, **kwargs)

    def clean(self, value):
        value = normalize_kyushoku_number(super().clean(value))
        validate_kyushoku_number(value)
        return value


class RegistrationForm(forms.Form):
    kyushoku_number = KyushokuNumberField()
    birth_date = BirthDateField()
    email = WidthFoldedEmailField(
        label=_("メールアドレス"),
        help_text=_(
            "ユーザIDと認証キーをこのアドレスにお送りします。"
            "ハローワークにメールアドレスを届け出た方は、そのアドレスを入力してください。"
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("メールアドレスを入力してください。"),
            "invalid": _("メールアドレスを正しく入力してください(例: taro@example.jp)。"),
        },
    )
    email2 = WidthFoldedEmailField(
        label=_("メールアドレス(確認)"), widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("確認のため、メールアドレスをもう一度入力してください。"),
            "invalid": _("メールアドレス(確認)を正しく入力してください(例: taro@example.jp)。"),
        },
    )
    password1 = forms.CharField(
        label=_("パスワード"),
        strip=False,
        help_text=_("10文字以上。数字だけ、よく使われるものは使えません。"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("パスワードを入力してください。")},
    )
    password2 = forms.CharField(
        label=_("パスワード(確認)"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("確認のため、パスワードをもう一度入力してください。")},
    )
    agree = forms.BooleanField(
        label=_("利用規約(求職者用)に同意します"),
        error_messages={"required": _("利用登録には利用規約への同意が必要です。")},
    )

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


class UserIdReminderForm(forms.Form):
    """ユーザIDを忘れた方: the three things only the seeker knows together."""

    kyushoku_number = KyushokuNumberField()
    birth_date = BirthDateField()
    email = WidthFoldedEmailField(
        label=_("登録したメールアドレス"),
        help_text=_("利用登録のときに入力した(または、ハローワークに届け出た)メールアドレスです。"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("登録したメールアドレスを入力してください。"),
            "invalid": _("メールアドレスを正しく入力してください(例: taro@example.jp)。"),
        },
    )


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


def _bit_choices(queryset):
    return [(str(item.bit), str(item)) for item in queryset]


def _bits_to_list(value: int) -> list[str]:
    return [str(bit) for bit in range(64) if value >> bit & 1]


class ConditionsForm(forms.Form):
    """メッセージ受信条件設定 (Q1). Nothing chosen in a group means no restriction by it."""

    kinds = forms.MultipleChoiceField(
        label=_("受信する利用団体の種別"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("選ばない場合は、提供先区分で認めたすべての種別から受信します。"),
    )
    regions = forms.MultipleChoiceField(
        label=_("求人を取り扱う地域"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("選んだ地域のいずれかの求人を取り扱う団体に限ります。"),
    )
    industries = forms.MultipleChoiceField(
        label=_("取り扱う業種(産業大分類)"), required=False, widget=forms.CheckboxSelectMultiple,
    )
    occupations = forms.MultipleChoiceField(
        label=_("取り扱う職種(職業大分類)"), required=False, widget=forms.CheckboxSelectMultiple,
    )
    privacy_mark = forms.BooleanField(label=_("プライバシーマークを取得している団体に限る"), required=False)

    def __init__(self, *args, profile=None, **kwargs):
        data = args[0] if args else kwargs.get("data")
        if profile is not None and data is None:
            kwargs["initial"] = {
                "kinds": _bits_to_list(profile.cond_kind_bits),
                "regions": _bits_to_list(profile.cond_region_bits),
                "industries": _bits_to_list(profile.cond_industry_bits),
                "occupations": _bits_to_list(profile.cond_occupation_bits),
                "privacy_mark": profile.cond_privacy_mark,
            }
        super().__init__(*args, **kwargs)
        kind_labels = dict(Organization.Kind.choices)
        sub_labels = dict(Organization.SubKind.choices)
        self.fields["kinds"].choices = [
            (str(i), str(sub_labels[sub]) if sub else str(kind_labels[kind]) + (
                str(_("(下記センター以外)")) if kind == "local_gov" else ""))
            for i, (kind, sub) in enumerate(KIND_CHOICES_FOR_CONDITIONS)
        ]
        self.fields["regions"].choices = [(str(p.bit), p.name) for p in Prefecture.objects.all()]
        self.fields["industries"].choices = _bit_choices(IndustryGroup.objects.filter(major=None))
        self.fields["occupations"].choices = _bit_choices(OccupationGroup.objects.filter(major=None))

    def bits(self, name: str) -> list[int]:
        return [int(value) for value in self.cleaned_data.get(name, [])]


class SearchForm(forms.Form):
    """The members' search over published fields only (GET, bookmarkable)."""

    occupation = forms.ModelChoiceField(
        label=_("希望する仕事(職業分類)"), required=False, queryset=None, empty_label=_("指定なし")
    )
    prefecture = forms.ModelChoiceField(label=_("希望勤務地(都道府県)"), required=False, queryset=None,
                                        empty_label=_("指定なし"))
    employment_type = forms.ChoiceField(label=_("希望就業形態"), required=False)
    wants_regular = forms.ChoiceField(label=_("正社員希望"), required=False)
    income_min = forms.IntegerField(label=_("希望月収(下限・円)"), required=False, min_value=0, max_value=10_000_000)
    income_max = forms.IntegerField(label=_("希望月収(上限・円)"), required=False, min_value=0, max_value=10_000_000)
    qualification = forms.ModelChoiceField(label=_("免許・資格"), required=False, queryset=None,
                                           empty_label=_("指定なし"))
    dispatch_ok = forms.BooleanField(label=_("派遣可"), required=False)
    contract_ok = forms.BooleanField(label=_("請負可"), required=False)
    relocation_ok = forms.BooleanField(label=_("転居可"), required=False)
    overseas_ok = forms.BooleanField(label=_("海外勤務可"), required=False)
    u_i_turn = forms.ChoiceField(label=_("Uターン・Iターン希望"), required=False)
    keyword = forms.CharField(label=_("キーワード"), required=False, max_length=100,
                              help_text=_("公開されている自由記述(経験・アピールポイントなど)から探します。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occupation"].queryset = OccupationGroup.objects.select_related("major")
        self.fields["prefecture"].queryset = Prefecture.objects.all()
        self.fields["qualification"].queryset = Qualification.objects.all()
        any_choice = [("", _("指定なし"))]
        self.fields["employment_type"].choices = any_choice + list(Profile.EmploymentType.choices)
        self.fields["wants_regular"].choices = any_choice + list(Profile.Wish.choices)
        self.fields["u_i_turn"].choices = any_choice + [c for c in Profile.Turn.choices if c[0]]

    def clean(self):
        data = super().clean()
        low, high = data.get("income_min"), data.get("income_max")
        if low is not None and high is not None and low > high:
            self.add_error("income_max", _("上限は下限以上の金額にしてください。"))
        return data
