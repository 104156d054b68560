from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from .codes import normalize_code


def users_for_password_reissue(*, user_id: str, email: str) -> QuerySet:
    """パスワード再発行 (SPEC rule 4, Q3): the active users whose ユーザID and registered email both
    match. The ユーザID is read exactly as the login reads it (accounts.backends): a seeker's through
    normalize_code (any width, case or spacing), a member's or staff's email (their login) in any case."""
    user_model = get_user_model()
    typed = (user_id or "").strip()
    if not typed or not email:
        return user_model.objects.none()
    return user_model.objects.filter(
        Q(username=normalize_code(typed), role=user_model.Role.SEEKER)
        | Q(email__iexact=typed, role__in=[user_model.Role.MEMBER, user_model.Role.STAFF]),
        email__iexact=email,
        is_active=True,
    )
