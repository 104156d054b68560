"""/orgs/standing/: the organisation's 是正要請 (an open one with its due date and the answer form) and
its suspensions with their periods, also while it is suspended. The answer is kept on the request,
audited, and staff read it in the admin. Another organisation's 是正要請 → 404; anonymous → login;
a seeker → 403."""

from datetime import timedelta

import pytest

from accounts.models import AuditEvent
from compliance.models import CorrectionRequest
from compliance.tests.factories import CorrectionRequestFactory, SuspensionFactory
from organizations.tests.factories import MemberFactory, OrganizationFactory
from tests.pages import login, page, with_totp

pytestmark = pytest.mark.django_db

URL = "/orgs/standing/"


def answer_url(correction) -> str:
    return f"/orgs/standing/corrections/{correction.pk}/answer/"


@pytest.fixture
def correction(agency):
    return CorrectionRequestFactory(violation__organization=agency)


def test_the_open_correction_request_shows_its_due_date_and_the_form(member_client, correction):
    html = page(member_client.get(URL))

    assert correction.content in html
    assert f"回答期限: {correction.due_on.year}年{correction.due_on.month}月{correction.due_on.day}日" in html
    assert f'action="{answer_url(correction)}"' in html


def test_the_organisation_answers_and_staff_see_it_in_admin(member_client, agency_member, correction, today,
                                                            staff_client):
    response = member_client.post(answer_url(correction), {"answer": "広告の送信を停止し、送信前の確認手順を定めました。"})

    assert response.status_code == 302 and response["Location"] == URL
    stored = CorrectionRequest.objects.get(pk=correction.pk)
    assert (stored.answer, stored.answered_on) == ("広告の送信を停止し、送信前の確認手順を定めました。", today)
    event = AuditEvent.objects.get(verb=AuditEvent.Verb.SANCTION_CORRECTION_ORG_ANSWER)
    assert (event.actor, event.target_id) == (agency_member, str(correction.pk))
    html = page(member_client.get(URL))
    assert "回答済み" in html and f'action="{answer_url(correction)}"' not in html
    admin = page(staff_client.get(f"/admin/compliance/correctionrequest/{correction.pk}/change/"))
    assert "送信前の確認手順を定めました" in admin


def test_an_empty_answer_is_refused_at_the_field(member_client, correction):
    response = member_client.post(answer_url(correction), {"answer": "   "})

    assert response.status_code == 200
    assert "是正要請への回答を入力してください。" in page(response)
    assert CorrectionRequest.objects.get(pk=correction.pk).answered_on is None


def test_a_second_answer_is_refused(member_client, correction):
    member_client.post(answer_url(correction), {"answer": "一回目の回答"})

    response = member_client.post(answer_url(correction), {"answer": "二回目の回答"})

    assert "すでに回答しています" in page(response)
    assert CorrectionRequest.objects.get(pk=correction.pk).answer == "一回目の回答"


def test_another_organisations_correction_request_is_a_404(member_client):
    other = CorrectionRequestFactory()

    assert member_client.post(answer_url(other), {"answer": "回答"}).status_code == 404
    assert member_client.post(answer_url(other), {"answer": ""}).status_code == 404
    assert CorrectionRequest.objects.get(pk=other.pk).answered_on is None
    assert other.content not in page(member_client.get(URL))


def test_a_suspended_organisation_sees_its_period_and_answers(today):
    suspension = SuspensionFactory(starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=6))
    org = suspension.organization
    org.suspended_from, org.suspended_until = suspension.starts_on, suspension.ends_on
    org.save()
    correction = CorrectionRequestFactory(violation=suspension.violation)
    client = login(with_totp(MemberFactory(organization=org).user))
    assert client.get("/orgs/seekers/").status_code == 403

    html = page(client.get(URL))

    end = suspension.ends_on
    assert f"{end.year}年{end.month}月{end.day}日 まで利用停止" in html
    assert "現在、停止中" in html
    assert client.post(answer_url(correction), {"answer": "是正しました。"}).status_code == 302


def test_a_revoked_organisations_member_is_logged_out(revoked_member):
    response = login(with_totp(revoked_member)).get(URL)

    assert response.status_code == 403


def test_anonymous_is_sent_to_login(client):
    assert client.get(URL)["Location"].startswith("/accounts/login/")


def test_a_seeker_is_refused(seeker_client):
    assert seeker_client.get(URL).status_code == 403


def test_a_pending_terms_organisation_still_sees_its_correction_requests():
    org = OrganizationFactory(terms_pending=True)
    correction = CorrectionRequestFactory(violation__organization=org)

    html = page(login(with_totp(MemberFactory(organization=org).user)).get(URL))

    assert correction.content in html
