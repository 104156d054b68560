from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Organization


class DisclosuresForm(forms.ModelForm):
    """The organisation's disclosures as its administrator types them (shape only: whether an
    approved organisation may leave one empty is organizations.services.organization_disclosures_update's)."""

    class Meta:
        model = Organization
        fields = Organization.APPROVAL_FIELDS
        widgets = {
            "track_record": forms.Textarea(attrs={"rows": 3}),
            "job_openings": forms.Textarea(attrs={"rows": 3}),
            "fees": forms.Textarea(attrs={"rows": 3}),
            "contact_procedure": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "fees": _("求職者に最初に知らせた手数料と異なる手数料を求めることは、利用規約違反(不正な個人情報の取得)にあたります。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = True
            field.error_messages["required"] = _("この項目を入力してください(最初の案内メッセージの必須記載事項です)。")

    def _post_clean(self):
        """Nothing is put on the instance: the service reads the values from cleaned_data."""


class TermsAcceptForm(forms.Form):
    """The administrator's consent to the 利用規約 version shown (organization_terms_accept decides)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=32767)
    agree = forms.BooleanField(
        label=_("利用規約(利用団体用)に同意します"),
        error_messages={"required": _("同意する場合は、「利用規約(利用団体用)に同意します」にチェックを入れてください。")},
    )
