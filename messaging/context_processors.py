import functools


def unread(request):
    """The 未読 count in the header of every seeker page (one indexed count, read when the template
    first shows it: メッセージ一覧 gives it in its own context, counted with its list); on an
    organisation's pages (member_required has set request.organization) its unread replies and what
    is left of today's guidance cap, in one query (messaging.selectors.org_header)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if user.role == "member":
        organization = getattr(request, "organization", None)
        if organization is None:
            return {}
        from .selectors import org_header
        from .services import guidance_remaining_after

        unread_count, sent_today = org_header(organization)
        return {"org_unread_count": unread_count, "guidance_remaining": guidance_remaining_after(sent_today)}
    if user.role != "seeker":
        return {}
    account = getattr(user, "seeker_account", None)
    if account is None:
        return {}
    from .selectors import seeker_unread_count

    # A template calls a callable it is given: once here (functools.cache), however often it is shown.
    return {"seeker_unread_count": functools.cache(lambda: seeker_unread_count(account))}
