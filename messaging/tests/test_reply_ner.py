"""A seeker's reply naming someone in katakana or full-width romaji is held for confirmation (SPEC rule
15; the PII guard's NER step, seekers.pii_ner), and a plain reply is not."""

import pytest

from messaging import services
from messaging.models import Message
from messaging.tests.test_services import guide

pytestmark = pytest.mark.django_db


def reply(account, conversation, body, **kwargs):
    return services.seeker_reply(actor=account.user, account=account, conversation=conversation,
                                 kind="question", subject="質問", body=body, **kwargs)


@pytest.fixture
def conversation(agency_member, account):
    return guide(agency_member, account).conversation


@pytest.mark.parametrize("body", ["ＹＡＭＡＤＡ　ＴＡＲＯです。面接を希望します。", "ヤマダ タロウ、面接を希望します。"])
def test_a_reply_with_a_name_waits_for_the_seekers_confirmation(account, conversation, body):
    with pytest.raises(services.PiiUnconfirmed) as held:
        reply(account, conversation, body)

    assert [finding.kind for finding in held.value.findings] == ["name"]
    assert not Message.objects.filter(conversation=conversation, sender=Message.Sender.SEEKER).exists()
    assert reply(account, conversation, body, confirm_pii=True).body == body


def test_a_reply_naming_the_employer_only_is_sent(account, conversation):
    message = reply(account, conversation, "田中工業株式会社で営業を担当していました。夜勤はありますか。")

    assert message.body.startswith("田中工業")
