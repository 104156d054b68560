"""メッセージ受信条件設定 at /seekers/settings/conditions/ (SPEC rule 7): saving the conditions as bit sets,
audited, and the organisations they exclude; the saved choices shown again; unknown choices refused;
the prefectures by 地方 with the 「地方ごとまとめて選ぶ」 shortcut, which works without JavaScript;
and who may use the page."""

import re

import pytest

from accounts.models import AuditEvent
from organizations.models import OccupationGroup, Organization, Prefecture
from organizations.services import organization_set_handled
from organizations.tests.factories import OrganizationFactory
from seekers.tests.helpers import listed, profile_of
from tests.pages import field_error, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def handled(agency, municipality):
    """The agency handles 大阪府 only, the municipality 東京都 only."""
    organization_set_handled(actor=None, organization=agency, regions=[Prefecture.objects.get(code="27")])
    organization_set_handled(actor=None, organization=municipality, regions=[Prefecture.objects.get(code="13")])
    return agency, municipality


def test_conditions_post_saves_the_bits_audits_and_excludes(seeker_client, member_client, municipality_client,
                                                            seeker, handled):
    account = seeker.seeker_account
    profile = profile_of(account)
    OrganizationFactory(revoked=True)
    assert "現在の条件で求職情報を閲覧できる利用団体: 2 団体" in page(seeker_client.get("/seekers/settings/conditions/"))

    response = seeker_client.post("/seekers/settings/conditions/", {"regions": ["12"]})  # 東京都

    assert response.status_code == 302
    assert response["Location"] == "/seekers/settings/conditions/"
    profile.refresh_from_db()
    assert profile.cond_region_bits == 1 << 12
    assert (profile.cond_kind_bits, profile.cond_industry_bits, profile.cond_occupation_bits) == (0, 0, 0)
    assert profile.cond_privacy_mark is False
    event = AuditEvent.objects.get(verb="seeker.conditions_set")
    assert event.actor == seeker
    assert event.data["after"]["cond_region_bits"] == 1 << 12
    html = page(seeker_client.get("/seekers/settings/conditions/"))
    assert "メッセージ受信条件を保存しました。" in html
    assert "現在の条件で求職情報を閲覧できる利用団体: 1 団体" in html

    assert profile.public_id not in listed(member_client.get("/orgs/seekers/"))
    assert member_client.get(f"/orgs/seekers/{profile.public_id}/").status_code == 404
    assert profile.public_id in listed(municipality_client.get("/orgs/seekers/"))


def checked(html: str, name: str) -> set[str]:
    return set(re.findall(rf'<input type="checkbox" name="{name}" value="(\d+)"[^>]*\bchecked\b', html))


def csrf_token(html: str) -> str:
    """What a browser posts back besides the boxes: with every box unticked it is all there is."""
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_the_conditions_page_shows_the_saved_choices(seeker_client):
    """Reopening the html must show what was saved; otherwise saving it again (say, to add one
    region) silently drops every other condition."""
    seeker_client.post("/seekers/settings/conditions/", {"regions": ["12", "26"], "kinds": ["0"], "privacy_mark": "on"})

    html = page(seeker_client.get("/seekers/settings/conditions/"))

    assert checked(html, "regions") == {"12", "26"}
    assert checked(html, "kinds") == {"0"}
    assert re.search(r'<input type="checkbox" name="privacy_mark"[^>]*\bchecked\b', html)


def test_conditions_on_kind_industry_occupation_and_privacy_mark(seeker_client, seeker, agency, municipality):
    account = seeker.seeker_account
    care = OccupationGroup.objects.get(code="08")
    organization_set_handled(actor=None, organization=agency, occupations=[care])

    seeker_client.post("/seekers/settings/conditions/", {
        "kinds": ["0"], "occupations": [str(care.bit)], "industries": [], "privacy_mark": "on",
    })

    profile = profile_of(account)
    assert profile.cond_kind_bits == 1
    assert profile.cond_occupation_bits == 1 << care.bit
    assert profile.cond_privacy_mark is True
    html = page(seeker_client.get("/seekers/settings/conditions/"))
    assert "現在の条件で求職情報を閲覧できる利用団体: 1 団体" in html  # the agency (privacy mark, 介護)

    Organization.objects.filter(pk=agency.pk).update(privacy_mark=False)
    assert "閲覧できる利用団体: 0 団体" in page(seeker_client.get("/seekers/settings/conditions/"))

    html = page(seeker_client.get("/seekers/settings/conditions/"))
    # Nothing ticked: no restriction. A browser still sends the CSRF token.
    seeker_client.post("/seekers/settings/conditions/", {"csrfmiddlewaretoken": csrf_token(html)})
    profile.refresh_from_db()
    assert (profile.cond_kind_bits, profile.cond_occupation_bits, profile.cond_privacy_mark) == (0, 0, False)
    assert "閲覧できる利用団体: 2 団体" in page(seeker_client.get("/seekers/settings/conditions/"))


def test_conditions_refuse_an_unknown_choice(seeker_client, seeker):
    response = seeker_client.post("/seekers/settings/conditions/", {"regions": ["63"]})

    assert response.status_code == 200
    assert "正しく選択してください。" in page(response)
    assert profile_of(seeker.seeker_account).cond_region_bits == 0


