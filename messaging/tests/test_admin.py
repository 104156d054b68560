"""Conversations in the admin (messaging.admin): read-only, found by the organisation's name, the
seeker's 求職番号 (typed in full width too) or a date, opened with the seeker's 求職番号 recorded as an
identity view, and looked up by name when staff link them as a violation's evidence."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from messaging.models import Conversation
from messaging.tests.factories import ConversationFactory, MessageFactory
from organizations.tests.factories import OrganizationFactory
from tests.pages import changelist_rows, login, page, with_totp

pytestmark = pytest.mark.django_db

JST = ZoneInfo("Asia/Tokyo")
LIST = "/admin/messaging/conversation/"


@pytest.fixture(autouse=True)
def now(time_machine):
    time_machine.move_to(datetime(2026, 11, 26, 10, 0, tzinfo=JST))


@pytest.fixture
def staff_client(staff):
    return login(with_totp(staff))


def conversation(org_name: str, number: str, started: datetime, last: datetime | None = None) -> Conversation:
    found = ConversationFactory(organization=OrganizationFactory(name=org_name),
                                account__application__kyushoku_number=number)
    Conversation.objects.filter(pk=found.pk).update(created_at=started, last_message_at=last or started)
    return Conversation.objects.get(pk=found.pk)


@pytest.fixture
def three():
    return [
        conversation("介護人材センター", "13010-11112222", datetime(2026, 11, 20, 23, 30, tzinfo=JST)),
        conversation("事務キャリア", "13010-33334444", datetime(2026, 11, 21, 0, 30, tzinfo=JST)),
        conversation("物流ジョブ", "13010-55556666", datetime(2026, 11, 1, 9, 0, tzinfo=JST),
                     last=datetime(2026, 11, 20, 12, 0, tzinfo=JST)),
    ]


def found(client, term: str) -> list[str]:
    return changelist_rows(client.get(LIST, {"q": term}))


def test_found_by_the_organisations_name(staff_client, three):
    [row] = found(staff_client, "事務キャリア")
    assert "事務キャリア" in row


@pytest.mark.parametrize("typed", ["13010-55556666", "１３０１０－５５５５６６６６", "１３０１０ー５５５５６６６６"])
def test_found_by_the_seekers_number_as_typed(staff_client, three, typed):
    [row] = found(staff_client, typed)
    assert "物流ジョブ" in row


@pytest.mark.parametrize("typed", ["2026/11/20", "2026-11-20", "２０２６／１１／２０", "2026年11月20日"])
def test_found_by_a_day_in_japan_time_begun_or_last_written(staff_client, three, typed):
    rows = found(staff_client, typed)

    # 23:30 JST on the 20th is the 20th (14:30 UTC); 00:30 JST on the 21st is not, though it is the 20th in UTC.
    assert sorted(name for name in ("介護人材センター", "事務キャリア", "物流ジョブ") if any(name in r for r in rows)) == \
        ["介護人材センター", "物流ジョブ"]
    assert len(rows) == 2


def test_a_day_and_a_name_together_narrow_the_search(staff_client, three):
    [row] = found(staff_client, "2026/11/20 物流")
    assert "物流ジョブ" in row


def test_the_list_shows_no_seeker_number(staff_client, three):
    html = page(staff_client.get(LIST))

    assert "13010-11112222" not in html
    assert not AuditEvent.objects.filter(verb__startswith="identity.").exists()


def test_the_page_shows_the_thread_and_the_number_and_records_the_view(staff_client, staff, three):
    subject = three[0]
    MessageFactory(conversation=subject, body="介護職の求人のご案内です。")

    response = staff_client.get(reverse("admin:messaging_conversation_change", args=[subject.pk]))

    assert response.status_code == 200
    html = page(response)
    assert "13010-11112222" in html
    assert "介護職の求人のご案内です。" in html
    assert 'name="_save"' not in html  # read only: nothing to save
    [event] = AuditEvent.objects.filter(verb="identity.view")
    assert (event.actor, event.target_type, event.target_label) == (staff, "seekers.JobApplication", "13010-11112222")
    assert event.data == {"conversation": subject.pk}


def test_staff_can_neither_add_nor_change_nor_delete_one(staff_client, three):
    subject = three[0]

    assert staff_client.get(f"{LIST}add/").status_code == 403
    assert staff_client.post(reverse("admin:messaging_conversation_change", args=[subject.pk]),
                             {"declined_at_0": "2026-11-26"}).status_code == 403
    assert staff_client.post(reverse("admin:messaging_conversation_delete", args=[subject.pk]),
                             {"post": "yes"}).status_code == 403
    assert Conversation.objects.filter(pk=subject.pk, declined_at__isnull=True).exists()


def lookup(client, model: str, field: str, term: str) -> list[dict]:
    response = client.get(reverse("admin:autocomplete"), {
        "app_label": "compliance", "model_name": model, "field_name": field, "term": term})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_a_supervisor_finds_a_conversation_for_the_violations_evidence_by_number(client, three):
    from compliance.tests.factories import staff_in

    supervisor = staff_in("労働局 監督")  # posted to 東京労働局, whose office 13010 took the application
    client.force_login(with_totp(supervisor))

    [result] = lookup(client, "violation", "conversations", "１３０１０－３３３３４４４４")

    assert result["id"] == str(three[1].pk)
    assert result["text"].startswith("事務キャリア")


def test_organisations_and_violations_are_looked_up_by_name(staff_client, three):
    from compliance.tests.factories import ViolationFactory

    violation = ViolationFactory(organization=three[2].organization, confirmed=True)

    [organization] = lookup(staff_client, "violation", "organization", "物流")
    [for_suspension] = lookup(staff_client, "suspension", "violation", "物流ジョブ")

    assert organization == {"id": str(three[2].organization_id), "text": "物流ジョブ"}
    assert for_suspension["id"] == str(violation.pk)
    assert for_suspension["text"].startswith("物流ジョブ")
