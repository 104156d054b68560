import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization

from .models import Message

SUBJECT = {"label": _("件名"), "max_length": 100}
CONFIRM_PII = _("個人を特定できる情報が含まれていないことを確認しました(このまま送信する)")


class BodyField(forms.CharField):
    """A message body. Line breaks count as one character, as the counter beside the field counts
    them (a browser sends each as CR LF). There is no maxlength on the textarea: a browser would cut
    a pasted text there without a word, so the limit is checked here and the text comes back whole
    with the error beside it."""

    def __init__(self, **kwargs):
        limit = settings.MESSAGE_BODY_MAX
        attrs = {
            "rows": 8,
            # Read by static/js/char-count.js, which writes the running count under the field.
            "data-char-limit": limit,
            "data-char-count": _("%(count)s / %(limit)s文字"),
            "data-char-over": _("%(over)s文字多すぎます(%(count)s / %(limit)s文字)"),
        }
        super().__init__(label=_("本文"), widget=forms.Textarea(attrs=attrs),
                         help_text=_("%(n)s文字まで。") % {"n": f"{limit:,}"}, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")

    def validate(self, value):
        super().validate(value)
        limit = settings.MESSAGE_BODY_MAX
        if len(value) > limit:
            raise ValidationError(
                _("本文は%(limit)s文字以内にしてください(入力された文字数: %(count)s文字)。"),
                code="max_length", params={"limit": f"{limit:,}", "count": f"{len(value):,}"},
            )


class GuidanceForm(forms.Form):
    """案内メッセージ: subject and body only. A first message's disclosures are the organisation's
    record, which the service puts on it (SPEC rule 12); a POST that carries them anyway (a
    hand-edited form) is refused whole, so no one believes a typed value was sent."""

    subject = forms.CharField(**SUBJECT)
    body = forms.CharField()

    def __init__(self, *args, templates=(), template=None, **kwargs):
        """`templates`: the organisation's guidance templates, offered by the chooser above the form
        (templates/messaging/includes/template_chooser.html, a GET form, so it works without
        JavaScript); `template`: the one chosen (?template=<id>, found by
        messaging.access.get_guidance_template_for), whose subject and body fill an unbound form."""
        unbound = (args[0] if args else kwargs.get("data")) is None
        if template is not None and unbound:
            kwargs["initial"] = {**kwargs.get("initial", {}), "subject": template.subject, "body": template.body}
        super().__init__(*args, **kwargs)
        self.fields["body"] = BodyField()
        self.templates = list(templates)
        self.chosen_template = template

    def clean(self):
        data = super().clean()
        if any(name in self.data for name in Organization.DISCLOSURE_SNAPSHOT):
            raise ValidationError(
                _("必須記載事項は団体の登録内容から記載されるため、メッセージごとに入力・変更することはできません。"
                  "変更は団体の管理者が「団体の記載事項」のページで行ってください。"),
                code="disclosures_typed",
            )
        return data


PUBLIC_ID = re.compile(r"[0-9a-f]{16}")


class PublicIdsField(forms.Field):
    """The ticked profiles' public ids, carried in hidden inputs. Shape only: each id once, in the
    order given, well-formed, at most GUIDANCE_BATCH_MAX; whether the organisation sees them is the
    service's question (messaging.services.guidance_batch_create)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        return list(dict.fromkeys(str(v).strip() for v in value))

    def validate(self, value):
        if not value:
            raise ValidationError(_("送信先の求職者を選んでください。"), code="required")
        if any(not PUBLIC_ID.fullmatch(v) for v in value):
            raise ValidationError(_("送信先に正しくない公開IDが含まれています。検索結果から選び直してください。"),
                                  code="invalid")
        if len(value) > settings.GUIDANCE_BATCH_MAX:
            raise ValidationError(
                _("一度に送信できるのは%(n)s人までです(選んだ人数: %(count)s人)。"), code="too_many",
                params={"n": f"{settings.GUIDANCE_BATCH_MAX:,}", "count": f"{len(value):,}"},
            )


class GuidanceBatchForm(GuidanceForm):
    """The same guidance form (subject, body, the refusal of typed disclosures, and whatever else
    GuidanceForm offers), to many seekers at once."""

    public_id = PublicIdsField()


class SeekerReplyForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("返信の種類"),
        choices=[
            (Message.Kind.QUESTION, _("問い合わせ(質問)")),
            (Message.Kind.APPLY, _("求職申込み希望(この団体の職業紹介サービスなどの利用を希望する)")),
        ],
        widget=forms.RadioSelect,
        initial=Message.Kind.QUESTION,
    )
    subject = forms.CharField(**SUBJECT)
    body = forms.CharField()
    confirm_pii = forms.BooleanField(label=CONFIRM_PII, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"] = BodyField()


class DeclineForm(forms.Form):
    """辞退: the text the organisation will receive, shown and editable before it is sent."""

    subject = forms.CharField(**SUBJECT)
    body = forms.CharField()
    confirm_pii = forms.BooleanField(label=CONFIRM_PII, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"] = BodyField()


class OrgReplyForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("送信の種類"),
        choices=[(Message.Kind.ANSWER, _("回答")), (Message.Kind.PROCEDURE, _("求職申込みの手続き(STEP 6)"))],
        widget=forms.RadioSelect,
        initial=Message.Kind.ANSWER,
    )
    subject = forms.CharField(**SUBJECT)
    body = forms.CharField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"] = BodyField()


class GuidanceTemplateForm(forms.Form):
    """A guidance template: a name, a subject and a body. The disclosures are not the template's (SPEC
    rule 12): a POST that carries them is refused whole, as on the guidance form."""

    name = forms.CharField(label=_("テンプレート名"), max_length=50,
                           error_messages={"required": _("テンプレート名を入力してください。"),
                                           "max_length": _("テンプレート名は50文字以内にしてください。")})
    subject = forms.CharField(**SUBJECT, error_messages={"required": _("件名を入力してください。"),
                                                         "max_length": _("件名は100文字以内にしてください。")})
    body = forms.CharField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"] = BodyField(error_messages={"required": _("本文を入力してください。")})
        self.fields["body"].help_text = _(
            "%(n)s文字まで。最初の案内メッセージの必須記載事項(職業紹介の実績・取り扱っている求人・手数料・責任者)は"
            "団体の記載事項から自動で記載されるので、ここには書かないでください。"
        ) % {"n": f"{settings.MESSAGE_BODY_MAX:,}"}

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean(self):
        data = super().clean()
        # "name" is the template's own name here; every other part of the record is refused.
        if any(name in self.data for name in Organization.DISCLOSURE_SNAPSHOT if name != "name"):
            raise ValidationError(
                _("必須記載事項は団体の登録内容から記載されるため、テンプレートには含められません。"),
                code="disclosures_typed",
            )
        return data
