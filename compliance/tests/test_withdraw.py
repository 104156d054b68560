"""/orgs/withdraw/: the organisation's administrator ends its use of the service. The page says what it
will do before the confirmation; the withdrawal ends every member's access and opens the disposal
duty for every seeker the organisation saw (viewed or messaged), as 利用解除 does. Members other
than the administrator → 403; anonymous → login."""

import pytest
from django.conf import settings

from accounts.adapter import login_refusal
from accounts.models import AuditEvent
from compliance import services
from compliance.models import DeletionRequest
from messaging.tests.factories import ConversationFactory
from organizations.models import Organization
from seekers.models import ProfileView
from seekers.tests.factories import SeekerAccountFactory
from tests.pages import page

pytestmark = pytest.mark.django_db

URL = "/orgs/withdraw/"


@pytest.fixture
def seen(agency):
    """Two seekers the agency messaged and one whose profile it only viewed; one it never saw."""
    messaged = [ConversationFactory(organization=agency).account for _ in range(2)]
    viewed = SeekerAccountFactory()
    ProfileView.objects.create(profile_id=viewed.application_id, organization=agency)
    SeekerAccountFactory()
    return [*messaged, viewed]


def test_the_page_says_what_withdrawal_does_before_asking(agency_admin_client, seen):
    html = page(agency_admin_client.get(URL))

    assert "元に戻すことはできません" in html
    assert "メンバー全員が、このサイトにログインできなくなります" in html
    assert f"求職者 3 人分の求職情報を、{settings.DELETION_ANSWER_DAYS} 日以内に削除・廃棄する義務" in html


def test_without_the_confirmation_nothing_happens(agency_admin_client, agency, seen):
    response = agency_admin_client.post(URL, {"reason": "事業の廃止"})

    assert response.status_code == 200
    assert "確認のチェックを入れてください" in page(response)
    assert Organization.objects.get(pk=agency.pk).withdrawn_at is None
    assert not DeletionRequest.objects.exists()


def test_withdrawal_ends_access_and_opens_the_disposal_duties(agency_admin_client, agency_admin, agency_member,
                                                               agency, seen, member_client):
    response = agency_admin_client.post(URL, {"reason": "事業の廃止", "confirm": "on"})

    assert response.status_code == 200
    assert "サービスの利用を終了しました" in page(response)
    org = Organization.objects.get(pk=agency.pk)
    assert org.status() == Organization.Status.WITHDRAWN
    duties = DeletionRequest.objects.filter(organization=agency)
    assert sorted(duties.values_list("account_id", flat=True)) == sorted(a.pk for a in seen)
    assert set(duties.values_list("origin", flat=True)) == {DeletionRequest.Origin.WITHDRAWAL}
    assert AuditEvent.objects.get(verb=AuditEvent.Verb.ORGANIZATION_WITHDRAW).actor == agency_admin
    assert AuditEvent.objects.get(verb=AuditEvent.Verb.DELETION_DISPOSAL_DUTY).data["count"] == 3
    # every member is out: the next request logs them out, and login is refused
    assert member_client.get("/orgs/seekers/").status_code == 403
    assert login_refusal(type(agency_member).objects.get(pk=agency_member.pk)) == "この利用団体はサービスの利用を終了したため、ログインできません。"


def test_staff_record_the_disposal_answers_of_a_withdrawn_organisation(agency_admin, seen, today):
    from compliance.tests.factories import staff_in

    services.organization_withdraw(actor=agency_admin, member=agency_admin.membership)
    duty = DeletionRequest.objects.filter(organization=agency_admin.membership.organization).first()

    services.deletion_answer_record(actor=staff_in("労働局 監督"), request=duty, disposed_on=today,
                                    note="書面で廃棄の報告を受けた")

    assert DeletionRequest.objects.get(pk=duty.pk).answered_at is not None


def test_a_member_who_is_not_the_administrator_is_refused(member_client, agency):
    assert member_client.get(URL).status_code == 403
    assert member_client.post(URL, {"confirm": "on"}).status_code == 403
    assert Organization.objects.get(pk=agency.pk).withdrawn_at is None


def test_anonymous_is_sent_to_login(client):
    assert client.get(URL)["Location"].startswith("/accounts/login/")


def test_a_seeker_is_refused(seeker_client):
    assert seeker_client.get(URL).status_code == 403
