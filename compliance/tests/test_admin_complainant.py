"""The complaint queue shows staff who complained, by 求職番号, and every such read is in the audit
trail as the application's own page is (identity.list for the list, identity.view for one complaint)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from compliance.models import Complaint
from compliance.tests.factories import ComplaintFactory
from messaging.tests.factories import ConversationFactory
from organizations.tests.factories import OrganizationFactory
from tests.pages import changelist_rows, login, page, with_totp

pytestmark = pytest.mark.django_db

JST = ZoneInfo("Asia/Tokyo")


@pytest.fixture(autouse=True)
def now(time_machine):
    time_machine.move_to(datetime(2026, 11, 26, 10, 0, tzinfo=JST))


@pytest.fixture
def staff_client(staff):
    return login(with_totp(staff))


@pytest.fixture
def complaint():
    conversation = ConversationFactory(organization=OrganizationFactory(name="苦情先商事"),
                                       account__application__kyushoku_number="13010-24681357")
    return ComplaintFactory(conversation=conversation)


def test_the_queue_shows_each_complainants_number_and_records_the_read(staff_client, staff, complaint):
    response = staff_client.get("/admin/compliance/complaint/", {"status__exact": "received"})

    [row] = changelist_rows(response)
    assert "苦情先商事" in row
    assert "13010-24681357" in row
    assert "申出をした求職者(求職番号)" in page(response)
    [event] = AuditEvent.objects.filter(verb="identity.list")
    assert (event.actor, event.data) == (staff, {"query": "status__exact=received"})


def test_the_complaint_page_shows_who_complained_and_records_the_view(staff_client, staff, complaint):
    response = staff_client.get(reverse("admin:compliance_complaint_change", args=[complaint.pk]))

    assert response.status_code == 200
    html = page(response)
    assert "申出をした求職者(求職番号)" in html
    assert "13010-24681357" in html
    [event] = AuditEvent.objects.filter(verb="identity.view")
    application = complaint.account.application
    assert (event.actor, event.target_type, event.target_id, event.target_label) == (
        staff, "seekers.JobApplication", str(application.pk), "13010-24681357")
    assert event.data == {"complaint": complaint.pk}


def test_changing_the_status_records_no_further_identity_view(staff_client, complaint):
    response = staff_client.post(reverse("admin:compliance_complaint_change", args=[complaint.pk]),
                                 {"status": "investigating", "staff_note": ""})

    assert response.status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).status == Complaint.Status.INVESTIGATING
    assert not AuditEvent.objects.filter(verb="identity.view").exists()


def test_a_member_is_refused_and_nothing_is_recorded(client, agency_member, complaint):
    client.force_login(with_totp(agency_member))

    response = client.get(reverse("admin:compliance_complaint_change", args=[complaint.pk]))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert not AuditEvent.objects.filter(verb__startswith="identity.").exists()
