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

    def get_user(self, user_id):
        """The signed-in user of every request, read with the role's own row in the same query
        (settings.AUTH_USER_SELECT_RELATED: the member's membership and organisation, the seeker's
        account), which every page of theirs reads next (organizations.access.member_required,
        seekers.access.seeker_required). `read_for_request` tells member_required that the organisation
        joined here was read for this request, so it need not read the row again."""
        from django.conf import settings
        from django.contrib.auth import get_user_model

        model = get_user_model()
        try:
            user = model._default_manager.select_related(*settings.AUTH_USER_SELECT_RELATED).get(pk=user_id)
        except model.DoesNotExist:
            return None
        user.read_for_request = True
        return user if self.user_can_authenticate(user) else None
