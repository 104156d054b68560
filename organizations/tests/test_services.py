"""Staff's writes of a 利用団体 (organizations.services): the record with what it handles
(organization_save) and the 労働局 approval, which only organization_approve gives (SPEC rule 12: not
without the mandatory disclosures)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent
from accounts.tests.factories import StaffFactory
from organizations import services
from organizations.models import Organization, Prefecture
from organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

DISCLOSURE_ERROR = "労働局の承諾には、この項目(最初の案内メッセージの必須記載事項)の入力が必要です。"


@pytest.fixture
def actor():
    return StaffFactory()


def new_organization(**values) -> Organization:
    """What the admin's add form hands the service: an unsaved record with its disclosures."""
    return Organization(**{
        "name": "株式会社ハローキャリア", "kind": Organization.Kind.AGENCY, "permit_number": "13-ユ-312345", "bureau_id": "13",
        "track_record": "2025年度 紹介就職件数 42件", "job_openings": "都内の事務職 約120件",
        "fees": "求職者からは手数料をいただきません。", "privacy_officer": "総務部長 山田太郎",
        "complaints_officer": "業務部長 佐藤花子", "contact_procedure": "応募フォームから面談をご予約ください。",
        **values,
    })


def test_a_new_organisation_is_stored_with_what_it_handles_and_audited(actor):
    tokyo = Prefecture.objects.get(code="13")

    org = services.organization_save(actor=actor, organization=new_organization(), regions=[tokyo])

    org = Organization.objects.get(pk=org.pk)
    assert org.approved_on is None
    assert org.region_bits == 1 << 12
    assert AuditEvent.objects.get(verb="organization.create").actor == actor
    assert AuditEvent.objects.get(verb="organization.set_handled").data["regions"] == ["13"]


def test_saving_never_approves_by_itself(actor):
    """An approval date on the instance is not an approval: only approve_on (organization_approve)."""
    org = services.organization_save(actor=actor, organization=new_organization(approved_on=date(2026, 4, 1)))

    assert Organization.objects.get(pk=org.pk).approved_on is None
    assert not AuditEvent.objects.filter(verb="organization.approve").exists()


def test_approve_on_approves_through_organization_approve(actor, today):
    org = services.organization_save(actor=actor, organization=new_organization(),
                                     approve_on=today - timedelta(days=3))

    org = Organization.objects.get(pk=org.pk)
    assert (org.approved_on, org.approved_by) == (today - timedelta(days=3), actor)
    event = AuditEvent.objects.get(verb="organization.approve")
    assert (event.actor, event.data) == (actor, {"approved_on": str(today - timedelta(days=3)),
                                                 "approval_until": str(org.approval_until)})


def test_a_refused_approval_leaves_nothing(actor, today):
    """The record is written, then the approval refuses it: the whole save is undone."""
    with pytest.raises(ValidationError) as refused:
        services.organization_save(actor=actor, organization=new_organization(fees=""), approve_on=today)

    assert refused.value.message_dict == {"fees": [DISCLOSURE_ERROR]}
    assert not Organization.objects.exists()
    assert not AuditEvent.objects.exists()


def test_an_approval_in_the_future_is_refused_at_the_field(actor, today):
    org = OrganizationFactory(unapproved=True)

    with pytest.raises(ValidationError) as refused:
        services.organization_approve(actor=actor, organization=org, approved_on=today + timedelta(days=1))

    assert refused.value.message_dict == {"approved_on": ["労働局承諾日に未来の日付は入力できません。"]}
    assert Organization.objects.get(pk=org.pk).approved_on is None


def test_an_approved_organisation_keeps_its_disclosures(actor):
    org = OrganizationFactory()
    org.job_openings = "  "

    with pytest.raises(ValidationError) as refused:
        services.organization_save(actor=actor, organization=org)

    assert refused.value.message_dict == {"job_openings": [DISCLOSURE_ERROR]}
    assert Organization.objects.get(pk=org.pk).job_openings.strip()


def test_a_change_is_audited_with_what_changed_and_keeps_the_sanction_state(actor):
    org = OrganizationFactory(suspended=True)
    stale = Organization.objects.get(pk=org.pk)
    Organization.objects.filter(pk=org.pk).update(suspended_from=None, suspended_until=None)  # lifted meanwhile
    stale.fees = "紹介手数料は求人者からいただきます。"

    services.organization_save(actor=actor, organization=stale)

    org = Organization.objects.get(pk=org.pk)
    assert org.fees == "紹介手数料は求人者からいただきます。"
    assert (org.suspended_from, org.suspended_until) == (None, None)
    assert org.approved_on == date(2026, 4, 1)
    # A disclosure's change is its own event, with the value it replaced (organization_disclosures_update).
    assert AuditEvent.objects.get(verb="organization.disclosures_update").data == {
        "before": {"fees": "求職者からの手数料はいただきません(求人者から徴収)。"},
        "after": {"fees": "紹介手数料は求人者からいただきます。"},
    }
    assert not AuditEvent.objects.filter(verb="organization.update").exists()
