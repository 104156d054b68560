def unread(request):
    """The 未読 count in the header of every seeker page (one indexed count)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.role != "seeker":
        return {}
    account = getattr(user, "seeker_account", None)
    if account is None:
        return {}
    from .selectors import seeker_unread_count

    return {"seeker_unread_count": seeker_unread_count(account)}
