"""The saved-search pages under /orgs/saved-searches/ (issue 16): save the search page's filters with a
name (errors in Japanese beside the field, what was typed kept), the list with each search's new
count, opening one (it becomes "looked at" and lands on the search), rename, and delete after a
confirmation page. Anonymous → login, a seeker → 403, another member's saved search → 404."""

import re
from datetime import timedelta

import pytest

from accounts.models import AuditEvent
from organizations.models import Prefecture
from organizations.tests.factories import MemberFactory
from seekers import services
from seekers.models import SavedSearch
from seekers.search.saved import SAVED_SEARCHES_PER_MEMBER
from seekers.tests.helpers import seeker_with
from tests.pages import error_summary, field_error, login, page, with_totp

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa")]

LIST = "/orgs/saved-searches/"
NEW = "/orgs/saved-searches/new/"


def saved_of(user, name="東京都", query=None, mail_hour=None) -> SavedSearch:
    return services.saved_search_create(actor=user, member=user.membership, name=name,
                                        query={"prefecture": "13"} if query is None else query, mail_hour=mail_hour)


def tokyo_seeker():
    return seeker_with(desired_prefecture=Prefecture.objects.get(code="13"))


# --- save ------------------------------------------------------------------------------------------------


def test_the_search_page_links_to_saving_its_filters(member_client):
    html = page(member_client.get("/orgs/seekers/", {"prefecture": "13", "dispatch_ok": "on"}))

    assert 'href="/orgs/saved-searches/new/?prefecture=13&amp;dispatch_ok=on"' in html


def test_saving_shows_the_conditions_and_keeps_them(member_client, agency_member):
    url = f"{NEW}?prefecture=13&dispatch_ok=on&cursor=junk"
    shown = page(member_client.get(url))
    assert "<dt>希望勤務地(都道府県)</dt><dd>東京都</dd>" in shown and "<dt>派遣可</dt>" in shown

    response = member_client.post(url, {"name": "  東京都 派遣可 ", "mail_hour": "9"})

    assert response.status_code == 302 and response["Location"] == LIST
    saved = SavedSearch.objects.get()
    assert (saved.member.user, saved.name, saved.mail_hour) == (agency_member, "東京都 派遣可", 9)
    assert saved.query == {"prefecture": "13", "dispatch_ok": "on"}  # the cursor is not part of the search
    assert "検索条件を保存しました。" in page(member_client.get(LIST))


def test_a_missing_name_is_refused_beside_the_field_and_the_hour_kept(member_client):
    response = member_client.post(f"{NEW}?prefecture=13", {"name": " ", "mail_hour": "18"})

    assert response.status_code == 200
    assert field_error(response, "name") == "名前を入力してください。"
    assert re.search(r'<option value="18" selected>', page(response))
    assert not SavedSearch.objects.exists()


def test_a_duplicate_name_is_refused_beside_the_field(member_client, agency_member):
    saved_of(agency_member)

    response = member_client.post(f"{NEW}?prefecture=27", {"name": "東京都", "mail_hour": ""})

    assert field_error(response, "name") == "同じ名前の検索条件がすでにあります。別の名前にしてください。"
    assert 'value="東京都"' in page(response)
    assert SavedSearch.objects.count() == 1


def test_past_the_limit_the_form_says_so(member_client, agency_member):
    for number in range(SAVED_SEARCHES_PER_MEMBER):
        saved_of(agency_member, name=f"検索{number}")

    response = member_client.post(NEW, {"name": "もう一つ", "mail_hour": ""})

    assert response.status_code == 200
    assert f"保存できる検索条件は{SAVED_SEARCHES_PER_MEMBER}件までです。" in error_summary(response)
    assert SavedSearch.objects.count() == SAVED_SEARCHES_PER_MEMBER


def test_an_hour_not_in_the_list_is_refused_beside_the_field(member_client):
    response = member_client.post(NEW, {"name": "全件", "mail_hour": "24"})

    assert field_error(response, "mail_hour") == "一覧から時刻を選んでください。"


def test_a_search_the_form_refuses_is_not_saved(member_client):
    response = member_client.get(f"{NEW}?income_min=300000&income_max=100000")

    assert response.status_code == 302 and response["Location"].startswith("/orgs/seekers/?")
    assert not SavedSearch.objects.exists()


