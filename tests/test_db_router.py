"""config.db_router: which database each kind of query reads from, with the replica as Django's test
mirror of the primary (config/settings/test.py). Reads of the list and search pages go to the replica;
sessions, users, organisations and every read after a write, of a POST or of any other page go to the
primary, so a profile a seeker just stopped is opened and contacted only through the primary."""

import pytest
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from config import db_router
from config.db_router import PRIMARY, REPLICA, replica_reads
from messaging.models import Conversation, Message
from messaging.tests.factories import ConversationFactory, MessageFactory
from organizations.models import Member, Organization
from seekers.models import Profile
from seekers.tests.factories import SeekerAccountFactory
from seekers.tests.helpers import seeker_with
from tests.pages import login, with_totp

ROUTER = ["config.db_router.ReplicaRouter"]


@pytest.fixture
def routed(settings, monkeypatch):
    settings.DATABASE_ROUTERS = ROUTER
    monkeypatch.setattr(db_router, "_lag_checked", {"at": 0.0, "ok": False})


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.setattr(db_router, "replica_fresh", lambda: True)  # its own test below


def choices_inside(method: str, during=None, decorated: bool = True) -> dict:
    """What the router answers for each model inside a view answering `method`."""
    seen = {}

    def view(request):
        if during:
            during()
        seen.update({model.__name__: router.db_for_read(model) for model in
                     (Profile, Message, Conversation, Session, User, Organization, Member)})
        return None

    view = replica_reads(view) if decorated else view
    view(getattr(RequestFactory(), method.lower())("/"))
    return seen


LISTS = {"Profile": REPLICA, "Message": REPLICA, "Conversation": REPLICA}
ALWAYS_PRIMARY = {"Session": PRIMARY, "User": PRIMARY, "Organization": PRIMARY, "Member": PRIMARY}


def test_a_replica_reads_get_sends_list_reads_to_the_replica_and_auth_and_organisations_to_the_primary(routed, fresh):
    assert choices_inside("GET") == {**LISTS, **ALWAYS_PRIMARY}
    assert choices_inside("HEAD") == {**LISTS, **ALWAYS_PRIMARY}


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_write_method_reads_everything_from_the_primary(routed, fresh, method):
    assert set(choices_inside(method).values()) == {PRIMARY}


def test_after_a_write_the_rest_of_the_request_reads_from_the_primary(routed, fresh):
    assert set(choices_inside("GET", during=lambda: router.db_for_write(Message)).values()) == {PRIMARY}


def test_a_view_not_marked_and_code_outside_any_request_read_from_the_primary(routed, fresh):
    assert set(choices_inside("GET", decorated=False).values()) == {PRIMARY}
    assert router.db_for_read(Profile) == PRIMARY  # tasks, nightly jobs, manage.py
    assert router.db_for_write(Profile) == PRIMARY


def test_migrations_run_on_the_primary_only(routed):
    assert router.allow_migrate(PRIMARY, "seekers")
    assert not router.allow_migrate(REPLICA, "seekers")


def test_without_a_replica_configured_every_read_is_the_primarys(routed, fresh, monkeypatch):
    monkeypatch.setattr(db_router, "replica_configured", lambda: False)  # no "replica" in DATABASES
    assert set(choices_inside("GET").values()) == {PRIMARY}


def test_a_replica_lagging_more_than_tolerated_is_not_read(routed, monkeypatch):
    monkeypatch.setattr(db_router, "replica_fresh", lambda: False)
    assert set(choices_inside("GET").values()) == {PRIMARY}


@pytest.mark.postgresql
@pytest.mark.django_db(databases=["default", "replica"])
def test_the_lag_check_reads_the_replica_and_admits_one_that_is_not_in_recovery(routed):
    with CaptureQueriesContext(connections[REPLICA]) as replica:
        assert db_router.replica_fresh()
    assert "pg_is_in_recovery" in replica.captured_queries[0]["sql"]


def captured(client, url):
    with CaptureQueriesContext(connections[PRIMARY]) as primary, CaptureQueriesContext(connections[REPLICA]) as replica:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in primary.captured_queries], [q["sql"] for q in replica.captured_queries]


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_pages_through_the_client(routed, reference_data, agency_member):
    """The search reads its profiles from the replica and the session, user and organisation from the
    primary; the profile page (the visibility check, then the view record) reads only the primary."""
    _, account = seeker_with(desired_job="倉庫内作業")
    with_totp(agency_member)
    client = login(agency_member)
    client.get("/orgs/seekers/")  # the idle stamp's session write happens on the first request

    primary, replica = captured(client, "/orgs/seekers/")
    assert any('FROM "seekers_profile"' in sql for sql in replica)
    # The capped count too: on PostgreSQL the first page and its count are one statement, which reads the
    # narrow listing (seekers.search.paging._first_page_statement).
    assert not any('"seekers_listing' in sql for sql in primary)
    if connections[PRIMARY].vendor == "postgresql":
        assert sum('"seekers_listing' in sql and "capped_count" in sql for sql in replica) == 1
    # The only profile read left on the primary is the navigation's header (messaging.selectors.org_header:
    # unread replies through the conversations, on the request's own connection).
    assert not any('FROM "seekers_profile"' in sql and '"messaging_conversation"' not in sql for sql in primary)
    assert any('FROM "django_session"' in sql for sql in primary)
    assert any('FROM "accounts_user"' in sql for sql in primary)  # the seeker's own row (get_user)
    assert not any('"django_session"' in sql or 'FROM "accounts_user"' in sql for sql in replica)
    assert any('"organizations_organization"' in sql for sql in primary)  # joined to the user's row
    assert not any('"django_session"' in sql or '"organizations_organization"' in sql for sql in replica)

    public_id = Profile.objects.get(pk=account.application_id).public_id
    primary, replica = captured(client, f"/orgs/seekers/{public_id}/")
    assert replica == []
    assert any('FROM "seekers_profile"' in sql for sql in primary)

    primary, replica = captured(client, "/orgs/messages/")
    assert any('"messaging_conversation"' in sql for sql in replica)


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_the_seekers_message_list_is_read_from_the_replica(routed, reference_data):
    """メッセージ一覧's counts and its page (its statements memoized: config.querymemo) go where the router
    sends list reads; the session and the seeker's own row stay on the primary."""
    account = SeekerAccountFactory()
    MessageFactory(conversation=ConversationFactory(account=account))
    client = login(account.user)
    client.get("/seekers/messages/")

    primary, replica = captured(client, "/seekers/messages/")
    assert sum('FROM "messaging_message"' in sql for sql in replica) == 2
    assert not any('FROM "messaging_message"' in sql for sql in primary)
    assert any('FROM "django_session"' in sql for sql in primary)
    assert any('FROM "accounts_user"' in sql for sql in primary)  # the seeker's own row (get_user)
    assert not any('"django_session"' in sql or 'FROM "accounts_user"' in sql for sql in replica)
