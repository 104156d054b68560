"""The 求職公開申込書 as its own record (issue 14, item 2): staff enter the 求職申込書's values and,
on their own fieldset, the published values of list (2) ①–⑧, prefilled from the 求職申込書 when left
blank; 希望勤務地 up to three places (a prefecture and optionally a municipality). Organisations see
and search only the published values. The admin posts are built from the rendered page."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent
from conftest import jst
from organizations.models import Municipality, Prefecture
from seekers import services
from seekers.models import ApplicationSheet, DesiredPlace, JobApplication, Profile
from seekers.search.facets import profile_facets
from seekers.tests.factories import JobApplicationFactory, SeekerAccountFactory
from seekers.tests.helpers import listed
from seekers.tests.test_admin import add_url, change_url, filled_add_form
from tests.pages import AdminPage, page

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 26)
SHEET_JOB = "倉庫内ピッキング作業"
PUBLISHED_JOB = "データ入力事務"


@pytest.fixture(autouse=True)
def today(time_machine):
    time_machine.move_to(jst(TODAY, 10))
    return TODAY


def places_of(application) -> list[tuple[str, str | None]]:
    return list(DesiredPlace.objects.filter(profile_id=application.pk).order_by("position")
                .values_list("prefecture_id", "municipality_id"))


def add_with(staff_client, **overrides):
    return staff_client.post(add_url(), filled_add_form(staff_client, **overrides))


def three_places(**extra):
    return {
        "sheet-0-desired_job": SHEET_JOB, "sheet-0-desired_prefecture": "13",
        "PROFILE-0-desired_job": PUBLISHED_JOB,
        "PROFILE-0-place1_prefecture": "13",
        "PROFILE-0-place2_prefecture": "27", "PROFILE-0-place2_municipality": "271004",
        "PROFILE-0-place3_prefecture": "01",
        **extra,
    }


def published(application) -> None:
    """The seeker registers, starts and confirms: the profile is listed."""
    SeekerAccountFactory(application=application)


# --- the admin fieldset ------------------------------------------------------------------------------


def test_the_published_values_are_kept_apart_from_the_application_form(staff_client):
    response = add_with(staff_client, **three_places())

    assert response.status_code == 302, page(response)[:3000]
    application = JobApplication.objects.get()
    assert ApplicationSheet.objects.get(pk=application.pk).desired_job == SHEET_JOB
    profile = Profile.objects.get(pk=application.pk)
    assert profile.desired_job == PUBLISHED_JOB
    assert places_of(application) == [("13", None), ("27", "271004"), ("01", None)]
    assert profile.desired_prefecture_id == "13"  # the 第1希望


def test_blank_published_values_are_prefilled_from_the_application_form(staff_client):
    response = add_with(staff_client, **{
        "sheet-0-desired_job": SHEET_JOB, "sheet-0-desired_hours": "9時〜17時", "sheet-0-dispatch_ok": "on",
        "sheet-0-two_day_weekend": "yes", "sheet-0-desired_prefecture": "27", "sheet-0-desired_municipality": "271004",
        "sheet-0-desired_monthly_income": "230000",
        "PROFILE-0-desired_job": "", "PROFILE-0-dispatch_ok": "", "PROFILE-0-two_day_weekend": "",
        "PROFILE-0-desired_hours": "", "PROFILE-0-place1_prefecture": "",
    })

    assert response.status_code == 302, page(response)[:3000]
    profile = Profile.objects.get()
    assert (profile.desired_job, profile.desired_hours, profile.dispatch_ok, profile.two_day_weekend) == (
        SHEET_JOB, "9時〜17時", True, "yes")
    assert profile.desired_monthly_income == 230000
    assert places_of(profile.application) == [("27", "271004")]
    assert profile.desired_prefecture_id == "27"


def test_an_entered_published_value_may_differ_and_is_changed_on_the_change_page(staff_client, staff):
    application = JobApplicationFactory(kyushoku_number="13010-00000301", profile__dispatch_ok=False,
                                        profile__desired_prefecture=Prefecture.objects.get(code="13"))
    form = AdminPage(page(staff_client.get(change_url(application))), "jobapplication_form")
    assert form.fields["profile-0-place1_prefecture"] == ["13"]  # the stored place is shown
    data = dict(form.fields)
    data.update({"profile-0-desired_job": [PUBLISHED_JOB], "profile-0-dispatch_ok": ["True"],
                 "profile-0-place2_prefecture": ["14"], "profile-0-place2_municipality": ["141003"]})

    response = staff_client.post(change_url(application), data)

    assert response.status_code == 302, page(response)[:3000]
    profile = Profile.objects.get(pk=application.pk)
    sheet = ApplicationSheet.objects.get(pk=application.pk)
    assert profile.desired_job == PUBLISHED_JOB and sheet.desired_job != PUBLISHED_JOB
    assert profile.dispatch_ok is True and sheet.dispatch_ok is False
    assert places_of(application) == [("13", None), ("14", "141003")]
    event = AuditEvent.objects.get(verb="application.update")
    assert {"desired_job", "dispatch_ok", "places"} <= set(event.data["profile_changed"])


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"PROFILE-0-place1_prefecture": "13", "PROFILE-0-place1_municipality": "271004"},
     "place1_municipality", "大阪市 は東京都の市区町村ではありません。"),
    ({"PROFILE-0-place1_prefecture": "13", "PROFILE-0-place3_prefecture": "27"},
     "place3_prefecture", "希望勤務地は第2希望から順に入力してください。"),
    ({"PROFILE-0-place1_prefecture": "13", "PROFILE-0-place2_municipality": "271004"},
     "place2_prefecture", "市区町村を選んだときは都道府県も選んでください。"),
    ({"PROFILE-0-place1_prefecture": "13", "PROFILE-0-place2_prefecture": "13"},
     "place2_prefecture", "同じ希望勤務地が重複しています。"),
    ({"sheet-0-desired_prefecture": "13", "sheet-0-desired_municipality": "011002"},
     "desired_municipality", "札幌市 は東京都の市区町村ではありません。"),
])
def test_bad_places_are_refused_at_the_field_keeping_what_was_typed(staff_client, values, field, message):
    response = add_with(staff_client, **{"sheet-0-desired_job": SHEET_JOB, "sheet-0-desired_prefecture": "13",
                                         **values})

    assert response.status_code == 200
    html = page(response)
    assert message in html
    prefix = "sheet" if field == "desired_municipality" else "profile"
    form = AdminPage(html, "jobapplication_form")
    assert form.error_at(f"id_{prefix}-0-{field}")
    assert form.fields["sheet-0-desired_job"] == [SHEET_JOB]  # what staff typed stays, the selects too
    for key, value in values.items():
        assert form.fields[key.replace("PROFILE", "profile")] == [value], key
    assert not JobApplication.objects.exists()


def test_a_fourth_place_in_a_hand_made_post_is_not_stored(staff_client):
    data = filled_add_form(staff_client, **three_places())
    data.update({"profile-0-place4_prefecture": ["47"]})

    response = staff_client.post(add_url(), data)

    assert response.status_code == 302
    assert len(places_of(JobApplication.objects.get())) == 3


def test_the_service_refuses_more_than_three_places(staff):
    application = JobApplicationFactory()
    tokyo, osaka, hokkaido, okinawa = (Prefecture.objects.get(code=c) for c in ("13", "27", "01", "47"))

    with pytest.raises(ValidationError, match="3か所まで"):
        services.application_save(actor=staff, application=application, identity=application.identity,
                                  profile=application.profile, sheet=application.sheet,
                                  places=[(tokyo, None), (osaka, None), (hokkaido, None), (okinawa, None)])
    assert places_of(application) == []


# --- what organisations see and search ---------------------------------------------------------------


@pytest.fixture
def entered(staff_client):
    """A profile entered in the admin with three places and a published job that differs from the
    求職申込書's, then registered and started by the seeker."""
    response = add_with(staff_client, **three_places(**{"applied_on": (TODAY - timedelta(days=5)).isoformat()}))
    assert response.status_code == 302, page(response)[:3000]
    application = JobApplication.objects.get()
    published(application)
    return Profile.objects.get(pk=application.pk)


