"""Staff enter 求職申込 in the admin (SPEC: Actors, rule 5). The form posts are built from the rendered
page, as a browser without JavaScript would send them."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEvent, User
from conftest import jst
from seekers.models import ApplicantIdentity, JobApplication, Profile
from seekers.tests.factories import ApplicantIdentityFactory, JobApplicationFactory, SeekerAccountFactory
from tests.pages import AdminPage, with_totp

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 26)

NUMBER_FORM_ERROR = "求職番号は「12345-12345678」の形(数字5桁-数字8桁)で入力してください。"
BIRTH_DATE_FUTURE_ERROR = "生年月日に今日以降の日付は入力できません。"
BIRTH_DATE_1900_ERROR = "生年月日を確認してください(1900年以降)。"
VALID_UNTIL_ERROR = "有効期限は求職申込日より後の日付にしてください。"
APPLIED_ON_FUTURE_ERROR = "求職申込日に未来の日付は入力できません。"
PROVISION_ERROR = "提供先区分を選んでください。"


@pytest.fixture(autouse=True)
def today(time_machine):
    """The SPEC's own example day: applied 2026-11-26 → valid to 2027-01-31."""
    time_machine.move_to(jst(TODAY, 10))
    return TODAY


@pytest.fixture
def application():
    return JobApplicationFactory(
        kyushoku_number="13010-00000001",
        applied_on=date(2026, 11, 2),
        valid_until=date(2027, 1, 31),
        identity__name="山田 太郎",
        identity__name_kana="ヤマダ タロウ",
    )


def add_url():
    return reverse("admin:seekers_jobapplication_add")


def changelist_url():
    return reverse("admin:seekers_jobapplication_changelist")


def change_url(application):
    return reverse("admin:seekers_jobapplication_change", args=[application.pk])


def filled_add_form(client, **overrides) -> dict[str, list[str]]:
    page = AdminPage(client.get(add_url()).content.decode(), "jobapplication_form")
    identity, profile = page.prefix_of("birth_date"), page.prefix_of("appeal_points")
    data = dict(page.fields)
    values = {
        "kyushoku_number": "１３０１０－１２３４５６７８",
        "applied_on": "2026-11-26",
        "valid_until": "",
        "opt_in": "yes",
        "provision": "1",
        f"{identity}-0-name": "鈴木 一郎",
        f"{identity}-0-name_kana": "スズキ イチロウ",
        f"{identity}-0-birth_date": "1985-06-15",
        f"{identity}-0-gender": "male",
        f"{identity}-0-address": "東京都新宿区西新宿2-8-1",
        "sheet-0-desired_job": "一般事務",
        "sheet-0-desired_prefecture": "13",
    }
    values.update({key.replace("IDENTITY", identity).replace("PROFILE", profile): v for key, v in overrides.items()})
    data.update({key: [value] for key, value in values.items()})
    return data


# --- who may open the pages -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "needs_object", "expected_text"),
    [
        ("admin:index", False, "ハローワーク・労働局 職員用"),
        ("admin:seekers_jobapplication_changelist", False, "13010-00000001"),
        ("admin:seekers_jobapplication_add", False, "求職申込書: 本人情報(非公開)"),
        ("admin:seekers_jobapplication_change", True, "山田 太郎"),
        ("admin:seekers_seekeraccount_changelist", False, "求職者アカウント"),
        ("admin:accounts_auditevent_changelist", False, "identity.view"),
    ],
)
def test_application_pages_load_for_staff(staff_client, application, url_name, needs_object, expected_text):
    AuditEvent.objects.create(verb="identity.view", actor_label="staff")
    url = reverse(url_name, args=[application.pk] if needs_object else [])

    response = staff_client.get(url)

    assert response.status_code == 200
    assert expected_text in response.content.decode()


def test_audit_event_is_readable_but_append_only(staff_client, staff, application):
    staff_client.get(change_url(application))
    event = AuditEvent.objects.get(verb="identity.view")

    detail = staff_client.get(reverse("admin:accounts_auditevent_change", args=[event.pk]))
    add = staff_client.get(reverse("admin:accounts_auditevent_add"))
    delete = staff_client.post(reverse("admin:accounts_auditevent_delete", args=[event.pk]), {"post": "yes"})

    assert detail.status_code == 200
    assert "identity.view" in detail.content.decode()
    assert 'name="verb"' not in detail.content.decode()
    assert add.status_code == 403
    assert delete.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize("who", ["seeker", "agency_member", "anonymous"])
