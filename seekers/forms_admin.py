from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.service_admin import ServiceModelForm

from .models import ApplicantIdentity, JobApplication
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
