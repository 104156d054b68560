"""Laptop defaults: SQLite under var/, Celery eager, mail to the console, no services needed."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-only-not-secret-7f1c2d9e4b6a8c0e1f3a5b7d9e2c4a6b8d0f1e3a")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
# The demo of `make run` lets members and staff in without TOTP (README says so). Production forces it.
REQUIRE_MFA = env.bool("REQUIRE_MFA", default=False)
DEMO_DATA_ALLOWED = True
# The demo data and the benchmarks (seed_demo, bench_search, bench_messages); never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]