@pytest.mark.parametrize(
    "url_name", ["admin:index", "admin:seekers_jobapplication_changelist", "admin:seekers_jobapplication_change"]
)
def test_non_staff_are_sent_to_the_admin_login(request, client, application, who, url_name):
    user = request.getfixturevalue(who)
    if who == "agency_member":
        with_totp(user)  # past the TOTP requirement, so that the admin's own check is what refuses
    if who != "anonymous":
        client.force_login(user)
    url = reverse(url_name, args=[application.pk] if url_name.endswith("change") else [])

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert "山田" not in response.content.decode()
    assert not AuditEvent.objects.filter(verb="identity.view").exists()


@pytest.mark.parametrize("who", ["staff", "agency_member"])
def test_staff_or_member_without_totp_is_sent_to_set_it_up(request, client, settings, application, who):
    settings.REQUIRE_MFA = True
    client.force_login(request.getfixturevalue(who))

    response = client.get(change_url(application))

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    assert not AuditEvent.objects.filter(verb="identity.view").exists()


def test_non_staff_cannot_post_an_application(client, seeker):
    client.force_login(seeker)

    response = client.post(add_url(), {"kyushoku_number": "13010-12345678", "applied_on": "2026-11-26"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert not JobApplication.objects.filter(kyushoku_number="13010-12345678").exists()


# --- entering an application ----------------------------------------------------------------------


def test_add_form_names_its_inlines_identity_and_profile(staff_client):
    page = AdminPage(staff_client.get(add_url()).content.decode(), "jobapplication_form")

    assert page.prefix_of("birth_date") == "identity"
    assert page.prefix_of("desired_municipality") == "sheet"
    assert page.prefix_of("appeal_points") == "profile"
    assert page.fields["identity-TOTAL_FORMS"] == ["1"]
    assert page.fields["sheet-TOTAL_FORMS"] == ["1"]
    assert page.fields["profile-TOTAL_FORMS"] == ["1"]


def test_adding_an_application_normalises_the_number_and_computes_validity(staff_client, staff):
    data = filled_add_form(staff_client)

    response = staff_client.post(add_url(), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    application = JobApplication.objects.get()
    assert application.kyushoku_number == "13010-12345678"
    assert application.applied_on == date(2026, 11, 26)
    assert application.valid_until == date(2027, 1, 31)
    assert application.opt_in == JobApplication.OptIn.YES
    assert application.identity.name == "鈴木 一郎"
    assert application.identity.birth_date == date(1985, 6, 15)
    assert application.profile.desired_prefecture.name == "東京都"
    assert len(application.profile.public_id) == 16
    event = AuditEvent.objects.get(verb="application.create")
    assert event.actor == staff
    assert event.target_id == str(application.pk)


def test_a_given_validity_is_kept(staff_client):
    data = filled_add_form(staff_client, kyushoku_number="27020-00000123", valid_until="2027-03-31")

    response = staff_client.post(add_url(), data)

    assert response.status_code == 302
    assert JobApplication.objects.get().valid_until == date(2027, 3, 31)


def test_the_number_typed_as_13_digits_is_stored_with_its_dash(staff_client):
    data = filled_add_form(staff_client, kyushoku_number="0103012345678")

    assert staff_client.post(add_url(), data).status_code == 302
    assert JobApplication.objects.get().kyushoku_number == "01030-12345678"


def test_the_number_typed_with_spaces_around_the_dash_is_accepted(staff_client):
    data = filled_add_form(staff_client, kyushoku_number="13010 - 12345678")

    assert staff_client.post(add_url(), data).status_code == 302
    assert JobApplication.objects.get().kyushoku_number == "13010-12345678"


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"IDENTITY-0-birth_date": "2026-11-27"}, "id_identity-0-birth_date", BIRTH_DATE_FUTURE_ERROR),
        ({"IDENTITY-0-birth_date": "2026-11-26"}, "id_identity-0-birth_date", BIRTH_DATE_FUTURE_ERROR),
        ({"IDENTITY-0-birth_date": "1899-12-31"}, "id_identity-0-birth_date", BIRTH_DATE_1900_ERROR),
        ({"applied_on": "2026-11-20", "valid_until": "2026-11-19"}, "id_valid_until", VALID_UNTIL_ERROR),
        ({"applied_on": "2026-11-27"}, "id_applied_on", APPLIED_ON_FUTURE_ERROR),
        ({"kyushoku_number": "1234-5"}, "id_kyushoku_number", NUMBER_FORM_ERROR),
        ({"kyushoku_number": "13010-1234567"}, "id_kyushoku_number", NUMBER_FORM_ERROR),
        ({"kyushoku_number": "１３０１０ー１２３４５６７"}, "id_kyushoku_number", NUMBER_FORM_ERROR),
        ({"provision": ""}, "id_provision", PROVISION_ERROR),
    ],
    ids=[
        "birth-tomorrow",
        "birth-today",
        "birth-1899",
        "valid-until-before-applied",
        "applied-tomorrow",
        "number-1234-5",
        "number-7-digit-serial",
        "number-full-width-short",
        "provision-not-chosen",
    ],
)
def test_wrong_input_re_renders_with_the_message_at_the_field(staff_client, overrides, field_id, message):
    data = filled_add_form(staff_client, **overrides)

    response = staff_client.post(add_url(), data)

    assert response.status_code == 200
    page = AdminPage(response.content.decode(), "jobapplication_form")
    assert message in page.error_at(field_id)
    assert page.attrs_by_id[field_id].get("aria-invalid") == "true"
    # What staff typed is still in the form.
    assert page.fields["identity-0-name"] == ["鈴木 一郎"]
    assert not JobApplication.objects.exists()
    assert not ApplicantIdentity.objects.exists()
    assert not Profile.objects.exists()
    assert not AuditEvent.objects.exists()