def test_the_facets_carry_every_place_and_its_municipality(entered):
    tokens = profile_facets(entered).split()

    assert {"pf13", "pf27", "pf01", "mu271004"} <= set(tokens)


@pytest.mark.parametrize("params", [
    {"prefecture": "27"},  # the 第2希望's prefecture
    {"prefecture": "01"},  # the 第3希望's
    {"municipality": "271004"},
    {"municipality": "27100"},  # without the check digit
    {"municipality": "大阪市"},
    {"prefecture": "27", "municipality": "大阪市"},
])
def test_a_search_by_a_later_place_or_a_municipality_finds_the_profile(member_client, entered, params):
    response = member_client.get("/orgs/seekers/", params)

    assert response.status_code == 200
    assert entered.public_id in listed(response)


@pytest.mark.parametrize("params", [{"prefecture": "47"}, {"municipality": "131016"}])
def test_a_search_by_another_place_does_not(member_client, entered, params):
    assert entered.public_id not in listed(member_client.get("/orgs/seekers/", params))


@pytest.mark.parametrize(("typed", "message"), [
    ("999999", "その全国地方公共団体コードの市区町村はありません。"),
    ("府中市", "同じ名称の市区町村が複数あります。都道府県も選んでください。"),  # 東京都 and 広島県
    ("存在しない市", "その名称の市区町村が見つかりません。"),
])
def test_a_bad_municipality_in_the_search_is_explained_at_the_field(member_client, entered, typed, message):
    response = member_client.get("/orgs/seekers/", {"municipality": typed})

    assert response.status_code == 200
    assert message in page(response)
    assert f'value="{typed}"' in page(response)


