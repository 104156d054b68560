"""Saved searches (issue 16), the services and the reads: a member keeps a search under a name (at
most SAVED_SEARCHES_PER_MEMBER, a name once), the count of profiles new since the member last opened
it goes through the one visibility rule and the search's own filters, and the hourly task mails each
saved search's member once a day at the chosen hour (JST) with the count and a link, never a profile."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings

from accounts.models import AuditEvent, OutgoingEmail
from conftest import TODAY, jst
from organizations.models import Prefecture
from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers import services
from seekers.models import Block, SavedSearch
from seekers.search.saved import SAVED_SEARCHES_PER_MEMBER, new_count, saved_search_rows
from seekers.tasks import saved_searches_mail
from seekers.tests.helpers import seeker_with

pytestmark = pytest.mark.django_db

TOKYO = {"prefecture": "13"}


@pytest.fixture
def member(agency):
    return MemberFactory(organization=agency)


def save(member, name="東京都", query=None, mail_hour=None) -> SavedSearch:
    return services.saved_search_create(actor=member.user, member=member, name=name,
                                        query=TOKYO if query is None else query, mail_hour=mail_hour)


def tokyo_seeker(**values):
    return seeker_with(desired_prefecture=Prefecture.objects.get(code="13"), **values)


# --- create, rename, delete -------------------------------------------------------------------------------


def test_a_saved_search_is_audited_and_starts_with_nothing_new(member, agency):
    tokyo_seeker()

    saved = save(member, mail_hour=9)

    assert (saved.name, saved.query, saved.mail_hour) == ("東京都", TOKYO, 9)
    event = AuditEvent.objects.get(verb=AuditEvent.Verb.SAVED_SEARCH_CREATE)
    assert event.actor == member.user and event.target_id == str(saved.pk)
    assert new_count(saved, agency) == 0  # what was there when it was saved is not new


def test_the_same_name_twice_is_refused_at_the_name(member):
    save(member)

    with pytest.raises(services.SavedSearchRefused) as refused:
        save(member, query={"prefecture": "27"})

    assert refused.value.field == "name"
    assert "同じ名前" in refused.value.message
    assert SavedSearch.objects.count() == 1


def test_another_member_may_use_the_same_name(member, agency):
    save(member)
    save(MemberFactory(organization=agency))

    assert SavedSearch.objects.filter(name="東京都").count() == 2


def test_a_member_keeps_at_most_the_limit(member):
    for number in range(SAVED_SEARCHES_PER_MEMBER):
        save(member, name=f"検索{number}")

    with pytest.raises(services.SavedSearchRefused) as refused:
        save(member, name="もう一つ")

    assert refused.value.field is None
    assert f"{SAVED_SEARCHES_PER_MEMBER}件まで" in refused.value.message
    assert SavedSearch.objects.filter(member=member).count() == SAVED_SEARCHES_PER_MEMBER


def test_rename_and_mail_hour_change_are_audited(member):
    saved = save(member)
    other = save(member, name="大阪府", query={"prefecture": "27"})

    services.saved_search_update(actor=member.user, saved=saved, name="東京都の求職者", mail_hour=18)

    saved.refresh_from_db()
    assert (saved.name, saved.mail_hour, saved.query) == ("東京都の求職者", 18, TOKYO)
    event = AuditEvent.objects.get(verb=AuditEvent.Verb.SAVED_SEARCH_UPDATE)
    assert event.data == {"before": {"name": "東京都", "mail_hour": None},
                          "after": {"name": "東京都の求職者", "mail_hour": 18}}
    with pytest.raises(services.SavedSearchRefused):
        services.saved_search_update(actor=member.user, saved=other, name="東京都の求職者", mail_hour=None)


def test_delete_is_audited(member):
    saved = save(member)

    services.saved_search_delete(actor=member.user, saved=saved)

    assert not SavedSearch.objects.exists()
    assert AuditEvent.objects.get(verb=AuditEvent.Verb.SAVED_SEARCH_DELETE).data["name"] == "東京都"


# --- new since last looked ----------------------------------------------------------------------------------


def test_new_counts_later_matching_profiles_only_and_opening_resets(member, agency, time_machine):
    tokyo_seeker()
    saved = save(member)
    time_machine.shift(timedelta(minutes=5))
    tokyo_seeker()
    tokyo_seeker()
    seeker_with(desired_prefecture=Prefecture.objects.get(code="27"))  # new, but not in the search

    assert new_count(saved, agency) == 2
    [row] = saved_search_rows(member, agency)
    assert (row["new"], row["valid"], row["conditions"]) == (2, True, [("希望勤務地(都道府県)", "東京都")])

    time_machine.shift(timedelta(minutes=5))
    services.saved_search_open(saved=saved)
    saved.refresh_from_db()
    assert new_count(saved, agency) == 0


def test_new_goes_through_the_visibility_rule(member, agency, time_machine):
    saved = save(member)
    time_machine.shift(timedelta(minutes=5))
    blocker, _profile = tokyo_seeker()
    tokyo_seeker()
    Block.objects.create(account=blocker, organization=agency)

    assert new_count(saved, agency) == 1  # the seeker who blocked the agency is not there for it


def test_a_query_no_longer_valid_counts_nothing_and_says_so(member, agency):
    saved = save(member, query={"prefecture": "99"})

    assert new_count(saved, agency) is None
    [row] = saved_search_rows(member, agency)
    assert row["valid"] is False and row["new"] is None


# --- the daily mail -------------------------------------------------------------------------------------------


def at(hour, minute=0, days=1):
    return jst(TODAY + timedelta(days=days), hour, minute)


def mails():
    return list(OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.SAVED_SEARCH_NEW).order_by("pk"))


def test_the_mail_goes_at_the_chosen_hour_with_the_count_and_the_link(member, agency, time_machine):
    saved = save(member, name="東京都・事務", mail_hour=9)
    time_machine.shift(timedelta(minutes=5))
    _account, profile = tokyo_seeker(desired_job="経理事務のベテラン", appeal_points="簿記一級を持っています。")
    tokyo_seeker()

    time_machine.move_to(at(8, 59), tick=False)
    assert saved_searches_mail() == 0 and mails() == []
    time_machine.move_to(at(9, 0), tick=False)
    assert saved_searches_mail() == 1

    [mail] = mails()
    assert mail.to == member.user.email
    assert "新着: 2件" in mail.body and "東京都・事務" in mail.body
    assert f"{settings.SITE_URL}/orgs/saved-searches/{saved.pk}/" in mail.body
    for part in (mail.subject, mail.body, mail.html_body):
        for content in (profile.public_id, "経理事務", "簿記", "東京都 "):
            assert content not in part
    event = AuditEvent.objects.get(verb=AuditEvent.Verb.SAVED_SEARCH_MAIL)
    assert event.target_id == str(saved.pk) and event.data == {"count": 2}


def test_the_hour_is_japan_time(member, agency, time_machine):
    save(member, mail_hour=9)
    time_machine.shift(timedelta(minutes=5))
    tokyo_seeker()

    day = TODAY + timedelta(days=1)
    time_machine.move_to(datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC), tick=False)  # 18:00 JST
    assert saved_searches_mail() == 0
    time_machine.move_to(datetime(day.year, day.month, day.day, 0, 0, tzinfo=UTC), tick=False)  # 09:00 JST
    assert saved_searches_mail() == 1


def test_once_a_day_and_only_what_is_newer_than_the_last_mail(member, agency, time_machine):
    save(member, mail_hour=9)
    time_machine.shift(timedelta(minutes=5))
    tokyo_seeker()

    time_machine.move_to(at(9, 0), tick=False)
    assert saved_searches_mail() == 1
    time_machine.move_to(at(9, 30), tick=True)
    assert saved_searches_mail() == 0  # a second run in the same hour: already handled today

    time_machine.move_to(at(9, 0, days=2), tick=False)
    assert saved_searches_mail() == 0  # nothing published since the first mail: no mail
    time_machine.move_to(at(12, 0, days=2), tick=True)
    tokyo_seeker()
    time_machine.move_to(at(9, 0, days=3), tick=False)
    assert saved_searches_mail() == 1
    assert "新着: 1件" in mails()[-1].body
    assert len(mails()) == 2


def test_no_mail_without_an_hour_or_with_nothing_new(member, agency, time_machine):
    save(member, name="メールなし", mail_hour=None)
    save(member, name="新着なし", query={"prefecture": "27"}, mail_hour=9)
    time_machine.shift(timedelta(minutes=5))
    tokyo_seeker()

    time_machine.move_to(at(9, 0), tick=False)
    assert saved_searches_mail() == 0
    assert mails() == []


def test_a_suspended_organisation_is_told_nothing(time_machine):
    suspended = OrganizationFactory(suspended=True)
    member = MemberFactory(organization=suspended)
    save(member, mail_hour=9)
    time_machine.shift(timedelta(minutes=5))
    tokyo_seeker()

    time_machine.move_to(at(9, 0), tick=False)
    assert saved_searches_mail() == 0  # profiles_visible_to sees nothing for it
