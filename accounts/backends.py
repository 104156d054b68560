from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend

from .codes import normalize_code


class AuthenticationBackend(AllauthBackend):
    """Seekers sign in with their ユーザID only (typed in any width or case); members and staff with
    their email only."""

    def _authenticate_by_username(self, username, password):
        # An "@" makes it an email login (allauth passes it here too). Folded to a ユーザID it would
        # match the seeker, while the login limit counts it under its own email spelling: every new
        # domain would buy five more tries at the seeker's password.
        if "@" in username:
            return None
        user = super()._authenticate_by_username(normalize_code(username), password)
        return user if user is not None and user.role == "seeker" else None

    def _authenticate_by_email(self, email, password):
        user = super()._authenticate_by_email(email, password)
        return user if user is not None and user.role != "seeker" else None
