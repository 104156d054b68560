"""What staff type in the admin, as typed at a counter with a Japanese IME (accounts.service_admin):
dates as 2026/12/1, 2026-12-01 or 2026年12月1日, in full width too, in every date field of every admin
page and in either language; search terms, a 求職番号 above all, in full width or with another dash."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.contrib import admin
from django.test import RequestFactory
from django.utils import translation

from accounts.service_admin import normalize_search
from compliance.models import Suspension, Violation
from compliance.tests.factories import ComplaintFactory, ViolationFactory
from messaging.tests.factories import ConversationFactory
from organizations.tests.factories import OrganizationFactory
from seekers.tests.factories import JobApplicationFactory, SeekerAccountFactory
from tests.pages import changelist_rows, field_error, login, with_totp

pytestmark = pytest.mark.django_db

JST = ZoneInfo("Asia/Tokyo")
DATES = ["2026-12-01", "2026/12/1", "2026/12/01", "2026年12月1日", "２０２６／１２／１", "２０２６－１２－０１", "２０２６年１２月１日"]


@pytest.fixture(autouse=True)
def now(time_machine):
    time_machine.move_to(datetime(2026, 11, 26, 10, 0, tzinfo=JST))


@pytest.fixture
def staff_client(staff):
    return login(with_totp(staff))


def admin_forms(user):
    """Every form the admin shows (each registered model's add and change forms, and each inline's),
    with the model it is for."""
    request = RequestFactory().get("/admin/")
    request.user = user
    for model, model_admin in admin.site._registry.items():
        yield model._meta.label, model_admin.get_form(request)()
        first = model._default_manager.first()
        if first is not None:
            yield model._meta.label, model_admin.get_form(request, first, change=True)(instance=first)
        for inline in model_admin.get_inline_instances(request):
            yield inline.model._meta.label, inline.get_formset(request).form()


def date_fields(user):
    for label, form in admin_forms(user):
        for name, field in form.fields.items():
            if isinstance(field, forms.SplitDateTimeField | forms.DateField):
                yield label, name, field


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("typed", DATES)
def test_every_admin_date_field_takes_the_date_as_staff_type_it(staff, language, typed):
    checked = set()
    with translation.override(language):
        for label, name, field in date_fields(staff):
            if isinstance(field, forms.SplitDateTimeField):
                raw = field.widget.value_from_datadict({f"{name}_0": typed, f"{name}_1": "１４：０５"}, {}, name)
                assert field.clean(raw) == datetime(2026, 12, 1, 14, 5, tzinfo=JST), (label, name)
            else:
                assert field.clean(field.widget.value_from_datadict({name: typed}, {}, name)) == date(2026, 12, 1), \
                    (label, name)
            checked.add((label, name))
    # The date fields of the staff screens are among those checked (the walk found the forms).
    assert {("seekers.JobApplication", "applied_on"), ("seekers.JobApplication", "valid_until"),
            ("seekers.ApplicantIdentity", "birth_date"), ("compliance.Suspension", "starts_on"),
            ("compliance.CorrectionRequest", "due_on"), ("compliance.Violation", "occurred_on"),
            ("organizations.Organization", "approved_on"), ("accounts.User", "date_joined")} <= checked


def test_a_violation_recorded_with_a_slashed_date(staff_client):
    organization = OrganizationFactory()

    response = staff_client.post("/admin/compliance/violation/add/", {
        "organization": organization.pk, "category": "advertising", "occurred_on": "2026/11/2",
        "description": "職業紹介と無関係な広告を送信した。",
    })

    assert response.status_code == 302
    assert Violation.objects.get().occurred_on == date(2026, 11, 2)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_suspension_typed_in_full_width_on_either_language(staff_client, language):
    staff_client.cookies["django_language"] = language
    violation = ViolationFactory(confirmed=True)

    response = staff_client.post("/admin/compliance/suspension/add/", {
        "violation": violation.pk, "starts_on": "２０２６／１１／２６", "ends_on": "２０２６－１２－０２", "reason": "広告",
    })

    assert response.status_code == 302
    suspension = Suspension.objects.get()
    assert (suspension.starts_on, suspension.ends_on) == (date(2026, 11, 26), date(2026, 12, 2))


def test_a_date_that_does_not_exist_is_refused_at_the_field(staff_client):
    response = staff_client.post("/admin/compliance/violation/add/", {
        "organization": OrganizationFactory().pk, "category": "advertising", "occurred_on": "2026/13/1",
        "description": "職業紹介と無関係な広告を送信した。",
    })

    assert response.status_code == 200
    assert field_error(response, "occurred_on") == "日付を正しく入力してください。"
    assert "2026/13/1" in response.content.decode()  # what staff typed is still there
    assert not Violation.objects.exists()


# --- search ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "searched"), [
    ("１３０１０－１２３４５６７８", "13010-12345678"),
    ("13010ー12345678", "13010-12345678"),
    ("13010 − 12345678", "13010-12345678"),
    ("1301012345678", "13010-12345678"),
    ("　ＡＢＣキャリア　", "ABCキャリア"),
    ("株式会社　アクセス", "株式会社 アクセス"),
    ("2026-12-01", "2026-12-01"),
])
def test_search_terms_are_read_as_the_rows_store_them(typed, searched):
    assert normalize_search(typed) == searched


def test_an_application_is_found_by_its_number_typed_in_full_width(staff_client):
    JobApplicationFactory(kyushoku_number="13010-12345678")
    JobApplicationFactory(kyushoku_number="13010-87654321")

    [row] = changelist_rows(staff_client.get("/admin/seekers/jobapplication/", {"q": "１３０１０－１２３４５６７８"}))

    assert "13010-12345678" in row


@pytest.mark.parametrize("typed", ["１３０１０ー１２３４５６７８", "１３０１０１２３４５６７８"])
def test_a_seeker_account_is_found_by_the_number_with_another_dash_or_none(staff_client, typed):
    SeekerAccountFactory(application__kyushoku_number="13010-12345678", user__username="K7777777")
    SeekerAccountFactory(application__kyushoku_number="13010-87654321")

    [row] = changelist_rows(staff_client.get("/admin/seekers/seekeraccount/", {"q": typed}))

    assert "K7777777" in row


def test_a_complaint_is_found_by_the_complainants_number_in_full_width(staff_client):
    ComplaintFactory(conversation=ConversationFactory(organization=OrganizationFactory(name="苦情先商事"),
                                                      account__application__kyushoku_number="13010-12345678"))
    ComplaintFactory(conversation=ConversationFactory(organization=OrganizationFactory(name="他社")))

    [row] = changelist_rows(staff_client.get("/admin/compliance/complaint/", {"q": "１３０１０－１２３４５６７８"}))

    assert "苦情先商事" in row


def test_an_organisation_is_found_by_its_name_typed_in_full_width(staff_client):
    OrganizationFactory(name="ABCキャリア")
    OrganizationFactory(name="XYZ人材")

    [row] = changelist_rows(staff_client.get("/admin/organizations/organization/", {"q": "ＡＢＣ"}))

    assert "ABCキャリア" in row


@pytest.mark.parametrize("to_field", ["", "no_such_field"])
@pytest.mark.parametrize("path", ["/admin/auth/group/{id}/delete/", "/admin/auth/group/{id}/change/",
                                  "/admin/organizations/organization/{id}/delete/"])
def test_an_empty_or_unknown_to_field_is_no_object_not_a_500(staff_client, path, to_field):
    """`?_to_field=` reached Django's admin get_object as a field named "" (FieldDoesNotExist, a 500)."""
    from django.contrib.auth.models import Group

    existing = Group.objects.create(name="確認用") if "/group/" in path else OrganizationFactory()
    # An object that exists: an empty _to_field is its primary key (the page), an unknown one no object.
    response = staff_client.get(path.format(id=existing.pk), {"_to_field": to_field})
    assert response.status_code in ((200,) if to_field == "" else (302, 400, 404)), response.status_code
    response = staff_client.get(path.format(id=99999999999999999999), {"_to_field": to_field})
    assert response.status_code in (302, 400, 404), response.status_code
