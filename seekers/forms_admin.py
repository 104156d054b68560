from django import forms
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.service_admin import ServiceModelForm
from organizations.models import Municipality, Prefecture

from .models import ApplicantIdentity, ApplicationSheet, DesiredPlace, JobApplication, Profile
from .validity import normalize_kyushoku_number


class JobApplicationAdminForm(ServiceModelForm):
    """The shape of what staff type; the dates' rules (the default 有効期限, SPEC rule 5) are
    seekers.services.application_save's, which the admin shows at the fields."""

    service_decides = ("valid_until",)

    class Meta:
        model = JobApplication
        fields = "__all__"  # noqa: DJ007 - the admin narrows the fields with its fieldsets

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valid_until"].required = False
        # 提供先区分 has no default (SPEC rule 6): the choice starts blank and must be made.
        self.fields["provision"].error_messages["required"] = _("提供先区分を選んでください。")
        # Staff may type spaces or full-width characters: the length is checked after normalising.
        number = self.fields["kyushoku_number"]
        number.max_length = None
        number.validators = [v for v in number.validators if not hasattr(v, "limit_value")]
        number.widget.attrs.pop("maxlength", None)

    def clean_kyushoku_number(self):
        return normalize_kyushoku_number(self.cleaned_data.get("kyushoku_number", ""))


class ApplicantIdentityAdminForm(forms.ModelForm):
    class Meta:
        model = ApplicantIdentity
        fields = "__all__"  # noqa: DJ007 - the admin narrows the fields with its fieldsets

    def clean_birth_date(self):
        value = self.cleaned_data.get("birth_date")
        if value and value >= timezone.localdate():
            raise forms.ValidationError(_("生年月日に今日以降の日付は入力できません。"))
        if value and value.year < 1900:
            raise forms.ValidationError(_("生年月日を確認してください(1900年以降)。"))
        return value


class _SameAsSheet(forms.TypedChoiceField):
    """A 求職公開申込書 choice whose blank means "as on the 求職申込書" (application_save copies it)."""

    def __init__(self, *, label, choices, coerce=str, help_text=""):
        super().__init__(label=label, choices=[("", _("(求職申込書と同じ)")), *choices], coerce=coerce,
                         empty_value=None, required=False, help_text=help_text)


def _to_bool(value) -> bool:
    return value in (True, "True", "1", 1)


class FastSelect(forms.Select):
    """A <select> whose options are written in Python: 1,741 municipalities, four selects a page,
    rendered through the option template took seconds per page. Same HTML as forms.Select (the id,
    aria-describedby and name the admin passes, one selected option), escaped."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        chosen = "" if value is None else str(value)
        options = [
            f'<option value="{escape(str(key))}"{" selected" if str(key) == chosen else ""}>{escape(label)}</option>'
            for key, label in self.choices
        ]
        return mark_safe(f"<select{flatatt(attrs)}>{''.join(options)}</select>")  # noqa: S308 - every part escaped


class MunicipalityChoiceField(forms.ModelChoiceField):
    """市区町村 shown with its 全国地方公共団体コード and prefecture: "131016 東京都千代田区"."""

    widget = FastSelect

    def label_from_instance(self, obj):
        return f"{obj.code} {obj.prefecture.name}{obj.name}"


class FastFilteredSelectMultiple(FilteredSelectMultiple):
    """FastSelect's multiple form with the admin's filter box (filter_horizontal's widget; its script
    finds the select by these attributes): ㉑ 広域就業希望地's 1,741 municipalities."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, {
            **(attrs or {}), "name": name, "multiple": True, "class": "selectfilter",
            "data-field-name": str(self.verbose_name), "data-is-stacked": "0",
        })
        chosen = {str(item) for item in (value or ())}
        options = [
            f'<option value="{escape(str(key))}"{" selected" if str(key) in chosen else ""}>{escape(label)}</option>'
            for key, label in self.choices
        ]
        # The admin's script puts the filter boxes first in the select's parent: a wrapper of its own,
        # as the admin gives the fields it builds itself.
        select = f"<select{flatatt(attrs)}>{''.join(options)}</select>"
        return mark_safe(f'<div class="related-widget-wrapper">{select}</div>')  # noqa: S308 - every part escaped


class MunicipalityMultipleChoiceField(forms.ModelMultipleChoiceField):

    def label_from_instance(self, obj):
        return f"{obj.code} {obj.prefecture.name}{obj.name}"


def municipality_field(label) -> MunicipalityChoiceField:
    return MunicipalityChoiceField(
        queryset=Municipality.objects.select_related("prefecture"), required=False, label=label,
    )


