"""The published profile and the seeker's own registered identity (SPEC rule 15): a free-text field
that carries the seeker's 氏名 (or phone, birth date...) is withheld from organisations — the profile
page, the search list and the keyword search — with only the finding kind kept and audited, and the
seeker sees on their own profile page that the field is withheld and why."""

import pytest

from accounts.models import AuditEvent
from seekers import services
from seekers.models import Profile
from seekers.tests.factories import SeekerAccountFactory
from tests.pages import with_totp


@pytest.fixture(autouse=True)
def _identity_finder_alone(settings):
    """These tests are about the comparison with the registered identity; the NER finder, which
    also finds names, is tested on its own (seekers/tests/test_pii_ner.py)."""
    settings.PII_NER_ENABLED = False

NAME = "森川 颯太"
WITHHELD = "(確認中のため表示していません)"
APPEAL = "森川颯太は明るく丁寧な対応が得意です。"


@pytest.fixture
def named(db):
    """A started seeker registered as 森川 颯太 whose アピールポイント staff typed with that name."""
    account = SeekerAccountFactory(
        application__identity__name=NAME, application__identity__name_kana="モリカワ ソウタ",
        application__profile__appeal_points=APPEAL, application__profile__desired_job="介護職員",
    )
    return account, Profile.objects.get(pk=account.application_id)


@pytest.fixture
def org_client(client, agency_member):
    client.force_login(with_totp(agency_member))
    return client


def test_profile_screen_withholds_the_field_that_carries_the_registered_name(named):
    _, profile = named

    assert profile.withheld == {"appeal_points": ["identity"]}


def test_only_the_finding_kind_is_audited_never_the_matched_value(named, staff):
    _, profile = named
    profile.special_notes = "生年月日は" + f"{profile.application.identity.birth_date:%Y年%-m月%-d日}" + "です"
    profile.save(update_fields=["special_notes"])

    services.profile_screen(actor=staff, profile=profile)

    assert profile.withheld == {"appeal_points": ["identity"], "special_notes": ["identity"]}
    events = AuditEvent.objects.filter(verb=AuditEvent.Verb.PROFILE_SCREEN, target_id=str(profile.pk))
    assert events.exists()
    for event in events:
        recorded = f"{event.data} {event.target_label}"
        assert "森川" not in recorded and "颯太" not in recorded
        assert "生年月日は" not in recorded


def test_a_text_without_the_seekers_data_stays_published(db):
    account = SeekerAccountFactory(
        application__identity__name=NAME, application__profile__appeal_points="小野寺さんの店で5年働きました。",
    )
    profile = Profile.objects.get(pk=account.application_id)

    # 小野寺さん is a name by its honorific (the pattern finder), but not the seeker's own.
    assert profile.withheld == {"appeal_points": ["name"]}
    account = SeekerAccountFactory(
        application__identity__name=NAME, application__profile__appeal_points="森川市の工場で5年働きました。",
    )
    assert Profile.objects.get(pk=account.application_id).withheld == {}


def test_the_seekers_other_data_typed_in_free_text_is_withheld_too(db):
    account = SeekerAccountFactory(
        application__kyushoku_number="13010-87654321",
        application__identity__phone="080-2222-3333",
        application__profile__main_experience="求職番号 1301087654321 で登録済み",
        application__profile__special_notes="連絡は 80 2222 3333 (+81)",
    )
    profile = Profile.objects.get(pk=account.application_id)

    assert profile.withheld["main_experience"] == ["identity"]
    assert "identity" in profile.withheld["special_notes"]


def test_the_organisations_profile_page_never_shows_the_name(named, org_client):
    _, profile = named

    html = org_client.get(f"/orgs/seekers/{profile.public_id}/").content.decode()

    assert WITHHELD in html
    assert "森川" not in html and "颯太" not in html
    assert "本人の登録情報と一致" not in html  # nor why: the reason is the seeker's


def test_the_search_never_shows_the_name_nor_finds_the_profile_by_it(named, org_client):
    _, profile = named

    listing = org_client.get("/orgs/seekers/").content.decode()
    by_name = org_client.get("/orgs/seekers/", {"keyword": "森川颯太"}).content.decode()
    by_other_words = org_client.get("/orgs/seekers/", {"keyword": "丁寧な対応"}).content.decode()

    assert profile.public_id in listing
    assert "森川" not in listing
    assert profile.public_id not in by_name
    assert profile.public_id not in by_other_words  # the withheld field is out of the keyword search
    assert "森川" not in by_name.replace("森川颯太", "")  # only the typed keyword echoed in its box


def test_the_seeker_sees_the_field_withheld_with_the_reason(named, client):
    account, _ = named
    client.force_login(account.user)

    html = client.get("/seekers/profile/").content.decode()

    assert "利用団体に表示していない項目" in html
    assert "アピールポイント: 本人の登録情報と一致" in html
    assert "個人を特定できる情報(本人の登録情報と一致)が含まれている可能性があるため" in html
    assert APPEAL in html  # their own text, to see what is withheld


def test_withheld_explained_names_the_reason(named):
    _, profile = named

    assert services.withheld_explained(profile) == [{"field": "アピールポイント", "reasons": ["本人の登録情報と一致"]}]


def test_staff_release_publishes_the_reviewed_text(named, staff):
    _, profile = named

    services.profile_release_field(actor=staff, profile=profile, field="appeal_points")

    profile.refresh_from_db()
    assert profile.withheld == {}
