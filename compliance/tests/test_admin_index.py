"""The admin index starts with the work waiting for staff: each count is of exactly the rows its rule
names (rows just inside and just outside it), and its link opens the list filtered to those rows."""

import html as html_lib
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group

from accounts.tests.factories import UserFactory
from compliance import selectors
from compliance.models import Complaint, CorrectionRequest
from compliance.tests.factories import ComplaintFactory, DeletionRequestFactory, ViolationFactory
from messaging.tests.factories import ConversationFactory
from organizations.tests.factories import OrganizationFactory
from seekers import services as seeker_services
from seekers.tests.factories import JobApplicationFactory
from tests.pages import changelist_rows, login, page, with_totp

pytestmark = pytest.mark.django_db

JST = ZoneInfo("Asia/Tokyo")
TODAY = date(2026, 11, 26)


@pytest.fixture(autouse=True)
def now(time_machine):
    time_machine.move_to(datetime(2026, 11, 26, 10, 0, tzinfo=JST))


@pytest.fixture
def staff_client(staff):
    return login(with_totp(staff))


def work_on_index(html: str) -> dict[str, tuple[int, str]]:
    """{label: (count, link)} of the index's 対応が必要なもの table."""
    section = re.search(r'<div id="staff-work".*?</table>', html, re.S).group(0)
    rows = re.findall(r'<th scope="row"><a href="([^"]+)">([^<]+)</a>.*?</th>\s*<td[^>]*>(.*?)</td>', section, re.S)
    return {label: (int(count.strip().removesuffix("件")) if count.strip() else None, html_lib.unescape(href))
            for href, label, count in rows}


def org(name: str, **kwargs):
    return OrganizationFactory(name=name, **kwargs)


def complaint_about(name: str, status: str):
    return ComplaintFactory(conversation=ConversationFactory(organization=org(name)), status=status)


def correction(name: str, *, due_in: int, answered: bool = False):
    violation = ViolationFactory(organization=org(name), confirmed=True)
    return CorrectionRequest.objects.create(
        violation=violation, organization=violation.organization, issued_on=TODAY - timedelta(days=20),
        due_on=TODAY + timedelta(days=due_in), content="再発防止策を報告してください。",
        answer="対策を講じました。" if answered else "", answered_on=TODAY if answered else None,
    )


@pytest.fixture
def known_work():
    """Rows inside each rule and rows just outside it."""
    complaint_about("受付の苦情社", Complaint.Status.RECEIVED)
    complaint_about("調査中の苦情社", Complaint.Status.INVESTIGATING)
    complaint_about("対応済みの苦情社", Complaint.Status.DONE)

    DeletionRequestFactory(conversation=ConversationFactory(organization=org("期限切れ未回答社")), overdue=True)
    DeletionRequestFactory(conversation=ConversationFactory(organization=org("今日が期限社")), due_on=TODAY)
    DeletionRequestFactory(conversation=ConversationFactory(organization=org("期限切れ回答済み社")),
                           overdue=True, answered=True)

    withheld = JobApplicationFactory(kyushoku_number="13010-00000101",
                                     profile__main_experience="連絡は 090-1234-5678 まで")
    released = JobApplicationFactory(kyushoku_number="13010-00000102",
                                     profile__appeal_points="メールは taro@example.jp へ")
    clean = JobApplicationFactory(kyushoku_number="13010-00000103")
    for application in (withheld, released, clean):
        seeker_services.profile_screen(actor=None, profile=application.profile)
    assert released.profile.withheld  # withheld, then released by staff: out of the count
    seeker_services.profile_release_field(actor=None, profile=released.profile, field="appeal_points")

    org("承諾待ち社", unapproved=True)
    org("承諾済み社")
    org("承諾前に利用解除社", unapproved=True, revoked=True)

    correction("期限まで3日社", due_in=3)
    correction("期限まで7日社", due_in=7)
    correction("期限まで8日社", due_in=8)
    correction("期限切れ是正社", due_in=-2)
    correction("回答済み是正社", due_in=2, answered=True)


def test_each_count_is_of_the_rows_its_rule_names(staff_client, known_work):
    work = work_on_index(page(staff_client.get("/admin/")))

    assert {label: count for label, (count, _link) in work.items()} == {
        "未対応の苦情": 2,
        "期限を過ぎた削除・廃棄の回答": 1,
        "PII確認待ち": 1,
        "承諾待ちの利用団体": 1,
        "回答期限の近い是正要請": 3,
        "利用状況の報告": None,
    }


@pytest.mark.parametrize(("label", "shown"), [
    ("未対応の苦情", {"受付の苦情社", "調査中の苦情社"}),
    ("期限を過ぎた削除・廃棄の回答", {"期限切れ未回答社"}),
    ("PII確認待ち", {"13010-00000101"}),
    ("承諾待ちの利用団体", {"承諾待ち社"}),
    ("回答期限の近い是正要請", {"期限まで3日社", "期限まで7日社", "期限切れ是正社"}),
])
def test_each_link_opens_the_list_of_exactly_those_rows(staff_client, known_work, label, shown):
    count, link = work_on_index(page(staff_client.get("/admin/")))[label]

    rows = changelist_rows(staff_client.get(link))

    assert len(rows) == count == len(shown)
    for expected in shown:
        assert sum(expected in row for row in rows) == 1, (expected, rows)


def test_the_usage_report_is_linked_from_the_index(staff_client):
    _count, link = work_on_index(page(staff_client.get("/admin/")))["利用状況の報告"]

    assert link == "/admin/compliance/violation/report/"
    assert "<h1>利用状況の報告</h1>" in page(staff_client.get(link))


def test_with_nothing_waiting_every_count_is_zero(staff_client):
    work = work_on_index(page(staff_client.get("/admin/")))

    assert {count for label, (count, _link) in work.items() if label != "利用状況の報告"} == {0}


def test_counter_staff_see_only_the_counts_of_lists_they_may_open(client, known_work):
    counter = UserFactory(role="staff", is_staff=True)
    counter.groups.add(Group.objects.get(name="窓口職員"))
    client.force_login(with_totp(counter))

    work = work_on_index(page(client.get("/admin/")))

    # 是正要請 belong to the 労働局 監督 (compliance/migrations/0002_staff_groups).
    assert set(work) == {"未対応の苦情", "期限を過ぎた削除・廃棄の回答", "PII確認待ち", "承諾待ちの利用団体", "利用状況の報告"}


def test_the_counts_cost_one_query_each(known_work, django_assert_num_queries):
    # complaints, deletion requests, profiles, organisations, correction requests: one COUNT each.
    with django_assert_num_queries(5):
        counts = selectors.staff_work_counts(TODAY)

    assert counts == {"complaints_open": 2, "deletion_requests_overdue": 1, "profiles_pii_review": 1,
                      "organizations_pending": 1, "corrections_due_soon": 3}