# --- the list and opening --------------------------------------------------------------------------------


def test_the_list_shows_each_search_with_its_new_count_and_opening_resets_it(member_client, agency_member,
                                                                             time_machine):
    tokyo_seeker()
    saved = saved_of(agency_member, mail_hour=7)
    saved_of(agency_member, name="大阪府", query={"prefecture": "27"})
    time_machine.shift(timedelta(minutes=5))
    tokyo_seeker()
    tokyo_seeker()

    html = page(member_client.get(LIST))

    rows = re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>")[1], re.S)
    texts = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows]
    assert texts[0].startswith("大阪府 希望勤務地(都道府県): 大阪府 0件 送らない")
    assert texts[1].startswith("東京都 希望勤務地(都道府県): 東京都 2件 毎日 7:00")

    time_machine.shift(timedelta(minutes=5))
    response = member_client.get(f"/orgs/saved-searches/{saved.pk}/")

    assert response.status_code == 302 and response["Location"] == "/orgs/seekers/?prefecture=13"
    assert "東京都 希望勤務地(都道府県): 東京都 0件" in re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", " ", page(member_client.get(LIST))))


def test_the_list_has_one_count_per_saved_search(member_client, agency_member, django_assert_num_queries):
    tokyo_seeker()
    member_client.get(LIST)  # the session's idle stamp is written on the first page, not counted below
    for saved_count in (3, 6):
        while SavedSearch.objects.count() < saved_count:
            saved_of(agency_member, name=f"検索{SavedSearch.objects.count()}", query={"dispatch_ok": "on"})
        # The session, the user with their membership and its organisation (one join,
        # accounts.backends.get_user; member_required checks it), the MFA gate, the list of saved
        # searches, then one capped count per saved search (a flag filter resolves no reference rows);
        # at most SAVED_SEARCHES_PER_MEMBER counts, each one statement on every database (the count has
        # no time box).
        with django_assert_num_queries(4 + saved_count):
            member_client.get(LIST)


# --- edit and delete ---------------------------------------------------------------------------------------


def test_rename(member_client, agency_member):
    saved = saved_of(agency_member)

    response = member_client.post(f"/orgs/saved-searches/{saved.pk}/edit/", {"name": "東京都(毎朝)", "mail_hour": "8"})

    assert response.status_code == 302
    saved.refresh_from_db()
    assert (saved.name, saved.mail_hour) == ("東京都(毎朝)", 8)


def test_delete_asks_first_then_deletes(member_client, agency_member):
    saved = saved_of(agency_member)

    confirm = page(member_client.get(f"/orgs/saved-searches/{saved.pk}/delete/"))
    assert "検索条件「東京都」を削除します。削除すると元に戻せません。" in confirm
    assert SavedSearch.objects.exists()

    response = member_client.post(f"/orgs/saved-searches/{saved.pk}/delete/")

    assert response.status_code == 302 and response["Location"] == LIST
    assert not SavedSearch.objects.exists()
    assert AuditEvent.objects.filter(verb=AuditEvent.Verb.SAVED_SEARCH_DELETE).count() == 1


# --- who may ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "edit/", "delete/"])
def test_another_members_saved_search_is_a_404(agency, agency_member, suffix):
    saved = saved_of(agency_member)
    colleague = login(with_totp(MemberFactory(organization=agency).user))

    assert colleague.get(f"/orgs/saved-searches/{saved.pk}/{suffix}").status_code == 404
    assert colleague.post(f"/orgs/saved-searches/{saved.pk}/{suffix}", {"name": "x"}).status_code == 404
    assert SavedSearch.objects.get().name == "東京都"


@pytest.mark.parametrize("url", [LIST, NEW])
def test_anonymous_goes_to_login(anonymous, url):
    response = anonymous.get(url)

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", [LIST, NEW])
def test_a_seeker_is_refused(seeker_client, url):
    assert seeker_client.get(url).status_code == 403


def test_a_suspended_organisations_member_is_refused(suspended_member):
    assert login(with_totp(suspended_member)).get(LIST).status_code == 403
