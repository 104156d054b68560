"""Staff list pages cost the same number of queries whatever the number of rows."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.tests.factories import ComplaintFactory, ViolationFactory
from organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def queries_for(client, url: str) -> tuple[int, str]:
    client.get(url)  # the first request of a session stamps its idle time; measure the ones after
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_the_violation_list_and_its_repeat_hint_cost_no_query_per_row(staff_client):
    first = OrganizationFactory()
    ViolationFactory(organization=first, confirmed=True)
    few, _ = queries_for(staff_client, "/admin/compliance/violation/")
    for _ in range(3):
        org = OrganizationFactory()
        ViolationFactory(organization=org, confirmed=True)
        ViolationFactory(organization=org, confirmed=True)
    many, html = queries_for(staff_client, "/admin/compliance/violation/")

    assert many == few
    assert len(re.findall(r"12か月以内に確認済みの違反が他にもあります", html)) == 6  # the three pairs, not `first`


def test_the_complaint_queue_costs_no_query_per_row(staff_client):
    ComplaintFactory()
    few, _ = queries_for(staff_client, "/admin/compliance/complaint/")
    ComplaintFactory.create_batch(5)
    many, _ = queries_for(staff_client, "/admin/compliance/complaint/")
    assert many == few
