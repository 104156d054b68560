"""Who may reach the seekers' pages and profiles. The seeker's own state (reachability) is computed
on the account (SeekerAccount.reachability, with its queryset form beside it in models.py); which
profiles an organisation sees is the visibility rule (SPEC rule 10, seekers.search.visibility).
This module turns those into page access: the seeker decorator and the organisation's one 404
helper for a profile."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from organizations.models import Organization

from .models import Profile
from .search.visibility import profile_visible_to


def seeker_required(view):
    """Anonymous → login; someone who is not a seeker → 403. Gives the view request.seeker_account."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        account = getattr(user, "seeker_account", None) if user.role == "seeker" else None
        if account is None or account.first_login_at is None:
            raise PermissionDenied
        request.seeker_account = account
        return view(request, *args, **kwargs)

    return wrapper


def get_profile_for(organization: Organization, public_id: str) -> Profile:
    """A profile this organisation may see now (SPEC rule 10), with its lists prefetched; 404 for
    any other, whether it does not exist or is hidden from this organisation."""
    profile = profile_visible_to(organization, public_id)
    if profile is None:
        raise Http404
    return profile
