"""The audit verbs are one closed vocabulary (AuditEvent.Verb): each has a Japanese label that the
admin's filter shows, audit() refuses any other value, and no production code names a verb as a
free string."""

import ast
import re
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.audit import audit
from accounts.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "organizations", "seekers", "messaging", "compliance", "devtools", "config")
Verb = AuditEvent.Verb


def production_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "tests" not in path.parts and "migrations" not in path.parts:
                yield path


def free_string_verbs(source: str) -> list[str]:
    """Every `verb=` argument given as a string literal or an f-string."""
    return [
        ast.unparse(node.value)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.keyword) and node.arg == "verb"
        and isinstance(node.value, ast.Constant | ast.JoinedStr)
    ]


def verb_members_named(source: str) -> set[str]:
    """The members named as `AuditEvent.Verb.<NAME>`."""
    return {
        node.attr
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)
        and node.value.attr == "Verb" and isinstance(node.value.value, ast.Name)
        and node.value.value.id == "AuditEvent"
    }


def test_every_verb_has_a_japanese_label():
    # A member without a label would get one made from its name ("Seeker Register").
    unlabelled = [verb.value for verb in Verb if not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", str(verb.label))]
    assert not unlabelled
    assert len({str(verb.label) for verb in Verb}) == len(Verb), "two verbs share a label"


@pytest.mark.django_db
def test_an_unknown_verb_is_refused_and_nothing_is_written():
    with pytest.raises(ValueError, match="seeker.registr"):
        audit(actor=None, verb="seeker.registr")

    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_a_verb_is_recorded_with_its_value():
    event = audit(actor=None, verb=Verb.SEEKER_STOP)

    event.refresh_from_db()
    assert event.verb == "seeker.stop"
    assert event.get_verb_display() == "アカウント利用停止"


def test_the_admin_filter_and_list_show_the_labels(staff_client):
    audit(actor=None, verb=Verb.SANCTION_SUSPEND)
    audit(actor=None, verb=Verb.IDENTITY_VIEW)
    url = reverse("admin:accounts_auditevent_changelist")

    page = staff_client.get(url).content.decode()
    filtered = staff_client.get(url, {"verb__exact": "identity.view"})

    # The filter's link reads the label; the value stays in the query string.
    assert re.search(r'<a href="\?verb__exact=sanction\.suspend">\s*利用団体の利用停止</a>', page)
    assert '<td class="field-verb">求職者の本人情報の閲覧</td>' in page
    assert [event.verb for event in filtered.context["cl"].result_list] == ["identity.view"]


def test_no_production_code_names_a_verb_as_a_free_string():
    found = {
        str(path.relative_to(ROOT)): literals
        for path in production_modules()
        if (literals := free_string_verbs(path.read_text(encoding="utf-8")))
    }
    assert not found, f"pass an AuditEvent.Verb member instead: {found}"


def test_the_check_sees_a_literal_and_an_f_string():
    source = 'audit(actor=a, verb="seeker.stop")\naudit(actor=a, verb=f"message.{kind}")\n'
    assert free_string_verbs(source) == ["'seeker.stop'", "f'message.{kind}'"]
    assert free_string_verbs("audit(actor=a, verb=AuditEvent.Verb.SEEKER_STOP)") == []


def test_every_verb_named_in_code_exists_and_every_verb_is_written_somewhere():
    named = set().union(*(verb_members_named(path.read_text(encoding="utf-8")) for path in production_modules()))

    assert named - set(Verb.names) == set(), "a call site names a verb that is not declared"
    assert set(Verb.names) - named == set(), "a declared verb that no code writes"
