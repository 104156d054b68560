"""Two suspensions of one organisation saved at the same moment (SPEC rule 20): the organisation's
suspended period covers both. organization_suspend locks the organisation row before it works out
the period, so the second waits for the first to commit and then sees it.

Each thread has its own connection (Django's are per thread), so the data must be committed: the
tests are transactional, on PostgreSQL's real row locks. The `reference_data` fixture reloads the
reference codes the flush after a transactional test wipes (see tests/conftest.py)."""

from datetime import timedelta

import pytest

from accounts.models import AuditEvent
from accounts.tests.factories import StaffFactory
from compliance import services
from compliance.models import Suspension
from compliance.tests.factories import ViolationFactory
from organizations.models import Organization
from organizations.tests.factories import OrganizationFactory
from tests.concurrency import at_the_same_moment

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("reference_data")]




def suspension(actor, violation, starts_on, ends_on):
    def suspend():
        return services.organization_suspend(actor=actor, violation=violation, starts_on=starts_on,
                                             ends_on=ends_on, reason="是正要請に応じなかったため")

    return suspend


def test_two_suspensions_saved_at_once_are_both_kept_on_the_organisation(today):
    organization = OrganizationFactory()
    supervisor = StaffFactory()
    first, second = (ViolationFactory(organization=organization, confirmed=True) for _ in range(2))
    # Alone, each would give the organisation a different period; together they join into one.
    jobs = [suspension(supervisor, first, today, today + timedelta(days=5)),
            suspension(supervisor, second, today + timedelta(days=3), today + timedelta(days=20))]

    at_the_same_moment(jobs)

    assert Suspension.objects.filter(organization=organization).count() == 2
    org = Organization.objects.get(pk=organization.pk)
    assert (org.suspended_from, org.suspended_until) == (today, today + timedelta(days=20))
    assert org.status(today) == Organization.Status.SUSPENDED
    assert AuditEvent.objects.filter(verb="sanction.suspend").count() == 2
