"""団体の記載事項 at /orgs/organization/ (SPEC rule 12): every member sees the disclosures a first
guidance carries; the organisation's administrators change them (audited); other roles are refused. The
page is always the member's own organisation (no id in the path), so another organisation's
administrator reaches only their own record."""

import re

import pytest

from accounts.models import AuditEvent
from organizations.models import Organization
from organizations.tests.factories import MemberFactory, OrganizationFactory
from tests.pages import error_summary, field_error, login, page, with_totp

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa")]

URL = "/orgs/organization/"
NEW_FEES = "紹介手数料として、就職時に求職者から1万円をいただきます。"


def form_data(organization, **overrides) -> dict:
    return {**{name: getattr(organization, name) for name in Organization.APPROVAL_FIELDS}, **overrides}


def test_the_administrator_sees_the_record_and_the_form(agency_admin_client, agency):
    response = agency_admin_client.get(URL)

    assert response.status_code == 200
    html = page(response)
    assert agency.name in html and agency.permit_number in html
    assert "<dt>プライバシーマーク</dt><dd>取得している</dd>" in html
    form = re.search(r'<form method="post" novalidate>(.*?)</form>', html, re.S).group(1)
    assert re.search(rf'<textarea name="fees"[^>]*>\s*{re.escape(agency.fees)}</textarea>', form)
    assert 'name="name"' not in form and 'name="permit_number"' not in form


def test_the_administrator_changes_the_fees(agency_admin_client, agency, agency_admin):
    old_fees = agency.fees

    response = agency_admin_client.post(URL, form_data(agency, fees=NEW_FEES))

    assert response.status_code == 302 and response["Location"] == URL
    assert Organization.objects.get(pk=agency.pk).fees == NEW_FEES
    event = AuditEvent.objects.get(verb=AuditEvent.Verb.ORGANIZATION_DISCLOSURES_UPDATE)
    assert event.actor == agency_admin
    assert event.data == {"before": {"fees": old_fees}, "after": {"fees": NEW_FEES}}
    assert "団体の記載事項を変更しました。" in page(agency_admin_client.get(URL))


@pytest.mark.parametrize("field", Organization.APPROVAL_FIELDS)
def test_an_emptied_field_is_refused_at_the_field_and_the_rest_kept(agency_admin_client, agency, field):
    data = form_data(agency, **{field: "  "})
    if field != "fees":
        data["fees"] = NEW_FEES

    response = agency_admin_client.post(URL, data)

    assert response.status_code == 200
    assert field_error(page(response), field) == "この項目を入力してください(最初の案内メッセージの必須記載事項です)。"
    if field != "fees":
        assert NEW_FEES in page(response)  # what was typed is still there
    assert Organization.objects.get(pk=agency.pk).fees == agency.fees
    assert not AuditEvent.objects.filter(verb=AuditEvent.Verb.ORGANIZATION_DISCLOSURES_UPDATE).exists()


def test_the_name_and_permit_number_are_not_the_organisations_to_change(agency_admin_client, agency):
    response = agency_admin_client.post(URL, form_data(agency, name="改称した団体", permit_number="13-ユ-000001",
                                                       fees=NEW_FEES))

    assert response.status_code == 302
    stored = Organization.objects.get(pk=agency.pk)
    assert (stored.name, stored.permit_number, stored.fees) == (agency.name, agency.permit_number, NEW_FEES)


# --- who may: a member sees, only the administrator changes --------------------------------------------


def test_a_member_who_is_not_the_administrator_sees_the_record_read_only(member_client, agency):
    response = member_client.get(URL)

    assert response.status_code == 200
    html = page(response)
    assert agency.fees in html
    assert "記載事項を変更できるのは団体の管理者だけです。" in html
    assert 'name="fees"' not in html


def test_a_member_who_is_not_the_administrator_cannot_change_them(member_client, agency):
    response = member_client.post(URL, form_data(agency, fees=NEW_FEES))

    assert response.status_code == 403
    assert Organization.objects.get(pk=agency.pk).fees == agency.fees
    assert not AuditEvent.objects.filter(verb=AuditEvent.Verb.ORGANIZATION_DISCLOSURES_UPDATE).exists()


def test_another_organisations_administrator_reaches_only_their_own_record(agency):
    other = OrganizationFactory(fees="他団体の手数料")
    client = login(with_totp(MemberFactory(organization=other, role="admin").user))

    html = page(client.get(URL))
    response = client.post(URL, form_data(other, fees=NEW_FEES))

    assert "他団体の手数料" in html and agency.fees not in html and agency.name not in html
    assert response.status_code == 302
    assert Organization.objects.get(pk=other.pk).fees == NEW_FEES
    assert Organization.objects.get(pk=agency.pk).fees == agency.fees


def test_anonymous_visitors_are_sent_to_the_login_page(client, agency):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={URL}"
    assert client.post(URL, form_data(agency, fees=NEW_FEES)).status_code == 302
    assert Organization.objects.get(pk=agency.pk).fees == agency.fees


@pytest.mark.parametrize("who", ["seeker", "staff"])
def test_the_page_is_forbidden_to_other_roles(request, agency, who):
    client = login(request.getfixturevalue(who))

    assert client.get(URL).status_code == 403
    assert client.post(URL, form_data(agency, fees=NEW_FEES)).status_code == 403
    assert Organization.objects.get(pk=agency.pk).fees == agency.fees


def test_a_suspended_organisations_administrator_cannot_change_them():
    suspended = OrganizationFactory(suspended=True)
    client = login(with_totp(MemberFactory(organization=suspended, role="admin").user))

    response = client.post(URL, form_data(suspended, fees=NEW_FEES))

    assert response.status_code == 403
    assert Organization.objects.get(pk=suspended.pk).fees == suspended.fees
    assert error_summary(page(response)) == ""
