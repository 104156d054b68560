"""The conversation policies (messaging.access): what an organisation may do with a conversation
(org_access, with its queryset form conversations_for_org, which agree over every combination of
what can close one), whether a seeker may write (seeker_may_write, whose reason the service refuses
with and the page shows), and the one not-found convention (get_conversation_for, get_message_for)."""

from datetime import timedelta
from itertools import product

import pytest
from django.http import Http404
from django.utils import timezone

from messaging import services
from messaging.access import (
    OrgAccess,
    SeekerWrite,
    conversations_for_org,
    get_conversation_for,
    get_message_for,
    org_access,
    seeker_may_write,
)
from messaging.models import Conversation, Message
from organizations.models import Organization
from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers import services as seeker_services
from seekers.models import Block, JobApplication, SeekerAccount
from seekers.tests.factories import SeekerAccountFactory
from tests.pages import login, page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa")]


def fresh_org(org) -> Organization:
    """As member_required reads it for a request."""
    return Organization.objects.get(pk=org.pk)


def open_conversation(organization, account) -> Conversation:
    member = MemberFactory(organization=organization).user
    message = services.guidance_send(
        actor=member, organization=fresh_org(organization), public_id=account.application.profile.public_id,
        subject="介護職のご案内", body="求人をご紹介できます。",
    )
    return message.conversation


def loaded(conversation) -> Conversation:
    return Conversation.objects.select_related("account__application", "organization").get(pk=conversation.pk)


# --- what can happen to a conversation, one switch each -------------------------------------------


def decline(conversation):
    services.seeker_decline(actor=conversation.account.user, account=conversation.account, conversation=conversation)


def block(conversation):
    """As a row: the switches combine in any order, and block_add refuses a seeker who has stopped."""
    Block.objects.create(account=conversation.account, organization=conversation.organization)


def exclude_by_conditions(conversation):
    """The seeker accepts only organisations with a プライバシーマーク; this one has none."""
    Organization.objects.filter(pk=conversation.organization_id).update(privacy_mark=False)
    seeker_services.conditions_set(actor=None, account=conversation.account, kinds=[], regions=[], industries=[],
                                   occupations=[], privacy_mark=True)


def exclude_by_provision(conversation):
    seeker_services.application_provision_change(
        actor=None, application=conversation.account.application, provision=JobApplication.Provision.LOCAL_GOV_ONLY
    )


def stop(conversation):
    seeker_services.seeker_stop(actor=None, account=conversation.account)


def end_period(conversation):
    today = timezone.localdate()
    JobApplication.objects.filter(pk=conversation.account.application_id).update(
        applied_on=today - timedelta(days=90), valid_until=today - timedelta(days=1)
    )
    seeker_services.profile_sync_listing(application_ids=[conversation.account.application_id])


def end_access(conversation):
    """As answering a 削除・廃棄 request does."""
    Conversation.objects.filter(pk=conversation.pk).update(org_access_ended_at=timezone.now())


SWITCHES = [decline, block, exclude_by_conditions, stop, end_period, end_access]


def expected_org_access(on: set) -> OrgAccess:
    """The rule as the SPEC and the README state it, written out independently of the code."""
    if on & {stop, end_period, end_access}:
        return OrgAccess.GONE
    if on & {block, exclude_by_conditions, exclude_by_provision}:
        return OrgAccess.WITHDRAWN
    if decline in on:
        return OrgAccess.CLOSED
    return OrgAccess.OPEN


