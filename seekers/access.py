"""Who may reach the seekers' pages and profiles. The seeker's own state (reachability) is computed
on the account (SeekerAccount.reachability, with its queryset form beside it in models.py); which
profiles an organisation sees is the visibility rule (SPEC rule 10, seekers.search.visibility).
This module turns those into page access: the seeker decorator (which also holds a seeker on the
review page until they confirm it) and the organisation's one 404 helper for a profile."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect

from organizations.models import Member, Organization

from .models import Profile, SavedSearch, profile_prefetches
from .search.visibility import profile_visible_to


def seeker_required(view=None, *, before_review: bool = False):
    """Anonymous → login; someone who is not a seeker (or a seeker before the 認証キー) → 403.
    Gives the view request.seeker_account.

    Until the seeker has confirmed the review of their profile (SPEC rule 15,
    SeekerAccount.profile_confirmed_at), every seeker page sends them to that review page, except
    the pages marked `before_review=True` (the review page itself)."""
    if view is None:
        return lambda view: seeker_required(view, before_review=before_review)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        account = getattr(user, "seeker_account", None) if user.role == "seeker" else None
        if account is None or account.first_login_at is None:
            raise PermissionDenied
        if account.profile_confirmed_at is None and not before_review:
            return redirect("seekers_seekers:profile_review")
        request.seeker_account = account
        return view(request, *args, **kwargs)

    return wrapper


def get_profile_for(organization: Organization, public_id: str, *, rows: bool = True) -> Profile:
    """A profile this organisation may see now (SPEC rule 10), with the lists its rows show prefetched
    (`rows`; a page that names the profile only, the guidance form, reads none); 404 for any other,
    whether it does not exist or is hidden from this organisation."""
    profile = profile_visible_to(organization, public_id)
    if profile is None:
        raise Http404
    if rows:
        prefetch_related_objects([profile], *profile_prefetches())
    return profile


def get_saved_search_for(member: Member, saved_id: int) -> SavedSearch:
    """A saved search of this member; 404 for anyone else's (another member of the same organisation
    too: a saved search and its daily mail are the member's own)."""
    saved = SavedSearch.objects.filter(pk=saved_id, member=member).first()
    if saved is None:
        raise Http404
    return saved
