"""The narrow listing (seekers.search.narrow, seekers.ListingFacet) against the profile table: for
every search it serves, the same profiles in the same order and the same count as the profile
table's form of the search (filter_profiles over profiles_visible_to), for organisations of both
kinds, with and without the privacy mark, with blocks; and still after the profile's columns are
written directly (the trigger of migration seekers 0016 follows every write, whatever makes it).
PostgreSQL only: elsewhere the table is not written and the search reads the profile table."""

import random

import pytest

from organizations.models import OccupationGroup, Prefecture, Qualification, bits_of
from organizations.tests.factories import OrganizationFactory
from seekers import services
from seekers.models import Block, ListingFacet, ListingText, Profile
from seekers.search.facets import filter_profiles
from seekers.search.narrow import narrow_listing
from seekers.search.paging import COUNT_CAP, search_profiles
from seekers.search.visibility import profiles_visible_to
from seekers.tests.helpers import seeker_with

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]


@pytest.fixture
def world():
    rng = random.Random(15)
    tokyo, osaka = Prefecture.objects.get(code="13"), Prefecture.objects.get(code="27")
    occupations = list(OccupationGroup.objects.exclude(major=None).order_by("code")[:4])
    qualifications = list(Qualification.objects.order_by("code")[:3])
    accounts = []
    for i in range(36):
        account, profile = seeker_with(
            desired_prefecture=rng.choice([tokyo, osaka]),
            employment_type=rng.choice(list(Profile.EmploymentType.values)),
            wants_regular=rng.choice(list(Profile.Wish.values)),
            dispatch_ok=rng.random() < 0.5, contract_ok=rng.random() < 0.3, relocation_ok=rng.random() < 0.5,
            overseas_ok=rng.random() < 0.4, u_i_turn=rng.choice(["", "u", "i"]),
            desired_monthly_income=rng.choice([None, 180000, 220000, 300000]),
            main_experience=rng.choice(["小売店での接客・在庫管理 5年", "倉庫での在庫管理", "事務"]),
            planned_occupations=rng.sample(occupations, rng.randint(0, 2)),
            qualifications=rng.sample(qualifications, rng.randint(0, 2)),
        )
        bits = {"cond_region_bits": bits_of([12]) if i % 5 == 1 else 0, "cond_privacy_mark": i % 7 == 3}
        Profile.objects.filter(pk=profile.pk).update(**bits)
        accounts.append(account)
    agency = OrganizationFactory(privacy_mark=False)
    local = OrganizationFactory(municipality=True, privacy_mark=True)
    Block.objects.create(account=accounts[0], organization=agency)
    Block.objects.create(account=accounts[1], organization=local)
    return {
        "orgs": [agency, local], "accounts": accounts, "tokyo": tokyo, "osaka": osaka,
        "occupations": occupations, "qualifications": qualifications,
    }


def searches(w) -> list[dict]:
    major = OccupationGroup.objects.get(code=w["occupations"][0].major_id)
    return [
        {"prefecture": w["tokyo"]},
        {"occupation": w["occupations"][0]},
        {"occupation": major, "prefecture": w["osaka"]},
        {"qualification": w["qualifications"][0]},
        {"qualification": w["qualifications"][1], "prefecture": w["tokyo"], "wants_regular": "yes"},
        {"dispatch_ok": True, "relocation_ok": True},
        {"contract_ok": True, "employment_type": "either"},
        {"u_i_turn": "u", "overseas_ok": True},
        {"overseas_ok": True, "income_min": 200000, "income_max": 250000},
        {"relocation_ok": True, "wants_regular": "no", "employment_type": "part_time"},
        {},
        {"employment_type": "part_time", "income_min": 150000, "income_max": 250000},
        {"keyword": "接客", "prefecture": w["osaka"]},
        {"keyword": "店 在庫", "qualification": w["qualifications"][0]},
        {"keyword": "在庫"},
        {"keyword": "接客 5年", "employment_type": "full_time", "income_max": 250000},
    ]


def assert_same(w):
    for org in w["orgs"]:
        for f in searches(w):
            listing = narrow_listing(org, f)
            assert listing is not None, f
            by_profile = filter_profiles(profiles_visible_to(org), f).order_by("-published_at", "-public_id")
            expected = list(by_profile.values_list("public_id", flat=True))
            assert list(listing.order_by("-published_at", "-public_id").values_list("public_id", flat=True)) \
                == expected, (org.kind, f)
            page = search_profiles(org, f, size=20)
            assert [p.public_id for p in page.rows] == expected[:20], (org.kind, f)
            assert page.count == min(len(expected), COUNT_CAP), (org.kind, f)


def test_the_narrow_listing_finds_what_the_profile_table_finds(world):
    assert ListingFacet.objects.exists()
    assert_same(world)
    hits = {f"{i}": len(narrow_listing(org, f)) for i, f in enumerate(searches(world)) for org in world["orgs"]}
    assert sum(hits.values()) > 0 and min(hits.values()) < max(hits.values())  # the searches are not all empty


def test_it_follows_direct_writes_of_the_profile(world):
    accounts = world["accounts"]
    ids = [a.application_id for a in accounts]
    Profile.objects.filter(pk__in=ids[2:6]).update(listed_until=None)
    Profile.objects.filter(pk__in=ids[6:10]).update(dispatch_ok=True, relocation_ok=False, cond_kind_bits=bits_of([1]))
    Profile.objects.filter(pk__in=ids[10:12]).update(listed_provision=4, desired_monthly_income=210000)
    profile = Profile.objects.get(pk=ids[12])
    profile.desired_prefecture = world["osaka"]
    profile.qualifications.set(world["qualifications"])
    profile.save()
    services.profile_screen(actor=None, profile=profile)
    Profile.objects.filter(pk=ids[13]).delete()
    assert_same(world)
    assert not ListingFacet.objects.filter(profile_id__in=ids[2:6]).exists()
    assert not ListingText.objects.filter(profile_id__in=ids[2:6]).exists()


def test_every_search_is_narrow_on_postgresql(world):
    org = world["orgs"][0]
    assert narrow_listing(org, {"keyword": "介護"}).model is ListingText
    assert narrow_listing(org, {"keyword": "介護", "employment_type": "part_time"}).model is ListingText
    assert narrow_listing(org, {"keyword": "介護", "prefecture": world["tokyo"]}).model is ListingFacet
    assert ListingText.objects.count() == Profile.objects.filter(listed_until__isnull=False).count()
