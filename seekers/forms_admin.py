from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ApplicantIdentity, JobApplication
from .validity import end_of_month_after_next, normalize_kyushoku_number


class JobApplicationAdminForm(forms.ModelForm):
    class Meta:
        model = JobApplication
        fields = "__all__"  # noqa: DJ007 - the admin narrows the fields with its fieldsets

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valid_until"].required = False
        # Staff may type spaces or full-width characters: the length is checked after normalising.
        number = self.fields["kyushoku_number"]
        number.max_length = None
        number.validators = [v for v in number.validators if not hasattr(v, "limit_value")]
        number.widget.attrs.pop("maxlength", None)

    def clean_kyushoku_number(self):
        return normalize_kyushoku_number(self.cleaned_data.get("kyushoku_number", ""))

    def clean(self):
        data = super().clean()
        applied_on, valid_until = data.get("applied_on"), data.get("valid_until")
        if applied_on and applied_on > timezone.localdate():
            self.add_error("applied_on", _("求職申込日に未来の日付は入力できません。"))
        if applied_on and not valid_until:
            data["valid_until"] = end_of_month_after_next(applied_on)
        elif applied_on and valid_until and valid_until < applied_on:
            self.add_error("valid_until", _("有効期限は求職申込日より後の日付にしてください。"))
        return data


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
