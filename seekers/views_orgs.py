"""The organisations' side of profiles: /orgs/seekers/ (search) and /orgs/seekers/<public_id>/.
Both go through the visibility rule (seekers.search.visibility.profiles_visible_to)."""

from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from config.db_router import replica_reads
from organizations.access import member_required

from . import services
from .access import get_profile_for, get_saved_search_for
from .forms import SavedSearchForm, SearchForm
from .presenters import profile_rows
from .search import saved as saved_searches
from .search.paging import PAGE_SIZE, search_profiles


@member_required
@replica_reads
def search(request):
    form = SearchForm(request.GET or None)
    page = None
    if form.is_valid() or not request.GET:
        filters = form.cleaned_data if form.is_bound else {}
        page = search_profiles(request.organization, filters, cursor=request.GET.get("cursor", ""),
                               size=filters.get("per_page") or PAGE_SIZE)
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


# --- saved searches (issue 16) -------------------------------------------------------------------------


@member_required
def saved_search_list(request):
    """保存した検索条件: each with the count of profiles new since the member last opened it."""
    return render(request, "seekers/orgs/saved_searches.html", {
        "rows": saved_searches.saved_search_rows(request.member, request.organization),
        "limit": saved_searches.SAVED_SEARCHES_PER_MEMBER,
    })


@member_required
@require_http_methods(["GET", "POST"])
def saved_search_new(request):
    """Save the search in the query string (the search page links here with its own query)."""
    try:
        query = saved_searches.search_query(request.GET)
    except ValueError:
        messages.error(request, _("検索条件に誤りがあるため保存できません。条件を直してから保存してください。"))
        return redirect(reverse("seekers_orgs:search") + "?" + request.GET.urlencode())
    form = SavedSearchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.saved_search_create(actor=request.user, member=request.member, name=form.cleaned_data["name"],
                                         query=query, mail_hour=form.cleaned_data["mail_hour"])
        except services.SavedSearchRefused as refused:
            form.add_error(refused.field, refused.message)
        else:
            messages.success(request, _("検索条件を保存しました。"))
            return redirect("seekers_orgs:saved_searches")
    conditions_form = saved_searches.search_form(QueryDict(urlencode(query)))
    conditions_form.is_valid()
    return render(request, "seekers/orgs/saved_search_form.html", {
        "form": form, "conditions": saved_searches.conditions_of(conditions_form), "creating": True,
        "search_url": reverse("seekers_orgs:search") + ("?" + urlencode(query) if query else ""),
    })


@member_required
def saved_search_open(request, saved_id):
    """Open a saved search: from now on only later profiles count as new; then the search page."""
    saved = get_saved_search_for(request.member, saved_id)
    services.saved_search_open(saved=saved)
    return redirect(reverse("seekers_orgs:search") + ("?" + urlencode(saved.query) if saved.query else ""))


@member_required
@require_http_methods(["GET", "POST"])
def saved_search_edit(request, saved_id):
    """Rename a saved search or change its daily mail."""
    saved = get_saved_search_for(request.member, saved_id)
    form = SavedSearchForm(request.POST or None, initial={"name": saved.name, "mail_hour": saved.mail_hour})
    if request.method == "POST" and form.is_valid():
        try:
            services.saved_search_update(actor=request.user, saved=saved, name=form.cleaned_data["name"],
                                         mail_hour=form.cleaned_data["mail_hour"])
        except services.SavedSearchRefused as refused:
            form.add_error(refused.field, refused.message)
        else:
            messages.success(request, _("保存した検索条件を変更しました。"))
            return redirect("seekers_orgs:saved_searches")
    conditions_form = saved_searches.search_form(saved.query)
    return render(request, "seekers/orgs/saved_search_form.html", {
        "form": form, "saved": saved, "creating": False,
        "conditions": saved_searches.conditions_of(conditions_form) if conditions_form.is_valid() else [],
        "search_url": reverse("seekers_orgs:saved_search_open", args=[saved.pk]),
    })


@member_required
@require_http_methods(["GET", "POST"])
def saved_search_delete(request, saved_id):
    """Delete a saved search: the page says what will go, and the POST does it."""
    saved = get_saved_search_for(request.member, saved_id)
    if request.method == "POST":
        services.saved_search_delete(actor=request.user, saved=saved)
        messages.success(request, _("検索条件「%(name)s」を削除しました。") % {"name": saved.name})
        return redirect("seekers_orgs:saved_searches")
    return render(request, "seekers/orgs/saved_search_delete.html", {"saved": saved})