def test_org_access_agrees_with_its_queryset_form_over_every_combination(agency):
    """Every subset of the switches, each on its own conversation of the agency's."""
    cases = []
    for flags in product([False, True], repeat=len(SWITCHES)):
        on = {switch for switch, flag in zip(SWITCHES, flags, strict=True) if flag}
        conversation = open_conversation(agency, SeekerAccountFactory())
        # a decline needs a seeker who may still write: decline first; a stopped seeker's site is
        # read-only (no block, no receive conditions): stop last
        for switch in sorted(on, key=lambda s: (s is not decline, s is stop)):
            switch(conversation)
        cases.append((conversation.pk, on))
    # exclude_by_conditions takes the agency's プライバシーマーク away: only the seekers who ask
    # for one are excluded by that.
    org = fresh_org(agency)

    listed = dict(conversations_for_org(org).values_list("pk", "org_access"))

    for pk, on in cases:
        expected = expected_org_access(on)
        names = sorted(s.__name__ for s in on)
        assert org_access(org, loaded(Conversation(pk=pk))) == expected, names
        assert listed.get(pk, OrgAccess.GONE) == expected, names
    assert {expected_org_access(on) for _, on in cases} == set(OrgAccess)


@pytest.mark.parametrize("switch", [exclude_by_provision, block, exclude_by_conditions], ids=lambda s: s.__name__)
def test_a_withdrawn_profile_is_withdrawn_in_both_forms(agency, switch):
    conversation = open_conversation(agency, SeekerAccountFactory())
    switch(conversation)
    org = fresh_org(agency)

    assert org_access(org, loaded(conversation)) == OrgAccess.WITHDRAWN
    assert conversations_for_org(org).get(pk=conversation.pk).org_access == OrgAccess.WITHDRAWN


@pytest.mark.parametrize("traits", [{"suspended": True}, {"revoked": True}, {"unapproved": True}],
                         ids=["suspended", "revoked", "pending"])
def test_an_organisation_that_may_not_use_the_service_reads_no_content(agency, traits):
    conversation = open_conversation(agency, SeekerAccountFactory())
    probe = OrganizationFactory.build(**traits)
    Organization.objects.filter(pk=agency.pk).update(
        approved_on=probe.approved_on, approval_until=probe.approval_until, suspended_from=probe.suspended_from,
        suspended_until=probe.suspended_until,
        revoked_at=probe.revoked_at,
    )
    org = fresh_org(agency)

    assert org_access(org, loaded(conversation)) == OrgAccess.WITHDRAWN
    assert conversations_for_org(org).get(pk=conversation.pk).org_access == OrgAccess.WITHDRAWN


def test_another_organisations_conversation_is_gone_for_it(agency):
    conversation = open_conversation(agency, SeekerAccountFactory())
    stranger = OrganizationFactory()

    assert org_access(stranger, loaded(conversation)) == OrgAccess.GONE
    assert not conversations_for_org(stranger).filter(pk=conversation.pk).exists()


# --- the not-found helpers ------------------------------------------------------------------------


def test_get_conversation_for_gives_the_organisations_own_with_its_access(agency):
    conversation = open_conversation(agency, SeekerAccountFactory())

    found = get_conversation_for(fresh_org(agency), conversation.pk)

    assert found.pk == conversation.pk
    assert found.org_access == OrgAccess.OPEN
    assert found.public_id == conversation.account.application.profile.public_id


def test_get_conversation_for_another_organisation_is_a_404(agency):
    conversation = open_conversation(agency, SeekerAccountFactory())

    with pytest.raises(Http404):
        get_conversation_for(OrganizationFactory(), conversation.pk)


@pytest.mark.parametrize("switch", [stop, end_period, end_access], ids=lambda s: s.__name__)
def test_get_conversation_for_a_gone_one_is_a_404(agency, switch):
    conversation = open_conversation(agency, SeekerAccountFactory())
    switch(conversation)

    with pytest.raises(Http404):
        get_conversation_for(fresh_org(agency), conversation.pk)


def test_get_conversation_for_a_missing_one_is_a_404(agency):
    with pytest.raises(Http404):
        get_conversation_for(fresh_org(agency), 987654)


def test_get_message_for_another_seeker_is_a_404(agency):
    conversation = open_conversation(agency, SeekerAccountFactory())
    message = conversation.messages.get()

    assert get_message_for(conversation.account, message.pk) == message
    with pytest.raises(Http404):
        get_message_for(SeekerAccountFactory(), message.pk)


