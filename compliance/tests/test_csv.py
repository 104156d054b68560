"""The CSV exports (evidence, 利用状況の報告) never hand a spreadsheet a formula: every cell that starts
with a formula, DDE or hiding character, in ASCII or in the full-width and small forms Excel folds to
ASCII, is prefixed with a quote; ordinary Japanese text is left as typed."""

import csv
import io

import pytest
from django.test import Client

from compliance.selectors import csv_safe, to_csv
from compliance.tests.factories import ViolationFactory
from messaging.tests.factories import ConversationFactory, MessageFactory
from organizations.tests.factories import OrganizationFactory

FORMULAS = [
    "=1+1", "+1", "-1", "@SUM(A1)", "|calc", "\tleft", "\rhidden",
    # full-width forms (what a Japanese IME types)
    "＝HYPERLINK(\"http://x\")", "＋1", "－1", "＠SUM(A1)", "｜calc",
    # small forms, also folded by NFKC
    "﹦1+1", "﹢1", "﹣1", "﹫x",
]
PLAIN = ["介護職の求人です。", "1-2", "ー長音で始まる", "（株）求人", "", "0120-000-000", "'quoted", " =spaced"]


def read(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.mark.parametrize("cell", FORMULAS)
def test_a_formula_cell_is_quoted(cell):
    assert csv_safe(cell) == "'" + cell

    [header, row] = read(to_csv(["件名"], [[cell]]))

    assert header == ["件名"]
    assert row == ["'" + cell]


@pytest.mark.parametrize("cell", PLAIN)
def test_plain_text_is_left_as_typed(cell):
    assert csv_safe(cell) == cell


def test_numbers_and_none_become_text():
    assert [csv_safe(value) for value in (12, -3, None)] == ["12", "'-3", ""]


@pytest.mark.django_db
def test_the_evidence_export_quotes_full_width_formulas(settings, staff):
    settings.REQUIRE_MFA = False
    conversation = ConversationFactory(organization=OrganizationFactory(name="証拠株式会社"))
    MessageFactory(conversation=conversation, subject="＋件名", body="＝HYPERLINK(\"http://x\",\"開く\")")
    MessageFactory(conversation=conversation, reply=True, subject="｜DDE", body="＠x")
    violation = ViolationFactory(organization=conversation.organization, confirmed=True,
                                 conversations=[conversation])
    client = Client()
    client.force_login(staff)

    response = client.get(f"/admin/compliance/violation/{violation.pk}/evidence.csv")

    assert response.status_code == 200
    _header, *rows = read(response.content.decode("utf-8"))
    cells = {cell for row in rows for cell in row}
    assert {"'＋件名", "'＝HYPERLINK(\"http://x\",\"開く\")", "'｜DDE", "'＠x"} <= cells
