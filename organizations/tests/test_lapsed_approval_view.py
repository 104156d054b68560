"""An organisation whose approval lapsed today cannot search, view or send: every organisation page
says so (403), from midnight in Japan; the day before, the same member searches."""

from datetime import timedelta

import pytest

from conftest import jst
from organizations.tests.factories import MemberFactory, OrganizationFactory
from tests.pages import login, page, with_totp

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/orgs/seekers/", "/orgs/messages/"])
def test_an_organisation_whose_approval_lapsed_today_is_refused(time_machine, today, path):
    org = OrganizationFactory(approval_until=today - timedelta(days=1))
    client = login(with_totp(MemberFactory(organization=org).user))

    response = client.get(path)

    assert response.status_code == 403
    assert "有効期限が切れました" in page(response)


def test_the_last_day_still_works_and_midnight_ends_it(time_machine, today):
    org = OrganizationFactory(approval_until=today)
    time_machine.move_to(jst(today, 23, 59), tick=False)
    client = login(with_totp(MemberFactory(organization=org).user))  # signed in just before midnight
    assert client.get("/orgs/seekers/").status_code == 200

    time_machine.move_to(jst(today + timedelta(days=1), 0, 0, 1), tick=False)
    response = client.get("/orgs/seekers/")

    assert response.status_code == 403
    assert "有効期限が切れました" in page(response)


def test_a_lapsed_organisation_still_answers_deletion_requests(today):
    org = OrganizationFactory(approval_until=today - timedelta(days=1))
    client = login(with_totp(MemberFactory(organization=org).user))

    assert client.get("/orgs/deletion-requests/").status_code == 200
