"""User IDs and 認証キー: random, from unambiguous characters, keys kept only as keyed hashes."""

import hashlib
import hmac
import secrets
import unicodedata

from django.conf import settings

# No 0/O, 1/I/L: people copy these from an email by hand.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
USER_ID_LENGTH = 8
AUTH_KEY_LENGTH = 8


def random_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalize_code(value: str) -> str:
    """Full-width, spaced, hyphenated or lower-case input becomes the printed form."""
    text = unicodedata.normalize("NFKC", value or "").upper()
    return "".join(ch for ch in text if ch.isalnum())


def hash_auth_key(account_id: int, key: str) -> str:
    message = f"auth-key:{account_id}:{normalize_code(key)}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def auth_key_matches(account_id: int, key: str, key_hash: str) -> bool:
    return hmac.compare_digest(hash_auth_key(account_id, key), key_hash)
