"""/seekers/my-data/ (開示): the page and the JSON download hold every kind of record of the signed-in
seeker and nothing of another's; anonymous → login, members and staff → 403; a stopped seeker still
opens it; each download is audited; the queries do not grow with the rows."""

import json
import re

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from compliance.tests.my_data_records import records_for
from seekers import services as seeker_services
from tests.pages import login, page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa")]

PAGE = reverse("compliance_seekers:my_data")
DOWNLOAD = reverse("compliance_seekers:my_data_download")


def download(client, path=DOWNLOAD):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    return json.loads(b"".join(response.streaming_content).decode())


@pytest.fixture
def both(account, other_seeker):
    mine = records_for(account, tag="甲")
    theirs = records_for(other_seeker.seeker_account, tag="乙")
    return mine, theirs


def test_the_json_holds_every_kind_of_record_and_nothing_of_another_seeker(seeker_client, account, both):
    data = download(seeker_client)
    application = account.application
    text = json.dumps(data, ensure_ascii=False)

    assert data["schema"] == "kyushoku-my-data/1"
    assert data["account"]["user_id"] == account.user.username
    assert {r["field"]: r["value"] for r in data["application"]}["application.kyushoku_number"] == \
        application.kyushoku_number
    assert {r["field"]: r["value"] for r in data["identity"]}["identity.name"] == application.identity.name
    assert data["profile"]["public_id"] == application.profile.public_id
    assert {r["field"]: r["value"] for r in data["profile"]["fields"]}["profile.desired_job"] == \
        application.profile.desired_job
    conditions = {r["field"]: r["chosen"] for r in data["receive_conditions"]}
    assert conditions["regions"] == ["東京都"] and conditions["kinds"]
    assert [b["organization"] for b in data["blocks"]] == ["ブロック団体甲"]
    assert [c["organization"] for c in data["conversations"]] == ["団体甲0", "団体甲1"]
    assert [m["body"] for m in data["conversations"][0]["messages"]] == ["本文甲-0-0", "本文甲-0-1", "本文甲-0-2"]
    assert data["conversations"][0]["messages"][1]["sender"] == "seeker"
    assert sorted(v["organization"] for v in data["profile_views"]) == ["団体甲0", "団体甲1"]
    assert data["deletion_requests"][0]["answer_note"] == "削除しました甲"
    assert data["deletion_requests"][0]["disposed_on"]
    assert [c["body"] for c in data["complaints"]] == ["苦情甲"]
    assert data["correction_requests"][0]["requested_value"] == "新住所甲"
    verbs = {e["verb"] for e in data["audit_events"]}
    assert {"seeker.block", "seeker.conditions_set", "complaint.file", "data_correction.request",
            "my_data.download"} <= verbs
    assert {e["actor"] for e in data["audit_events"] if e["verb"] == "seeker.block"} == {"本人"}
    assert "乙" not in text
    other_application = both[1]["complaint"].account.application
    assert other_application.kyushoku_number not in text and other_application.identity.name not in text


def test_the_page_shows_every_part(seeker_client, account, both):
    html = page(seeker_client.get(PAGE))

    for text in (account.application.kyushoku_number, account.application.identity.name, "ブロック団体甲",
                 "団体甲0", "本文甲-0-0", "本文甲-1-2", "削除しました甲", "苦情甲", "新住所甲", "受付",
                 account.application.profile.public_id, "東京都", "利用団体のブロック"):
        assert text in html, text
    assert "乙" not in html
    assert f'href="{DOWNLOAD}"' in html


def test_messages_are_paged_on_the_page_and_complete_in_the_json(seeker_client, account):
    records_for(account, tag="甲", conversations=1, messages=60)

    first, second = page(seeker_client.get(PAGE)), page(seeker_client.get(PAGE, {"page": 2}))
    assert "本文甲-0-49" in first and "本文甲-0-50" not in first
    assert "本文甲-0-50" in second and "本文甲-0-59" in second
    assert len(download(seeker_client)["conversations"][0]["messages"]) == 60


def test_a_parameter_naming_another_seeker_changes_nothing(seeker_client, account, other_seeker, both):
    other = other_seeker.seeker_account
    for params in ({"account": other.pk}, {"seeker": other.pk}, {"user": other_seeker.pk}):
        assert "乙" not in page(seeker_client.get(PAGE, params))
        data = json.loads(b"".join(seeker_client.get(DOWNLOAD, params).streaming_content).decode())
        assert data["account"]["user_id"] == account.user.username
        assert "乙" not in json.dumps(data, ensure_ascii=False)


