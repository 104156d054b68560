"""The shared cache holds only throttle counters (login, パスワード再発行, 利用登録). A Redis that is
down or hangs must not turn every login into a 500 or hold it for redis-py's default 5 s: each
operation is bounded (a quarter second per socket operation, config/settings/base.py) and a failed one is logged and
answered as "nothing counted yet"; after a failure the process leaves Redis alone for
RETRY_AFTER seconds (one login makes a dozen cache calls, each would wait its own bound). The throttles are then off for the outage, which the database
guards do not depend on (the per-求職番号 registration lock and the 認証キー limits are rows)."""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER = 30.0


def _fail_soft(name: str, fallback):
    def method(self, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return fallback(*args, **kwargs) if callable(fallback) else fallback
        try:
            return getattr(RedisCache, name)(self, *args, **kwargs)
        except RedisError:
            self._down_until = time.monotonic() + RETRY_AFTER
            logger.error("Cache %s failed; throttles are off for %.0f s.", name, RETRY_AFTER, exc_info=True)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    method.__name__ = name
    return method


class FailSoftRedisCache(RedisCache):
    _down_until = 0.0  # per instance once set; Django keeps one instance per thread

    get = _fail_soft("get", lambda key, default=None, version=None: default)
    get_many = _fail_soft("get_many", {})
    has_key = _fail_soft("has_key", False)
    # add answers "stored" so a caller's lock loop (allauth's rate limit) does not wait out its timeout.
    add = _fail_soft("add", True)
    set = _fail_soft("set", None)
    set_many = _fail_soft("set_many", [])
    touch = _fail_soft("touch", False)
    delete = _fail_soft("delete", False)
    delete_many = _fail_soft("delete_many", None)
    incr = _fail_soft("incr", 0)
    decr = _fail_soft("decr", 0)
    clear = _fail_soft("clear", None)
