"""Races that only a real database with real row locks can show (PostgreSQL): two first messages to
the same seeker at the same moment send one notice (the unique conversation pair, SPEC rule 13), and
concurrent sends never pass the daily cap (the conditional increment, SPEC rule 17).

Each thread has its own connection (Django's are per thread), so the data must be committed: the
tests are transactional. The `reference_data` fixture reloads the reference codes (都道府県, 職業分類…)
that the flush after a transactional test wipes and that the factories need (see tests/conftest.py)."""


import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import OutgoingEmail
from messaging import services
from messaging.models import Conversation, DailyGuidanceCount, Message
from organizations.models import Organization
from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers.tests.factories import SeekerAccountFactory

# Row locks and concurrent transactions: PostgreSQL only (skips on SQLite, fails in CI).
from tests.concurrency import at_the_same_moment

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("reference_data")]




def sender(user, account):
    organization_id = user.membership.organization_id
    public_id = account.application.profile.public_id

    def send():
        organization = Organization.objects.get(pk=organization_id)
        return services.guidance_send(
            actor=user, organization=organization, public_id=public_id, subject="介護職のご案内",
            body="求人をご紹介できます。",
        ).pk  # the message id it sent

    return send


def test_two_members_sending_a_first_guidance_at_once_send_one_notice(mailoutbox):
    organization = OrganizationFactory()
    first, second = MemberFactory(organization=organization).user, MemberFactory(organization=organization).user
    account = SeekerAccountFactory()

    results = at_the_same_moment([sender(first, account), sender(second, account)], allowed=(services.SendRefused,))

    # Both messages arrive, in one conversation, and the seeker gets exactly one email.
    assert all(isinstance(r, int) for r in results), results
    conversation = Conversation.objects.get()
    assert (conversation.organization_id, conversation.account_id) == (organization.pk, account.pk)
    assert Message.objects.filter(conversation=conversation).count() == 2
    notices = OutgoingEmail.objects.filter(kind="first_guidance")
    assert notices.count() == 1
    assert notices.get().to == account.user.email
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [account.user.email]
    assert DailyGuidanceCount.objects.get(organization=organization).count == 2


def test_concurrent_sends_stop_exactly_at_the_daily_cap():
    limit = settings.GUIDANCE_DAILY_LIMIT
    organization = OrganizationFactory()
    member = MemberFactory(organization=organization).user
    DailyGuidanceCount.objects.create(organization=organization, day=timezone.localdate(), count=limit - 5)
    accounts = [SeekerAccountFactory() for _ in range(12)]

    results = at_the_same_moment([sender(member, account) for account in accounts],
                                 allowed=(services.SendRefused,))

    sent = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, services.SendRefused)]
    assert len(sent) == 5
    assert len(refused) == 7
    assert {r.code for r in refused} == {"daily_cap"}
    assert DailyGuidanceCount.objects.get(organization=organization).count == limit
    assert services.guidance_remaining(organization) == 0
    assert Message.objects.count() == 5
    assert Conversation.objects.count() == 5
    assert OutgoingEmail.objects.filter(kind="first_guidance").count() == 5
