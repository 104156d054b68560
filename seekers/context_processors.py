from django.utils.functional import SimpleLazyObject

from .selectors import office_of


def read_only(request):
    """Every seeker page says when the account is stopped (SPEC rule 9): the site is read-only.
    Reads the account the header's 未読 count already loaded (no extra query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.role != "seeker":
        return {}
    account = getattr(user, "seeker_account", None)
    return {"seeker_read_only": account is not None and account.read_only}


def seeker_office(request):
    """The seeker's Hello Work office (SPEC rule 23), which every "ask Hello Work" line names with how
    to reach it (templates/seekers/includes/office_contact.html). Lazy: one query, only on the pages
    that show it; None when the office is not in the offices table, and the line stays generic."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.role != "seeker":
        return {}

    def load():
        account = getattr(user, "seeker_account", None)
        return office_of(account) if account is not None else None

    return {"seeker_office": SimpleLazyObject(load)}
