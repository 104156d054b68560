"""The last-administrator rule under real row locks (PostgreSQL): two administrators demoting (or
removing) each other at the same moment leave one administrator, because each service takes the
organisation row's lock before counting the others (organizations.services._lock_member)."""

import pytest
from django.core.exceptions import ValidationError

from organizations import services
from organizations.models import Member
from organizations.tests.factories import MemberFactory, OrganizationFactory
from tests.concurrency import at_the_same_moment

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("reference_data")]


def demote(actor_id, member_id):
    def job():
        actor, member = Member.objects.select_related("user").get(pk=actor_id), Member.objects.get(pk=member_id)
        return services.member_role_change(actor=actor.user, member=member, role="member")
    return job


def remove(actor_id, member_id):
    def job():
        actor, member = Member.objects.select_related("user").get(pk=actor_id), Member.objects.get(pk=member_id)
        return services.member_remove(actor=actor.user, member=member)
    return job


@pytest.mark.parametrize("change", [demote, remove])
def test_two_administrators_changing_each_other_at_once_leave_one(change):
    organization = OrganizationFactory()
    first, second = (MemberFactory(organization=organization, role="admin") for _ in range(2))

    for _ in range(5):  # several rounds, so the two really overlap at least once
        Member.objects.filter(pk__in=[first.pk, second.pk]).update(role="admin", removed_at=None)
        results = at_the_same_moment([change(first.pk, second.pk), change(second.pk, first.pk)],
                                     allowed=(ValidationError,))

        refused = [r for r in results if isinstance(r, ValidationError)]
        assert len(refused) == 1
        assert "最後の管理者" in " ".join(refused[0].messages)
        assert Member.objects.filter(organization=organization, role="admin", removed_at__isnull=True).count() == 1