class ApplicationSheetAdminForm(forms.ModelForm):
    class Meta:
        model = ApplicationSheet
        fields = "__all__"  # noqa: DJ007 - the admin narrows the fields with its fieldsets
        field_classes = {"desired_municipality": MunicipalityChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desired_municipality"].queryset = Municipality.objects.select_related("prefecture")

    def clean(self):
        data = super().clean()
        prefecture, municipality = data.get("desired_prefecture"), data.get("desired_municipality")
        if prefecture and municipality and municipality.prefecture_id != prefecture.pk:
            self.add_error("desired_municipality", _("%(m)s は%(p)sの市区町村ではありません。")
                           % {"m": municipality.name, "p": prefecture.name})
        return data


YES_NO = [("True", _("可")), ("False", _("不可"))]


def _place_prefecture(n: int) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Prefecture.objects.all(), required=False, label=_("希望勤務地 第%(n)d希望(都道府県)") % {"n": n},
        help_text=_("第1希望が空欄なら求職申込書の希望勤務地と同じになります。") if n == 1 else "",
    )


PLACE_FIELDS = [(f"place{n}_prefecture", f"place{n}_municipality") for n in range(1, DesiredPlace.MAX + 1)]


class ProfileAdminForm(ServiceModelForm):
    """The published profile. List (2) ①–⑧ are the 求職公開申込書's own values: a blank one is taken
    from the 求職申込書 (application_save), and they may differ from it. 希望勤務地 is up to three
    places (第1〜第3希望), each a prefecture and optionally one of its municipalities; the form
    checks their shape and hands them over as `places` (a list of (prefecture, municipality))."""

    # Blank means "as on the 求職申込書": application_save fills them before the model's checks.
    service_decides = ("desired_job", "dispatch_ok", "contract_ok", "two_day_weekend")

    class Meta:
        model = Profile
        fields = "__all__"  # noqa: DJ007 - the admin narrows the fields with its fieldsets

    dispatch_ok = _SameAsSheet(label=_("派遣の可否"), choices=YES_NO, coerce=_to_bool)
    contract_ok = _SameAsSheet(label=_("請負の可否"), choices=YES_NO, coerce=_to_bool)
    two_day_weekend = _SameAsSheet(label=_("週休二日制の希望"), choices=Profile.Wish.choices)
    place1_prefecture = _place_prefecture(1)
    place1_municipality = municipality_field(_("希望勤務地 第1希望(市区町村)"))
    place2_prefecture = _place_prefecture(2)
    place2_municipality = municipality_field(_("希望勤務地 第2希望(市区町村)"))
    place3_prefecture = _place_prefecture(3)
    place3_municipality = municipality_field(_("希望勤務地 第3希望(市区町村)"))
    wide_area_municipalities = MunicipalityMultipleChoiceField(
        queryset=Municipality.objects.select_related("prefecture"), required=False,
        label=_("広域就業希望地(市区町村の住所コード)"),
        widget=FastFilteredSelectMultiple(_("広域就業希望地(市区町村の住所コード)"), is_stacked=False),
        help_text=_("都道府県の全域を希望する場合は上の都道府県で選び、ここでは市区町村だけを選びます。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desired_job"].required = False
        self.fields["desired_job"].help_text = _("空欄なら求職申込書の「希望する仕事」と同じになります。")
        if self.instance.pk:
            for name in ("dispatch_ok", "contract_ok", "two_day_weekend"):
                self.initial[name] = str(getattr(self.instance, name))
            places = list(self.instance.places.all())
            for (prefecture_name, municipality_name), place in zip(PLACE_FIELDS, places, strict=False):
                self.initial[prefecture_name] = place.prefecture_id
                self.initial[municipality_name] = place.municipality_id
            if not places and self.instance.desired_prefecture_id:
                self.initial["place1_prefecture"] = self.instance.desired_prefecture_id

    def clean(self):
        data = super().clean()
        places, seen, gap_at = [], set(), None
        for n, (prefecture_name, municipality_name) in enumerate(PLACE_FIELDS, start=1):
            prefecture, municipality = data.get(prefecture_name), data.get(municipality_name)
            if municipality and not prefecture:
                self.add_error(prefecture_name, _("市区町村を選んだときは都道府県も選んでください。"))
                continue
            if not prefecture:
                gap_at = gap_at or n
                continue
            if gap_at:
                self.add_error(prefecture_name, _("希望勤務地は第%(n)d希望から順に入力してください。") % {"n": gap_at})
                continue
            if municipality and municipality.prefecture_id != prefecture.pk:
                self.add_error(municipality_name, _("%(m)s は%(p)sの市区町村ではありません。")
                               % {"m": municipality.name, "p": prefecture.name})
                continue
            key = (prefecture.pk, municipality.pk if municipality else None)
            if key in seen:
                self.add_error(prefecture_name, _("同じ希望勤務地が重複しています。"))
                continue
            seen.add(key)
            places.append((prefecture, municipality))
        self.places = places
        whole = {p.pk for p in data.get("wide_area_prefectures") or ()}
        inside = [m for m in data.get("wide_area_municipalities") or () if m.prefecture_id in whole]
        if inside:
            self.add_error("wide_area_municipalities", _(
                "%(m)s は、全域を選んだ都道府県の市区町村です。都道府県か市区町村のどちらかにしてください。"
            ) % {"m": "、".join(m.name for m in inside)})
        return data