def test_the_add_form_has_no_provision_chosen_in_advance(staff_client):
    """提供先区分 has no default (SPEC rule 6): staff choose it with the seeker."""
    html = staff_client.get(add_url()).content.decode()
    select = re.search(r'<select name="provision"[^>]*>(.*?)</select>', html, re.S).group(1)

    options = re.findall(r'<option value="([^"]*)"( selected)?>', select)
    assert options[0] == ("", " selected")
    assert [value for value, _selected in options[1:]] == ["1", "2", "3", "4"]
    assert not any(selected for _value, selected in options[1:])


def test_a_number_already_entered_in_full_width_is_refused_at_the_field(staff_client, application):
    data = filled_add_form(staff_client, kyushoku_number="１３０１０－０００００００１")

    response = staff_client.post(add_url(), data)

    assert response.status_code == 200
    error = AdminPage(response.content.decode(), "jobapplication_form").error_at("id_kyushoku_number")
    assert "求職番号" in error
    assert "既に存在します" in error
    assert JobApplication.objects.count() == 1


# --- changing an application ----------------------------------------------------------------------


def test_opening_a_change_page_records_the_identity_view(staff_client, staff, application):
    response = staff_client.get(change_url(application))

    assert response.status_code == 200
    assert "山田 太郎" in response.content.decode()
    event = AuditEvent.objects.get(verb="identity.view")
    assert event.actor == staff
    assert event.actor_label == staff.username
    assert event.target_type == "seekers.JobApplication"
    assert event.target_id == str(application.pk)
    assert event.target_label == "13010-00000001"


def test_a_refused_opening_records_no_identity_view(client, application):
    plain = User.objects.create(username="plain-staff", email="plain@mhlw.example.jp", role="staff", is_staff=True)
    client.force_login(with_totp(plain))

    response = client.get(change_url(application))

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(verb="identity.view").exists()


def test_each_opening_is_recorded(staff_client, application):
    staff_client.get(change_url(application))
    staff_client.get(change_url(application))

    assert AuditEvent.objects.filter(verb="identity.view", target_id=str(application.pk)).count() == 2


