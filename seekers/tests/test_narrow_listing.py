"""The narrow listing (seekers.search.narrow, seekers.ListingFacet) against the profile table: for
every search it serves, the same profiles in the same order and the same count as the profile
table's form of the search (filter_profiles over profiles_visible_to), for organisations of both
kinds, with and without the privacy mark, with blocks; and still after the profile's columns are
written directly (the trigger of migration seekers 0016 follows every write, whatever makes it).
PostgreSQL only: elsewhere the table is not written and the search reads the profile table."""

import importlib
import random

import psycopg
import pytest
from django.db import connection

from config import querymemo
from organizations.models import OccupationGroup, Prefecture, Qualification, bits_of
from organizations.tests.factories import OrganizationFactory
from seekers import services
from seekers.models import Block, ListingFacet, ListingText, Profile
from seekers.search import paging
from seekers.search.facets import filter_profiles
from seekers.search.keywords import text_signature
from seekers.search.narrow import narrow_listing, narrow_search
from seekers.search.paging import COUNT_CAP, search_profiles
from seekers.search.visibility import profiles_visible_to
from seekers.tests.helpers import seeker_with

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]

INLINE_MAX_BYTES = importlib.import_module("seekers.migrations.0019_listing_inline_text").INLINE_MAX_BYTES


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
    for prefecture in (tokyo, osaka):  # texts too long to ride in the index: the keyword reads ListingText
        account, _profile = seeker_with(desired_prefecture=prefecture, planned_occupations=occupations[:1],
                                        main_experience="小売店での接客・倉庫での在庫管理 " * 60)
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
        {"keyword": "庫"},  # one character: no signature, the text alone
        {"keyword": "在庫管理 倉庫", "prefecture": w["tokyo"]},
        {"keyword": "介護", "dispatch_ok": True},  # nobody holds it
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
    Profile.objects.filter(pk__in=ids[14:18]).update(search_text="倉庫での在庫管理 接客")  # a new signature
    assert_same(world)
    assert_signatures()
    assert_inline_texts()
    assert not ListingFacet.objects.filter(profile_id__in=ids[2:6]).exists()
    assert not ListingText.objects.filter(profile_id__in=ids[2:6]).exists()


def assert_signatures():
    texts = dict(Profile.objects.values_list("pk", "search_text"))
    for profile_id, lo, hi in ListingFacet.objects.values_list("profile_id", "text_sig_lo", "text_sig_hi"):
        assert (lo, hi) == text_signature(texts[profile_id]), profile_id


def assert_inline_texts():
    """The text rides on the 'all' and prefecture rows when short enough, and on no other row."""
    texts = {pk: (text, facets) for pk, text, facets in Profile.objects.values_list("pk", "search_text", "facets")}
    carried = 0
    for profile_id, token, inline in ListingFacet.objects.values_list("profile_id", "token", "search_text"):
        text, facets = texts[profile_id]
        carries = (token == "all" or token.startswith("pf") and token[2:].isdigit()) and (
            len(text.encode()) + len(facets.encode()) <= INLINE_MAX_BYTES)
        assert inline == (text if carries else None), (profile_id, token)
        carried += carries
    assert carried > 30
    assert ListingFacet.objects.filter(token="all", search_text__isnull=True).count() == 2  # the long texts


def test_every_search_is_narrow_on_postgresql(world):
    org = world["orgs"][0]
    for f in searches(world):
        assert narrow_listing(org, f).model is ListingFacet
    q0, q1 = (f"q{q.pk}" for q in world["qualifications"][:2])
    pairs = {f["driver"] for f in (narrow_search(f).values for f in searches(world)) if f["driver"].startswith("pf")}
    major = OccupationGroup.objects.get(code=world["occupations"][0].major_id)
    assert pairs == {"pf13", f"pf27om{major.pk}", f"pf13{q1}", "pf27"}  # 東京都 alone, then pairs, 大阪府 + keyword
    assert narrow_search({"qualification": world["qualifications"][0], "occupation": world["occupations"][0],
                          "prefecture": world["tokyo"]}).values["driver"] == f"pf13{q0}"
    paired = 0
    for profile in Profile.objects.filter(listed_until__isnull=False):
        own = set(ListingFacet.objects.filter(profile=profile).values_list("token", flat=True))
        facets = profile.facets.split()
        pairs = {f"{p}{o}" for p in facets if p.startswith("pf") for o in facets if o.startswith(("q", "oc", "om"))}
        assert pairs == {token for token in own if token.startswith("pf") and not token[2:].isdigit()}
        paired += bool(pairs)
    assert paired > 10
    listed = Profile.objects.filter(listed_until__isnull=False)
    assert ListingText.objects.count() == listed.count() == ListingFacet.objects.filter(token="all").count()
    assert set(ListingText.objects.values_list("profile_id", "search_text")) == set(
        listed.values_list("pk", "search_text"))
    assert_signatures()
    assert_inline_texts()


def _generic_plan(sql: str, params: tuple) -> str:
    """EXPLAIN of the plan PostgreSQL keeps for the statement once prepared (the generic plan, as a
    prepared statement of config.querymemo gets after five runs), its values given only at EXECUTE."""
    raw = connection.connection
    raw.execute("SET plan_cache_mode = force_generic_plan")
    raw.execute("SET enable_seqscan = off")  # a test's few rows would be read whole, or through a bitmap
    raw.execute("SET enable_bitmapscan = off")
    try:
        psycopg.Cursor(raw).execute(sql, params, prepare=True)
        # By its text, as psycopg sent it ($1, $2 … for %s): the same statement may have been prepared
        # on this connection by an earlier test's search, so it is not always the newest one.
        sent = sql % tuple(f"${i}" for i in range(1, len(params) + 1))
        (name,) = raw.execute("SELECT name FROM pg_prepared_statements WHERE statement = %s", [sent]).fetchone()
        placeholders = ", ".join(["%s"] * len(params))
        plan = psycopg.ClientCursor(raw).execute(f"EXPLAIN EXECUTE {name}({placeholders})", params).fetchall()
        return "\n".join(row[0] for row in plan)
    finally:
        raw.execute("RESET plan_cache_mode")
        raw.execute("RESET enable_seqscan")
        raw.execute("RESET enable_bitmapscan")


def test_the_all_rows_are_walked_through_their_own_index(world):
    """A search without a token filter (a keyword, columns or nothing) walks the `all` rows through their
    partial index (listingfacet_all_idx), its statement naming `all` itself; the generic plan of a
    statement that took it as a value could not use that index. A search with a token takes it as a
    value and walks the wide index."""
    org = world["orgs"][0]
    for f, index in (({"keyword": "接客"}, "listingfacet_all_idx"), ({}, "listingfacet_all_idx"),
                     ({"prefecture": world["tokyo"], "keyword": "接客"}, "listingfacet_newest_idx")):
        search = narrow_search(f)
        sql, params = paging._first_page_statement(org, search, paging.PAGE_SIZE)
        holes = [p.name for p in params if isinstance(p, querymemo.Hole)]
        assert ("driver" in holes) == (index == "listingfacet_newest_idx"), f
        plan = _generic_plan(sql, querymemo.fill(params, search.values))
        assert f"Index Only Scan using {index} on seekers_listingfacet" in plan, (f, plan)
