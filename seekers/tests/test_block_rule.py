"""Who may block whom (SPEC rule 8): seekers.services.block_check, the one rule, and block_add / block_remove,
which refuse with its reason. The organisation clause in its two forms (the instance form in block_check,
the queryset form seekers.selectors.organizations_blockable) agree; the search by name lists only what
may be blocked, bounded."""

from datetime import timedelta

import factory
import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from organizations.models import Organization
from organizations.tests.factories import OrganizationFactory
from seekers import selectors, services
from seekers.models import Block
from seekers.services import BlockCheck, BlockRefused

pytestmark = pytest.mark.django_db

ORGANIZATION_STATES = {
    "active": {},
    "suspended": {"suspended": True},
    "pending": {"unapproved": True},
    "revoked": {"revoked": True},
}
BLOCKABLE = {"active", "suspended"}


@pytest.fixture
def organizations():
    return {state: OrganizationFactory(**traits) for state, traits in ORGANIZATION_STATES.items()}


def check(account, organization, blocked=False):
    return services.block_check(account, organization, blocked=blocked)


# --- the rule ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", list(ORGANIZATION_STATES))
def test_an_organisation_may_be_blocked_if_it_uses_the_service_or_will_again(account, organizations, state):
    expected = BlockCheck.ALLOWED if state in BLOCKABLE else BlockCheck.UNAVAILABLE

    assert check(account, organizations[state]) == expected


def test_the_two_forms_of_the_organisation_clause_agree(account, organizations):
    today = timezone.localdate()
    by_queryset = set(selectors.organizations_blockable(today).values_list("pk", flat=True))
    by_instance = {o.pk for o in Organization.objects.all() if check(account, o) == BlockCheck.ALLOWED}

    assert by_queryset == by_instance == {organizations[state].pk for state in BLOCKABLE}


def test_an_unknown_organisation_and_an_already_blocked_one(account, agency):
    assert check(account, None) == BlockCheck.UNAVAILABLE
    assert check(account, agency, blocked=True) == BlockCheck.ALREADY_BLOCKED


def test_a_stopped_seeker_may_neither_block_nor_unblock(account, agency):
    services.seeker_stop(actor=account.user, account=account)
    account.refresh_from_db()

    assert check(account, agency) == BlockCheck.STOPPED
    assert services.unblock_check(account) == BlockCheck.STOPPED
    assert str(BlockCheck.STOPPED.label) == "アカウント利用停止中のため、ブロックの設定・解除はできません。"


def test_after_the_period_ends_a_block_may_still_be_set(account, agency):
    """The block counts again should staff extend the period."""
    account.application.valid_until = timezone.localdate() - timedelta(days=1)

    assert account.reachability(timezone.localdate()) == account.Reachability.PERIOD_ENDED
    assert check(account, agency) == BlockCheck.ALLOWED


# --- block_add / block_remove refuse with the rule's reason -------------------------------------------------


def test_block_add_blocks_and_audits(account, agency):
    block = services.block_add(actor=account.user, account=account, organization_id=agency.pk)

    assert block.organization == agency
    event = AuditEvent.objects.get(verb=AuditEvent.Verb.SEEKER_BLOCK)
    assert (event.actor, event.data["organization"]) == (account.user, agency.pk)


@pytest.mark.parametrize("state", ["pending", "revoked"])
def test_block_add_refuses_an_organisation_that_cannot_be_blocked(account, organizations, state):
    with pytest.raises(BlockRefused) as refused:
        services.block_add(actor=account.user, account=account, organization_id=organizations[state].pk)

    assert refused.value.check == BlockCheck.UNAVAILABLE
    assert refused.value.message.startswith("指定された利用団体はブロックできません。")
    assert not Block.objects.exists()
    assert not AuditEvent.objects.filter(verb=AuditEvent.Verb.SEEKER_BLOCK).exists()


def test_block_add_refuses_an_id_that_names_no_organisation(account):
    with pytest.raises(BlockRefused) as refused:
        services.block_add(actor=account.user, account=account, organization_id=2**40)

    assert refused.value.check == BlockCheck.UNAVAILABLE
    assert not Block.objects.exists()


def test_block_add_twice_keeps_one_block_and_says_so(account, agency):
    services.block_add(actor=account.user, account=account, organization_id=agency.pk)

    with pytest.raises(BlockRefused) as refused:
        services.block_add(actor=account.user, account=account, organization_id=agency.pk)

    assert refused.value.check == BlockCheck.ALREADY_BLOCKED
    assert Block.objects.count() == 1
    assert AuditEvent.objects.filter(verb=AuditEvent.Verb.SEEKER_BLOCK).count() == 1


def test_a_stopped_seeker_is_refused_both_ways(account, agency, municipality):
    services.block_add(actor=account.user, account=account, organization_id=agency.pk)
    services.seeker_stop(actor=account.user, account=account)

    with pytest.raises(BlockRefused) as refused_block:
        services.block_add(actor=account.user, account=account, organization_id=municipality.pk)
    with pytest.raises(BlockRefused) as refused_unblock:
        services.block_remove(actor=account.user, account=account, organization_id=agency.pk)

    assert refused_block.value.check == refused_unblock.value.check == BlockCheck.STOPPED
    assert list(Block.objects.values_list("organization_id", flat=True)) == [agency.pk]


# --- the search by name -----------------------------------------------------------------------------------


def test_the_search_lists_only_blockable_organisations_whose_name_matches(account):
    today = timezone.localdate()
    wanted = {state: OrganizationFactory(name=f"みらい人材{state}", **traits)
              for state, traits in ORGANIZATION_STATES.items()}
    OrganizationFactory(name="ほかの紹介会社")

    found = selectors.organizations_to_block("みらい人材", today=today)

    assert {o.pk for o in found} == {wanted[state].pk for state in BLOCKABLE}
    assert selectors.organizations_to_block("   ", today=today) == []


def test_the_search_is_bounded(account):
    limit = selectors.ORGANIZATION_SEARCH_LIMIT
    OrganizationFactory.create_batch(limit + 5, name=factory.Sequence(lambda n: f"多数の会社{n:03d}"))

    found = selectors.organizations_to_block("多数の会社", today=timezone.localdate())

    assert len(found) == limit + 1  # one more than shown: it says there are more
