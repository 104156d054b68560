"""利用解除's disposal duty in the admin (SPEC rule 18): per revoked organisation, the seekers whose
data it held with the deadline and the answers, as an outstanding list linked from the revocation;
staff with the 労働局 監督 permission record an answer the organisation sent by other means; counter
staff and the organisation's own answers stay read-only."""

from datetime import date

import pytest

from accounts.models import AuditEvent
from compliance import selectors, services
from compliance.models import DeletionRequest
from compliance.tests.factories import ViolationFactory, staff_in
from conftest import jst
from messaging.tests.factories import ConversationFactory
from organizations.tests.factories import OrganizationFactory
from seekers.models import ProfileView
from seekers.tests.factories import SeekerAccountFactory
from tests.pages import field_error, login, page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa")]

TODAY = date(2026, 11, 26)
LIST_URL = "/admin/compliance/deletionrequest/"


@pytest.fixture(autouse=True)
def now(time_machine):
    time_machine.move_to(jst(TODAY, 10), tick=False)


@pytest.fixture
def supervisor(db):
    return staff_in("労働局 監督")


@pytest.fixture
def revoked(supervisor):
    """A revoked agency that viewed one seeker and messaged another; another organisation's request beside."""
    organization = OrganizationFactory(name="はやて人材株式会社")
    viewed, messaged = SeekerAccountFactory(), SeekerAccountFactory()
    ProfileView.objects.create(profile_id=viewed.application_id, organization=organization)
    ConversationFactory(organization=organization, account=messaged)
    other = OrganizationFactory(name="ほかの人材株式会社")
    ConversationFactory(organization=other, account=viewed)
    services.deletion_request_create(actor=viewed.user, account=viewed, organization_id=other.pk)
    services.organization_revoke(actor=supervisor, violation=ViolationFactory(organization=organization,
                                                                              confirmed=True), reason="悪質な違反")
    return organization, viewed, messaged


def test_the_revocation_links_to_its_outstanding_disposal(supervisor, revoked):
    organization, _, _ = revoked
    client = login(supervisor)

    html = page(client.get("/admin/compliance/revocation/"))

    link = f'{LIST_URL}?organization={organization.pk}&amp;state=open'
    assert f'<a href="{link}">2 件</a>' in html
    listing = page(client.get(f"{LIST_URL}?organization={organization.pk}&state=open"))
    assert listing.count("利用解除による廃棄義務") >= 2
    assert "2026年12月10日" in listing
    assert "ほかの人材株式会社" not in listing.split('id="result_list"')[1]


def test_a_supervisor_records_the_answer_received_by_letter(supervisor, revoked):
    organization, viewed, _ = revoked
    duty = DeletionRequest.objects.get(organization=organization, account=viewed)
    client = login(supervisor)

    response = client.post(f"{LIST_URL}{duty.pk}/change/",
                           {"disposed_on": "2026-11-25", "answer_note": "書面で廃棄証明書を受領しました。"})

    assert response.status_code == 302
    duty.refresh_from_db()
    assert (duty.disposed_on, duty.answer_note, duty.answered_by) == (
        date(2026, 11, 25), "書面で廃棄証明書を受領しました。", supervisor)
    assert AuditEvent.objects.get(verb="deletion.answer_record").actor == supervisor
    assert selectors.deletion_duties_of(organization).count() == 1


def test_a_future_disposal_date_is_refused_at_the_field(supervisor, revoked):
    organization, viewed, _ = revoked
    duty = DeletionRequest.objects.get(organization=organization, account=viewed)

    response = login(supervisor).post(f"{LIST_URL}{duty.pk}/change/",
                                      {"disposed_on": "2026-12-25", "answer_note": "廃棄予定"})

    assert response.status_code == 200
    assert field_error(page(response), "disposed_on") == "削除・廃棄した日に未来の日付は入力できません。"
    duty.refresh_from_db()
    assert duty.answered_at is None


def test_counter_staff_see_the_list_but_cannot_record(revoked):
    organization, viewed, _ = revoked
    duty = DeletionRequest.objects.get(organization=organization, account=viewed)
    client = login(staff_in("窓口職員"))

    assert client.get(LIST_URL).status_code == 200
    response = client.post(f"{LIST_URL}{duty.pk}/change/", {"disposed_on": "2026-11-25", "answer_note": "受領"})

    assert response.status_code == 403
    duty.refresh_from_db()
    assert duty.answered_at is None


def test_an_active_organisations_request_is_read_only_to_staff(supervisor, revoked):
    request = DeletionRequest.objects.get(organization__name="ほかの人材株式会社")

    response = login(supervisor).post(f"{LIST_URL}{request.pk}/change/",
                                      {"disposed_on": "2026-11-25", "answer_note": "代わりに記録"})

    assert response.status_code == 403
    request.refresh_from_db()
    assert request.answered_at is None


def test_the_list_is_closed_to_non_staff(agency_member, seeker):
    for user in (agency_member, seeker):
        response = login(user).get(LIST_URL)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
