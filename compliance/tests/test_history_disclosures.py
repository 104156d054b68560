"""The organisation's history in the admin (/admin/compliance/violation/history/<id>/) shows every edit
of its disclosures with the values before and after (SPEC rules 12 and 19: fees differing from the first
notice are 虚偽・不正な個人情報取得), whether the organisation's administrator or staff made it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from organizations.tests.factories import OrganizationFactory
from tests.pages import AdminPage, login, page, with_totp

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa")]

NEW_FEES = "紹介手数料として、就職時に求職者から1万円をいただきます。"


def history(client, organization) -> str:
    html = page(client.get(f"/admin/compliance/violation/history/{organization.pk}/"))
    return html[html.index("必須記載事項の変更"):]


def test_the_administrators_edit_appears_in_the_history(staff_client, agency, agency_admin):
    old_fees = agency.fees
    login(with_totp(agency_admin)).post("/orgs/organization/", {
        **{name: getattr(agency, name) for name in
           ("track_record", "job_openings", "privacy_officer", "complaints_officer", "contact_procedure")},
        "fees": NEW_FEES,
    })
    event = AuditEvent.objects.get(verb=AuditEvent.Verb.ORGANIZATION_DISCLOSURES_UPDATE)
    quiet = OrganizationFactory()

    shown = history(staff_client, agency)

    assert f"{timezone.localtime(event.created_at):%Y/%m/%d %H:%M} {agency_admin.get_username()}" in shown
    assert f"職業紹介に関する手数料: 「{old_fees}」 → 「{NEW_FEES}」" in shown
    assert NEW_FEES not in history(staff_client, quiet)


def test_staffs_edit_in_the_admin_appears_in_the_history(staff_client, staff, agency):
    old_fees = agency.fees
    url = reverse("admin:organizations_organization_change", args=[agency.pk])
    data = dict(AdminPage(page(staff_client.get(url)), "organization_form").fields)
    data["fees"] = [NEW_FEES]

    assert staff_client.post(url, data).status_code == 302

    assert f"{staff.get_username()}<ul><li>職業紹介に関する手数料: 「{old_fees}」 → 「{NEW_FEES}」" in history(
        staff_client, agency)


def test_an_organisation_without_edits_shows_none(staff_client, agency):
    assert '<ul class="disclosure-changes"><li>—</li></ul>' in history(staff_client, agency)
