"""The demo's profiles read like people (devtools.demo_profiles): each one's 希望する仕事, 職業分類, 免許・資格
and experience fit together, they vary, the codes are the reference data's, and a keyword search narrows."""

import random
from collections import Counter
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from conftest import SUITE_NOW, TODAY
from devtools.demo_profiles import ARCHETYPES, DRIVING_LICENSES, FULL, PART, archetype_for, demo_profile
from organizations.models import IndustryGroup, OccupationGroup, Organization, Prefecture, Qualification
from seekers import pii
from seekers.models import Profile
from seekers.search.paging import search_profiles

APPLICATIONS = 300
CODES_OF = {
    "occupations": OccupationGroup, "industries": IndustryGroup, "core": Qualification, "extra": Qualification,
}


def texts_of(archetype) -> list[str]:
    return [*archetype.jobs, *archetype.experiences, *archetype.education, *archetype.skills,
            *archetype.expertise, *archetype.appeals, *(text for s in archetype.schedules for text in s[:2])]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One seed for the module (300 applications take seconds), undone when the module ends; each test
    runs in a savepoint inside it. Seeded at the suite's now, like every test's clock."""
    with django_db_blocker.unblock(), time_machine.travel(SUITE_NOW, tick=False):
        with transaction.atomic():
            call_command("seed_demo", applications=APPLICATIONS, stdout=StringIO())
            yield
            transaction.set_rollback(True)


# --- the table --------------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("archetype", ARCHETYPES, ids=lambda a: a.jobs[0])
def test_every_code_of_the_table_is_a_reference_row(archetype):
    for attribute, model in CODES_OF.items():
        codes = set(getattr(archetype, attribute))
        assert set(model.objects.filter(code__in=codes).values_list("code", flat=True)) == codes, attribute
    # The 職業分類 and 産業分類 are 中分類, the level a profile records.
    assert not OccupationGroup.objects.filter(code__in=archetype.occupations, major=None).exists()
    assert not IndustryGroup.objects.filter(code__in=archetype.industries, major=None).exists()


@pytest.mark.parametrize("archetype", ARCHETYPES, ids=lambda a: a.jobs[0])
def test_no_text_of_the_table_looks_identifying(archetype):
    assert pii.screen({str(n): text for n, text in enumerate(texts_of(archetype))}) == {}


def test_the_table_is_broad():
    assert len(ARCHETYPES) >= 20
    assert len({job for a in ARCHETYPES for job in a.jobs}) >= 50
    assert len({code for a in ARCHETYPES for code in a.occupations}) >= 20
    # Customer service is some people's work, not everyone's.
    serving = [a.jobs[0] for a in ARCHETYPES if any("接客" in text for text in texts_of(a))]
    assert 0 < len(serving) <= len(ARCHETYPES) // 5, serving


def test_each_job_names_one_archetype():
    jobs = [job for a in ARCHETYPES for job in a.jobs]

    assert len(jobs) == len(set(jobs))
    assert archetype_for("介護職員").occupations == ("050",)


@pytest.mark.django_db
def test_a_drawn_person_fits_the_archetype():
    prefectures = dict(Prefecture.objects.values_list("code", "name"))
    names = dict(Qualification.objects.values_list("code", "name"))
    rng = random.Random(7)
    for archetype in ARCHETYPES:
        for _ in range(20):
            person = demo_profile(rng, today=TODAY, prefecture_names=prefectures, qualification_names=names,
                                  archetype=archetype)
            fields, codes = person.fields, set(person.qualifications)
            assert fields["desired_job"] in archetype.jobs
            assert person.occupations[0] in archetype.occupations
            assert codes <= {*archetype.core, *archetype.extra, "0104", "0105"}
            assert fields["has_driving_license"] == bool(codes & DRIVING_LICENSES)
            assert not archetype.driver or fields["has_driving_license"]
            assert all(names[code] in fields["licenses_skills"] for code in codes)
            if fields["employment_type"] == FULL:
                low, high = archetype.monthly
                assert low - 10_000 <= fields["desired_monthly_income"] <= high + 10_000
                assert fields["desired_hourly_wage"] is None
            if fields["employment_type"] == PART:
                assert fields["desired_monthly_income"] is None
                assert fields["desired_hourly_wage"] % 50 == 0
            years = int(fields["main_experience"].rsplit(" ", 1)[-1].split("年")[0])
            assert 1 <= years <= (TODAY - person.birth_date).days // 365 - 18


# --- the seeded demo --------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_search_for_customer_service_finds_few_profiles(demo):
    agency = Organization.objects.get(name="株式会社デモキャリア紹介")

    everyone = search_profiles(agency, {}).count
    serving = search_profiles(agency, {"keyword": "接客"}).count
    caring = search_profiles(agency, {"keyword": "介護"}).count

    assert everyone >= 50
    assert 0 < serving < everyone / 4
    assert 0 < caring < everyone / 2


@pytest.mark.django_db
def test_every_profile_fits_its_archetype_and_uses_real_codes(demo):
    occupations = set(OccupationGroup.objects.exclude(major=None).values_list("code", flat=True))
    qualifications = set(Qualification.objects.values_list("code", flat=True))
    profiles = Profile.objects.prefetch_related("planned_occupations", "qualifications")

    assert profiles.count() == APPLICATIONS + 2
    for profile in profiles:
        archetype = archetype_for(profile.desired_job)
        codes = {o.code for o in profile.planned_occupations.all()}
        held = {q.code for q in profile.qualifications.all()}
        assert codes and codes <= occupations & set(archetype.occupations), profile.desired_job
        assert held <= qualifications, profile.desired_job
        assert profile.main_experience.rsplit(" ", 1)[0] in {e.rsplit(" ", 1)[0] for e in archetype.experiences}
        assert profile.has_driving_license == bool(held & DRIVING_LICENSES)


@pytest.mark.django_db
def test_the_profiles_vary(demo):
    profiles = list(Profile.objects.all())

    def distinct(name: str) -> int:
        return len({getattr(profile, name) for profile in profiles})

    assert distinct("desired_job") >= 40
    assert distinct("desired_prefecture_id") >= 15
    assert distinct("employment_type") == 3
    assert distinct("desired_holidays") >= 15
    assert distinct("education") >= 20
    assert distinct("desired_monthly_income") >= 15
    assert distinct("main_experience") >= 100
    # No single job takes more than a tenth of the demo.
    assert Counter(p.desired_job for p in profiles).most_common(1)[0][1] < len(profiles) / 10


@pytest.mark.django_db
def test_no_demo_profile_is_withheld_by_the_pii_guard(demo):
    published = Profile.objects.exclude(published_at=None)

    assert published.count() >= 100
    assert not [p.public_id for p in published if p.withheld]
    assert all(p.search_text for p in published)
