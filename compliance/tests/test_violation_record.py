"""Staff record a violation with its evidence (SPEC rule 19; compliance.services.violation_record),
and correct the record of one, in one transaction with the audit event."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent
from accounts.tests.factories import StaffFactory
from compliance import services
from compliance.models import Complaint, Violation
from compliance.tests.factories import ComplaintFactory, DeletionRequestFactory, ViolationFactory
from messaging.tests.factories import ConversationFactory

pytestmark = pytest.mark.django_db

OTHERS_EVIDENCE = "証拠には、この利用団体のものだけを選べます。"


@pytest.fixture
def actor():
    return StaffFactory()


def record(actor, organization, today, **values):
    return services.violation_record(**{
        "actor": actor, "organization": organization, "category": Violation.Category.DISPATCH_PUSH,
        "occurred_on": today, "description": "派遣労働者としての登録を繰り返し勧めた。", **values,
    })


def test_a_violation_is_recorded_with_its_evidence_and_audited(actor, agency, today):
    complaint = ComplaintFactory(conversation=ConversationFactory(organization=agency))
    conversation = ConversationFactory(organization=agency)
    request = DeletionRequestFactory(conversation=ConversationFactory(organization=agency))

    violation = record(actor, agency, today, confirmed=True, complaints=[complaint], conversations=[conversation],
                       deletion_request=request)

    violation = Violation.objects.get(pk=violation.pk)
    assert (violation.organization, violation.recorded_by, violation.confirmed) == (agency, actor, True)
    assert list(violation.complaints.all()) == [complaint]
    assert list(violation.conversations.all()) == [conversation]
    assert violation.deletion_request == request
    [event] = AuditEvent.objects.filter(verb="violation.record")
    assert (event.actor, event.target_id) == (actor, str(violation.pk))
    assert event.data == {"category": "dispatch_push", "confirmed": True}


def test_correcting_the_record_names_what_changed(actor, agency, today):
    violation = ViolationFactory(organization=agency, confirmed=False)
    conversation = ConversationFactory(organization=agency)

    record(actor, agency, today, violation=violation, category=violation.category,
           description=violation.description, confirmed=True, conversations=[conversation])

    violation.refresh_from_db()
    assert violation.confirmed
    assert list(violation.conversations.all()) == [conversation]
    assert violation.recorded_by is None  # who first recorded it stays as it was
    event = AuditEvent.objects.get(verb="violation.update")
    assert event.data == {"category": "advertising", "confirmed": True, "changed": ["confirmed", "conversations"]}


@pytest.mark.parametrize("evidence", ["complaints", "conversations", "deletion_request"])
def test_another_organisations_evidence_is_refused_at_the_field(actor, agency, municipality, today, evidence):
    theirs = ConversationFactory(organization=municipality)
    value = {
        "complaints": lambda: [ComplaintFactory(conversation=theirs)],
        "conversations": lambda: [theirs],
        "deletion_request": lambda: DeletionRequestFactory(conversation=theirs),
    }[evidence]()

    with pytest.raises(ValidationError) as refused:
        record(actor, agency, today, **{evidence: value})

    assert refused.value.message_dict == {evidence: [OTHERS_EVIDENCE]}
    assert not Violation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_violation_in_the_future_is_refused_at_the_field(actor, agency, today):
    with pytest.raises(ValidationError) as refused:
        record(actor, agency, today, occurred_on=today + timedelta(days=1))

    assert refused.value.message_dict == {"occurred_on": ["発生日に未来の日付は入力できません。"]}
    assert not Violation.objects.exists()


def test_a_failure_in_the_middle_leaves_nothing(actor, agency, today):
    """The violation row is written, then linking the evidence fails (a complaint that was never
    saved): the whole record is undone, audit event included."""
    unsaved = Complaint(organization=agency, conversation=ConversationFactory(organization=agency), body="未保存")

    with pytest.raises(ValueError, match="Cannot add"):
        record(actor, agency, today, complaints=[unsaved])

    assert not Violation.objects.exists()
    assert not AuditEvent.objects.exists()