# --- 地方ごとまとめて選ぶ -----------------------------------------------------------------------------

KANTO_BITS = {str(code - 1) for code in range(8, 15)}  # 茨城県 (08) … 神奈川県 (14)


def test_the_page_groups_the_prefectures_by_region_with_a_shortcut_each(seeker_client):
    html = page(seeker_client.get("/seekers/settings/conditions/"))

    legends = re.findall(r'<legend class="region-group__name">([^<]+)</legend>', html)
    assert legends == ["北海道", "東北", "関東", "中部", "近畿", "中国", "四国", "九州・沖縄"]
    kanto = re.search(r'<legend class="region-group__name">関東</legend>(.*?)</fieldset>', html, re.S).group(1)
    assert re.search(r'<input type="checkbox" name="region_groups" value="kanto"[^>]*>\s*関東をまとめて選ぶ', kanto)
    assert set(re.findall(r'name="regions" value="(\d+)"', kanto)) == KANTO_BITS
    assert "茨城県" in kanto and "神奈川県" in kanto and "新潟県" not in kanto
    assert re.search(r'<script src="/static/js/region-shortcut\.js[^"]*" defer></script>', html)
    assert checked(html, "region_groups") == set()  # never ticked on a fresh page


def test_a_ticked_region_chooses_all_its_prefectures_without_javascript(seeker_client, seeker):
    """What a browser without JavaScript sends: the 地方's box and whatever prefectures were ticked."""
    response = seeker_client.post("/seekers/settings/conditions/", {"region_groups": ["kanto"], "regions": ["0"]})

    assert response.status_code == 302
    profile = profile_of(seeker.seeker_account)
    expected = {0} | {int(bit) for bit in KANTO_BITS}  # 北海道 and the seven of 関東
    assert profile.cond_region_bits == sum(1 << bit for bit in expected)
    html = page(seeker_client.get("/seekers/settings/conditions/"))
    assert checked(html, "regions") == {"0"} | KANTO_BITS
    assert checked(html, "region_groups") == set()


def test_two_regions_at_once(seeker_client, seeker):
    seeker_client.post("/seekers/settings/conditions/", {"region_groups": ["hokkaido", "shikoku"]})

    bits = profile_of(seeker.seeker_account).cond_region_bits
    assert {bit for bit in range(47) if bits >> bit & 1} == {0, 35, 36, 37, 38}  # 北海道, 徳島・香川・愛媛・高知


def test_unticking_one_prefecture_of_a_region_chosen_before_is_kept(seeker_client, seeker):
    """The shortcut is not shown ticked again, so a later save without one of its prefectures drops it."""
    seeker_client.post("/seekers/settings/conditions/", {"region_groups": ["kanto"]})
    html = page(seeker_client.get("/seekers/settings/conditions/"))
    assert checked(html, "regions") == KANTO_BITS

    seeker_client.post("/seekers/settings/conditions/", {"regions": sorted(KANTO_BITS - {"12"})})  # 東京都 out

    bits = profile_of(seeker.seeker_account).cond_region_bits
    assert {str(bit) for bit in range(47) if bits >> bit & 1} == KANTO_BITS - {"12"}


def test_an_unknown_region_is_refused_at_the_field(seeker_client, seeker):
    response = seeker_client.post("/seekers/settings/conditions/", {"region_groups": ["atlantis"]})

    assert response.status_code == 200
    assert "正しく選択してください。" in field_error(response, "region_groups")
    regions = re.search(r'<fieldset class="field__fieldset" aria-describedby="id_regions_helptext[^"]*"', page(response))
    assert "id_region_groups_error" in regions.group(0)
    assert profile_of(seeker.seeker_account).cond_region_bits == 0


def test_the_kinds_are_named_so_each_can_be_told_apart(seeker_client):
    html = page(seeker_client.get("/seekers/settings/conditions/"))

    kinds = re.findall(r'<input type="checkbox" name="kinds" value="\d+"[^>]*>\s*([^<]+?)\s*</label>', html)
    assert kinds == ["民間職業紹介事業者等", "地方自治体(都道府県・市区町村)", "都道府県ナースセンター", "福祉人材センター",
                     "保育士・保育所支援センター", "その他の地方自治体等の機関"]


# --- access -------------------------------------------------------------------------------------------------


def test_saving_changes_only_the_seekers_own_conditions(seeker_client, other_seeker):
    response = seeker_client.post("/seekers/settings/conditions/", {"regions": ["12"]})

    assert response.status_code == 302
    assert profile_of(other_seeker.seeker_account).cond_region_bits == 0


def test_anonymous_is_sent_to_the_login_page(client, seeker):
    response = client.get("/seekers/settings/conditions/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/seekers/settings/conditions/"
    assert client.post("/seekers/settings/conditions/", {"regions": ["12"]}).status_code == 302
    assert profile_of(seeker.seeker_account).cond_region_bits == 0


@pytest.mark.parametrize("who", ["member_client", "staff_client"])
def test_other_roles_cannot_use_the_page(request, who):
    client = request.getfixturevalue(who)

    assert client.get("/seekers/settings/conditions/").status_code == 403
    assert client.post("/seekers/settings/conditions/", {"regions": ["12"]}).status_code == 403
    assert not AuditEvent.objects.filter(verb="seeker.conditions_set").exists()
