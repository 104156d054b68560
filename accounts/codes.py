import unicodedata


def normalize_code(value: str) -> str:
    """ユーザID and 認証キー as people type them: full-width, spaced, hyphenated (incl. the long vowel
    mark a Japanese keyboard types for '-') or lower-case input becomes the printed form."""
    text = unicodedata.normalize("NFKC", value or "").upper()
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())
