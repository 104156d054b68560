"""Production: no default secrets. Starting without SECRET_KEY, ALLOWED_HOSTS or DATABASE_URL fails."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import add_replica_and_pool, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
if not SECRET_KEY or not ALLOWED_HOSTS:
    raise ImproperlyConfigured("SECRET_KEY and ALLOWED_HOSTS must be set in production.")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASE_ROUTERS = add_replica_and_pool(DATABASES)  # session options, replica, pool: see base.py
REQUIRE_MFA = True
# The throttles (login, 利用登録) count in the cache; one process's memory would give every gunicorn
# worker counters of its own and multiply each limit by the number of workers.
if CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache")):  # noqa: F405
    raise ImproperlyConfigured("CACHE_URL must name a shared cache (redis://…) in production.")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
