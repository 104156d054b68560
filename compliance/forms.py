from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.dates import format_day


class ComplaintForm(forms.Form):
    conversation = forms.ModelChoiceField(label=_("苦情の対象となるやりとり"), queryset=None,
                                          empty_label=_("選んでください"))
    body = forms.CharField(label=_("苦情の内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8}),
                           help_text=_("いつ、どのようなことがあったかを書いてください(5,000文字まで)。"))

    def __init__(self, *args, conversations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conversation"].queryset = conversations
        self.fields["conversation"].label_from_instance = lambda c: str(_("%(org)s とのやりとり(%(date)s〜)") % {
            "org": c.organization.name, "date": format_day(c.created_at)})


class DeletionRequestForm(forms.Form):
    """The organisation a 削除・廃棄の依頼 is addressed to: one that saw the seeker (the confirmation
    page carries its id; any other id, or one that is not a number, fails the choice check, which the
    view answers with the same 404 whether or not that organisation exists). `confirm` is sent only
    by the confirmation page's button, so a request made without seeing what it does (a stale list, a
    hand-made POST) is sent back to that page instead of being made."""

    organization = forms.ModelChoiceField(queryset=None)
    confirm = forms.BooleanField(required=False)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class DeletionAnswerForm(forms.Form):
    disposed_on = forms.DateField(label=_("削除・廃棄した日"), widget=forms.DateInput(attrs={"type": "date"}),
                                  help_text=_("例: 2026-11-26"))
    note = forms.CharField(label=_("対処状況"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("削除・廃棄した情報と方法を記載してください。"))


class DataCorrectionForm(forms.Form):
    """訂正等の請求: which field, the correct value, and why. A field not in the list (a hand-made
    POST) fails the choice check with its message at the field."""

    field = forms.ChoiceField(
        label=_("訂正を求める項目"), choices=(),
        error_messages={"invalid_choice": _("訂正を求める項目を一覧から選んでください。")},
    )
    requested_value = forms.CharField(label=_("正しい内容"), max_length=2000,
                                      widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label=_("訂正を求める理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("例: 転居したため、住所が変わりました。"))

    def __init__(self, *args, fields, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", _("選んでください")), *fields]


class CorrectionAnswerForm(forms.Form):
    """The organisation's answer to a 是正要請, in text (compliance.services.correction_request_org_answer)."""

    answer = forms.CharField(label=_("是正要請への回答"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}),
                             help_text=_("是正の内容と実施した日、再発防止策を書いてください(5,000文字まで)。"),
                             error_messages={"required": _("是正要請への回答を入力してください。")})


class WithdrawForm(forms.Form):
    """The administrator's confirmation that the organisation leaves the service."""

    reason = forms.CharField(label=_("利用を終了する理由(任意)"), max_length=1000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    confirm = forms.BooleanField(
        label=_("上の内容を確認し、サービスの利用を終了します"),
        error_messages={"required": _("利用を終了する場合は、確認のチェックを入れてください。")},
    )
