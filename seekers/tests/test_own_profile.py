"""The seeker's own 公開プロフィール at /seekers/profile/: the table exactly as organisations see it, who
can see it and who looked, only the seeker's own, and who may open it."""

import re

import pytest

from organizations.models import Qualification
from organizations.tests.factories import OrganizationFactory
from seekers import services
from seekers.models import Profile
from seekers.tests.helpers import profile_of
from tests.pages import page

pytestmark = pytest.mark.django_db


def test_the_profile_page_explains_who_can_see_it(seeker_client, seeker, agency, municipality):
    OrganizationFactory(suspended=True)
    OrganizationFactory(unapproved=True)

    html = page(seeker_client.get("/seekers/profile/"))

    assert "① 地方自治体等と民間職業紹介事業者等の両方に提供" in html
    assert "2 団体" in html  # the agency and the municipality; not the suspended or unapproved ones
    assert "氏名・生年月日・性別・年齢・住所・電話番号・メールアドレス・求職番号は表示されません" in html

    services.seeker_stop(actor=seeker, account=seeker.seeker_account)
    html = page(seeker_client.get("/seekers/profile/"))
    assert "0 団体" in html
    assert "アカウント利用停止中のため、どの利用団体にも公開されていません。" in html


def test_the_seeker_sees_exactly_the_table_organisations_see(member_client, seeker_client, seeker):
    profile = profile_of(seeker.seeker_account)
    profile.qualifications.set(Qualification.objects.filter(code__in=["0104", "0101"]))
    table = re.compile(r'<table class="table profile-table">.*?</table>', re.S)
    organisation_view = table.search(page(member_client.get(f"/orgs/seekers/{profile.public_id}/"))).group(0)

    own_view = table.search(page(seeker_client.get("/seekers/profile/"))).group(0)

    assert own_view == organisation_view
    assert "0101 大型自動車免許、0104 普通自動車免許" in own_view  # ㉓ 免許・資格コード: code and name
    assert profile.desired_job in own_view


# --- access -------------------------------------------------------------------------------------------------


def test_the_page_shows_the_seekers_own_profile_and_views_only(seeker_client, member_client, seeker,
                                                                other_seeker):
    mine, theirs = profile_of(seeker.seeker_account), profile_of(other_seeker.seeker_account)
    Profile.objects.filter(pk=mine.pk).update(desired_job="自分の希望職種")
    Profile.objects.filter(pk=theirs.pk).update(desired_job="他人の希望職種")
    member_client.get(f"/orgs/seekers/{theirs.public_id}/")  # the agency looked at the other seeker only

    html = page(seeker_client.get("/seekers/profile/"))

    assert "自分の希望職種" in html
    assert "他人の希望職種" not in html
    assert "まだ閲覧した利用団体はありません。" in html


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get("/seekers/profile/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/seekers/profile/"


@pytest.mark.parametrize("who", ["member_client", "staff_client"])
def test_other_roles_cannot_open_the_page(request, who):
    assert request.getfixturevalue(who).get("/seekers/profile/").status_code == 403
