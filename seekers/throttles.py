"""Counters of refused 利用登録 attempts and of ユーザID reminders in the shared cache (Redis in
production and CI, so every worker process counts together), and the client address they are keyed by."""

import hashlib
import ipaddress

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

WINDOW_SECONDS = 60 * 60


def client_address(request) -> str:
    """The client's address as allauth's login limits see it (REMOTE_ADDR, or X-Forwarded-For behind
    ALLAUTH_TRUSTED_PROXY_COUNT proxies of ours), an IPv6 address cut to its /64 so that one
    household's or provider's block of addresses counts as one."""
    try:
        address = get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return ""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.IPv6Network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)


def _key(address: str) -> str:
    return "seekers:register:address:" + hashlib.sha256(address.encode()).hexdigest()


def _take(key: str) -> int:
    """Take one from the hourly allowance counted under `key` and return the window's count, this one
    included (0 when the cache is out, config/cache.py). The cache's
    increment is atomic (Redis INCR), so parallel requests are counted one after another. The hour
    starts at the first one counted."""
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.add(key, 1, timeout=WINDOW_SECONDS)
        count = 1
    if count <= 1:
        # Redis' backend checks that the key exists, then INCRs; a key that expired in between is
        # made again without an expiry. The window's first count sets it (again).
        cache.touch(key, WINDOW_SECONDS)
    return count


def _within(count: int, limit: int) -> bool:
    return count <= limit


def registration_address_take(address: str) -> int:
    """Take one attempt from the address's hourly allowance before the attempt runs and return how
    many the window has taken, this one included (over REGISTRATION_FAILURES_PER_ADDRESS_PER_HOUR:
    refused; 0 when the cache is out, config/cache.py). Taken first and given back on success
    (registration_address_give_back), so parallel attempts cannot all pass the check before any of
    them is counted."""
    return _take(_key(address))


def registration_address_give_back(address: str) -> None:
    """A successful registration does not count against its address (a Hello Work office may help
    many seekers register from one address)."""
    try:
        cache.decr(_key(address))
    except ValueError:  # the window ended meanwhile: nothing to give back
        pass


def _digest(kind: str, value: str) -> str:
    return f"seekers:user_id_reminder:{kind}:" + hashlib.sha256(value.encode()).hexdigest()


def user_id_reminder_take(*, address: str, kyushoku_number: str) -> bool:
    """One ユーザID reminder request from the allowances of its client address
    (USER_ID_REMINDERS_PER_ADDRESS_PER_HOUR, generous: a Hello Work office helps many seekers from
    one address) and of the 求職番号 typed (USER_ID_REMINDERS_PER_HOUR); False when either is used
    up. Every request counts, whether it matched an account or not, and none is given back: so the
    limit says nothing about whether an account exists, and no seeker's mailbox gets more than a few
    reminders an hour. The address is counted first, so a refused address does not also
    use up the number's allowance."""
    if not _within(_take(_digest("address", address)), settings.USER_ID_REMINDERS_PER_ADDRESS_PER_HOUR):
        return False
    return _within(_take(_digest("number", kyushoku_number)), settings.USER_ID_REMINDERS_PER_HOUR)
