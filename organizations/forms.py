from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Member, Organization


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


class MemberInviteForm(forms.Form):
    """The organisation's administrator invites a member (shape only: whether the address is free is
    organizations.services.member_invite's, shown at the field)."""

    email = forms.EmailField(label=_("メールアドレス(ログインに使います)"), max_length=254,
                             error_messages={"required": _("メールアドレスを入力してください。"),
                                             "invalid": _("メールアドレスの形式で入力してください(例: tanaka@example.jp)。")})
    display_name = forms.CharField(label=_("担当者名"), max_length=100, required=False)
    role = forms.ChoiceField(label=_("権限"), choices=Member.Role.choices, initial=Member.Role.MEMBER,
                             widget=forms.RadioSelect)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("新しい権限"), choices=Member.Role.choices, widget=forms.RadioSelect,
                             error_messages={"required": _("権限を選んでください。")})


class TermsAcceptForm(forms.Form):
    """The administrator's consent to the 利用規約 version shown (organization_terms_accept decides)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=32767)
    agree = forms.BooleanField(
        label=_("利用規約(利用団体用)に同意します"),
        error_messages={"required": _("同意する場合は、「利用規約(利用団体用)に同意します」にチェックを入れてください。")},
    )
