"""The first-contact notice (leaflet STEP 2, SPEC rule 13) through the real outbox path: the first
guidance from an organisation mails the seeker once, through Celery on Redis and a real SMTP server,
with a link to the message list and nothing of the message itself; the next guidance from the same
organisation mails nothing."""

import time

import pytest
from django.conf import settings

from accounts.models import OutgoingEmail
from messaging.models import Message
from messaging.services import guidance_send
from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers.models import Profile
from seekers.tests.factories import SeekerAccountFactory
from tests.conftest import text_body, wait_for_mail, wait_until_sent

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

SUBJECT = "利用団体から案内メッセージが届きました"
FIRST_SUBJECT = "介護職の求人のご案内"
FIRST_BODY = "首都圏の介護施設の求人を多数取り扱っています。ご興味があればご返信ください。"
# How long a second notice, were one queued, would have to reach the sink: the first one arrives in
# well under a second with the solo worker.
QUIET_SECONDS = 4



def test_first_guidance_mails_one_notice_and_the_next_none(celery_worker_on_redis, smtp_sink):
    agency = OrganizationFactory(name="みらい人材紹介株式会社")
    member = MemberFactory(organization=agency).user
    account = SeekerAccountFactory()
    public_id = Profile.objects.get(pk=account.application_id).public_id

    first = guidance_send(actor=member, organization=agency, public_id=public_id, subject=FIRST_SUBJECT,
                          body=FIRST_BODY)

    [message] = wait_for_mail(smtp_sink, 1)
    assert message["To"] == account.user.email
    assert [recipients for _sender, recipients in smtp_sink.envelopes] == [[account.user.email]]
    # Django 5.2 folds the encoded subject onto a continuation line; unfolding leaves a leading space.
    subject = message["Subject"].strip()
    assert subject.endswith(SUBJECT), subject
    body = text_body(message)
    assert f"{settings.SITE_URL}/seekers/messages/" in body
    assert agency.name in body
    html = message.get_body(preferencelist=("html",)).get_content()
    assert f'href="{settings.SITE_URL}/seekers/messages/"' in html
    # A notice only: nothing of the message, its disclosures or the seeker's profile.
    for part in (subject, body, html):
        for secret in (FIRST_SUBJECT, "首都圏の介護施設", agency.fees, agency.track_record, public_id):
            assert secret not in part
    outbox = OutgoingEmail.objects.get(to=account.user.email)
    assert outbox.kind == "first_guidance"
    assert wait_until_sent(outbox.pk).attempts == 1

    # The second guidance from the same organisation: no mail (the seeker checks the site).
    second = guidance_send(actor=member, organization=agency, public_id=public_id, subject="追加の求人のご案内",
                           body="新しい求人が入りました。")
    assert second.conversation_id == first.conversation_id
    assert Message.objects.filter(conversation=first.conversation, kind=Message.Kind.GUIDANCE).count() == 2
    time.sleep(QUIET_SECONDS)
    assert len(smtp_sink.messages) == 1, [str(m["Subject"]) for m in smtp_sink.messages]
    assert OutgoingEmail.objects.filter(to=account.user.email).count() == 1
