"""Who may use the organisations' pages: the member policy. Whether an organisation may use the
service at all is its status (Organization.status, with its queryset form beside it in models.py);
this decorator is the one place an organisation page applies it."""

from functools import wraps

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from .models import Member, Organization

Status = Organization.Status
# Which statuses each kind of page lets through (Organization.status decides the status; this is
# only which pages each one leaves open):
# - every page: ACTIVE;
# - the 削除・廃棄 answers (open_while_suspended=True): a duty that no suspension, lapsed approval or
#   pending terms lifts (SPEC rules 18, 20);
# - the organisation's own standing (standing=True: 利用規約, 是正要請・利用停止, 利用の終了): what it
#   must read and answer while it cannot search or send.
# A TERMS_PENDING organisation is sent from any other page to the terms page, which says that its
# administrator must accept them; REVOKED and WITHDRAWN members are logged out at once.
_ADMITTED_WHILE_SUSPENDED = frozenset({Status.ACTIVE, Status.SUSPENDED, Status.EXPIRED, Status.TERMS_PENDING})
_ADMITTED_ON_STANDING_PAGES = _ADMITTED_WHILE_SUSPENDED


def member_required(view=None, *, open_while_suspended: bool = False, standing: bool = False):
    """Anonymous → login; not a member → 403; an organisation whose status today is not active gets a
    page that says which (403) on every organisation URL, except the pages opened above
    (open_while_suspended, standing), and a TERMS_PENDING one is redirected to the terms page. The
    view reads request.organization_status to say so.

    The organisation row is read once per request (with the signed-in user, accounts.backends.get_user,
    or here when the user object came from elsewhere), so a sanction bites at once, and the view
    gets it as request.organization: the selectors take that object as checked and do not read it
    again (SPEC rule 10's organisation clause is this status)."""
    if view is None:
        return lambda view: member_required(view, open_while_suspended=open_while_suspended, standing=standing)
    admitted = ({Status.ACTIVE} | (_ADMITTED_WHILE_SUSPENDED if open_while_suspended else set())
                | (_ADMITTED_ON_STANDING_PAGES if standing else set()))

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = getattr(user, "membership", None) if user.role == "member" else None
        if membership is not None and membership.removed_at is not None:
            # Removed from the organisation (organizations.services.member_remove): such a user is
            # inactive and no session loads them; this holds even if one did.
            logout(request)
            return redirect_to_login(request.get_full_path())
        if membership is None:
            raise PermissionDenied
        if getattr(user, "read_for_request", False) and Member.organization.is_cached(membership):
            organization = membership.organization  # joined to this request's user row (accounts.backends)
        else:
            organization = Organization.objects.get(pk=membership.organization_id)
        status = organization.status(timezone.localdate())
        if status in (Status.REVOKED, Status.WITHDRAWN):
            # 利用解除, or the organisation left: the member is logged out at once and refused from then on.
            logout(request)
        if status == Status.TERMS_PENDING and status not in admitted:
            return redirect("organizations_orgs:terms")
        if status not in admitted:
            return render(
                request, "organizations/inactive.html", {"organization": organization, "status": status}, status=403,
            )
        request.organization = organization
        request.organization_status = status
        request.member = membership
        request.may_manage_members = may_manage_members(membership)
        return view(request, *args, **kwargs)

    return wrapper


# Who may change the organisation's disclosures (SPEC rule 12) on the organisation's side: its
# administrators (Member.Role.ADMIN); every member sees them. Staff change them in the admin. The
# instance form and the queryset form side by side.


def may_edit_disclosures(member: Member) -> bool:
    return member.role == Member.Role.ADMIN and member.removed_at is None


def members_editing_disclosures(organization: Organization):
    return Member.objects.filter(organization=organization, role=Member.Role.ADMIN, removed_at__isnull=True)


# Who manages the organisation's members (invites, roles, removal, their audit; issue 16) on the
# organisation's side: its administrators, as for the disclosures. Staff do the same in the admin,
# through the same services. The instance form and the queryset form side by side.


def may_manage_members(member: Member) -> bool:
    return member.role == Member.Role.ADMIN and member.removed_at is None


def members_managing_members(organization: Organization):
    return Member.objects.filter(organization=organization, role=Member.Role.ADMIN, removed_at__isnull=True)


def get_member_for(actor: Member, member_id: int) -> Member:
    """A current member of the actor's own organisation; 404 for another organisation's member, a
    removed one, or an unknown id. The caller has checked may_manage_members(actor)."""
    return get_object_or_404(Member.objects.select_related("user"), pk=member_id,
                             organization_id=actor.organization_id, removed_at__isnull=True)
