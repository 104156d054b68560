"""The member services the organisation's administrator and staff share (issue 16): invite, role
change, removal, and the one rule that an organisation keeps at least one administrator
(organizations.services.last_administrator_refusal)."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent, OutgoingEmail, User
from organizations import selectors, services
from organizations.models import Member
from organizations.tests.factories import MemberFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

LAST_ADMIN_REMOVE = ("団体には管理者が1人以上必要です。この方は最後の管理者のため削除できません。"
                     "先に別のメンバーを管理者にしてください。")
LAST_ADMIN_DEMOTE = ("団体には管理者が1人以上必要です。この方は最後の管理者のため担当者に変更できません。"
                     "先に別のメンバーを管理者にしてください。")


def admin_of(organization):
    return MemberFactory(organization=organization, role=Member.Role.ADMIN)


# --- invite ------------------------------------------------------------------------------------------


def test_an_administrator_invites_a_member_with_the_link_mail(agency, django_capture_on_commit_callbacks):
    actor = admin_of(agency)
    with django_capture_on_commit_callbacks(execute=True):
        member = services.member_invite(actor=actor.user, organization=agency, email=" New@Agency.example.jp ",
                                        display_name="採用担当", role="admin")

    assert (member.organization, member.role, member.user.email) == (agency, "admin", "New@agency.example.jp")
    assert not member.user.has_usable_password()
    mail = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.MEMBER_INVITE)
    assert mail.to == "New@agency.example.jp"
    event = AuditEvent.objects.get(verb=AuditEvent.Verb.MEMBER_INVITE)
    assert event.actor == actor.user and event.data == {"email": "New@agency.example.jp", "role": "admin"}


def test_an_address_already_used_is_refused_at_the_field(agency, agency_member):
    with pytest.raises(ValidationError) as refused:
        services.member_invite(actor=agency_member, organization=agency, email=agency_member.email.upper())

    assert refused.value.message_dict == {"email": ["このメールアドレスはすでに登録されています。"]}
    assert Member.objects.count() == 1


def test_a_removed_member_invited_again_returns_on_the_same_row(agency, django_capture_on_commit_callbacks):
    actor, member = admin_of(agency), MemberFactory(organization=agency, display_name="田中")
    services.member_remove(actor=actor.user, member=member)

    with django_capture_on_commit_callbacks(execute=True):
        back = services.member_invite(actor=actor.user, organization=agency, email=member.user.email, role="admin")

    assert back.pk == member.pk and back.removed_at is None and back.role == "admin" and back.display_name == "田中"
    user = User.objects.get(pk=member.user_id)
    assert user.is_active and not user.has_usable_password()
    assert OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.MEMBER_INVITE, to=user.email).count() == 1
    assert AuditEvent.objects.filter(verb=AuditEvent.Verb.MEMBER_INVITE).get().data["returning"] is True


def test_another_organisations_removed_member_is_refused(agency):
    other = OrganizationFactory()
    removed = MemberFactory(organization=other)
    services.member_remove(actor=admin_of(other).user, member=removed)

    with pytest.raises(ValidationError) as refused:
        services.member_invite(actor=admin_of(agency).user, organization=agency, email=removed.user.email)

    assert refused.value.message_dict == {"email": ["このメールアドレスはすでに登録されています。"]}
    assert Member.objects.get(pk=removed.pk).organization == other


# --- the last administrator ---------------------------------------------------------------------------


def test_the_last_administrator_can_be_neither_demoted_nor_removed(agency):
    only = admin_of(agency)
    MemberFactory(organization=agency)

    assert services.last_administrator_refusal(only, new_role=Member.Role.MEMBER) == LAST_ADMIN_DEMOTE
    assert services.last_administrator_refusal(only, new_role=None) == LAST_ADMIN_REMOVE
    assert services.last_administrator_refusal(only, new_role=Member.Role.ADMIN) == ""
    with pytest.raises(ValidationError) as demoted:
        services.member_role_change(actor=only.user, member=only, role="member")
    with pytest.raises(ValidationError) as removed:
        services.member_remove(actor=only.user, member=only)

    assert demoted.value.message_dict == {"role": [LAST_ADMIN_DEMOTE]}
    assert removed.value.messages == [LAST_ADMIN_REMOVE]
    only.refresh_from_db()
    assert only.role == "admin" and only.removed_at is None and only.user.is_active
    assert not AuditEvent.objects.filter(verb__in=["member.role_change", "member.remove"]).exists()


def test_a_removed_administrator_does_not_count(agency):
    first, second = admin_of(agency), admin_of(agency)
    services.member_remove(actor=first.user, member=second)

    assert services.last_administrator_refusal(first, new_role=None) == LAST_ADMIN_REMOVE


def test_another_organisations_administrator_does_not_count(agency):
    only = admin_of(agency)
    admin_of(OrganizationFactory())

    assert services.last_administrator_refusal(only, new_role=Member.Role.MEMBER) == LAST_ADMIN_DEMOTE


def test_with_two_administrators_one_may_be_demoted_and_the_other_then_not(agency):
    first, second = admin_of(agency), admin_of(agency)

    services.member_role_change(actor=first.user, member=second, role="member")

    second.refresh_from_db()
    assert second.role == "member"
    event = AuditEvent.objects.get(verb=AuditEvent.Verb.MEMBER_ROLE_CHANGE)
    assert event.actor == first.user and event.data == {"before": "admin", "after": "member"}
    with pytest.raises(ValidationError):
        services.member_role_change(actor=first.user, member=first, role="member")


def test_a_member_is_made_an_administrator(agency):
    actor, member = admin_of(agency), MemberFactory(organization=agency)

    services.member_role_change(actor=actor.user, member=member, role="admin")

    assert Member.objects.get(pk=member.pk).role == "admin"


def test_an_unknown_role_is_refused_before_anything(agency):
    actor, member = admin_of(agency), MemberFactory(organization=agency)

    with pytest.raises(ValueError):
        services.member_role_change(actor=actor.user, member=member, role="owner")
    assert Member.objects.get(pk=member.pk).role == "member"


# --- removal ----------------------------------------------------------------------------------------


def test_removal_ends_the_sign_in_and_keeps_the_row_and_the_audit(agency):
    actor, member = admin_of(agency), MemberFactory(organization=agency)
    old_hash = member.user.get_session_auth_hash()

    services.member_remove(actor=actor.user, member=member)

    member.refresh_from_db()
    user = User.objects.get(pk=member.user_id)
    assert member.removed_at is not None
    assert not user.is_active and not user.has_usable_password()
    assert user.get_session_auth_hash() != old_hash
    event = AuditEvent.objects.get(verb=AuditEvent.Verb.MEMBER_REMOVE)
    assert event.actor == actor.user and event.data == {"email": user.email, "role": "member"}
    assert list(selectors.organization_members(agency)) == [actor]


def test_removing_twice_records_once(agency):
    actor, member = admin_of(agency), MemberFactory(organization=agency)

    services.member_remove(actor=actor.user, member=member)
    services.member_remove(actor=actor.user, member=member)

    assert AuditEvent.objects.filter(verb=AuditEvent.Verb.MEMBER_REMOVE).count() == 1


def test_a_removed_member_gets_no_role(agency):
    actor, member = admin_of(agency), MemberFactory(organization=agency)
    services.member_remove(actor=actor.user, member=member)

    with pytest.raises(ValidationError) as refused:
        services.member_role_change(actor=actor.user, member=member, role="admin")
    assert refused.value.messages == ["このメンバーはすでに削除されています。"]


# --- the audit of the members' actions ----------------------------------------------------------------


def test_the_audit_lists_the_organisations_members_newest_first_also_removed_ones(agency, staff):
    actor, member = admin_of(agency), MemberFactory(organization=agency, display_name="田中")
    outsider = MemberFactory(organization=OrganizationFactory())
    services.member_role_change(actor=actor.user, member=member, role="admin")
    services.member_role_change(actor=outsider.user, member=outsider, role="admin")  # another organisation
    services.member_invite(actor=staff, organization=agency, email="by.staff@agency.example.jp")  # staff's
    services.member_role_change(actor=member.user, member=actor, role="member")
    services.member_remove(actor=member.user, member=actor)

    events = list(selectors.member_audit_events(agency))

    assert [(e.verb, e.actor_id) for e in events] == [
        ("member.remove", member.user_id), ("member.role_change", member.user_id),
        ("member.role_change", actor.user_id),
    ]
    assert events[0].actor_name == "田中" and events[0].actor_email == member.user.email
