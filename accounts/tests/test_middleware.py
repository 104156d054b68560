"""The site-wide middleware of accounts/middleware.py: signed-in pages are never stored by a browser or a
proxy, the idle stamp is written at most once a minute (and idle sessions still end), and a body over
the size limit is refused with a 413 page before anything reads it."""

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.http import HttpResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from accounts.middleware import SESSION_KEY
from tests.pages import login, page

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
MIB = 1024 * 1024
TOO_LARGE = "送信内容が大きすぎます"


@pytest.fixture(autouse=True)
def no_mfa(settings):
    """Member and staff pages open without TOTP here; the MFA requirement has its own tests."""
    settings.REQUIRE_MFA = False


def no_store(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


# --- Cache-Control on signed-in pages ---------------------------------------------------------------


@pytest.mark.parametrize(("actor", "path"), [
    ("seeker", "/seekers/"),
    ("seeker", "/seekers/messages/"),
    ("seeker", "/"),
    ("agency_member", "/orgs/seekers/"),
    ("agency_member", "/orgs/messages/"),
    ("staff", "/admin/"),
])
def test_a_signed_in_page_is_never_stored(request, actor, path):
    client = login(request.getfixturevalue(actor))

    response = client.get(path)

    assert response.status_code == 200
    assert no_store(response), response.get("Cache-Control")


def test_a_signed_in_error_page_is_never_stored(seeker):
    response = login(seeker).get("/orgs/messages/")

    assert response.status_code in (302, 403)
    assert no_store(response)


def test_the_logout_answer_is_not_stored_and_the_page_after_it_is_public(seeker):
    client = login(seeker)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert no_store(response)
    assert "_auth_user_id" not in client.session
    assert not no_store(client.get("/"))


def test_an_anonymous_page_may_be_cached(client):
    response = client.get("/")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_static_files_keep_their_own_caching_for_a_signed_in_user(seeker):
    response = login(seeker).get("/static/css/site.css")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


# --- the idle stamp, written at most once a minute ---------------------------------------------------


def session_writes(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]]


# The second GET /seekers/ within a minute: 1 session, 2 user with their seeker_account
#   (AuthenticationMiddleware, accounts.backends.get_user), 3 the header's unread count, 4 the application
#   shown on the home page, 5 the seeker's Hello Work office named where the page says to ask it
#   (organizations.jurisdiction, read lazily by the context processor). No savepoint, session UPDATE and
#   release: the stamp is less than a minute old.
SEEKER_HOME_AGAIN = 5
# The second GET /orgs/messages/ within a minute: 1 session, 2 user with their membership and its
#   organisation (one join; member_required checks it), 3 the page of conversations, 4 the header's unread
#   replies and today's guidance count (one statement); no session write.
ORG_INBOX_AGAIN = 4


@pytest.mark.parametrize(("actor", "path", "queries"), [
    ("seeker", "/seekers/", SEEKER_HOME_AGAIN),
    ("agency_member", "/orgs/messages/", ORG_INBOX_AGAIN),
])
def test_a_second_request_within_the_minute_does_not_save_the_session(
    request, django_assert_num_queries, actor, path, queries
):
    client = login(request.getfixturevalue(actor))
    start = datetime.now(UTC).replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        with CaptureQueriesContext(connection) as first:
            assert client.get(path).status_code == 200
        assert client.session[SESSION_KEY] == int(start.timestamp())
    with time_machine.travel(start + timedelta(seconds=59), tick=False):
        with django_assert_num_queries(queries):
            assert client.get(path).status_code == 200
        assert client.session[SESSION_KEY] == int(start.timestamp())
    with time_machine.travel(start + timedelta(seconds=60), tick=False):
        with CaptureQueriesContext(connection) as a_minute_on:
            assert client.get(path).status_code == 200
        assert client.session[SESSION_KEY] == int(start.timestamp()) + 60

    assert len(session_writes(first)) == len(session_writes(a_minute_on)) == 1


def test_a_member_idle_past_the_limit_from_the_stored_stamp_is_logged_out(agency_member):
    """The request at 59 s did not move the stamp, so 30 minutes from the first request end the
    session (at most 59 s early, never late)."""
    client = login(agency_member)
    start = datetime.now(UTC).replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        client.get("/orgs/messages/")
    with time_machine.travel(start + timedelta(seconds=59), tick=False):
        client.get("/orgs/messages/")
    with time_machine.travel(start + timedelta(minutes=30, seconds=1), tick=False):
        response = client.get("/orgs/messages/")

        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN_URL)
        assert "_auth_user_id" not in client.session
        assert "一定時間操作がなかったため、ログアウトしました。" in page(client.get(response["Location"]))


