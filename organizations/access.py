from functools import wraps

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from .models import Organization


def member_required(view):
    """Anonymous → login; not a member → 403; an organisation that is not approved, or is suspended
    or revoked, gets a page that says so (403) on every organisation URL. Gives the view
    request.organization, read fresh on each request so a sanction bites at once."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = getattr(user, "membership", None) if user.role == "member" else None
        if membership is None:
            raise PermissionDenied
        organization = Organization.objects.get(pk=membership.organization_id)
        if organization.revoked_at is not None:
            # 利用解除: the member is logged out at once and refused from then on.
            logout(request)
        if not organization.is_active:
            return render(
                request, "organizations/inactive.html",
                {"organization": organization, "today": timezone.localdate()}, status=403,
            )
        request.organization = organization
        request.member = membership
        return view(request, *args, **kwargs)

    return wrapper
