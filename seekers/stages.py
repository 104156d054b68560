from allauth.account.stages import LoginStage
from allauth.core.internal.httpkit import headed_redirect_response


class AuthKeyStage(LoginStage):
    """STEP 2: a seeker's first login continues from ユーザID + password to the 認証キー screen."""

    key = "seekers_auth_key"
    urlname = "seekers_seekers:auth_key"

    def handle(self):
        user = self.login.user
        account = getattr(user, "seeker_account", None) if user is not None else None
        if account is None or account.first_login_at is not None:
            return None, True
        return headed_redirect_response("seekers_seekers:auth_key"), True
