"""Helpers shared by the tests: read an admin form the way a browser without JavaScript submits it,
and give a member or staff user the TOTP device the MFA gate asks for."""

import re
from html.parser import HTMLParser

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret


class AdminPage(HTMLParser):
    """What a browser would submit from one admin form, and the error lists tied to each field."""

    def __init__(self, html: str, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.fields: dict[str, list[str]] = {}
        self.attrs_by_id: dict[str, dict[str, str]] = {}
        self.errors_by_id: dict[str, str] = {}
        self._select = None
        self._textarea = None
        self._errorlist = None
        self.feed(html)

    def _add(self, name, value):
        if name and "__prefix__" not in name:
            self.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attr_list):
        attrs = {k: (v if v is not None else "") for k, v in attr_list}
        if "id" in attrs:
            self.attrs_by_id[attrs["id"]] = attrs
        if tag == "form" and attrs.get("id") == self.form_id:
            self.in_form = True
        if tag == "ul" and "errorlist" in attrs.get("class", "") and attrs.get("id", "").endswith("_error"):
            self._errorlist = attrs["id"]
            self.errors_by_id[self._errorlist] = ""
        if not self.in_form:
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._add(attrs.get("name"), attrs.get("value", "on"))
                return
            self._add(attrs.get("name"), attrs.get("value", ""))
        elif tag == "select":
            self._select = {"name": attrs.get("name"), "multiple": "multiple" in attrs, "first": None, "chosen": []}
        elif tag == "option" and self._select is not None:
            if self._select["first"] is None:
                self._select["first"] = attrs.get("value", "")
            if "selected" in attrs:
                self._select["chosen"].append(attrs.get("value", ""))
        elif tag == "textarea":
            self._textarea = {"name": attrs.get("name"), "text": ""}

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"] += data
        if self._errorlist is not None:
            self.errors_by_id[self._errorlist] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form = False
        elif tag == "ul":
            self._errorlist = None
        elif tag == "select" and self._select is not None:
            chosen = self._select["chosen"]
            if not chosen and not self._select["multiple"] and self._select["first"] is not None:
                chosen = [self._select["first"]]
            for value in chosen:
                self._add(self._select["name"], value)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._add(self._textarea["name"], self._textarea["text"].removeprefix("\n"))
            self._textarea = None

    def prefix_of(self, field: str) -> str:
        """The formset prefix of the inline that has `field` (read from the page, not assumed)."""
        for name in self.fields:
            match = re.fullmatch(rf"(.+)-0-{field}", name)
            if match:
                return match.group(1)
        raise AssertionError(f"no inline with a {field} field on the page")

    def error_at(self, field_id: str) -> str:
        """The error list the field's input points to with aria-describedby."""
        described_by = self.attrs_by_id[field_id].get("aria-describedby", "").split()
        assert f"{field_id}_error" in described_by, f"{field_id} is not tied to an error list"
        return self.errors_by_id[f"{field_id}_error"]


def with_totp(user):
    """Members and staff must have TOTP before any page opens (accounts.middleware.RequireMFAMiddleware)."""
    TOTP.activate(user, generate_totp_secret())
    return user


def page(response) -> str:
    return response.content.decode()


def field_error(html, name: str) -> str:
    """The error list tied to one field (`<ul class="errorlist" id="id_<name>_error">`), as text;
    `html` is the page's text or its response."""
    if not isinstance(html, str):
        html = page(html)
    match = re.search(rf'<ul class="errorlist" id="id_{name}_error">(.*?)</ul>', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)) if match else ""


def error_summary(html) -> str:
    """The error box at the top of a form (`<div class="form-errors" role="alert">`, where a refusal
    that belongs to no one field is shown), as markup; `html` is the page's text or its response."""
    if not isinstance(html, str):
        html = page(html)
    match = re.search(r'<div class="form-errors" role="alert">.*?</div>', html, re.S)
    return match.group(0) if match else ""


def login(user):
    """A fresh client signed in as `user` (for tests with several actors)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def changelist_rows(html) -> list[str]:
    """The rows of an admin changelist's result table, each as its text with spaces collapsed."""
    if not isinstance(html, str):
        html = page(html)
    table = re.search(r'<table id="result_list">(.*?)</table>', html, re.S)
    body = re.search(r"<tbody>(.*?)</tbody>", table.group(1), re.S) if table else None
    rows = re.findall(r"<tr.*?>(.*?)</tr>", body.group(1), re.S) if body else []
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows]
