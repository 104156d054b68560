def read_only(request):
    """Every seeker page says when the account is stopped (SPEC rule 9): the site is read-only.
    Reads the account the header's 未読 count already loaded (no extra query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.role != "seeker":
        return {}
    account = getattr(user, "seeker_account", None)
    return {"seeker_read_only": account is not None and account.read_only}
