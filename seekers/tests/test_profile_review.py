"""公開前の確認 (SPEC rule 15; the leaflet asks the seeker to check that the profile holds nothing
identifying): the first login does not publish; seekers.services.profile_review_confirm does, once,
with the time recorded and an audit event."""

import re

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import AuditEvent, OutgoingEmail
from seekers import services
from seekers.models import Profile, SeekerAccount
from seekers.search.visibility import organizations_seeing, profiles_visible_to
from seekers.tests.factories import SeekerAccountFactory
from seekers.tests.helpers import profile_of

pytestmark = pytest.mark.django_db

R = SeekerAccount.Reachability


def first_login(account: SeekerAccount) -> SeekerAccount:
    """The real first login: a 認証キー by mail, typed in (services.auth_key_verify)."""
    services.auth_key_reissue(account=account)
    mail = OutgoingEmail.objects.filter(to=account.user.email, kind="auth_key").latest("pk")
    services.auth_key_verify(account=account, key=re.search(r"認証キー: (\S+)", mail.body).group(1))
    return SeekerAccount.objects.select_related("user", "application").get(pk=account.pk)


@pytest.fixture
def newcomer(db) -> SeekerAccount:
    """Registered, before the first login."""
    return SeekerAccountFactory(first_login_at=None)


def visible_anywhere(account, *organizations) -> bool:
    return any(profiles_visible_to(org).filter(pk=account.application_id).exists() for org in organizations)


def test_the_first_login_does_not_publish(newcomer, agency, municipality, today):
    account = first_login(newcomer)

    profile = profile_of(account)
    assert account.first_login_at is not None
    assert account.profile_confirmed_at is None
    assert account.reachability(today) == R.NOT_CONFIRMED
    assert profile.published_at is None
    assert profile.listed_until is None
    assert not visible_anywhere(account, agency, municipality)
    assert organizations_seeing(account).count() == 0
    assert not AuditEvent.objects.filter(verb=AuditEvent.Verb.SEEKER_PROFILE_CONFIRM).exists()


def test_the_first_login_screens_the_text_the_review_shows(newcomer):
    Profile.objects.filter(pk=newcomer.application_id).update(appeal_points="連絡は090-1234-5678までどうぞ。")

    account = first_login(newcomer)

    assert "appeal_points" in profile_of(account).withheld
    assert [item["field"] for item in services.withheld_explained(profile_of(account))] == ["アピールポイント"]


def test_publication_starts_at_the_confirmation(newcomer, agency, municipality, today):
    account = first_login(newcomer)
    before = timezone.now()

    assert services.profile_review_confirm(actor=account.user, account=account) is True

    account.refresh_from_db()
    profile = profile_of(account)
    assert before <= account.profile_confirmed_at <= timezone.now()  # recorded with its time
    assert account.reachability(today) == R.REACHABLE
    assert account.profile_confirmed_at <= profile.published_at <= timezone.now()
    assert profile.listed_until == account.application.valid_until
    assert visible_anywhere(account, agency)
    assert visible_anywhere(account, municipality)
    event = AuditEvent.objects.get(verb=AuditEvent.Verb.SEEKER_PROFILE_CONFIRM)
    assert event.actor == account.user
    assert event.target_id == str(account.pk)


def test_confirming_twice_changes_nothing(newcomer, agency, time_machine):
    account = first_login(newcomer)
    services.profile_review_confirm(actor=account.user, account=account)
    confirmed_at = SeekerAccount.objects.get(pk=account.pk).profile_confirmed_at
    published_at = profile_of(account).published_at

    time_machine.shift(3600)
    again = services.profile_review_confirm(actor=account.user, account=account)

    assert again is False
    assert SeekerAccount.objects.get(pk=account.pk).profile_confirmed_at == confirmed_at
    assert profile_of(account).published_at == published_at
    assert AuditEvent.objects.filter(verb=AuditEvent.Verb.SEEKER_PROFILE_CONFIRM).count() == 1
    assert visible_anywhere(account, agency)


def test_there_is_nothing_to_confirm_before_the_first_login(newcomer, agency):
    with pytest.raises(services.ReviewNotOpen):
        services.profile_review_confirm(actor=newcomer.user, account=newcomer)

    newcomer.refresh_from_db()
    assert newcomer.profile_confirmed_at is None
    assert profile_of(newcomer).published_at is None
    assert not AuditEvent.objects.filter(verb=AuditEvent.Verb.SEEKER_PROFILE_CONFIRM).exists()


def test_a_confirmation_after_a_stop_publishes_to_nobody(newcomer, agency, municipality, today):
    account = first_login(newcomer)
    services.seeker_stop(actor=account.user, account=account)

    services.profile_review_confirm(actor=account.user, account=account)

    account.refresh_from_db()
    assert account.reachability(today) == R.STOPPED
    assert profile_of(account).listed_until is None
    assert not visible_anywhere(account, agency, municipality)


def test_the_database_refuses_a_confirmation_without_a_first_login(newcomer):
    with pytest.raises(IntegrityError), transaction.atomic():
        SeekerAccount.objects.filter(pk=newcomer.pk).update(profile_confirmed_at=timezone.now())
