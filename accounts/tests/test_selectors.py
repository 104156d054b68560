"""The パスワード再発行 lookup (SPEC rule 4, Q3; accounts.selectors.users_for_password_reissue): the
ユーザID read exactly as the login reads it, and the registered email."""

import pytest

from accounts.codes import normalize_code
from accounts.selectors import users_for_password_reissue

pytestmark = pytest.mark.django_db


def found(user_id: str, email: str) -> list:
    return list(users_for_password_reissue(user_id=user_id, email=email))


def test_a_seekers_user_id_in_full_width_with_a_dash_finds_the_seeker(seeker):
    typed = "".join(chr(ord(ch) + 0xFEE0) for ch in seeker.username.lower())
    typed = f"{typed[:4]}ー{typed[4:]}"
    assert normalize_code(typed) == seeker.username  # what the login's backend reads

    assert found(typed, seeker.email.upper()) == [seeker]


def test_a_members_email_as_user_id_finds_the_member_in_any_case(agency_member):
    assert found(f" {agency_member.email.upper()} ", agency_member.email) == [agency_member]


@pytest.mark.parametrize("case", ["other_email", "members_username", "inactive", "empty"])
def test_anything_else_finds_nobody(seeker, agency_member, other_seeker, case):
    if case == "inactive":
        type(seeker).objects.filter(pk=seeker.pk).update(is_active=False)
    user_id, email = {
        "other_email": (seeker.username, other_seeker.email),
        "members_username": (agency_member.username, agency_member.email),
        "inactive": (seeker.username, seeker.email),
        "empty": ("", seeker.email),
    }[case]

    assert found(user_id, email) == []
