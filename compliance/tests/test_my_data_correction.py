"""訂正等の請求: the seeker asks from /seekers/my-data/, staff answer in admin (訂正済み only after the
field was corrected through the application's save; 訂正せず with a reason), the seeker reads the
answer on the same page. A field not in the list is refused at the field."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from compliance.models import DataCorrectionRequest
from seekers import services as seeker_services
from seekers.models import ApplicantIdentity, ApplicationSheet, JobApplication, Profile
from tests.pages import field_error, page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa")]

PAGE = reverse("compliance_seekers:my_data")
ASK = {"field": "identity.address", "requested_value": "東京都千代田区霞が関1-2-2", "reason": "転居しました。"}


def change_url(correction):
    return reverse("admin:compliance_datacorrectionrequest_change", args=[correction.pk])


def answer(staff_client, correction, status, reason=""):
    return staff_client.post(change_url(correction), {"status": status, "answer_reason": reason})


def test_the_seeker_asks_and_sees_the_request_received(seeker_client, account):
    response = seeker_client.post(PAGE, ASK)

    assert response.status_code == 302
    correction = DataCorrectionRequest.objects.get()
    assert (correction.account, correction.field, correction.status) == (account, "identity.address", "received")
    html = page(seeker_client.get(PAGE))
    assert "本人情報: 住所" in html and "東京都千代田区霞が関1-2-2" in html and "受付" in html
    event = AuditEvent.objects.get(verb=AuditEvent.Verb.DATA_CORRECTION_REQUEST)
    assert event.data == {"field": "identity.address"}  # the field's name, not the value


def test_a_field_not_in_the_list_is_refused_at_the_field(seeker_client):
    response = seeker_client.post(PAGE, ASK | {"field": "identity.password"})

    assert response.status_code == 200
    assert field_error(response, "field") == "訂正を求める項目を一覧から選んでください。"
    assert "転居しました。" in page(response)  # what was typed is kept
    assert not DataCorrectionRequest.objects.exists()


def test_empty_values_are_refused_at_their_fields(seeker_client):
    response = seeker_client.post(PAGE, {"field": "identity.address", "requested_value": "", "reason": ""})
    assert field_error(response, "requested_value") and field_error(response, "reason")
    assert not DataCorrectionRequest.objects.exists()


def test_not_corrected_needs_a_reason_which_the_seeker_then_reads(seeker_client, staff_client):
    seeker_client.post(PAGE, ASK)
    correction = DataCorrectionRequest.objects.get()

    refused = answer(staff_client, correction, "not_corrected")
    assert refused.status_code == 200
    assert "訂正しない理由を入力してください" in field_error(refused, "answer_reason")
    correction.refresh_from_db()
    assert correction.status == "received"

    assert answer(staff_client, correction, "in_progress").status_code == 302
    assert "対応中" in page(seeker_client.get(PAGE))
    reason = "ハローワークに届け出た住所と同じであることを確認しました。"
    assert answer(staff_client, correction, "not_corrected", reason).status_code == 302
    html = page(seeker_client.get(PAGE))
    assert "訂正せず" in html and reason in html
    assert AuditEvent.objects.filter(verb=AuditEvent.Verb.DATA_CORRECTION_ANSWER).count() == 2


def test_corrected_only_after_the_application_save_changed_that_field(seeker_client, staff_client, staff, account):
    seeker_client.post(PAGE, ASK)
    correction = DataCorrectionRequest.objects.get()

    early = answer(staff_client, correction, "corrected")
    assert early.status_code == 200
    assert "まだ訂正されていません" in page(early)

    # Staff correct the address through the application's own save (what its admin calls).
    application = JobApplication.objects.get(pk=account.application_id)
    identity = ApplicantIdentity.objects.get(pk=application.pk)
    identity.address = ASK["requested_value"]
    seeker_services.application_save(actor=staff, application=application, identity=identity,
                                     profile=Profile.objects.get(pk=application.pk))

    assert answer(staff_client, correction, "corrected").status_code == 302
    correction.refresh_from_db()
    assert correction.status == "corrected" and correction.answered_by == staff
    html = page(seeker_client.get(PAGE))
    assert "訂正済み" in html
    assert html.count(ASK["requested_value"]) >= 2  # the request, and the identity as now held


def test_a_change_of_another_field_does_not_count(seeker_client, staff_client, staff, account):
    seeker_client.post(PAGE, ASK)
    correction = DataCorrectionRequest.objects.get()
    application = JobApplication.objects.get(pk=account.application_id)
    identity = ApplicantIdentity.objects.get(pk=application.pk)
    identity.phone = "03-0000-0000"
    seeker_services.application_save(actor=staff, application=application, identity=identity,
                                     profile=Profile.objects.get(pk=application.pk))

    assert "まだ訂正されていません" in page(answer(staff_client, correction, "corrected"))


@pytest.mark.parametrize(("field", "label"), [
    ("sheet.desired_job", "求職申込書: 希望する仕事"),
    ("profile.places", "公開求職情報: 希望勤務地(住所コード)"),
    ("profile.wide_area_municipalities", "公開求職情報: 広域就業希望地(市区町村の住所コード)"),
])
def test_the_application_forms_own_values_and_the_places_can_be_named(seeker_client, field, label):
    """The 求職申込書's own values (ApplicationSheet) and the 希望勤務地 are held too, so they can be
    asked for; the page offers them by their labels."""
    assert label in page(seeker_client.get(PAGE))

    response = seeker_client.post(PAGE, ASK | {"field": field})

    assert response.status_code == 302
    assert DataCorrectionRequest.objects.get().field == field


def test_a_correction_of_the_application_forms_own_value_is_recognised(seeker_client, staff_client, staff, account):
    seeker_client.post(PAGE, ASK | {"field": "sheet.desired_job", "requested_value": "倉庫内作業"})
    correction = DataCorrectionRequest.objects.get()
    assert "まだ訂正されていません" in page(answer(staff_client, correction, "corrected"))
    application = JobApplication.objects.get(pk=account.application_id)
    sheet = ApplicationSheet.objects.get(pk=application.pk)
    sheet.desired_job = "倉庫内作業"

    seeker_services.application_save(actor=staff, application=application,
                                     identity=ApplicantIdentity.objects.get(pk=application.pk),
                                     profile=Profile.objects.get(pk=application.pk), sheet=sheet)

    assert answer(staff_client, correction, "corrected").status_code == 302
    assert DataCorrectionRequest.objects.get().status == "corrected"


def test_staff_see_the_request_with_a_link_to_the_application(seeker_client, staff_client, account):
    seeker_client.post(PAGE, ASK)
    correction = DataCorrectionRequest.objects.get()

    html = page(staff_client.get(change_url(correction)))
    assert reverse("admin:seekers_jobapplication_change", args=[account.application_id]) in html
    assert "本人情報: 住所" in html
    assert AuditEvent.objects.filter(verb=AuditEvent.Verb.IDENTITY_VIEW).exists()
    changelist = staff_client.get(reverse("admin:compliance_datacorrectionrequest_changelist"))
    assert account.application.kyushoku_number in page(changelist)


def test_members_cannot_ask_for_a_seeker(member_client):
    assert member_client.post(PAGE, ASK).status_code == 403
    assert not DataCorrectionRequest.objects.exists()


def test_anonymous_post_is_sent_to_login(anonymous):
    assert anonymous.post(PAGE, ASK).status_code == 302
    assert not DataCorrectionRequest.objects.exists()
