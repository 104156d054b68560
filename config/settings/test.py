"""Test settings: the local defaults, or the real services when DATABASE_URL, CELERY_BROKER_URL and
EMAIL_URL are set (CI). Unit tests run Celery tasks eagerly; the integration tests start a real worker."""

from .base import *  # noqa: F403
from .base import ACCOUNT_RATE_LIMITS as PRODUCTION_RATE_LIMITS
from .base import INSTALLED_APPS, env

DEBUG = False
SECRET_KEY = "test-only-not-secret-0d4f8a2c6e1b3d5f7a9c0e2b4d6f8a1c3e5b7d9f"  # noqa: S105 - tests only
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Fast hashing in tests; argon2 is still first in base/production.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
REQUIRE_MFA = env.bool("REQUIRE_MFA", default=True)
# allauth's login limits are off for the unit tests, which log in from one address far more often
# than anyone would; the throttle tests switch them on with the `settings` fixture, and the servers
# of the cross-process test with TEST_RATE_LIMITS=1. The registration and 認証キー limits stay on.
ACCOUNT_RATE_LIMITS = PRODUCTION_RATE_LIMITS if env.bool("TEST_RATE_LIMITS", default=False) else False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DEMO_DATA_ALLOWED = True
# The demo data and the benchmarks (seed_demo, bench_search, bench_messages); never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]
# The read replica as Django's test mirror of the primary (the same test database), so that
# tests/test_db_router.py can check which queries config.db_router sends to it. The router itself is
# installed only by those tests (DATABASE_ROUTERS stays as base.py leaves it without a replica URL).
if "replica" not in DATABASES:  # noqa: F405
    DATABASES["replica"] = {  # noqa: F405
        **DATABASES["default"],  # noqa: F405
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),  # noqa: F405
        "TEST": {"MIRROR": "default"},
    }
