"""The organisations' side of profiles: /orgs/seekers/ (search) and /orgs/seekers/<public_id>/.
Both go through the visibility rule (seekers.search.visibility.profiles_visible_to)."""

from django.shortcuts import render

from config.db_router import replica_reads
from organizations.access import member_required

from . import services
from .access import get_profile_for
from .forms import SearchForm
from .presenters import profile_rows
from .search.paging import search_profiles


@member_required
@replica_reads
def search(request):
    form = SearchForm(request.GET or None)
    page = None
    if form.is_valid() or not request.GET:
        filters = form.cleaned_data if form.is_bound else {}
        page = search_profiles(request.organization, filters, cursor=request.GET.get("cursor", ""))
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(request, "seekers/orgs/search.html", {
        "form": form, "page": page, "query": query.urlencode(), "organization": request.organization,
    })


@member_required
def profile(request, public_id):
    found = get_profile_for(request.organization, public_id)
    services.profile_view_record(member=request.user, organization=request.organization, profile=found)
    return render(request, "seekers/orgs/profile.html", {
        "profile": found, "rows": profile_rows(found, for_organization=True),
    })
