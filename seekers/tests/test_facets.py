"""The search facets' writer and reader as a pair (seekers.search.facets): a 大分類 finds exactly the
profiles planned for one of its 中分類 (or for the 大分類 itself), a 中分類 exactly its own, over every
code of the 職業分類. Runs on SQLite (LIKE) and on PostgreSQL (the GIN full-text match) alike."""

import pytest

from organizations.models import OccupationGroup
from seekers import services
from seekers.models import Profile
from seekers.search.facets import filter_profiles
from seekers.tests.factories import JobApplicationFactory

pytestmark = pytest.mark.django_db


def profile_planned_for(*occupations) -> Profile:
    profile = JobApplicationFactory().profile
    profile.planned_occupations.set(occupations)
    return services.profile_screen(actor=None, profile=profile)


@pytest.fixture
def every_occupation():
    """One profile per 中分類, one planned for a 大分類 itself, one for two 中分類 of different 大分類,
    and one planned for nothing."""
    mediums = list(OccupationGroup.objects.exclude(major=None).order_by("code"))
    by_medium = {medium.code: profile_planned_for(medium) for medium in mediums}
    care = OccupationGroup.objects.get(code="08")
    return {
        "mediums": mediums,
        "by_medium": by_medium,
        "major_itself": profile_planned_for(care),
        "two_majors": profile_planned_for(OccupationGroup.objects.get(code="050"),
                                          OccupationGroup.objects.get(code="034")),
        "none": profile_planned_for(),
    }


def found(occupation) -> set[int]:
    return set(filter_profiles(Profile.objects.all(), {"occupation": occupation}).values_list("pk", flat=True))


def test_a_major_group_finds_exactly_the_profiles_of_its_medium_groups(every_occupation):
    majors = list(OccupationGroup.objects.filter(major=None).order_by("code"))
    assert len(majors) == 15

    for major in majors:
        expected = {profile.pk for code, profile in every_occupation["by_medium"].items()
                    if OccupationGroup.objects.get(code=code).major_id == major.code}
        if major.code == "08":
            expected |= {every_occupation["major_itself"].pk, every_occupation["two_majors"].pk}
        if major.code == "06":
            expected.add(every_occupation["two_majors"].pk)
        assert found(major) == expected, major
        assert every_occupation["none"].pk not in found(major)


def test_a_medium_group_finds_only_its_own_profiles(every_occupation):
    for medium in every_occupation["mediums"]:
        expected = {every_occupation["by_medium"][medium.code].pk}
        if medium.code in ("050", "034"):
            expected.add(every_occupation["two_majors"].pk)
        assert found(medium) == expected, medium


def test_codes_that_share_digits_do_not_match_each_other(every_occupation):
    """01 (a 大分類) and 001, 010 (中分類 of 01 and 02): the text-sorted list showed them side by side."""
    management, research = (OccupationGroup.objects.get(code=code) for code in ("01", "02"))
    by_medium = every_occupation["by_medium"]

    assert found(management) == {by_medium[code].pk for code in ("001", "002", "003")}
    assert by_medium["010"].pk in found(research)
    assert by_medium["010"].pk not in found(management)
    assert found(OccupationGroup.objects.get(code="010")) == {by_medium["010"].pk}
