"""/orgs/organization/terms/: the 利用規約(利用団体用). A member of an organisation whose administrator
has not accepted the version in force is sent here from every other organisation page; the
administrator accepts it. Anonymous → login, a seeker → 403, a member's POST → 403."""

import pytest

from accounts.models import AuditEvent
from organizations.models import Member, Organization
from organizations.terms import CURRENT_TERMS_VERSION
from organizations.tests.factories import MemberFactory, OrganizationFactory
from tests.pages import login, page, with_totp

pytestmark = pytest.mark.django_db

URL = "/orgs/organization/terms/"


@pytest.fixture
def pending():
    return OrganizationFactory(terms_pending=True)


def client_of(org, role=Member.Role.MEMBER):
    return login(with_totp(MemberFactory(organization=org, role=role).user))


@pytest.mark.parametrize("path", ["/orgs/seekers/", "/orgs/messages/", "/orgs/organization/"])
def test_a_member_before_the_terms_are_accepted_is_sent_to_the_terms_page(pending, path):
    client = client_of(pending)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == URL
    html = page(client.get(URL))
    assert "管理者が、この版の利用規約にまだ同意していません" in html
    assert "同意してサービスの利用を始める" not in html  # a member has no form


def test_a_member_cannot_accept_by_a_hand_made_post(pending):
    response = client_of(pending).post(URL, {"version": CURRENT_TERMS_VERSION, "agree": "on"})

    assert response.status_code == 403
    assert Organization.objects.get(pk=pending.pk).status() == Organization.Status.TERMS_PENDING


def test_the_administrator_reads_and_accepts_the_terms(pending):
    client = client_of(pending, Member.Role.ADMIN)

    html = page(client.get(URL))
    assert "第三者に提供してはいけません" in html  # the terms' text
    assert "同意してサービスの利用を始める" in html

    response = client.post(URL, {"version": CURRENT_TERMS_VERSION, "agree": "on"})

    assert response.status_code == 302 and response["Location"] == "/orgs/seekers/"
    assert client.get("/orgs/seekers/").status_code == 200
    assert AuditEvent.objects.filter(verb=AuditEvent.Verb.ORGANIZATION_TERMS_ACCEPT, target_id=str(pending.pk)).exists()


def test_accepting_without_the_tick_says_so_at_the_field(pending):
    client = client_of(pending, Member.Role.ADMIN)

    response = client.post(URL, {"version": CURRENT_TERMS_VERSION})

    assert response.status_code == 200
    assert "「利用規約(利用団体用)に同意します」にチェックを入れてください" in page(response)
    assert Organization.objects.get(pk=pending.pk).terms_version == 0


def test_terms_changed_while_the_page_was_open_are_not_accepted(pending):
    response = client_of(pending, Member.Role.ADMIN).post(URL, {"version": CURRENT_TERMS_VERSION - 1, "agree": "on"})

    assert response.status_code == 200
    assert "利用規約が改定されました" in page(response)
    assert Organization.objects.get(pk=pending.pk).terms_version == 0


def test_an_organisation_that_accepted_sees_when(agency_admin):
    html = page(login(with_totp(agency_admin)).get(URL))

    assert "この版の利用規約に同意しています" in html


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_seeker_is_refused(seeker_client):
    assert seeker_client.get(URL).status_code == 403
