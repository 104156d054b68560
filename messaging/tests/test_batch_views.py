"""The pages of guidance to many (issue 16): the form the search results open (/orgs/guidance/new/),
the progress page (/orgs/guidance/batches/<id>/) and the list of batches."""

import pytest
from django.conf import settings
from django.utils import timezone

from messaging.models import DailyGuidanceCount, GuidanceBatch, GuidanceBatchItem, Message
from messaging.tests.batch_helpers import accept
from messaging.tests.helpers import public_id
from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers.tests.factories import SeekerAccountFactory
from tests.pages import error_summary, login, page, with_totp

pytestmark = pytest.mark.django_db

NEW = "/orgs/guidance/new/"


@pytest.fixture
def accounts(db):
    return [SeekerAccountFactory() for _ in range(3)]


def post_data(ids, **overrides) -> dict:
    return {"public_id": ids, "subject": "介護職のご案内", "body": "求人をご紹介できます。", **overrides}


def test_the_form_repeats_the_ticked_ids_and_what_is_left_today(member_client, accounts):
    ids = [public_id(a) for a in accounts]

    html = page(member_client.get(NEW, {"public_id": ids, "scope": "ticked"}))

    assert "選んだ 3 人に、同じ案内メッセージを1通ずつ送信します" in html
    assert all(f'type="hidden" name="public_id" value="{i}"' in html for i in ids)
    assert "本日あと 1,000 件送信できます" in html
    assert "職業紹介に関する手数料" in html  # the record's disclosures, shown read-only


def test_all_on_the_page_takes_every_row_of_the_page(member_client, accounts):
    ids = [public_id(a) for a in accounts]

    html = page(member_client.get(NEW, {"page_id": ids, "public_id": ids[:1], "scope": "page"}))

    assert "選んだ 3 人" in html


def test_nothing_ticked_says_so_before_anything_is_written(member_client):
    html = page(member_client.get(NEW, {"scope": "ticked"}))

    assert "送信先の求職者を選んでください。" in html
    assert 'name="subject"' not in html


def test_sending_accepts_the_batch_and_lands_on_its_progress(member_client, accounts, agency,
                                                            django_capture_on_commit_callbacks):
    ids = [public_id(a) for a in accounts]

    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(NEW, post_data(ids))

    batch = GuidanceBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/orgs/guidance/batches/{batch.pk}/"
    assert batch.organization == agency
    assert Message.objects.count() == 3
    html = page(member_client.get(response["Location"]))
    assert "送信済み: 3件" in html and "送信待ち: 0件" in html and "送信が終わりました" in html


def test_the_progress_page_shows_what_is_still_waiting_and_survives_a_reload(member_client, accounts, agency,
                                                                           agency_member):
    batch = accept(agency_member, agency, [*accounts, "e" * 16])  # accepted, its task not run yet
    url = f"/orgs/guidance/batches/{batch.pk}/"

    for _ in range(2):
        html = page(member_client.get(url))
        assert "送信済み: 0件" in html and "送信待ち: 3件" in html and "送信せず: 1件" in html
        assert "送信しています" in html and "最新の状態に更新" in html
        assert "e" * 16 in html  # the skipped id as it was ticked, with the one reason for all
        assert str(GuidanceBatchItem.Skip.NOT_VISIBLE.label) in html


def test_a_batch_over_what_is_left_today_is_refused_with_the_text_kept(member_client, accounts, agency):
    DailyGuidanceCount.objects.create(organization=agency, day=timezone.localdate(),
                                      count=settings.GUIDANCE_DAILY_LIMIT - 1)

    response = member_client.post(NEW, post_data([public_id(a) for a in accounts], body="残しておく本文"))

    assert response.status_code == 200
    assert "本日はあと1件しか送信できないため、選んだ3件には送信できません" in error_summary(response)
    assert "残しておく本文" in page(response)
    assert not GuidanceBatch.objects.exists()


def test_disclosures_typed_into_a_hand_made_post_are_refused_whole(member_client, accounts):
    response = member_client.post(NEW, post_data([public_id(accounts[0])], fees="手数料は無料です"))

    assert response.status_code == 200
    assert "必須記載事項は団体の登録内容から記載されるため" in error_summary(response)
    assert not GuidanceBatch.objects.exists()


def test_a_malformed_id_is_refused(member_client):
    response = member_client.post(NEW, post_data(["../../etc/passwd"]))

    assert response.status_code == 200
    assert "正しくない公開ID" in page(response)
    assert not GuidanceBatch.objects.exists()


def test_the_list_shows_the_organisations_batches_only(member_client, accounts, agency, agency_member):
    ours = accept(agency_member, agency, accounts, subject="私たちの案内")
    other = OrganizationFactory()
    accept(MemberFactory(organization=other).user, other, accounts[:1], subject="よその団体の案内")

    html = page(member_client.get("/orgs/guidance/batches/"))

    assert "私たちの案内" in html and f"/orgs/guidance/batches/{ours.pk}/" in html
    assert "よその団体の案内" not in html


# --- who may open them ----------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login(anonymous, agency, agency_member, accounts):
    batch = accept(agency_member, agency, accounts)
    for url in (NEW, "/orgs/guidance/batches/", f"/orgs/guidance/batches/{batch.pk}/"):
        response = anonymous.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_another_organisations_member_gets_404_for_a_batch(agency, agency_member, accounts):
    batch = accept(agency_member, agency, accounts)
    stranger = MemberFactory(organization=OrganizationFactory()).user

    assert login(with_totp(stranger)).get(f"/orgs/guidance/batches/{batch.pk}/").status_code == 404


def test_another_member_of_the_same_organisation_sees_the_batch(agency, agency_member, accounts):
    batch = accept(agency_member, agency, accounts)
    colleague = MemberFactory(organization=agency).user

    assert login(with_totp(colleague)).get(f"/orgs/guidance/batches/{batch.pk}/").status_code == 200


def test_a_seeker_gets_403(seeker_client, agency, agency_member, accounts):
    batch = accept(agency_member, agency, accounts)
    assert seeker_client.get(NEW).status_code == 403
    assert seeker_client.get(f"/orgs/guidance/batches/{batch.pk}/").status_code == 403


def test_a_suspended_organisations_member_cannot_send(suspended_member, accounts):
    response = login(with_totp(suspended_member)).post(NEW, post_data([public_id(accounts[0])]))

    assert response.status_code == 403
    assert not GuidanceBatch.objects.exists()
