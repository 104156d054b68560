"""One profile for an organisation at /orgs/seekers/<public_id>/ (issue items 2 and 8): what it shows,
the view log the seeker and staff read, a profile hidden from this organisation or unknown is not
found, who may open it and the page's query budget."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organizations.models import Municipality, OccupationGroup, Prefecture, Qualification
from seekers import services
from seekers.models import ProfileView
from seekers.tests.helpers import listed, member_of, organisation_reads, profile_of, seeker_with
from tests.pages import login, page, with_totp

pytestmark = pytest.mark.django_db


def test_a_member_searches_and_opens_a_profile(member_client, seeker):
    profile = profile_of(seeker.seeker_account)

    search = member_client.get("/orgs/seekers/")
    assert search.status_code == 200
    assert profile.public_id in listed(search)
    assert profile.desired_job in page(search)

    detail = member_client.get(f"/orgs/seekers/{profile.public_id}/")
    assert detail.status_code == 200
    html = page(detail)
    assert f"求職情報 {profile.public_id}" in html
    assert profile.desired_job in html
    assert profile.appeal_points in html
    assert "この求職情報の閲覧は記録され、求職者に表示されます。" in html


# --- the view log -------------------------------------------------------------------------------------------


def test_opening_a_profile_is_recorded_and_the_seeker_sees_who_looked(seeker_client, member_client, seeker,
                                                                      agency, agency_member):
    profile = profile_of(seeker.seeker_account)
    assert "まだ閲覧した利用団体はありません。" in page(seeker_client.get("/seekers/profile/"))

    member_client.get(f"/orgs/seekers/{profile.public_id}/")

    view = ProfileView.objects.get(profile=profile)
    assert (view.organization, view.member) == (agency, agency_member)
    html = page(seeker_client.get("/seekers/profile/"))
    assert "あなたの求職情報を閲覧した利用団体" in html
    assert agency.name in html
    assert "まだ閲覧した利用団体はありません。" not in html


def test_the_search_list_and_refused_views_are_not_recorded(member_client, seeker, municipality):
    account = seeker.seeker_account
    profile = profile_of(account)
    services.block_add(actor=seeker, account=account, organization_id=municipality.pk)
    member_client.get("/orgs/seekers/")
    assert login(member_of(municipality)).get(f"/orgs/seekers/{profile.public_id}/").status_code == 404

    assert not ProfileView.objects.filter(profile=profile).exists()


def test_staff_see_the_view_log_in_admin(member_client, staff_client, seeker, agency):
    profile = profile_of(seeker.seeker_account)
    member_client.get(f"/orgs/seekers/{profile.public_id}/")

    response = staff_client.get("/admin/seekers/profileview/")

    assert response.status_code == 200
    assert agency.name in page(response)
    assert profile.public_id in page(response)


# --- access: visible profiles only, anonymous, wrong role, sanctioned organisations -------------------------


def test_an_organisation_excluded_by_the_conditions_gets_404(member_client, municipality_client, seeker):
    account = seeker.seeker_account
    profile = profile_of(account)
    services.conditions_set(actor=seeker, account=account, kinds=[1], regions=[], industries=[],
                            occupations=[], privacy_mark=False)  # 地方自治体等 only

    assert member_client.get(f"/orgs/seekers/{profile.public_id}/").status_code == 404
    assert municipality_client.get(f"/orgs/seekers/{profile.public_id}/").status_code == 200


def test_an_unknown_public_id_is_404(member_client):
    assert member_client.get("/orgs/seekers/ffffffffffffffff/").status_code == 404


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get("/orgs/seekers/0123456789abcdef/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/orgs/seekers/0123456789abcdef/"


@pytest.mark.parametrize("who", ["seeker_client", "staff_client"])
def test_other_roles_cannot_open_a_profile(request, other_seeker, who):
    other_profile = profile_of(other_seeker.seeker_account)

    response = request.getfixturevalue(who).get(f"/orgs/seekers/{other_profile.public_id}/")

    assert response.status_code == 403
    assert other_profile.desired_job not in page(response)
    assert not ProfileView.objects.exists()


def test_a_suspended_organisations_member_gets_a_page_saying_so(seeker, suspended_member):
    profile = profile_of(seeker.seeker_account)

    response = login(with_totp(suspended_member)).get(f"/orgs/seekers/{profile.public_id}/")

    assert response.status_code == 403
    html = page(response)
    assert "サービスの利用を停止されています" in html  # 利用停止
    assert "2000年1月1日 から 2099年12月31日 まで" in html
    assert profile.desired_job not in html


def test_a_revoked_organisations_member_gets_a_page_saying_so(seeker, revoked_member):
    profile = profile_of(seeker.seeker_account)

    response = login(with_totp(revoked_member)).get(f"/orgs/seekers/{profile.public_id}/")

    assert response.status_code == 403
    html = page(response)
    assert "サービスの利用を解除されました" in html  # 利用解除
    assert profile.desired_job not in html


# --- query budget -------------------------------------------------------------------------------------------


# /orgs/seekers/<public_id>/ for a member: 1 session, 2 user with their membership and its organisation
#   (one join, accounts.backends.get_user; member_required checks it), 3 TOTP authenticator (MFA gate),
#   4 the profile with its prefecture, 5–9 the five prefetched lists (職業分類, 産業分類, 広域就業希望地 of
#   prefectures, of municipalities with their prefecture (one join), 免許・資格), 10 the 希望勤務地 with their
#   prefectures and municipalities (one join), 11 the view-log insert, 12 the header's unread replies and
#   remaining sends (messaging.selectors.org_header), 13–15 savepoint, session update, release.
PROFILE_QUERIES = 15


@pytest.mark.parametrize("items", [1, 6])
def test_profile_page_query_count_is_constant(member_client, django_assert_num_queries, items):
    _, profile = seeker_with(
        planned_occupations=list(OccupationGroup.objects.all()[:items]),
        qualifications=list(Qualification.objects.all()[:items]),
    )
    profile.wide_area_prefectures.set(Prefecture.objects.all()[:items])
    municipalities = list(Municipality.objects.filter(prefecture_id="28").order_by("code")[:items])
    profile.wide_area_municipalities.set(municipalities)

    with django_assert_num_queries(PROFILE_QUERIES):
        response = member_client.get(f"/orgs/seekers/{profile.public_id}/")

    assert response.status_code == 200
    assert str(Qualification.objects.all()[items - 1]) in page(response)
    last = municipalities[-1]
    assert f"{last.code} 兵庫県{last.name}" in page(response)


def test_wide_area_shows_each_place_with_its_address_code(member_client):
    """㉑ 広域就業希望地(住所コード): whole prefectures by their code, municipalities by their 6-digit
    全国地方公共団体コード with the prefecture's name, in one row."""
    _, profile = seeker_with()
    profile.wide_area_prefectures.set([Prefecture.objects.get(code="27")])
    profile.wide_area_municipalities.set([Municipality.objects.get(code="282014")])

    html = page(member_client.get(f"/orgs/seekers/{profile.public_id}/"))

    assert "広域就業希望地(住所コード)" in html
    assert "27 大阪府、282014 兵庫県姫路市" in html


def test_the_profile_page_reads_the_organisation_once(member_client):
    """member_required reads the row and checks its status; the visibility rule takes that object."""
    _, profile = seeker_with()

    with CaptureQueriesContext(connection) as captured:
        response = member_client.get(f"/orgs/seekers/{profile.public_id}/")

    assert response.status_code == 200
    assert profile.public_id in page(response)
    assert len(organisation_reads(captured.captured_queries)) == 1, organisation_reads(captured.captured_queries)
