"""The organisations' search at /orgs/seekers/ (issue items 3 and 4): every filter, the keyword over
published text only, the income range's error at its field, keyset paging by twenty, a broken
cursor, who may search and the page's query budget."""

import html as html_lib
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from organizations.models import OccupationGroup, Prefecture, Qualification
from seekers.forms import SearchForm
from seekers.models import Profile
from seekers.tests.helpers import listed, organisation_reads, profile_of, seeker_with
from tests.pages import login, page, with_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(db):
    """Three profiles with distinct values for every filter."""
    care, office = OccupationGroup.objects.get(code="08"), OccupationGroup.objects.get(code="06")
    care_medium = OccupationGroup.objects.filter(major=care).order_by("code").first()
    office_medium = OccupationGroup.objects.filter(major=office).order_by("code").first()
    car, forklift = Qualification.objects.get(code="0104"), Qualification.objects.get(code="0101")
    tokyo, osaka = Prefecture.objects.get(code="13"), Prefecture.objects.get(code="27")
    _, a = seeker_with(
        desired_job="倉庫内作業", planned_occupations=[care_medium], desired_prefecture=tokyo,
        employment_type="full_time", wants_regular="yes", desired_monthly_income=200000,
        qualifications=[car], dispatch_ok=True, contract_ok=False, relocation_ok=False, u_i_turn="u",
        overseas_ok=False, appeal_points="フォークリフト運転が得意です。Excelも使えます。",
        main_experience="物流倉庫での入出荷 3年",
    )
    _, b = seeker_with(
        desired_job="一般事務", planned_occupations=[office_medium], desired_prefecture=osaka,
        employment_type="part_time", wants_regular="no", desired_monthly_income=300000,
        qualifications=[], dispatch_ok=False, contract_ok=True, relocation_ok=True, u_i_turn="i",
        overseas_ok=True, appeal_points="正確な書類作成が得意です。", main_experience="一般事務 経理 5年",
    )
    _, c = seeker_with(
        desired_job="介護職員", planned_occupations=[care], desired_prefecture=tokyo,
        employment_type="either", wants_regular="any", desired_monthly_income=250000,
        qualifications=[car, forklift], dispatch_ok=True, contract_ok=True, relocation_ok=False, u_i_turn="",
        overseas_ok=False, appeal_points="夜勤も対応できます。", main_experience="特別養護老人ホーム 介護 4年",
    )
    return {"a": a, "b": b, "c": c, "care_medium": care_medium}


def _found(client, params, three) -> set[str]:
    response = client.get("/orgs/seekers/", params)
    assert response.status_code == 200
    by_id = {p.public_id: key for key, p in three.items() if isinstance(p, Profile)}
    return {by_id[public_id] for public_id in listed(response) if public_id in by_id}


@pytest.mark.parametrize("params, expected", [
    ({}, {"a", "b", "c"}),
    ({"occupation": "08"}, {"a", "c"}),  # a major group finds its medium groups too
    ({"prefecture": "13"}, {"a", "c"}),
    ({"prefecture": "27"}, {"b"}),
    ({"employment_type": "part_time"}, {"b"}),
    ({"employment_type": "either"}, {"c"}),
    ({"wants_regular": "yes"}, {"a"}),
    ({"wants_regular": "no"}, {"b"}),
    ({"income_min": "250000"}, {"b", "c"}),
    ({"income_max": "250000"}, {"a", "c"}),
    ({"income_min": "220000", "income_max": "260000"}, {"c"}),
    ({"qualification": "0104"}, {"a", "c"}),
    ({"qualification": "0101"}, {"c"}),
    ({"dispatch_ok": "on"}, {"a", "c"}),
    ({"contract_ok": "on"}, {"b", "c"}),
    ({"relocation_ok": "on"}, {"b"}),
    ({"overseas_ok": "on"}, {"b"}),
    ({"u_i_turn": "u"}, {"a"}),
    ({"u_i_turn": "i"}, {"b"}),
    ({"keyword": "フォークリフト"}, {"a"}),
    ({"keyword": "ﾌｫｰｸﾘﾌﾄ"}, {"a"}),  # half-width kana, normalised
    ({"keyword": "EXCEL"}, {"a"}),  # case does not matter
    ({"keyword": "経理　一般事務"}, {"b"}),  # every word must match (full-width space)
    ({"keyword": "経理 夜勤"}, set()),
    ({"keyword": "介護"}, {"c"}),
    ({"prefecture": "13", "dispatch_ok": "on", "income_min": "210000"}, {"c"}),
])
def test_each_filter_narrows(member_client, three, params, expected):
    assert _found(member_client, params, three) == expected


