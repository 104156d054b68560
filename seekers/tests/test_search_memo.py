"""The search's statements memoized by shape (seekers.search.paging, config.querymemo): a statement built
for one search and filled with another search's values of the same shape is that other search's own
statement, and the pages it reads are the ones the profile table gives. PostgreSQL only: elsewhere the
search reads the profile table and memoizes nothing."""

import pytest

from config import querymemo
from organizations.models import OccupationGroup
from seekers.search import paging
from seekers.search.facets import filter_profiles
from seekers.search.narrow import narrow_search
from seekers.search.visibility import profiles_visible_to
from seekers.tests.test_narrow_listing import world  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]


@pytest.fixture(autouse=True)
def _cold():
    querymemo.clear()
    yield
    querymemo.clear()


def same_shape_pairs(w) -> list[tuple[dict, dict]]:
    occupations = w["occupations"]
    major = OccupationGroup.objects.get(code=occupations[0].major_id)
    other_major = OccupationGroup.objects.filter(major=None).exclude(pk=major.pk).first()
    q0, q1 = w["qualifications"][:2]
    return [
        ({"prefecture": w["tokyo"]}, {"prefecture": w["osaka"]}),
        ({"occupation": occupations[0]}, {"occupation": occupations[1]}),
        ({"occupation": major, "prefecture": w["osaka"]}, {"occupation": other_major, "prefecture": w["tokyo"]}),
        ({"qualification": q0, "prefecture": w["tokyo"], "wants_regular": "yes"},
         {"qualification": q1, "prefecture": w["osaka"], "wants_regular": "no"}),
        ({"u_i_turn": "u", "overseas_ok": True}, {"u_i_turn": "i", "overseas_ok": True}),
        ({"employment_type": "part_time", "income_min": 150000, "income_max": 250000},
         {"employment_type": "full_time", "income_min": 200000, "income_max": 300000}),
        ({"overseas_ok": True, "income_min": 200000}, {"overseas_ok": True, "income_min": 0}),
        ({"keyword": "接客"}, {"keyword": "在庫"}),
        ({"keyword": "店 在庫", "employment_type": "either"}, {"keyword": "接客 5年", "employment_type": "full_time"}),
        ({"keyword": "接客", "prefecture": w["osaka"]}, {"keyword": "管理", "prefecture": w["tokyo"]}),
        # A 1-character word sets no bit of the signature, and a word's bits fall in one half or both:
        # the halves tested are the shape's (seekers.search.narrow.NarrowSearch.signature).
        ({"keyword": "管", "prefecture": w["osaka"]}, {"keyword": "店", "prefecture": w["tokyo"]}),
        ({"keyword": "販売"}, {"keyword": "経理"}),
        ({"keyword": "10%"}, {"keyword": "1_0%"}),  # LIKE's wildcards in a value are the value's own
    ]


def expected(org, f) -> list[str]:
    rows = filter_profiles(profiles_visible_to(org), f).order_by("-published_at", "-public_id")
    return list(rows.values_list("public_id", flat=True))


def test_a_statement_filled_with_other_values_is_their_own_statement(world):  # noqa: F811
    org = world["orgs"][0]
    for a, b in same_shape_pairs(world):
        search_a, search_b = narrow_search(a), narrow_search(b)
        assert search_a.shape == search_b.shape and search_a.values != search_b.values, (a, b)
        for forward in (None, True, False):
            built_a = paging._page_statement(org, search_a, forward, 20)
            built_b = paging._page_statement(org, search_b, forward, 20)
            values = search_b.values | {"cursor": "0123456789abcdef"}
            assert built_a[0] == built_b[0], (a, b)
            assert querymemo.fill(built_a[1], values) == querymemo.fill(built_b[1], values), (a, b, forward)
        count_a, count_b = paging._count_statement(org, search_a), paging._count_statement(org, search_b)
        assert count_a[0] == count_b[0]
        assert querymemo.fill(count_a[1], search_b.values) == querymemo.fill(count_b[1], search_b.values)


def test_pages_read_through_the_memo_are_the_profile_tables(world):  # noqa: F811
    for org in world["orgs"]:
        for a, b in same_shape_pairs(world):
            for f in (a, b):  # the second of each pair reads the first one's statements
                page = paging.search_profiles(org, f)
                assert [p.public_id for p in page.rows] == expected(org, f)[:20], (org.kind, f)
                assert page.count == len(expected(org, f)), (org.kind, f)
                assert all(p.desired_prefecture.name for p in page.rows)
    shapes = {narrow_search(a).shape for a, _ in same_shape_pairs(world)}
    # Per organisation and shape: one first page statement (the page and its count), whatever the values.
    assert len(querymemo._memo) == len(world["orgs"]) * len(shapes)


def test_a_cursor_is_a_value_too(world):  # noqa: F811
    org = world["orgs"][1]
    f = {"dispatch_ok": True}
    rows = expected(org, f)
    assert len(rows) > 8
    by_id = {p.public_id: p for p in paging.Profile.objects.filter(public_id__in=rows)}
    for at in (2, 5, 8):
        cursor = paging._cursor(org, forward=True, number=2, profile=by_id[rows[at]])
        page = paging.search_profiles(org, f, cursor)
        assert page.number == 2
        assert [p.public_id for p in page.rows] == rows[at + 1 : at + 21]
    assert len(querymemo._memo) == 2  # one count and one statement for every page 2, whatever its anchor


def _loaded(profile) -> dict:
    return {name: getattr(profile, name) for name in paging.ROW_FIELDS if name != "desired_prefecture"} | {
        "pk": profile.pk, "prefecture": (profile.desired_prefecture.code, profile.desired_prefecture.name),
        "deferred": profile.get_deferred_fields(), "state": (profile._state.adding, profile._state.db)}


@pytest.mark.parametrize("with_receiver", [False, True])
def test_the_page_s_profiles_are_what_the_profile_table_gives(world, with_receiver):  # noqa: F811
    """Built without Model.__init__ when nothing listens to Profile's init signals, through from_db when
    something does: either way each read field, the prefecture, the deferred fields and the state are
    the plain queryset's, and a field not read loads when first used."""
    from django.db.models.signals import post_init

    seen = []
    receiver = lambda sender, instance, **kwargs: seen.append(instance.pk)  # noqa: E731
    if with_receiver:
        post_init.connect(receiver, sender=paging.Profile)
    try:
        org = world["orgs"][0]
        page = paging.search_profiles(org, {})
    finally:
        post_init.disconnect(receiver, sender=paging.Profile)
    plain = {p.pk: p for p in paging.Profile.objects.filter(pk__in=[p.pk for p in page.rows])
             .only(*paging.ROW_FIELDS).select_related("desired_prefecture")}
    assert page.rows
    for row in page.rows:
        assert _loaded(row) == _loaded(plain[row.pk])
        assert row.appeal_points == paging.Profile.objects.get(pk=row.pk).appeal_points  # deferred, loads
    # With a receiver, it heard every profile the page read (the page reads one more than it shows).
    assert ({row.pk for row in page.rows} <= set(seen)) is with_receiver and bool(seen) is with_receiver
