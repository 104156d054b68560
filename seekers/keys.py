"""User IDs and 認証キー: random, from unambiguous characters, keys kept only as keyed hashes."""

import hashlib
import hmac
import secrets

from django.conf import settings

from accounts.codes import normalize_code

# No 0/O, 1/I/L: people copy these from an email by hand.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
USER_ID_LENGTH = 8
AUTH_KEY_LENGTH = 8


def random_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def hash_auth_key(account_id: int, key: str) -> str:
    message = f"auth-key:{account_id}:{normalize_code(key)}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def auth_key_matches(account_id: int, key: str, key_hash: str) -> bool:
    return hmac.compare_digest(hash_auth_key(account_id, key), key_hash)
