"""config.querymemo as the organisation's pages use it: the conversations queryset and the header's
statement are built once per organisation row (as read) and day, so the same row gives the same
statement without building it again, and a row that changed, read again for the next request, gives
the answer an unmemoized build would (here: the プライバシーマーク a seeker asks for, taken away)."""

from datetime import date

import pytest

from config import querymemo
from messaging.access import OrgAccess, conversations_for_org
from messaging.selectors import org_header, org_inbox
from messaging.tests.factories import MessageFactory
from messaging.tests.test_access import exclude_by_conditions, fresh_org, open_conversation
from seekers.tests.factories import SeekerAccountFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa")]


@pytest.fixture(autouse=True)
def _cold():
    querymemo.clear()


def test_the_same_row_builds_once_and_each_caller_gets_its_own_clone(agency):
    org = fresh_org(agency)
    first, second = conversations_for_org(org), conversations_for_org(fresh_org(agency))

    assert first is not second and first.query is not second.query
    assert str(first.query) == str(second.query)
    assert len(querymemo._memo) == 1
    list(first.filter(org_unread=True))  # evaluating or chaining one clone leaves the memo's alone
    assert list(second) == list(conversations_for_org(org)) == []


def test_a_changed_row_is_a_new_key_and_the_pages_follow_it(agency):
    conversation = open_conversation(agency, SeekerAccountFactory())
    MessageFactory(conversation=conversation, reply=True)
    conversation.org_unread = True
    conversation.save(update_fields=["org_unread"])
    before = fresh_org(agency)
    assert conversations_for_org(before).get().org_access == OrgAccess.OPEN
    assert org_header(before)[0] == 1
    assert org_inbox(before).get().org_access == OrgAccess.OPEN

    exclude_by_conditions(conversation)  # the agency loses its プライバシーマーク, which the seeker asks for
    after = fresh_org(agency)

    assert querymemo.row_key(after) != querymemo.row_key(before)
    assert conversations_for_org(after).get().org_access == OrgAccess.WITHDRAWN
    assert org_header(after)[0] == 0  # a withdrawn conversation's reply is not counted
    assert org_inbox(after).get().org_access == OrgAccess.WITHDRAWN
    assert conversations_for_org(before).get().org_access == OrgAccess.OPEN  # the old row's own answer


def test_the_memo_is_bounded(agency, monkeypatch):
    monkeypatch.setattr(querymemo, "MAX_ENTRIES", 2)
    for day in range(1, 6):
        conversations_for_org(fresh_org(agency), today=date(2026, 1, day))
    assert len(querymemo._memo) <= 2


# --- the memoized statements run prepared (config.querymemo.cursor) ---------------------------------------


def _prepared_on_this_connection(fragment: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:  # Django's own cursor: never prepared itself
        cursor.execute("SELECT COUNT(*) FROM pg_prepared_statements WHERE statement LIKE %s", [f"%{fragment}%"])
        return cursor.fetchone()[0]


@pytest.mark.postgresql
def test_the_header_statement_is_prepared_once_per_connection_and_answers_with_each_call_s_values(agency):
    conversation = open_conversation(agency, SeekerAccountFactory())
    MessageFactory(conversation=conversation, reply=True)
    conversation.org_unread = True
    conversation.save(update_fields=["org_unread"])
    assert _prepared_on_this_connection("messaging_dailyguidancecount") == 0

    unread, sent_today = org_header(fresh_org(agency))
    assert unread == 1
    assert org_header(fresh_org(agency)) == (1, sent_today)
    assert _prepared_on_this_connection("messaging_dailyguidancecount") == 1  # parsed and planned once

    conversation.org_unread = False
    conversation.save(update_fields=["org_unread"])
    assert org_header(fresh_org(agency)) == (0, sent_today)  # the rows are read each time, only the plan is kept


@pytest.mark.postgresql
def test_a_prepared_statement_is_counted_and_logged_with_its_values(agency):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    org = fresh_org(agency)
    with CaptureQueriesContext(connection) as ctx:
        org_header(org)
    (query,) = ctx.captured_queries
    assert "messaging_dailyguidancecount" in query["sql"]
    assert f'"messaging_conversation"."organization_id" = {org.pk}' in query["sql"]
    assert "$1" not in query["sql"] and "%s" not in query["sql"]


def test_elsewhere_the_memoized_statements_take_the_alias_own_cursor(agency, monkeypatch):
    from django.db import connection

    if connection.vendor == "postgresql":
        monkeypatch.setattr(connection, "vendor", "sqlite")  # the branch every other database takes
    with querymemo.cursor(connection.alias) as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone()[0] == 1
        assert type(cursor.cursor).__name__ != "ServerBindingCursor"