def test_the_organisation_sees_only_the_published_values_with_codes(member_client, entered):
    html = page(member_client.get(f"/orgs/seekers/{entered.public_id}/"))

    assert PUBLISHED_JOB in html
    assert SHEET_JOB not in html
    assert "13 東京都、27 大阪府 / 271004 大阪市、01 北海道" in html


def test_municipality_codes_are_loaded_with_their_prefecture():
    assert Municipality.objects.count() == 1741
    assert Municipality.objects.get(code="131016").prefecture_id == "13"


# --- ㉑ 広域就業希望地 (住所コード) ---------------------------------------------------------------------


def wide_area_form(staff_client, prefectures, municipalities):
    data = filled_add_form(staff_client, **three_places())
    data["profile-0-wide_area_prefectures"] = prefectures
    data["profile-0-wide_area_municipalities"] = municipalities
    return data


def test_wide_area_takes_prefectures_and_municipalities_shown_with_their_codes(staff_client, member_client):
    response = staff_client.post(add_url(), wide_area_form(staff_client, ["27"], ["282014", "011002"]))

    assert response.status_code == 302, page(response)[:3000]
    application = JobApplication.objects.get()
    profile = Profile.objects.get(pk=application.pk)
    assert list(profile.wide_area_prefectures.values_list("code", flat=True)) == ["27"]
    assert sorted(profile.wide_area_municipalities.values_list("code", flat=True)) == ["011002", "282014"]
    published(application)
    html = page(member_client.get(f"/orgs/seekers/{profile.public_id}/"))
    assert "27 大阪府、011002 北海道札幌市、282014 兵庫県姫路市" in html


def test_a_municipality_inside_a_whole_wide_area_prefecture_is_refused_at_the_field(staff_client):
    response = staff_client.post(add_url(), wide_area_form(staff_client, ["28"], ["282014", "011002"]))

    assert response.status_code == 200
    html = page(response)
    assert "姫路市 は、全域を選んだ都道府県の市区町村です。" in html
    form = AdminPage(html, "jobapplication_form")
    assert form.error_at("id_profile-0-wide_area_municipalities")
    assert sorted(form.fields["profile-0-wide_area_municipalities"]) == ["011002", "282014"]  # kept as chosen
    assert not JobApplication.objects.exists()


def test_a_wide_area_change_on_the_change_page_is_audited(staff_client):
    response = staff_client.post(add_url(), wide_area_form(staff_client, [], ["282014"]))
    assert response.status_code == 302, page(response)[:3000]
    application = JobApplication.objects.get()
    change = AdminPage(page(staff_client.get(change_url(application))), "jobapplication_form").fields
    assert change["profile-0-wide_area_municipalities"] == ["282014"]  # the change page shows what is stored
    change["profile-0-wide_area_municipalities"] = ["282014", "011002"]

    response = staff_client.post(change_url(application), change)

    assert response.status_code == 302, page(response)[:3000]
    event = AuditEvent.objects.get(verb="application.update")
    assert "wide_area_municipalities" in event.data["profile_changed"]
    assert Profile.objects.get(pk=application.pk).wide_area_municipalities.count() == 2
