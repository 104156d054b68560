"""What the tests of the profile, search and settings pages share: seekers with chosen published
values, members with TOTP, and reading the result rows and the organisation reads off a page."""

import re
from datetime import timedelta

from django.utils import timezone

from organizations.tests.factories import MemberFactory
from seekers import services
from seekers.models import Profile
from seekers.tests.factories import SeekerAccountFactory
from tests.pages import page, with_totp

PROFILE_LINK = re.compile(r'href="/orgs/seekers/([0-9a-f]{16})/"')


def member_of(organization):
    return with_totp(MemberFactory(organization=organization).user)


def listed(response) -> list[str]:
    """The public ids of the result rows, in page order."""
    return PROFILE_LINK.findall(page(response))


def profile_of(account) -> Profile:
    return Profile.objects.get(pk=account.application_id)


def seeker_with(**profile_values):
    """A started seeker (published profile) with these published values."""
    m2m = {k: profile_values.pop(k) for k in ("planned_occupations", "qualifications") if k in profile_values}
    account = SeekerAccountFactory(
        application__applied_on=timezone.localdate() - timedelta(days=20),
        **{f"application__profile__{k}": v for k, v in profile_values.items()},
    )
    profile = profile_of(account)
    for name, items in m2m.items():
        getattr(profile, name).set(items)
    if m2m:  # as the staff admin does after saving the relations: re-screen, rebuild the facets
        services.profile_screen(actor=None, profile=profile)
    return account, profile


def organisation_reads(queries) -> list[str]:
    """The queries that read the organisation's row, on its own or joined (to the signed-in user)."""
    return [q["sql"] for q in queries if re.search(r'(FROM|JOIN) "organizations_organization"', q["sql"])]
