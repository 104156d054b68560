"""The seeker's reachability (SPEC rules 5, 9, 10, 15): registered, started, the review confirmed, not
stopped, the period not ended. One rule with two forms, SeekerAccount.reachability(today) and
SeekerAccount.objects.reachable(today) (and its join form reachable_q), which agree for every
combination; the listing sync, the login refusal and the seeker's home page use it."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.adapter import login_refusal
from seekers import services
from seekers.models import JobApplication, Profile, SeekerAccount
from seekers.tests.factories import SeekerAccountFactory
from tests.pages import login, page

pytestmark = pytest.mark.django_db

R = SeekerAccount.Reachability

# (started, stopped, 有効期限 as days from today) → reachability today
TABLE = [
    (True, False, 0, R.REACHABLE),  # the period's last day
    (True, False, 30, R.REACHABLE),
    (True, False, -1, R.PERIOD_ENDED),
    (True, True, 30, R.STOPPED),
    (True, True, -1, R.STOPPED),  # a stop outranks the end of the period
    (False, False, 30, R.NOT_STARTED),
    (False, False, -1, R.PERIOD_ENDED),
    (False, True, 30, R.STOPPED),
]
# (stopped, 有効期限 as days from today) → reachability today of a started seeker who has not yet
# confirmed the review of their profile (SPEC rule 15)
UNCONFIRMED = [
    (False, 30, R.NOT_CONFIRMED),
    (False, 0, R.NOT_CONFIRMED),
    (False, -1, R.PERIOD_ENDED),
    (True, 30, R.STOPPED),
]


def make(started: bool, stopped: bool, valid_for: int, confirmed: bool = True) -> SeekerAccount:
    today = timezone.localdate()
    account = SeekerAccountFactory(
        first_login_at=timezone.now() if started else None,
        profile_confirmed_at=timezone.now() if started and confirmed else None,
        application__applied_on=today - timedelta(days=60),
        application__valid_until=today + timedelta(days=valid_for),
    )
    if stopped:
        SeekerAccount.objects.filter(pk=account.pk).update(stopped_at=timezone.now())
    return SeekerAccount.objects.select_related("application").get(pk=account.pk)


def queryset_reachable(account: SeekerAccount, today) -> bool:
    return SeekerAccount.objects.reachable(today).filter(pk=account.pk).exists()


def joined_reachable(account: SeekerAccount, today) -> bool:
    """The join form, from another model's rows (a profile, through its application)."""
    return Profile.objects.filter(
        SeekerAccount.reachable_q(today, through="application__account"), pk=account.application_id
    ).exists()


@pytest.mark.parametrize(("started", "stopped", "valid_for", "expected"), TABLE)
def test_each_combination_in_every_form(today, started, stopped, valid_for, expected):
    account = make(started, stopped, valid_for)

    assert account.reachability(today) == expected
    assert queryset_reachable(account, today) == (expected == R.REACHABLE)
    assert joined_reachable(account, today) == (expected == R.REACHABLE)


@pytest.mark.parametrize(("stopped", "valid_for", "expected"), UNCONFIRMED)
def test_an_unconfirmed_review_in_every_form(today, stopped, valid_for, expected):
    account = make(True, stopped, valid_for, confirmed=False)

    assert account.reachability(today) == expected
    assert not queryset_reachable(account, today)
    assert not joined_reachable(account, today)


class _Rollback(Exception):
    pass


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    specs=st.lists(st.tuples(st.booleans(), st.booleans(), st.integers(min_value=-3, max_value=3), st.booleans()),
                   min_size=1, max_size=5),
    day_offset=st.integers(min_value=-3, max_value=3),
)
def test_the_instance_and_queryset_forms_agree(db, specs, day_offset):
    day = timezone.localdate() + timedelta(days=day_offset)
    try:
        with transaction.atomic():
            accounts = [make(*spec) for spec in specs]
            listed = set(SeekerAccount.objects.reachable(day).values_list("pk", flat=True))
            for account in accounts:
                reachable = account.reachability(day) == R.REACHABLE
                assert (account.pk in listed) == reachable, (specs, day)
                assert joined_reachable(account, day) == reachable, (specs, day)
            raise _Rollback
    except _Rollback:
        pass


@pytest.mark.parametrize(("started", "stopped", "valid_for", "expected"), TABLE)
def test_the_listing_sync_lists_exactly_the_reachable(started, stopped, valid_for, expected):
    account = make(started, stopped, valid_for)
    Profile.objects.filter(pk=account.application_id).update(published_at=timezone.now())

    services.profile_sync_listing(application_ids=[account.application_id])

    listed_until = Profile.objects.get(pk=account.application_id).listed_until
    if expected == R.REACHABLE:
        assert listed_until == account.application.valid_until
    else:
        assert listed_until is None


def test_the_listing_sync_does_not_list_an_unconfirmed_review(today):
    account = make(True, False, 30, confirmed=False)
    Profile.objects.filter(pk=account.application_id).update(published_at=timezone.now())

    services.profile_sync_listing(application_ids=[account.application_id])

    assert Profile.objects.get(pk=account.application_id).listed_until is None


def test_the_listing_sync_still_requires_the_opt_in(today):
    account = make(True, False, 30)
    JobApplication.objects.filter(pk=account.application_id).update(opt_in=JobApplication.OptIn.NO)

    services.profile_sync_listing(application_ids=[account.application_id])

    assert Profile.objects.get(pk=account.application_id).listed_until is None


@pytest.mark.parametrize(("started", "stopped", "valid_for", "expected"), TABLE)
def test_no_seeker_is_refused_at_login_whatever_the_reachability(started, stopped, valid_for, expected):
    """A stopped seeker, like one whose period ended, signs in to a read-only site (SPEC rule 9)."""
    account = make(started, stopped, valid_for)

    refusal = login_refusal(account.user)

    assert refusal == ""
    assert account.read_only == (expected == R.STOPPED)


@pytest.mark.parametrize(
    ("stopped", "valid_for", "says", "not_says"),
    [(True, 30, "求職情報の提供を停止しました", "利用期間は"),
     (False, -1, "で終了しました。利用団体からは求職情報が見えず", "提供を停止しました"),
     (False, 30, None, None)],
    ids=["stopped", "period-ended", "reachable"],
)
def test_the_home_page_shows_the_seekers_state(stopped, valid_for, says, not_says):
    account = make(True, False, valid_for)
    client = login(account.user)  # logged in before the stop, as a seeker who then stops is
    if stopped:
        services.seeker_stop(actor=account.user, account=account)

    html = page(client.get("/seekers/"))

    assert "求職情報提供サイト ホーム" in html
    if says is None:
        assert "提供を停止しました" not in html
        assert "利用期間は" not in html
    else:
        assert says in html
        assert not_says not in html