def test_another_seekers_data_by_a_changed_path_is_a_404(seeker_client, other_seeker):
    for path in (f"{PAGE}{other_seeker.seeker_account.pk}/", f"{DOWNLOAD}{other_seeker.seeker_account.pk}/"):
        assert seeker_client.get(path).status_code == 404


def test_each_download_is_audited(seeker_client, account):
    download(seeker_client)
    download(seeker_client)

    events = AuditEvent.objects.filter(verb=AuditEvent.Verb.MY_DATA_DOWNLOAD)
    assert events.count() == 2
    assert {(e.actor_id, e.target_id) for e in events} == {(account.user_id, str(account.pk))}


def test_opening_the_page_is_not_a_download(seeker_client):
    seeker_client.get(PAGE)
    assert not AuditEvent.objects.filter(verb=AuditEvent.Verb.MY_DATA_DOWNLOAD).exists()


def test_a_stopped_seeker_still_sees_and_downloads_their_data(seeker, account):
    records_for(account, tag="甲")
    seeker_services.seeker_stop(actor=seeker, account=account)
    client = login(seeker)

    assert "本文甲-0-0" in page(client.get(PAGE))
    data = download(client)
    assert data["account"]["stopped_at"]
    assert data["account"]["reachability"] == "利用停止中"


@pytest.mark.parametrize("path", [PAGE, DOWNLOAD])
def test_anonymous_is_sent_to_login(anonymous, path):
    response = anonymous.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("path", [PAGE, DOWNLOAD])
def test_members_and_staff_are_refused(member_client, staff_client, path, both):
    for client in (member_client, staff_client):
        response = client.get(path)
        assert response.status_code == 403
        assert "甲" not in page(response) and "乙" not in page(response)


# Both reads: the session, the user with the seeker account (2, accounts.backends.get_user); the account again with its application,
# identity and profile (1) and the profile's five lists (5: 職業分類, 産業分類, 広域就業希望地 of prefectures and
# of municipalities, 免許・資格) and its 希望勤務地 (1); conversations, deletion requests, complaints,
# corrections (4); the receive conditions' choices: prefectures, industries, occupations (3); blocks (1).
COMMON = 17


@pytest.mark.parametrize("rows", [1, 4])
def test_the_page_reads_a_constant_number_of_queries(seeker_client, account, django_assert_num_queries, rows):
    # COMMON, the messages' count and page (2), the views' page and count (2), the audit events' page and
    # count (2), and the header's unread count (1).
    records_for(account, tag="甲", conversations=rows, messages=rows + 1)
    seeker_client.get(PAGE)  # the first request of a session writes its stamp
    with django_assert_num_queries(COMMON + 7):
        assert seeker_client.get(PAGE).status_code == 200


@pytest.mark.parametrize("rows", [1, 4])
def test_the_download_reads_a_constant_number_of_queries(seeker_client, account, django_assert_num_queries, rows):
    # COMMON, the audit event of the download (savepoint, insert, release: 3), then the views, the audit
    # events and the messages each read once through an iterator (3).
    records_for(account, tag="甲", conversations=rows, messages=rows + 1)
    download(seeker_client)  # the first request of a session writes its stamp
    with django_assert_num_queries(COMMON + 6):
        download(seeker_client)


def test_the_home_page_links_to_it(seeker_client):
    assert f'href="{PAGE}"' in page(seeker_client.get(reverse("seekers_seekers:home")))


def test_the_page_prints_without_the_menus(seeker_client):
    """The printable page is the page itself: the print rules hide the menus, forms and pagination."""
    from django.contrib.staticfiles import finders

    css = open(finders.find("css/site.css"), encoding="utf-8").read()  # noqa: PTH123, SIM115
    print_rules = "".join(re.findall(r"@media print \{(.*?)\n\}", css, re.S))
    for selector in (".site-nav", ".actions", ".pagination", ".site-footer"):
        assert selector in print_rules
    html = page(seeker_client.get(PAGE))
    assert '<div class="actions">' in html  # the correction form is inside what print hides