def test_another_organisations_conversation_page_is_a_404(agency, agency_member):
    theirs = open_conversation(OrganizationFactory(), SeekerAccountFactory())
    ours = open_conversation(agency, SeekerAccountFactory())
    client = login(agency_member)

    assert client.get(f"/orgs/messages/{ours.pk}/").status_code == 200
    assert client.get(f"/orgs/messages/{theirs.pk}/").status_code == 404
    response = client.post(f"/orgs/messages/{theirs.pk}/", {"kind": "answer", "subject": "件名", "body": "本文"})
    assert response.status_code == 404
    assert theirs.messages.count() == 1


# --- the seeker's side: the reply form is shown exactly when the service accepts a reply -------------


def suspend_org(conversation):
    today = timezone.localdate()
    Organization.objects.filter(pk=conversation.organization_id).update(suspended_from=today,
                                                                         suspended_until=today + timedelta(days=7))


def revoke_org(conversation):
    Organization.objects.filter(pk=conversation.organization_id).update(revoked_at=timezone.now())


SEEKER_CASES = [
    (None, SeekerWrite.ALLOWED),
    (decline, SeekerWrite.DECLINED),
    (block, SeekerWrite.BLOCKED),
    (stop, SeekerWrite.STOPPED),
    (end_period, SeekerWrite.PERIOD_ENDED),
    (suspend_org, SeekerWrite.ORG_INACTIVE),
    (revoke_org, SeekerWrite.ORG_INACTIVE),
    (exclude_by_conditions, SeekerWrite.WITHDRAWN),
    (exclude_by_provision, SeekerWrite.WITHDRAWN),
]
SEEKER_IDS = ["open" if s is None else s.__name__ for s, _ in SEEKER_CASES]


@pytest.mark.parametrize(("switch", "expected"), SEEKER_CASES, ids=SEEKER_IDS)
def test_seeker_may_write_gives_the_reason(agency, switch, expected):
    conversation = open_conversation(agency, SeekerAccountFactory())
    if switch:
        switch(conversation)
    conversation = loaded(conversation)
    account = SeekerAccount.objects.select_related("application").get(pk=conversation.account_id)

    assert seeker_may_write(account, conversation) == expected


@pytest.mark.parametrize(("switch", "expected"), SEEKER_CASES, ids=SEEKER_IDS)
def test_the_reply_form_is_shown_exactly_when_the_service_accepts_a_reply(agency, switch, expected):
    conversation = open_conversation(agency, SeekerAccountFactory())
    account = conversation.account
    client = login(account.user)  # signed in before a stop, which the login would refuse
    url = f"/seekers/messages/{conversation.messages.get().pk}/"
    if switch:
        switch(conversation)

    html = page(client.get(url))
    response = client.post(url, {"action": "reply", "kind": "question", "subject": "質問", "body": "夜勤はありますか。"})

    offered = "返信を送信する" in html
    accepted = Message.objects.filter(conversation=conversation, kind="question").exists()
    assert offered == accepted == (expected == SeekerWrite.ALLOWED)
    if expected != SeekerWrite.ALLOWED:
        assert response.status_code == 200
        assert "辞退する(このやりとりを終了)" not in html  # 辞退 goes through the same rule
        if expected not in (SeekerWrite.DECLINED, SeekerWrite.BLOCKED):
            assert str(expected.label) in html  # the page says why before the seeker tries


def test_a_suspended_organisations_thread_offers_no_reply_form_but_still_block(agency):
    """The defect: the page's own check left out the organisation and offered a form the service
    then refused."""
    conversation = open_conversation(agency, SeekerAccountFactory())
    suspend_org(conversation)
    client = login(conversation.account.user)

    html = page(client.get(f"/seekers/messages/{conversation.messages.get().pk}/"))

    assert "返信を送信する" not in html
    assert "この利用団体は現在サービスを利用できないため、返信できません。" in html
    assert "この利用団体をブロックする" in html  # blocking is possible from any thread (SPEC rule 8)
