"""The saved-search mail (issue 16) through the real path: the hourly beat task published to Redis, a
real Celery worker running it at the member's chosen hour (JST), the outbox row it writes sent by the
same worker to a real SMTP server. The mail carries the saved search's name, the count of new profiles
and the link that opens it, and nothing of any profile."""

from datetime import timedelta

import pytest
from django.conf import settings

from accounts.models import OutgoingEmail
from conftest import TODAY, jst
from organizations.models import Prefecture
from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers import services
from seekers.tasks import saved_searches_mail
from seekers.tests.helpers import seeker_with
from tests.conftest import text_body, wait_for_mail, wait_until_sent

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

SUBJECT = "【求職情報提供サイト】保存した検索条件の新着のお知らせ"


def test_the_saved_search_mail_arrives_at_its_hour_with_the_count_and_the_link(celery_worker_on_redis, smtp_sink,
                                                                                time_machine):
    member = MemberFactory(organization=OrganizationFactory(name="みらい人材紹介株式会社"))
    saved = services.saved_search_create(actor=member.user, member=member, name="東京都の介護職",
                                         query={"prefecture": "13"}, mail_hour=9)
    time_machine.shift(timedelta(minutes=5))
    tokyo = Prefecture.objects.get(code="13")
    profiles = [seeker_with(desired_prefecture=tokyo, desired_job="特別養護老人ホームの介護職",
                            appeal_points="夜勤専従の経験が長いです。")[1] for _ in range(3)]
    seeker_with(desired_prefecture=Prefecture.objects.get(code="27"))  # new, but not in the search

    time_machine.move_to(jst(TODAY + timedelta(days=1), 9, 0), tick=True)
    saved_searches_mail.delay()  # what beat publishes on the hour

    [message] = wait_for_mail(smtp_sink, 1)
    assert [recipients for _sender, recipients in smtp_sink.envelopes] == [[member.user.email]]
    subject = message["Subject"].strip()
    assert subject.endswith(SUBJECT), subject
    body = text_body(message)
    assert "保存した検索条件「東京都の介護職」" in body
    assert "新着: 3件" in body
    assert f"{settings.SITE_URL}/orgs/saved-searches/{saved.pk}/" in body
    for profile in profiles:
        assert profile.public_id not in body and profile.public_id not in subject
    for content in ("特別養護老人ホーム", "夜勤専従", "介護職員"):
        assert content not in body
    outbox = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.SAVED_SEARCH_NEW)
    assert wait_until_sent(outbox.pk).attempts == 1
