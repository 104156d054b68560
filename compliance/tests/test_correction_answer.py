"""Staff record an organisation's answer to a 是正要請 (SPEC rule 20;
compliance.services.correction_request_answer), in one transaction with the audit event."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from accounts.tests.factories import StaffFactory, UserFactory
from compliance import services
from compliance.models import CorrectionRequest
from compliance.tests.factories import ViolationFactory

pytestmark = pytest.mark.django_db

ANSWER = "送信を停止し、社内研修を行いました。"


@pytest.fixture
def actor():
    return StaffFactory()


@pytest.fixture
def correction(actor, agency, today):
    violation = ViolationFactory(organization=agency, confirmed=True)
    return services.correction_request_issue(actor=actor, violation=violation, due_on=today + timedelta(days=14),
                                             content="広告の送信をやめてください。")


def test_the_answer_is_recorded_and_audited(actor, correction, today):
    services.correction_request_answer(actor=actor, correction=correction, answer=f"  {ANSWER}\n", answered_on=today)

    correction.refresh_from_db()
    assert (correction.answer, correction.answered_on) == (ANSWER, today)
    assert correction.content == "広告の送信をやめてください。"
    event = AuditEvent.objects.get(verb="sanction.correction_answer")
    assert (event.actor, event.target_id) == (actor, str(correction.pk))
    assert event.data == {"answered_on": str(today), "before": "None"}


@pytest.mark.parametrize(
    ("answer", "days", "errors"),
    [
        (ANSWER, None, {"answered_on": ["回答日を入力してください。"]}),
        ("  ", 0, {"answer": ["利用団体の回答を入力してください。"]}),
        (ANSWER, -1, {"answered_on": ["回答日は要請日以降の日付にしてください。"]}),
    ],
    ids=["answer-without-date", "date-without-answer", "before-the-request"],
)
def test_an_incomplete_answer_is_refused_at_the_field(actor, correction, today, answer, days, errors):
    answered_on = None if days is None else today + timedelta(days=days)

    with pytest.raises(ValidationError) as refused:
        services.correction_request_answer(actor=actor, correction=correction, answer=answer, answered_on=answered_on)

    assert refused.value.message_dict == errors
    correction.refresh_from_db()
    assert (correction.answer, correction.answered_on) == ("", None)
    assert not AuditEvent.objects.filter(verb="sanction.correction_answer").exists()


def test_counter_staff_cannot_record_the_answer(correction, today):
    counter = UserFactory(role="staff", is_staff=True)

    with pytest.raises(PermissionDenied):
        services.correction_request_answer(actor=counter, correction=correction, answer=ANSWER, answered_on=today)

    assert CorrectionRequest.objects.get(pk=correction.pk).answered_on is None


def test_a_failure_in_the_middle_leaves_nothing(actor, correction, today, monkeypatch):
    """The answer is written, then the audit trail cannot be (the database refuses, say): the
    answer is not kept without its audit event."""
    def refuse(**_kwargs):
        raise RuntimeError("the audit trail could not be written")

    monkeypatch.setattr(services, "audit", refuse)

    with pytest.raises(RuntimeError):
        services.correction_request_answer(actor=actor, correction=correction, answer=ANSWER, answered_on=today)

    correction.refresh_from_db()
    assert (correction.answer, correction.answered_on) == ("", None)