def test_a_medium_occupation_group_finds_only_itself(member_client, three):
    assert _found(member_client, {"occupation": three["care_medium"].code}, three) == {"a"}


def test_the_keyword_never_finds_withheld_text(member_client):
    _, profile = seeker_with(special_notes="ゴールド免許です。連絡は 090-1234-5678 まで", appeal_points="明るい性格")
    assert "special_notes" in profile.withheld

    assert profile.public_id not in listed(member_client.get("/orgs/seekers/", {"keyword": "ゴールド免許"}))
    assert profile.public_id in listed(member_client.get("/orgs/seekers/", {"keyword": "明るい性格"}))


def test_income_min_above_max_shows_the_error_at_the_field(member_client, three):
    response = member_client.get("/orgs/seekers/", {"income_min": "300000", "income_max": "200000"})

    assert response.status_code == 200
    html = page(response)
    error = re.search(r'<ul class="errorlist" id="id_income_max_error">(.*?)</ul>', html, re.S)
    assert error and "上限は下限以上の金額にしてください。" in error.group(1)
    field = re.search(r'<input[^>]*id="id_income_max"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field
    assert "id_income_max_error" in field
    assert listed(response) == []
    assert "検索結果" not in html


def test_25_profiles_page_by_20_newest_first(member_client):
    base = timezone.now() - timedelta(hours=1)
    tokyo = Prefecture.objects.get(code="13")
    ids_newest_first = []
    for minute in range(25):
        _, profile = seeker_with(desired_prefecture=tokyo)
        Profile.objects.filter(pk=profile.pk).update(published_at=base + timedelta(minutes=minute))
        ids_newest_first.insert(0, profile.public_id)
    for _ in range(3):  # elsewhere: not in the filtered results
        seeker_with(desired_prefecture=Prefecture.objects.get(code="27"))

    first = member_client.get("/orgs/seekers/", {"prefecture": "13"})

    assert "検索結果 25件" in page(first)
    assert listed(first) == ids_newest_first[:20]
    link = re.search(r'<a[^>]*href="\?([^"]*)"[^>]*>次の20件</a>', page(first))
    assert link, "no 次の20件 link"
    query = html_lib.unescape(link.group(1))
    assert "prefecture=13" in query
    second = member_client.get(f"/orgs/seekers/?{query}")
    assert "検索結果 25件" in page(second)  # the count on every page
    assert listed(second) == ids_newest_first[20:]
    assert "次の20件" not in page(second)


def test_a_broken_cursor_shows_the_first_page(member_client, three):
    response = member_client.get("/orgs/seekers/", {"cursor": "not-a-cursor"})

    assert response.status_code == 200
    assert len(listed(response)) == 3


# --- access -------------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get("/orgs/seekers/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/orgs/seekers/"


@pytest.mark.parametrize("who", ["seeker_client", "staff_client"])
def test_other_roles_cannot_search(request, other_seeker, who):
    other_profile = profile_of(other_seeker.seeker_account)

    response = request.getfixturevalue(who).get("/orgs/seekers/")

    assert response.status_code == 403
    assert other_profile.public_id not in page(response)


def test_a_suspended_organisations_member_gets_a_page_saying_so(seeker, suspended_member):
    profile = profile_of(seeker.seeker_account)

    response = login(with_totp(suspended_member)).get("/orgs/seekers/")

    assert response.status_code == 403
    html = page(response)
    assert "サービスの利用を停止されています" in html  # 利用停止
    assert "2000年1月1日 から 2099年12月31日 まで" in html
    assert profile.desired_job not in html


def test_a_revoked_organisations_member_gets_a_page_saying_so(seeker, revoked_member):
    profile = profile_of(seeker.seeker_account)

    response = login(with_totp(revoked_member)).get("/orgs/seekers/")

    assert response.status_code == 403
    html = page(response)
    assert "サービスの利用を解除されました" in html  # 利用解除
    assert profile.desired_job not in html


# --- query budget -------------------------------------------------------------------------------------------


# /orgs/seekers/ for a member, whatever the number of rows:
#   1 session, 2 user with their membership and its organisation (one join, accounts.backends.get_user;
#   member_required checks it, the only read of it: profiles_visible_to takes that object), 3 TOTP
#   authenticator (MFA gate), 4 count (capped), 5 page rows with their prefecture (select_related; on
#   PostgreSQL 4 and 5 are one statement, seekers.search.paging._first_page_statement; each row's
#   案内済み / 返信あり / 求職申込み希望 marker is a column of 5, messaging.selectors.guidance_marker),
#   6 the header's unread replies and today's remaining sends (one statement,
#   messaging.selectors.org_header), 7–9 savepoint, session update (idle timeout), release. The form's
#   three reference selects (職業分類, 都道府県, 免許・資格) come rendered from the process's memo
#   (organizations.reference_cache; cold, +3 once). The count has no time box.
SEARCH_QUERIES = 8 if connection.vendor == "postgresql" else 9


@pytest.mark.parametrize("rows", [3, 25])
def test_search_query_count_is_constant(member_client, django_assert_num_queries, rows):
    for _ in range(rows):
        seeker_with(qualifications=list(Qualification.objects.all()[:3]))
    "".join(str(field) for field in SearchForm())  # the reference selects' memo, as in a running worker

    with django_assert_num_queries(SEARCH_QUERIES):
        response = member_client.get("/orgs/seekers/")

    assert len(listed(response)) == min(rows, 20)


def test_the_search_reads_the_organisation_once(member_client):
    """member_required reads the row and checks its status; the visibility rule takes that object
    (the query that disappeared from the search page's budget)."""
    _, profile = seeker_with()

    with CaptureQueriesContext(connection) as captured:
        response = member_client.get("/orgs/seekers/")

    assert response.status_code == 200
    assert profile.public_id in page(response)
    assert len(organisation_reads(captured.captured_queries)) == 1, organisation_reads(captured.captured_queries)


def test_each_result_cell_is_escaped_and_labelled(member_client):
    """The rows are written by seekers.templatetags.search_results, not the template engine: what the
    seeker typed is escaped there, and the choices and the income read as on the profile page."""
    _, profile = seeker_with(desired_job='<b>"介護" & 補助</b>', desired_monthly_income=200000,
                             employment_type="part_time")

    html = page(member_client.get("/orgs/seekers/"))
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", html, re.S) if profile.public_id in r)

    assert "&lt;b&gt;&quot;介護&quot; &amp; 補助&lt;/b&gt;" in row
    assert "<b>" not in row
    assert ">パートタイム</td>" in row and ">200,000円</td>" in row
    assert f'href="/orgs/seekers/{profile.public_id}/"' in row


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("amount", [1, 999, 1000, 200000, 1234567, 10_000_000])
def test_the_rows_group_an_amount_as_humanize_s_intcomma_does(language, amount):
    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.utils import translation

    from seekers.templatetags.search_results import _grouped_number

    with translation.override(language):
        assert _grouped_number()(amount) == intcomma(amount)