def test_a_request_a_minute_on_moves_the_idle_clock(agency_member):
    client = login(agency_member)
    start = datetime.now(UTC).replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        client.get("/orgs/messages/")
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        client.get("/orgs/messages/")
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        assert client.get("/orgs/messages/").status_code == 200
        assert client.session.get("_auth_user_id") == str(agency_member.pk)


# --- the request body limit --------------------------------------------------------------------------


def multipart(size: int) -> tuple[bytes, str]:
    boundary = "----limit-test"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    return head + b"x" * (size - len(head) - len(tail)) + tail, f"multipart/form-data; boundary={boundary}"


def test_the_limits_are_set_deliberately():
    assert settings.REQUEST_BODY_MAX_SIZE == 2 * MIB
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2 * MIB
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 2 * MIB
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 1000


@pytest.mark.parametrize("path", ["/accounts/login/", "/seekers/register/", "/orgs/messages/", "/no-such-page/"])
def test_a_fifty_mebibyte_multipart_post_is_refused_unread(client, path):
    body, content_type = multipart(50 * MIB)

    response = client.generic("POST", path, body, content_type=content_type)

    assert response.status_code == 413
    html = page(response)
    assert TOO_LARGE in html
    assert "一度に送信できるのは2MBまでです。" in html
    assert 'class="site-header"' in html  # the site's layout, not a bare error
    assert not response.wsgi_request.environ["wsgi.input"].read_started


def test_an_oversized_form_post_is_refused_with_413_as_a_signed_in_seeker(seeker):
    client = login(seeker)

    response = client.post("/seekers/settings/stop/", {"password": "x" * (3 * MIB)})

    assert response.status_code == 413
    assert TOO_LARGE in page(response)
    assert "ユーザID" in page(response)  # the signed-in header
    assert no_store(response)


def test_a_body_under_the_limit_reaches_the_form(client):
    response = client.post(LOGIN_URL, {"login": "someone", "password": "x" * MIB})

    assert response.status_code == 200
    assert TOO_LARGE not in page(response)
    assert "form" in page(response)


class EndlessBody(io.RawIOBase):
    """A client that keeps sending: any read would never finish."""

    def readable(self):
        return True

    def readinto(self, buffer):
        raise AssertionError("the body was read")


def test_the_application_answers_413_without_reading_the_body():
    """The WSGI application as the production server calls it, with a 50 MiB body promised."""
    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": "/accounts/login/", "SERVER_NAME": "testserver",
        "SERVER_PORT": "80", "wsgi.url_scheme": "http", "wsgi.input": io.BufferedReader(EndlessBody()),
        "CONTENT_TYPE": "multipart/form-data; boundary=x", "CONTENT_LENGTH": str(50 * MIB),
    }
    answered = []

    body = b"".join(WSGIHandler()(environ, lambda status, headers: answered.append(status)))

    assert answered == ["413 Request Entity Too Large"]
    assert TOO_LARGE in body.decode()


def test_a_bad_content_length_is_not_an_error():
    response = Client().generic("POST", LOGIN_URL, b"", content_type="text/plain", CONTENT_LENGTH="abc")

    assert response.status_code in (200, 403)


# --- NUL in the path or the query ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/accounts/confirm-email/abc%00/", "/accounts/password/reset/key/1-abc%00/",
                                  "/seekers/%00/", "/orgs/messages/1%00/"])
def test_a_nul_in_the_path_is_404(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert "ページが見つかりません" in page(response)


def test_a_nul_in_the_query_string_never_reaches_the_view(rf):
    from accounts.middleware import RefuseNulMiddleware

    seen = {}

    def view(request):
        seen.update(request.GET.lists())
        return HttpResponse("ok")

    RefuseNulMiddleware(view)(rf.get("/", {"next": "/\x00", "q\x00": ["a\x00b", "c"]}))

    assert seen == {"next": ["/\ufffd"], "q\ufffd": ["a\ufffdb", "c"]}


def test_a_nul_in_an_admin_search_is_no_error(staff_client):
    response = staff_client.get("/admin/seekers/jobapplication/", {"q": "13010\x00"})

    assert response.status_code == 200


def test_a_nul_typed_into_a_form_is_an_error_next_to_the_field_with_the_value_kept(client):
    response = client.post(LOGIN_URL, {"login": "yamada\x00", "password": "secret-password"})

    assert response.status_code == 200
    html = page(response)
    assert re.search(r'<ul class="errorlist" id="id_login_error">\s*<li>.+?</li>', html)  # next to the field
    assert 'value="yamada' in html
