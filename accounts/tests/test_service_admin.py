"""A service's refusal on an admin form (accounts.service_admin.show_refusal): each message at its
field, or at the top of the form when the field is not on it."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from accounts.service_admin import show_refusal


class NoteForm(forms.Form):
    note = forms.CharField()


def test_each_message_goes_to_its_field_or_to_the_top():
    form = NoteForm({"note": "書いた内容"})
    assert form.is_valid()

    show_refusal(form, ValidationError({"note": "内容を確認してください。", "hidden": "表示されない項目です。"}))

    assert form.errors == {"note": ["内容を確認してください。"], NON_FIELD_ERRORS: ["表示されない項目です。"]}
    assert form["note"].value() == "書いた内容"


def test_a_refusal_without_a_field_goes_to_the_top():
    form = NoteForm({"note": "x"})
    form.is_valid()

    show_refusal(form, ValidationError("この操作はできません。"))

    assert form.non_field_errors() == ["この操作はできません。"]