def test_saving_a_change_records_what_changed(staff_client, staff, application):
    page = AdminPage(staff_client.get(change_url(application)).content.decode(), "jobapplication_form")
    data = dict(page.fields)
    data["valid_until"] = ["2027-02-28"]
    data["provision"] = ["3"]

    response = staff_client.post(change_url(application), data)

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.valid_until == date(2027, 2, 28)
    assert application.provision == JobApplication.Provision.AGENCY_ONLY
    event = AuditEvent.objects.get(verb="application.update")
    assert event.actor == staff
    assert event.data["changed"] == ["provision", "valid_until"]
    assert event.data["before"]["valid_until"] == "2027-01-31"
    # The identity stays as it was.
    assert application.identity.name == "山田 太郎"


def post_change(client, application, **values):
    """Submit the change page as shown, with these fields changed (names as on the page)."""
    page = AdminPage(client.get(change_url(application)).content.decode(), "jobapplication_form")
    data = dict(page.fields)
    data.update({name: [value] for name, value in values.items()})
    return client.post(change_url(application), data)


def test_a_provision_change_is_recorded_as_such_and_the_listing_follows(staff_client, staff, application):
    SeekerAccountFactory(application=application)

    response = post_change(staff_client, application, provision="2")

    assert response.status_code == 302
    assert Profile.objects.get(pk=application.pk).listed_provision == JobApplication.Provision.LOCAL_GOV_ONLY
    event = AuditEvent.objects.get(verb="application.provision_change")
    assert (event.actor, event.data) == (staff, {"before": 1, "after": 2})


def test_identifying_text_typed_by_staff_is_withheld_from_organisations(staff_client, application):
    response = post_change(staff_client, application, **{"profile-0-appeal_points": "メールは taro@example.jp へ"})

    assert response.status_code == 302
    profile = Profile.objects.get(pk=application.pk)
    assert profile.appeal_points == "メールは taro@example.jp へ"
    # An email address, and the seeker's own given name (タロウ) in romaji.
    assert profile.withheld == {"appeal_points": ["email", "identity"]}
    assert "taro" not in profile.search_text


def test_an_extension_typed_in_the_form_reopens_an_ended_period(staff_client, application):
    SeekerAccountFactory(application=application)
    JobApplication.objects.filter(pk=application.pk).update(valid_until=date(2026, 11, 25),
                                                            period_ended_at=jst(date(2026, 11, 26), 0, 5))

    response = post_change(staff_client, application, valid_until="2027-02-28")

    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.valid_until, application.period_ended_at) == (date(2027, 2, 28), None)
    assert Profile.objects.get(pk=application.pk).listed_until == date(2027, 2, 28)


def test_the_update_names_changed_identity_fields_without_their_values(staff_client, application):
    response = post_change(staff_client, application, **{"identity-0-address": "大阪府大阪市北区梅田1-1-1"})

    assert response.status_code == 302
    assert ApplicantIdentity.objects.get(pk=application.pk).address == "大阪府大阪市北区梅田1-1-1"
    event = AuditEvent.objects.get(verb="application.update")
    assert event.data["identity_changed"] == ["address"]
    assert "梅田" not in str(event.data)


def test_a_refusal_by_the_service_keeps_what_staff_typed_on_the_change_page(staff_client, application):
    response = post_change(staff_client, application, valid_until="2026-10-01",
                           **{"profile-0-appeal_points": "新しいアピール"})

    assert response.status_code == 200
    page = AdminPage(response.content.decode(), "jobapplication_form")
    assert VALID_UNTIL_ERROR in page.error_at("id_valid_until")
    assert page.fields["valid_until"] == ["2026-10-01"]
    assert page.fields["profile-0-appeal_points"] == ["新しいアピール"]
    application.refresh_from_db()
    assert application.valid_until == date(2027, 1, 31)
    assert not AuditEvent.objects.filter(verb__startswith="application.").exists()


# --- the one-month extension action ---------------------------------------------------------------


