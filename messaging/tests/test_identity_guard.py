"""A reply or 辞退 that carries the seeker's own registered identity (SPEC rule 15): refused until the
seeker confirms, with the finding explained (which registered item, never its value copied), through
the same confirm-before-send flow as the guard's patterns."""

import pytest

from messaging import services
from messaging.tests.helpers import seeker_replies
from seekers.models import ApplicantIdentity
from tests.pages import field_error, page


@pytest.fixture(autouse=True)
def _identity_finder_alone(settings):
    """These tests are about the comparison with the registered identity; the NER finder, which
    also finds names, is tested on its own (seekers/tests/test_pii_ner.py)."""
    settings.PII_NER_ENABLED = False


@pytest.fixture
def registered(account):
    """The seeker registered as 森川 颯太, born 1988-07-15."""
    ApplicantIdentity.objects.filter(pk=account.application_id).update(
        name="森川 颯太", name_kana="モリカワ ソウタ", birth_date="1988-07-15"
    )
    return account


def send(account, conversation, body, **kwargs):
    return services.seeker_reply(actor=account.user, account=account, conversation=conversation,
                                 kind="question", subject="質問", body=body, **kwargs)


def test_a_reply_with_the_seekers_name_is_refused_until_confirmed(registered, guidance):
    body = "森川颯太です。夜勤はありますか。"

    with pytest.raises(services.PiiUnconfirmed) as refused:
        send(registered, guidance.conversation, body)

    assert [f.label for f in refused.value.findings] == ["本人の登録情報と一致(氏名)"]
    assert not seeker_replies().exists()
    assert send(registered, guidance.conversation, body, confirm_pii=True).body == body


@pytest.mark.parametrize(("body", "label"), [
    ("生まれは昭和63年7月15日です", "本人の登録情報と一致(生年月日)"),
    ("わたしはもりかわです。よろしくお願いします", "本人の登録情報と一致(フリガナ)"),
    ("Sota Morikawa と申します", "本人の登録情報と一致(フリガナ)"),
])
def test_other_registered_items_are_explained_by_what_they_are(registered, guidance, body, label):
    with pytest.raises(services.PiiUnconfirmed) as refused:
        send(registered, guidance.conversation, body)

    assert label in [f.label for f in refused.value.findings]


def test_another_persons_name_needs_no_confirmation(registered, guidance):
    assert send(registered, guidance.conversation, "小野寺美咲の紹介で知りました。").pk


def test_a_decline_with_the_seekers_name_is_refused_until_confirmed(registered, guidance):
    with pytest.raises(services.PiiUnconfirmed):
        services.seeker_decline(actor=registered.user, account=registered, conversation=guidance.conversation,
                                body="森川颯太は今回は辞退します。")

    message = services.seeker_decline(actor=registered.user, account=registered, conversation=guidance.conversation,
                                      body="森川颯太は今回は辞退します。", confirm_pii=True)
    assert message.body == "森川颯太は今回は辞退します。"


def test_the_thread_page_asks_for_confirmation_and_says_why(registered, seeker_client, guidance):
    data = {"action": "reply", "kind": "question", "subject": "質問", "body": "森川颯太です。夜勤はありますか。"}

    html = page(seeker_client.post(f"/seekers/messages/{guidance.pk}/", data))

    assert "次の情報が含まれている可能性があります: 本人の登録情報と一致(氏名)" in html
    assert "個人を特定できる情報の可能性があります" in field_error(html, "confirm_pii")
    assert not seeker_replies().exists()

    response = seeker_client.post(f"/seekers/messages/{guidance.pk}/", {**data, "confirm_pii": "on"})

    assert response.status_code == 302
    assert seeker_replies().get().body == data["body"]
