from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


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