def test_extend_one_month_moves_validity_and_is_audited(staff_client, staff, application):
    untouched = JobApplicationFactory(applied_on=date(2026, 11, 2), valid_until=date(2027, 1, 31))

    response = staff_client.post(
        changelist_url(), {"action": "extend_one_month", "_selected_action": [application.pk]}, follow=True
    )

    assert response.status_code == 200
    assert "1 件の有効期限を延長しました。" in response.content.decode()
    application.refresh_from_db()
    untouched.refresh_from_db()
    assert application.valid_until == date(2027, 2, 28)
    assert untouched.valid_until == date(2027, 1, 31)
    event = AuditEvent.objects.get(verb="application.extend")
    assert event.actor == staff
    assert event.target_id == str(application.pk)
    assert event.data == {"before": "2027-01-31", "after": "2027-02-28"}


def test_extending_several_applications_extends_each_from_its_own_end(staff_client):
    first = JobApplicationFactory(applied_on=date(2026, 10, 1), valid_until=date(2026, 12, 31))
    second = JobApplicationFactory(applied_on=date(2026, 11, 1), valid_until=date(2027, 1, 31))

    staff_client.post(changelist_url(), {"action": "extend_one_month", "_selected_action": [first.pk, second.pk]})

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.valid_until, second.valid_until) == (date(2027, 1, 31), date(2027, 2, 28))
    assert AuditEvent.objects.filter(verb="application.extend").count() == 2


def test_a_seeker_cannot_run_the_extend_action(client, seeker, application):
    client.force_login(seeker)

    response = client.post(changelist_url(), {"action": "extend_one_month", "_selected_action": [application.pk]})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.valid_until == date(2027, 1, 31)
    assert not AuditEvent.objects.filter(verb="application.extend").exists()


# --- search and filters ---------------------------------------------------------------------------


def shown_numbers(response) -> set[str]:
    return {a.kyushoku_number for a in response.context["cl"].result_list}


def test_search_by_kyushoku_number(staff_client, application):
    JobApplicationFactory(kyushoku_number="27020-00000009")

    response = staff_client.get(changelist_url(), {"q": "13010-00000001"})

    assert shown_numbers(response) == {"13010-00000001"}
    assert "27020-00000009" not in response.content.decode()


def test_search_by_name(staff_client, application):
    ApplicantIdentityFactory(application__kyushoku_number="27020-00000009", name="佐藤 花子")

    response = staff_client.get(changelist_url(), {"q": "山田"})

    assert shown_numbers(response) == {"13010-00000001"}
    assert "山田 太郎" in response.content.decode()
    assert "佐藤 花子" not in response.content.decode()


def test_search_by_furigana(staff_client, application):
    response = staff_client.get(changelist_url(), {"q": "ヤマダ"})

    assert shown_numbers(response) == {"13010-00000001"}


def test_validity_filter(staff_client, application):
    JobApplicationFactory(kyushoku_number="13010-00000002", applied_on=date(2026, 8, 1), valid_until=date(2026, 10, 31))
    JobApplicationFactory(kyushoku_number="13010-00000003", applied_on=date(2026, 9, 1), valid_until=TODAY)

    valid = staff_client.get(changelist_url(), {"validity": "valid"})
    expired = staff_client.get(changelist_url(), {"validity": "expired"})
    everything = staff_client.get(changelist_url())

    # The last day of validity is still valid.
    assert shown_numbers(valid) == {"13010-00000001", "13010-00000003"}
    assert shown_numbers(expired) == {"13010-00000002"}
    assert len(shown_numbers(everything)) == 3
    assert "有効期間内" in everything.content.decode()


def test_changelist_query_count_does_not_grow_with_rows(staff_client, django_assert_num_queries):
    for _ in range(2):
        SeekerAccountFactory()
    staff_client.get(changelist_url())  # writes the idle stamp, which the next minute's requests skip
    with CaptureQueriesContext(connection) as few:
        staff_client.get(changelist_url())
    for _ in range(6):
        SeekerAccountFactory()
        JobApplicationFactory()

    # session, user, the TOTP check, the filtered and total counts, one page of rows with identity and
    # account joined in, the date hierarchy's bounds and days — and nothing per row.
    with django_assert_num_queries(len(few)):
        response = staff_client.get(changelist_url())

    assert len(response.context["cl"].result_list) == 14
