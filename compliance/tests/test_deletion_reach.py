"""削除・廃棄 requests to every organisation that saw the seeker (SPEC rule 18): one that only viewed the
profile, also after a stop or the end of the period; refused, without saying whether it exists, to one
that never saw them; an answer hides the profile (search, profile page) and the conversation at once;
and at 利用解除 the disposal duty per seeker, whose answers staff record."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AuditEvent
from compliance import selectors, services
from compliance.models import DeletionRequest
from compliance.tests.factories import ViolationFactory
from conftest import jst
from messaging.models import Conversation
from messaging.selectors import org_conversations
from messaging.tests.factories import ConversationFactory, MessageFactory
from organizations.models import Organization
from organizations.tests.factories import OrganizationFactory
from seekers import services as seeker_services
from seekers.models import JobApplication, ProfileView
from seekers.search.visibility import organizations_seeing, profiles_visible_to
from seekers.tests.factories import SeekerAccountFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 26)


@pytest.fixture(autouse=True)
def now(time_machine):
    time_machine.move_to(jst(TODAY, 10), tick=False)


def viewed_by(organization, account) -> None:
    ProfileView.objects.create(profile_id=account.application_id, organization=organization)


def visible(organization, account) -> bool:
    fresh = Organization.objects.get(pk=organization.pk)
    return profiles_visible_to(fresh).filter(pk=account.application_id).exists()


def test_the_organisations_that_saw_a_seeker_are_those_that_viewed_or_messaged(account, agency, municipality):
    viewer, stranger = OrganizationFactory(), OrganizationFactory()
    viewed_by(viewer, account)
    viewed_by(viewer, account)  # two views, one organisation
    ConversationFactory(organization=municipality, account=account)
    viewed_by(stranger, SeekerAccountFactory())

    saw = {org.pk: (org.viewed, org.messaged) for org in selectors.organizations_that_saw(account)}

    assert saw == {viewer.pk: (True, False), municipality.pk: (False, True)}
    assert set(selectors.accounts_seen_by(viewer)) == {account}


def test_a_seeker_asks_an_organisation_that_only_viewed(seeker, account, agency):
    viewed_by(agency, account)

    request = services.deletion_request_create(actor=seeker, account=account, organization_id=agency.pk)

    assert (request.organization, request.conversation, request.origin) == (agency, None, "seeker")
    assert request.due_on == TODAY + timedelta(days=14)
    assert AuditEvent.objects.filter(verb="deletion.request", target_id=str(request.pk)).exists()


@pytest.mark.parametrize("state", ["stopped", "period_ended"])
def test_a_seeker_asks_also_after_a_stop_or_the_end_of_the_period(seeker, account, agency, state):
    viewed_by(agency, account)
    if state == "stopped":
        seeker_services.seeker_stop(actor=seeker, account=account)
    else:
        JobApplication.objects.filter(pk=account.application_id).update(
            applied_on=TODAY - timedelta(days=90), valid_until=TODAY - timedelta(days=1))

    request = services.deletion_request_create(actor=seeker, account=account, organization_id=agency.pk)

    assert DeletionRequest.objects.get() == request


def test_an_organisation_that_never_saw_the_seeker_is_refused_like_one_that_does_not_exist(seeker, account):
    stranger = OrganizationFactory()
    viewed_by(stranger, SeekerAccountFactory())  # it saw someone else

    for organization_id in (stranger.pk, 999_999):
        with pytest.raises(services.DeletionTargetUnknown):
            services.deletion_request_create(actor=seeker, account=account, organization_id=organization_id)

    assert not DeletionRequest.objects.exists()
    assert not AuditEvent.objects.filter(verb="deletion.request").exists()


def test_the_answer_hides_the_profile_and_the_conversation_at_once(seeker, account, agency, agency_member):
    conversation = ConversationFactory(organization=agency, account=account)
    MessageFactory(conversation=conversation)
    assert visible(agency, account)
    assert conversation in org_conversations(agency)
    request = services.deletion_request_create(actor=seeker, account=account, organization_id=agency.pk)
    assert visible(agency, account)  # until it answers

    services.deletion_request_answer(actor=agency_member, organization=agency, request_id=request.pk,
                                     disposed_on=TODAY, note="記録を削除しました。")

    assert not visible(agency, account)
    assert agency.pk not in set(organizations_seeing(account).values_list("pk", flat=True))
    assert conversation not in org_conversations(agency)
    assert Conversation.objects.get(pk=conversation.pk).org_access_ended_at == timezone.now()
    assert AuditEvent.objects.filter(verb="seeker.disposal", target_id=str(account.pk)).count() == 1


def test_the_answer_hides_the_seeker_from_that_organisation_only(seeker, account, agency, agency_member, municipality):
    viewed_by(agency, account)
    request = services.deletion_request_create(actor=seeker, account=account, organization_id=agency.pk)

    services.deletion_request_answer(actor=agency_member, organization=agency, request_id=request.pk,
                                     disposed_on=TODAY, note="削除しました。")

    assert visible(municipality, account)
    assert visible(agency, SeekerAccountFactory())


def test_a_suspended_organisation_answers(seeker, account):
    organization = OrganizationFactory(suspended=True)
    viewed_by(organization, account)
    request = services.deletion_request_create(actor=seeker, account=account, organization_id=organization.pk)

    services.deletion_request_answer(actor=None, organization=organization, request_id=request.pk,
                                     disposed_on=TODAY, note="削除しました。")

    request.refresh_from_db()
    assert request.answered_at is not None
    Organization.objects.filter(pk=organization.pk).update(suspended_from=None, suspended_until=None)
    assert not visible(organization, account)  # the suspension's end does not bring the profile back


def test_another_organisation_cannot_answer_a_viewing_only_request(seeker, account, agency, municipality):
    viewed_by(agency, account)
    request = services.deletion_request_create(actor=seeker, account=account, organization_id=agency.pk)

    with pytest.raises(DeletionRequest.DoesNotExist):
        services.deletion_request_answer(actor=None, organization=municipality, request_id=request.pk,
                                         disposed_on=TODAY, note="削除しました。")

    request.refresh_from_db()
    assert request.answered_at is None
    assert visible(agency, account)


# --- 利用解除: the disposal duty ---------------------------------------------------------------------


@pytest.fixture
def revoked_world(supervisor, seeker, account, agency):
    """The agency viewed `account`, messaged another seeker, saw a third who already asked; then it is
    revoked."""
    viewed_by(agency, account)
    messaged = SeekerAccountFactory()
    ConversationFactory(organization=agency, account=messaged)
    asked = SeekerAccountFactory()
    viewed_by(agency, asked)
    earlier = services.deletion_request_create(actor=asked.user, account=asked, organization_id=agency.pk)
    SeekerAccountFactory()  # never seen
    violation = ViolationFactory(organization=agency, confirmed=True)
    services.organization_revoke(actor=supervisor, violation=violation, reason="悪質な違反の繰り返し")
    return {"viewed": account, "messaged": messaged, "asked": asked, "earlier": earlier}


def test_revocation_creates_a_disposal_duty_per_seeker_the_organisation_saw(revoked_world, agency, supervisor):
    duties = DeletionRequest.objects.filter(organization=agency, origin="revocation")

    assert {d.account for d in duties} == {revoked_world["viewed"], revoked_world["messaged"]}
    assert {d.due_on for d in duties} == {TODAY + timedelta(days=14)}
    assert duties.get(account=revoked_world["messaged"]).conversation is not None
    assert DeletionRequest.objects.get(pk=revoked_world["earlier"].pk).origin == "seeker"  # kept, not doubled
    assert list(selectors.deletion_duties_of(agency).order_by("pk")) == list(
        DeletionRequest.objects.filter(organization=agency).order_by("pk"))
    event = AuditEvent.objects.get(verb="deletion.disposal_duty")
    assert (event.actor, event.data["count"]) == (supervisor, 2)


def test_staff_record_a_revoked_organisations_answer(revoked_world, agency, supervisor):
    duty = DeletionRequest.objects.get(organization=agency, account=revoked_world["viewed"])

    services.deletion_answer_record(actor=supervisor, request=duty, disposed_on=TODAY,
                                    note="書面で廃棄証明を受領しました。")

    duty.refresh_from_db()
    assert (duty.answered_by, duty.disposed_on, duty.answer_note) == (supervisor, TODAY, "書面で廃棄証明を受領しました。")
    assert AuditEvent.objects.filter(verb="deletion.answer_record", target_id=str(duty.pk)).exists()
    assert selectors.deletion_duties_of(agency).count() == 2


def test_counter_staff_cannot_record_an_answer(revoked_world, agency, counter):
    duty = DeletionRequest.objects.get(organization=agency, account=revoked_world["viewed"])

    with pytest.raises(PermissionDenied):
        services.deletion_answer_record(actor=counter, request=duty, disposed_on=TODAY, note="受領")

    duty.refresh_from_db()
    assert duty.answered_at is None


def test_staff_cannot_answer_for_an_organisation_that_answers_itself(seeker, account, agency, supervisor):
    viewed_by(agency, account)
    request = services.deletion_request_create(actor=seeker, account=account, organization_id=agency.pk)

    with pytest.raises(ValidationError):
        services.deletion_answer_record(actor=supervisor, request=request, disposed_on=TODAY, note="代わりに記録")

    request.refresh_from_db()
    assert request.answered_at is None


def test_an_unanswered_disposal_duty_is_flagged_overdue_by_the_nightly_job(revoked_world, agency):
    assert services.deletion_overdue_flag(today=TODAY + timedelta(days=14)) == 0

    flagged = services.deletion_overdue_flag(today=TODAY + timedelta(days=15))

    assert flagged == 3  # the two duties and the seeker's earlier request
    assert selectors.deletion_requests_overdue(TODAY + timedelta(days=15)).filter(origin="revocation").count() == 2


def test_a_revocation_with_nothing_seen_creates_no_duty(supervisor):
    organization = OrganizationFactory()
    violation = ViolationFactory(organization=organization, confirmed=True)

    services.organization_revoke(actor=supervisor, violation=violation, reason="理由")

    assert not DeletionRequest.objects.exists()
    assert not AuditEvent.objects.filter(verb="deletion.disposal_duty").exists()
