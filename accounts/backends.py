from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend

from .codes import normalize_code


class AuthenticationBackend(AllauthBackend):
    """Seekers sign in with their ユーザID only (typed in any width or case); members and staff with
    their email only."""

    def _authenticate_by_username(self, username, password):
        user = super()._authenticate_by_username(normalize_code(username), password)
        return user if user is not None and user.role == "seeker" else None

    def _authenticate_by_email(self, email, password):
        user = super()._authenticate_by_email(email, password)
        return user if user is not None and user.role != "seeker" else None
