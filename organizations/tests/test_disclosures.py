"""The disclosures on the organisation's record (SPEC rule 12; the leaflet counts fees differing from the
first notice as 不正な個人情報取得): organization_disclosures_update is their one writer, audited with the
values before and after; staff's admin save goes through it; organizations.selectors.disclosure_changes
reads the edits back for the organisation's history."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent
from organizations import services
from organizations.models import Organization
from organizations.selectors import disclosure_changes
from organizations.tests.factories import OrganizationFactory
from organizations.tests.test_services import new_organization

pytestmark = pytest.mark.django_db

NEW_FEES = "紹介手数料として、就職時に求職者から1万円をいただきます。"
BLANK_ERROR = "労働局の承諾を受けた団体は、この項目(最初の案内メッセージの必須記載事項)を空にできません。"


def disclosure_events():
    return AuditEvent.objects.filter(verb=AuditEvent.Verb.ORGANIZATION_DISCLOSURES_UPDATE)


def test_an_edit_changes_the_record_and_is_audited_before_and_after(agency, agency_admin):
    old_fees = agency.fees

    services.organization_disclosures_update(actor=agency_admin, organization=agency,
                                             values={"fees": NEW_FEES, "track_record": agency.track_record})

    assert Organization.objects.get(pk=agency.pk).fees == NEW_FEES
    assert agency.fees == NEW_FEES  # the caller's object follows
    event = disclosure_events().get()
    assert event.actor == agency_admin
    assert (event.target_type, event.target_id) == ("organizations.Organization", str(agency.pk))
    # Only what changed, each with the value it replaced.
    assert event.data == {"before": {"fees": old_fees}, "after": {"fees": NEW_FEES}}


def test_an_edit_that_changes_nothing_writes_no_event(agency, agency_admin):
    services.organization_disclosures_update(actor=agency_admin, organization=agency, values={"fees": agency.fees})

    assert not disclosure_events().exists()


@pytest.mark.parametrize("field", Organization.APPROVAL_FIELDS)
@pytest.mark.parametrize("blank", ["", " \r\n "], ids=["empty", "whitespace"])
def test_an_approved_organisation_cannot_empty_a_disclosure(agency, agency_admin, field, blank):
    before = {name: getattr(agency, name) for name in Organization.APPROVAL_FIELDS}

    with pytest.raises(ValidationError) as refused:
        services.organization_disclosures_update(actor=agency_admin, organization=agency,
                                                 values={"job_openings": "新しい求人", field: blank})

    assert refused.value.message_dict == {field: [BLANK_ERROR]}
    stored = Organization.objects.get(pk=agency.pk)
    assert {name: getattr(stored, name) for name in Organization.APPROVAL_FIELDS} == before  # nothing written
    assert not disclosure_events().exists()


def test_only_disclosures_are_written(agency, agency_admin):
    with pytest.raises(ValueError, match="name"):
        services.organization_disclosures_update(actor=agency_admin, organization=agency, values={"name": "別名"})

    assert Organization.objects.get(pk=agency.pk).name == agency.name


def test_staffs_save_changes_the_disclosures_through_the_same_audited_service(agency, staff):
    old_fees = agency.fees
    edited = Organization.objects.get(pk=agency.pk)
    edited.fees, edited.name = NEW_FEES, "改称した団体"

    services.organization_save(actor=staff, organization=edited)

    stored = Organization.objects.get(pk=agency.pk)
    assert (stored.fees, stored.name) == (NEW_FEES, "改称した団体")
    event = disclosure_events().get()
    assert event.actor == staff and event.data == {"before": {"fees": old_fees}, "after": {"fees": NEW_FEES}}
    # The record's other changes keep their own event, without the disclosures.
    assert AuditEvent.objects.get(verb=AuditEvent.Verb.ORGANIZATION_UPDATE).data == {"changed": ["name"]}


def test_a_new_organisation_is_created_with_its_disclosures_and_no_disclosure_event(staff):
    org = services.organization_save(actor=staff, organization=new_organization())

    assert Organization.objects.get(pk=org.pk).fees == "求職者からは手数料をいただきません。"
    assert not disclosure_events().exists()


def test_the_history_reads_each_edit_newest_first_with_labels(agency, agency_admin, staff,
                                                              django_assert_num_queries):
    other = OrganizationFactory()
    old_fees = agency.fees
    services.organization_disclosures_update(actor=agency_admin, organization=agency, values={"fees": NEW_FEES})
    services.organization_disclosures_update(actor=staff, organization=agency,
                                             values={"fees": "無料", "complaints_officer": "苦情担当 田中"})
    services.organization_disclosures_update(actor=staff, organization=other, values={"fees": "他団体の手数料"})

    with django_assert_num_queries(1):  # the organisation's audit events
        changes = disclosure_changes(agency)

    assert [c["actor"] for c in changes] == [staff.get_username(), agency_admin.get_username()]
    assert changes[1]["changes"] == [("職業紹介に関する手数料", old_fees, NEW_FEES)]
    assert ("職業紹介に関する手数料", NEW_FEES, "無料") in changes[0]["changes"]
    assert "他団体の手数料" not in str(changes)
