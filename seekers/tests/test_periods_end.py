"""The end of the usage period (SPEC rule 5, issue item 6): the profile vanishes by date at 00:00 JST
the day after 有効期限, and the nightly job (seekers.tasks.end_expired_periods, 00:05 JST) marks the
ended periods and mails each registered, non-stopped seeker once."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.utils import timezone

from accounts.models import AuditEvent, OutgoingEmail
from conftest import jst
from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers import services
from seekers.models import JobApplication, Profile
from seekers.search import visibility as selectors
from seekers.tasks import end_expired_periods
from seekers.tests.factories import JobApplicationFactory, SeekerAccountFactory
from tests.pages import with_totp

pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int, hour: int, minute: int) -> time_machine.travel:
    """Stand at a moment in Japan (the clock does not move during the test)."""
    return time_machine.travel(jst(date(year, month, day), hour, minute), tick=False)


def registered(applied_on: date, **kwargs):
    """A registered seeker (first login done, profile published) who applied on that day; created
    while standing on that day, as in real life."""
    with at(applied_on.year, applied_on.month, applied_on.day, 10, 0):
        return SeekerAccountFactory(application__applied_on=applied_on, **kwargs)


def ended(account_or_application) -> bool:
    pk = getattr(account_or_application, "application_id", None) or account_or_application.pk
    return JobApplication.objects.get(pk=pk).period_ended_at is not None


def period_end_mails() -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(kind="period_end").order_by("to"))


# --- month-end edges -----------------------------------------------------------------------------------


def test_valid_until_31_january_ends_on_1_february_not_before():
    account = registered(date(2026, 11, 26))
    assert account.application.valid_until == date(2027, 1, 31)

    assert services.periods_end(today=date(2027, 1, 31)) == 0
    assert not ended(account)

    assert services.periods_end(today=date(2027, 2, 1)) == 1
    assert ended(account)


def test_the_task_uses_the_japanese_date():
    account = registered(date(2026, 11, 26))

    with time_machine.travel(jst(date(2027, 1, 31), 23, 59, 59), tick=False):
        assert end_expired_periods.delay().get() == 0
    assert not ended(account)

    # 00:05 JST on 1 February is still 31 January in UTC.
    with time_machine.travel(datetime(2027, 1, 31, 15, 5, tzinfo=UTC), tick=False):
        assert end_expired_periods.delay().get() == 1
        marked = JobApplication.objects.get(pk=account.application_id).period_ended_at
    assert marked == datetime(2027, 1, 31, 15, 5, tzinfo=UTC)


def test_leap_day():
    account = registered(date(2027, 12, 10))
    assert account.application.valid_until == date(2028, 2, 29)

    with at(2028, 2, 29, 23, 59):
        assert end_expired_periods() == 0
    assert not ended(account)
    with at(2028, 3, 1, 0, 5):
        assert end_expired_periods() == 1
    assert ended(account)


def test_only_the_due_applications_are_marked():
    due = registered(date(2026, 11, 26))  # valid to 2027-01-31
    later = registered(date(2026, 12, 1))  # valid to 2027-02-28
    extended = registered(date(2026, 11, 26))
    services.application_extend(actor=None, application_ids=[extended.application_id])  # to 2027-02-28

    assert services.periods_end(today=date(2027, 2, 1)) == 1

    assert [ended(a) for a in (due, later, extended)] == [True, False, False]


# --- the notice -----------------------------------------------------------------------------------------


def test_one_notice_per_registered_non_stopped_seeker(mailoutbox, django_capture_on_commit_callbacks):
    alice = registered(date(2026, 11, 26), user__email="alice@example.jp")
    not_started = registered(date(2026, 11, 26), user__email="bob@example.jp", first_login_at=None)
    stopped = registered(date(2026, 11, 26), user__email="carol@example.jp")
    services.seeker_stop(actor=stopped.user, account=stopped)
    with at(2026, 11, 26, 10, 0):
        unregistered = JobApplicationFactory(applied_on=date(2026, 11, 26))

    with django_capture_on_commit_callbacks(execute=True):
        assert services.periods_end(today=date(2027, 2, 1)) == 4

    assert all(ended(x) for x in (alice, not_started, stopped, unregistered))
    assert [m.to for m in period_end_mails()] == ["alice@example.jp", "bob@example.jp"]
    # The mail went out (Celery runs eagerly in the unit tests) and says what happened, nothing more.
    assert sorted(m.to[0] for m in mailoutbox) == ["alice@example.jp", "bob@example.jp"]
    mail = next(m for m in mailoutbox if m.to == ["alice@example.jp"])
    assert mail.subject == "【求職情報提供サイト】利用期間終了のお知らせ"
    assert f"ユーザID {alice.user.username} の求職情報提供サイトの利用期間" in mail.body
    assert "利用団体から見えなくなりました" in mail.body
    assert alice.application.kyushoku_number not in mail.body
    assert alice.application.identity.name not in mail.body
    event = AuditEvent.objects.get(verb="application.periods_end")
    assert event.data == {"count": 4}


def test_running_twice_does_nothing_more():
    account = registered(date(2026, 11, 26))
    assert services.periods_end(today=date(2027, 2, 1)) == 1
    first_mark = JobApplication.objects.get(pk=account.application_id).period_ended_at

    with at(2027, 2, 2, 0, 5):
        assert services.periods_end(today=date(2027, 2, 2)) == 0
        assert end_expired_periods() == 0

    assert JobApplication.objects.get(pk=account.application_id).period_ended_at == first_mark
    assert len(period_end_mails()) == 1
    assert AuditEvent.objects.filter(verb="application.periods_end").count() == 1


def test_an_extension_after_the_end_gets_its_own_end_and_notice():
    """Staff extend an ended application (the notice tells the seeker to ask for this): the profile
    is listed again, and when the extended period ends the seeker is told again."""
    account = registered(date(2026, 11, 26))
    services.periods_end(today=date(2027, 2, 1))
    with at(2027, 2, 3, 10, 0):
        services.application_extend(actor=None, application_ids=[account.application_id])  # to 2027-02-28
        assert selectors.profiles_visible_to(OrganizationFactory()).filter(pk=account.application_id).exists()

    assert services.periods_end(today=date(2027, 2, 28)) == 0
    assert services.periods_end(today=date(2027, 3, 1)) == 1

    assert len(period_end_mails()) == 2
    assert JobApplication.objects.get(pk=account.application_id).period_ended_at is not None


# --- query budget ---------------------------------------------------------------------------------------

# services.periods_end, per batch of up to PERIODS_END_BATCH due applications (each its own transaction):
#   1 savepoint, 2 SELECT the due ids FOR UPDATE SKIP LOCKED, 3 UPDATE period_ended_at (the claim),
#   4 SELECT the recipients' email and ユーザID, 5 one bulk INSERT of the notices, 6 the audit event,
#   7 release savepoint; then the last batch that finds none: savepoint, SELECT, release.
PERIODS_END_QUERIES = 7 + 3


@pytest.mark.parametrize("due", [3, 10])
def test_periods_end_query_count_is_constant(django_assert_num_queries, due):
    for _ in range(due):
        registered(date(2026, 11, 26))
    registered(date(2026, 12, 26))  # not due yet

    with django_assert_num_queries(PERIODS_END_QUERIES):
        assert services.periods_end(today=date(2027, 2, 1)) == due

    assert len(period_end_mails()) == due


def test_periods_end_works_in_batches_each_with_its_audit_event(django_assert_num_queries):
    accounts = [registered(date(2026, 11, 26)) for _ in range(5)]

    with django_assert_num_queries(3 * 7 + 3):
        assert services.periods_end(today=date(2027, 2, 1), batch=2) == 5

    assert all(ended(account) for account in accounts)
    assert len(period_end_mails()) == 5
    counts = sorted(e.data["count"] for e in AuditEvent.objects.filter(verb="application.periods_end"))
    assert counts == [1, 2, 2]


def test_the_notice_names_each_seekers_own_user_id(mailoutbox, django_capture_on_commit_callbacks):
    accounts = [registered(date(2026, 11, 26)) for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        services.periods_end(today=date(2027, 2, 1))
    bodies = {message.to[0]: message.body for message in mailoutbox}
    for account in accounts:
        assert f"ユーザID {account.user.username} の" in bodies[account.user.email]
    assert not any("USERIDMARK" in body for body in bodies.values())


# --- visibility follows the date, before the job -------------------------------------------------------


def test_the_profile_vanishes_at_midnight_before_the_job_runs(client):
    account = registered(date(2026, 11, 26))
    public_id = Profile.objects.get(pk=account.application_id).public_id
    with at(2026, 11, 26, 10, 0):
        organization = OrganizationFactory()
        member = MemberFactory(organization=organization).user
        with_totp(member)

    with at(2027, 1, 31, 23, 59):
        client.force_login(member)
        assert public_id in client.get("/orgs/seekers/").content.decode()
        assert client.get(f"/orgs/seekers/{public_id}/").status_code == 200

    with at(2027, 2, 1, 0, 0):
        client.force_login(member)
        assert public_id not in client.get("/orgs/seekers/").content.decode()
        assert client.get(f"/orgs/seekers/{public_id}/").status_code == 404
        assert not ended(account)  # the job has not run; the date alone hides it

    with at(2027, 2, 1, 0, 5):
        end_expired_periods()
        client.force_login(member)
        assert client.get(f"/orgs/seekers/{public_id}/").status_code == 404

    # The seeker, who can still log in, sees that nobody can see the profile.
    with at(2027, 2, 1, 9, 0):
        client.force_login(account.user)
        html = client.get("/seekers/profile/").content.decode()
        assert "0 団体" in html
        assert timezone.localdate() == date(2027, 2, 1)
