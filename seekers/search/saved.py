"""Saved searches, the reads (issue 16): a member's saved searches, what each one asks, and how many
profiles are new in it. A saved search is the search form's own query (SavedSearch.query), cleaned
by seekers.forms.SearchForm each time it is read, and counted by the search's own pieces: the one
visibility rule (`profiles_visible_to`) and the form's filters (`filter_profiles`), with the search
page's capped, time-boxed count. There is no second copy of either here."""

from datetime import datetime

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from organizations.models import Member, Organization

from ..models import Profile, SavedSearch
from .facets import filter_profiles
from .paging import COUNT_CAP, _capped_count
from .visibility import profiles_visible_to

# How many searches one member may keep (issue 16): enough for a working day's routines, few enough
# that the list page's counts (one capped count each) stay quick.
SAVED_SEARCHES_PER_MEMBER = 20


def search_form(data: dict):
    # The search page's form, imported here so the search package does not load the forms at import.
    from ..forms import SearchForm

    return SearchForm(data)


def search_query(data: QueryDict) -> dict:
    """The part of a search page's query string that is the search: the form's fields that were set,
    as typed (no cursor, no other parameter). Refused (ValueError) when the form does not accept it."""
    form = search_form(data)
    if not form.is_valid():
        raise ValueError("not a valid search")
    return {name: data.get(name) for name in form.fields if data.get(name) not in (None, "")}


def saved_search_filters(saved: SavedSearch) -> dict | None:
    """The cleaned filters of a saved search, as the search page would clean its query string; None
    when the stored query is no longer accepted (a code list changed since it was saved)."""
    form = search_form(saved.query)
    return form.cleaned_data if form.is_valid() else None


def conditions_of(form) -> list[tuple[str, str]]:
    """(label, value) of each condition a cleaned search form holds, for the list page and the save
    form: the form's labels and the display of what was chosen."""
    rows = []
    for name, field in form.fields.items():
        if name in form.DISPLAY_FIELDS:
            continue
        value = form.cleaned_data.get(name)
        if value in (None, "", False):
            continue
        if value is True:
            shown = _("指定あり")
        elif hasattr(value, "pk"):
            shown = str(value)
        elif hasattr(field, "choices"):
            shown = str(dict(field.choices).get(value, value))
        else:
            shown = f"{value:,}" if isinstance(value, int) else str(value)
        rows.append((str(field.label), shown))
    return rows


def saved_searches_of(member: Member) -> QuerySet[SavedSearch]:
    """A member's own saved searches, by name."""
    return SavedSearch.objects.filter(member=member).order_by("name", "pk")


def new_profiles(filters: dict, organization: Organization, since: datetime) -> QuerySet[Profile]:
    """The profiles of a search that the organisation sees now (SPEC rule 10) published after `since`."""
    return filter_profiles(profiles_visible_to(organization), filters).filter(published_at__gt=since)


def new_count(saved: SavedSearch, organization: Organization, since: datetime | None = None) -> int | None:
    """min(new profiles, COUNT_CAP + 1) since the member last looked (or since `since`), with the search
    page's time budget on PostgreSQL; None when it could not be counted (over budget, invalid query)."""
    filters = saved_search_filters(saved)
    if filters is None:
        return None
    return _capped_count(new_profiles(filters, organization, since or saved.last_looked_at))


def saved_search_rows(member: Member, organization: Organization) -> list[dict]:
    """The list page: each saved search with its conditions and its count of new profiles. One query
    for the list, then per saved search the reference rows its form resolves (an occupation, a
    prefecture, a qualification, when chosen) and one capped count; at most SAVED_SEARCHES_PER_MEMBER."""
    rows = []
    for saved in saved_searches_of(member):
        form = search_form(saved.query)
        valid = form.is_valid()
        count = _capped_count(new_profiles(form.cleaned_data, organization, saved.last_looked_at)) if valid else None
        rows.append({
            "saved": saved, "conditions": conditions_of(form) if valid else [], "valid": valid,
            "new": None if count is None else min(count, COUNT_CAP), "new_capped": count is not None and count > COUNT_CAP,
        })
    return rows
