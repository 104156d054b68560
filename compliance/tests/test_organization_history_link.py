"""The organisation's admin page links to its violations and sanctions. The link is compliance's
(its admin extends the organisation's), so organizations never names compliance's admin."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from organizations.models import Organization
from organizations.tests.factories import OrganizationFactory
from tests.pages import page

pytestmark = pytest.mark.django_db


def history_href(html: str) -> str | None:
    match = re.search(r'<a href="([^"]+)">違反・措置の履歴を見る</a>', html)
    return match.group(1) if match else None


def test_the_organisation_page_links_to_its_history(staff_client):
    organization = OrganizationFactory(name="履歴人材株式会社")

    html = page(staff_client.get(reverse("admin:organizations_organization_change", args=[organization.pk])))
    href = history_href(html)

    assert href == f"/admin/compliance/violation/history/{organization.pk}/"
    assert "履歴人材株式会社" in page(staff_client.get(href))


def test_a_new_organisation_has_no_history_link_yet(staff_client):
    html = page(staff_client.get(reverse("admin:organizations_organization_add")))

    assert history_href(html) is None
    assert "違反・措置の履歴" in html  # the field is there, empty until the record exists


def test_the_link_sits_with_the_sanction_state_and_the_rest_of_the_page_is_organizations():
    model_admin = admin.site._registry[Organization]
    [sanction_fields] = [options["fields"] for _title, options in model_admin.fieldsets
                         if "revoked_at" in options["fields"]]

    assert sanction_fields == ("suspended_from", "suspended_until", "revoked_at", "history_link")
    assert "history_link" in model_admin.readonly_fields
    assert model_admin.actions == ["approve"]  # organizations' own admin, extended, not replaced
