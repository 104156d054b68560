"""Who manages the members (organizations.access): the organisation's current administrators, for
members of their own organisation only."""

import pytest
from django.http import Http404

from organizations import access, services
from organizations.models import Member
from organizations.tests.factories import MemberFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_only_current_administrators_manage_members_in_both_forms(agency):
    admin = MemberFactory(organization=agency, role="admin")
    removed_admin = MemberFactory(organization=agency, role="admin")
    member = MemberFactory(organization=agency)
    services.member_remove(actor=admin.user, member=removed_admin)
    removed_admin.refresh_from_db()

    assert [access.may_manage_members(m) for m in (admin, removed_admin, member)] == [True, False, False]
    assert list(access.members_managing_members(agency)) == [admin]
    assert [access.may_edit_disclosures(m) for m in (admin, removed_admin, member)] == [True, False, False]
    assert list(access.members_editing_disclosures(agency)) == [admin]


def test_get_member_for_finds_only_current_members_of_the_own_organisation(agency):
    admin = MemberFactory(organization=agency, role="admin")
    colleague = MemberFactory(organization=agency)
    gone = MemberFactory(organization=agency)
    services.member_remove(actor=admin.user, member=gone)
    stranger = MemberFactory(organization=OrganizationFactory())

    assert access.get_member_for(admin, colleague.pk) == colleague
    for member_id in (stranger.pk, gone.pk, 10**12):
        with pytest.raises(Http404):
            access.get_member_for(admin, member_id)
    assert Member.objects.filter(pk=stranger.pk).exists()
