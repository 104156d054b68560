"""Laptop defaults: SQLite under var/, Celery eager, mail to the console, no services needed."""

from django.utils.log import DEFAULT_LOGGING

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, CELERY_TASK_ALWAYS_EAGER, EMAIL_BACKEND, INSTALLED_APPS, LOGGING, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-only-not-secret-7f1c2d9e4b6a8c0e1f3a5b7d9e2c4a6b8d0f1e3a")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
# The demo of `make run` lets members and staff in without TOTP (README says so). Production forces it.
REQUIRE_MFA = env.bool("REQUIRE_MFA", default=False)
DEMO_DATA_ALLOWED = True
# The demo data and the benchmarks (seed_demo, bench_search, bench_messages); never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]

# EMAIL_URL=consolemail:// (the default): each mail printed once with its subject and sender decoded
# and its text part only, instead of the raw MIME message. Any other EMAIL_URL (smtp://…) is kept.
if EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":
    EMAIL_BACKEND = "accounts.mail_backends.ReadableConsoleBackend"

# Django's own "django" logger prints to the console while DEBUG is on and also passes each record to the
# root logger's console handler (base.py): every line twice. Here only the root one prints. Configuring
# "django" resets its children, so runserver's request log ("django.server") is set up again as Django has it.
LOGGING = {
    **LOGGING,
    "formatters": {**LOGGING.get("formatters", {}), "django.server": DEFAULT_LOGGING["formatters"]["django.server"]},
    "handlers": {**LOGGING["handlers"], "django.server": DEFAULT_LOGGING["handlers"]["django.server"]},
    "loggers": {
        **LOGGING.get("loggers", {}),
        "django": {"level": "INFO"},
        "django.server": DEFAULT_LOGGING["loggers"]["django.server"],
    },
}

if CELERY_TASK_ALWAYS_EAGER:
    # Even eager, Celery takes a producer from its pool to serialise a task's arguments, and kombu
    # warns "No hostname was supplied" for a broker URL without a host. The in-memory transport,
    # named with a host, is never connected over the network and keeps that quiet.
    CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://localhost/"
    # The tasks run inside runserver and manage.py: a "Task … succeeded in …" line per mail would
    # bury the demo logins and the printed mails. Warnings and errors still show.
    LOGGING = {
        **LOGGING,
        "loggers": {
            **LOGGING.get("loggers", {}),
            **{name: {"level": "WARNING"} for name in ("celery", "kombu", "amqp")},
        },
    }
