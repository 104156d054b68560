"""Settings shared by every environment. Everything that differs between machines comes from the
environment (django-environ); the local defaults need no services at all."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[2]
env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "config.apps.AdminConfig",  # django.contrib.admin with config.admin_site.AdminSite
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "accounts",
    "organizations",
    "seekers",
    "messaging",
    "compliance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.NoStoreWhenSignedInMiddleware",
    "accounts.middleware.RequestBodyLimitMiddleware",
    "accounts.middleware.RefuseNulMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "accounts.middleware.RequireMFAMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # The site's date filters (day, moment, datetime_attr) in every template and mail.
            "builtins": ["accounts.templatetags.dates"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.site",
                "messaging.context_processors.unread",
                "seekers.context_processors.read_only",
                "seekers.context_processors.seeker_office",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# PostgreSQL session settings for this application's short queries (measured with bench_search on
# 2,000,000 profiles): JIT spent more time compiling the costlier search plans than running them;
# parallel workers cost more to start than they save on a 2-core machine; and the search's index
# bitmaps need more than the default 4 MB to stay exact.
# cpu_index_tuple_cost 0.2 (PostgreSQL's default 0.005): a GIN bitmap of a few hundred thousand entries
# (a common keyword piece) takes 70-90 ms to build here, which the default prices as nearly free, so a
# capped count chose it over a scan that stops at 1,001 rows in 15-25 ms (bench_search, EXPLAIN ANALYZE).
PG_SESSION_OPTIONS = env(
    "PG_SESSION_OPTIONS",
    default="-c jit=off -c max_parallel_workers_per_gather=0 -c work_mem=32MB -c cpu_index_tuple_cost=0.2",
)


def add_replica_and_pool(databases: dict) -> list[str]:
    """DATABASE_REPLICA_URL (optional): a streaming replica that the list and search pages read from
    (config.db_router; README "Reads that scale out"). DATABASE_POOL_MAX_SIZE (optional, PostgreSQL):
    psycopg's connection pool per worker process instead of one persistent connection (README
    "Connection pooling"). Returns DATABASE_ROUTERS."""
    pool_max = env.int("DATABASE_POOL_MAX_SIZE", default=0)
    replica_url = env("DATABASE_REPLICA_URL", default="")
    if replica_url:
        databases["replica"] = {**env.db("DATABASE_REPLICA_URL"), "TEST": {"MIRROR": "default"}}
        for key in ("ATOMIC_REQUESTS", "CONN_MAX_AGE"):
            databases["replica"][key] = databases["default"].get(key, 0)
    for alias in databases.values():
        if alias["ENGINE"] != "django.db.backends.postgresql":
            continue
        alias.setdefault("OPTIONS", {})["options"] = PG_SESSION_OPTIONS
        # The memoized statements (config.querymemo.cursor, the only cursors that bind on the server) are
        # prepared the first time they run on a connection; Django's own queries are never prepared.
        alias["OPTIONS"]["prepare_threshold"] = 0
        if pool_max:
            alias["CONN_MAX_AGE"] = 0  # the pool keeps the connections; Django refuses both
            alias["OPTIONS"]["pool"] = {"min_size": 1, "max_size": pool_max,
                                        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=5.0)}
    return ["config.db_router.ReplicaRouter"] if replica_url else []


DATABASE_ROUTERS = add_replica_and_pool(DATABASES)
# The replica lag a search or list page tolerates before it reads from the primary (config.db_router).
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=5.0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The narrow listing's covering index (seekers.ListingFacet) is a PostgreSQL index; on SQLite, where the
# table stays empty and the search reads the profile table, Django warns that INCLUDE is ignored.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.AuthenticationBackend"]
# Read with the signed-in user in one query on every request (accounts.backends.get_user): each role's
# own row (and a member's organisation, which member_required checks on every organisation page), named
# here because accounts sits below the apps that define them.
AUTH_USER_SELECT_RELATED = ["membership__organization", "seeker_account"]
# Argon2 first: new and re-hashed passwords use it; the others only verify older hashes.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("日本語")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Stored in UTC, shown in Japan time.
TIME_ZONE = "Asia/Tokyo"
USE_TZ = True
# Dates typed in forms: the languages' input formats are config/formats/<lang>/formats.py (a
# locale's own formats take precedence over these settings); these are for any other language.
FORMAT_MODULE_PATH = ["config.formats"]
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="求職情報提供サイト <noreply@kyushoku.example.jp>")

# Celery: with no broker configured the tasks run in-process (eager), so a laptop needs no Redis.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The workers' and beat's timeouts. A web request never waits on these: it publishes its mail with one
# attempt of a quarter of a second per socket operation (accounts.mail.PUBLISH_TIMEOUT).
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Mail that could not be queued (broker down or hung) waits in the outbox table; this sweep sends it.
    "outbox-sweep": {"task": "accounts.tasks.outbox_sweep", "schedule": timedelta(minutes=1)},
    "end-expired-periods": {"task": "seekers.tasks.end_expired_periods", "schedule": crontab(hour=0, minute=5)},
    # Batches of guidance whose task was never queued (broker down) or whose worker died: sent on.
    "guidance-batches-resume": {"task": "messaging.tasks.guidance_batches_resume", "schedule": timedelta(minutes=1)},
    "nightly-compliance": {"task": "compliance.tasks.nightly_compliance", "schedule": crontab(hour=0, minute=15)},
    # Each saved search's daily new-match mail goes out in the hour its member chose (JST).
    "saved-searches-mail": {"task": "seekers.tasks.saved_searches_mail", "schedule": crontab(minute=0)},
    "approval-reminders": {"task": "organizations.tasks.approval_reminders", "schedule": crontab(hour=8, minute=0)},
}

# The cache holds the throttles (login, registration, key reissue), so it must be shared by every
# process: Redis (CACHE_URL=redis://…) in production and CI. The local and test default, one process's
# memory, is only right for a single process.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"].endswith("redis.RedisCache"):
    # Bounded and fail-soft (config/cache.py): a Redis that hangs costs a login a quarter second.
    CACHES["default"]["BACKEND"] = "config.cache.FailSoftRedisCache"
    CACHES["default"]["OPTIONS"] = {"socket_connect_timeout": 0.25, "socket_timeout": 0.25, "retry_on_timeout": False,
                                    **CACHES["default"].get("OPTIONS", {})}

# Per-process fragments of pages that are the same for everyone with the same key (base.html's
# navigation links: language, role, path, the badge's count). Nothing personal is kept: every value
# the fragment shows is in its key. A deploy restarts the workers, so changed links show at once.
CACHES["fragments"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragments",
                       "TIMEOUT": 300, "OPTIONS": {"MAX_ENTRIES": 2000}}

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Idle expiry by role (accounts.middleware.IdleTimeoutMiddleware). Members can read many people's
# profiles, so their sessions die sooner; a seeker reading and answering messages gets longer.
SESSION_IDLE_SECONDS = {"member": 30 * 60, "staff": 30 * 60, "seeker": 2 * 60 * 60}
SESSION_COOKIE_AGE = 12 * 60 * 60

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Login stages that run before allauth's own (accounts.adapter): the seeker's 認証キー comes right
# after the password, before any MFA stage. Named here because accounts sits below the app that
# defines the stage.
LOGIN_STAGES_FIRST = ["seekers.stages.AuthKeyStage"]
# Where each role lands after signing in (accounts.adapter.AccountAdapter.get_login_redirect_url).
LOGIN_REDIRECTS = {"seeker": "seekers_seekers:home", "member": "seekers_orgs:search", "staff": "admin:index"}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
# No "there is no account for this address" mail: it would let anyone send mail to any address.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# A half-finished login (password done, 認証キー or TOTP pending) lives as long as a 認証キー does.
ACCOUNT_LOGIN_TIMEOUT = 35 * 60
# Login throttles, counted by allauth in the shared cache above. Per account (the ユーザID or email
# typed, normalised as the backend reads it, accounts.adapter): a few wrong passwords lock only that
# account for a while. Per client address: generous, because a Hello Work office, a 労働局 network or
# a company sends everyone's logins from one address; being throttled for one account must not
# refuse another account's right password from the same address until this much wider limit is hit.
# The per-account rate comes first so that tries against an already throttled account do not also
# use up the shared address's budget. A successful login gives back what its attempt consumed.
# Rates are "amount/period" (s, m, h, d).
LOGIN_FAILURES_PER_ACCOUNT = env("LOGIN_FAILURES_PER_ACCOUNT", default="5/5m")
LOGIN_FAILURES_PER_ADDRESS = env("LOGIN_FAILURES_PER_ADDRESS", default="30/5m")
LOGIN_ATTEMPTS_PER_ADDRESS = env("LOGIN_ATTEMPTS_PER_ADDRESS", default="60/m")
ACCOUNT_RATE_LIMITS = {
    "login": f"{LOGIN_ATTEMPTS_PER_ADDRESS}/ip",
    "login_failed": f"{LOGIN_FAILURES_PER_ACCOUNT}/key,{LOGIN_FAILURES_PER_ADDRESS}/ip",
    "reset_password": "20/m/ip,3/m/key",
    "reset_password_from_key": "20/m/ip",
}
# The client address of every per-address limit (login, 利用登録) is REMOTE_ADDR unless this many
# proxies of ours stand in front: behind one TLS proxy that appends to X-Forwarded-For (nginx
# `proxy_add_x_forwarded_for`, a load balancer), set 1. Left at 0 behind a proxy, every client would
# share the proxy's address and one bad client would throttle all; set higher than the real number of
# proxies, clients could forge their address. Never trust the header without a proxy that rewrites it.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "求職情報提供サイト"
# Members of organisations and staff must have TOTP before any of their pages opens.
REQUIRE_MFA = env.bool("REQUIRE_MFA", default=True)

# The PII guard (seekers.pii, SPEC rule 15) also asks the GiNZA NER model for names (seekers.pii_ner);
# per text the model reads at most PII_NER_MAX_CHARS characters of sentences with a proper noun, the rest
# gets the dictionary's name tags only. Off only for measuring the rules alone (manage.py pii_eval).
PII_NER_ENABLED = env.bool("PII_NER_ENABLED", default=True)
PII_NER_MAX_CHARS = env.int("PII_NER_MAX_CHARS", default=1000)

# The 利用規約 version a seeker consents to at 利用登録 (recorded with the time).
TERMS_VERSION = "2026-11"
AUTH_KEY_LIFETIME = timedelta(minutes=30)
AUTH_KEY_MAX_TRIES = 5
# 認証キー reissues (each one mails a new key) per account in any hour (seekers.services.auth_key_reissue).
AUTH_KEY_REISSUES_PER_HOUR = env.int("AUTH_KEY_REISSUES_PER_HOUR", default=3)
# 利用登録 against guessing the 生年月日 (seekers.services.seeker_register). Per 求職番号: this many
# refused attempts within a day lock the number for self-service registration for
# REGISTRATION_LOCK_HOURS (staff can clear it in admin); the seeker is told to ask at the Hello Work
# office. Per client address (shared cache): this many refused attempts in an hour, over any numbers,
# refuse that address for the rest of the hour. Every refusal says the same thing.
REGISTRATION_FAILURES_PER_DAY = env.int("REGISTRATION_FAILURES_PER_DAY", default=5)
REGISTRATION_LOCK_HOURS = env.int("REGISTRATION_LOCK_HOURS", default=24)
REGISTRATION_FAILURES_PER_ADDRESS_PER_HOUR = env.int("REGISTRATION_FAILURES_PER_ADDRESS_PER_HOUR", default=20)
# ユーザIDを忘れた方 (seekers.services.user_id_remind), in the shared cache: requests per 求職番号 and
# per client address in any hour. Every request counts, whether it matched an account or not.
USER_ID_REMINDERS_PER_HOUR = env.int("USER_ID_REMINDERS_PER_HOUR", default=3)
USER_ID_REMINDERS_PER_ADDRESS_PER_HOUR = env.int("USER_ID_REMINDERS_PER_ADDRESS_PER_HOUR", default=20)
PASSWORD_RESET_TIMEOUT = 60 * 60

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Request size limits. The site takes no file uploads; its largest form is a message (10,000
# characters, under 100 KB even percent-encoded), so 2 MiB leaves room for the admin's bulk forms.
# REQUEST_BODY_MAX_SIZE: any request whose Content-Length is larger answers 413 (templates/413.html)
#   before anything reads it (accounts.middleware.RequestBodyLimitMiddleware), multipart included.
# DATA_UPLOAD_MAX_MEMORY_SIZE: Django's own cap on a body's form fields (400 when over), the same.
# FILE_UPLOAD_MAX_MEMORY_SIZE: as large as the whole body may be, so a file part is never spooled to
#   a temporary file on disk.
# DATA_UPLOAD_MAX_NUMBER_FIELDS: fields per request (the conditions form with every prefecture, the
#   admin's changelist actions and inlines stay far below).
# The front proxy should refuse larger bodies before they reach a worker, with a limit a little above
# this one so that Django's Japanese page answers the near misses: nginx `client_max_body_size 3m;`.
REQUEST_BODY_MAX_SIZE = env.int("REQUEST_BODY_MAX_SIZE", default=2 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_SIZE
FILE_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_SIZE
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# seed_demo refuses to run unless a non-production settings module allows it.
DEMO_DATA_ALLOWED = False
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
}
# The re-identification warning (seekers.search.reidentification): a seeker is warned when fewer
# than this many other listed profiles share their combination of published quasi-identifiers.
REIDENTIFICATION_K = env.int("REIDENTIFICATION_K", default=5)
# SPEC rule 17 (the real service's FAQ): guidance messages per organisation per JST day.
GUIDANCE_DAILY_LIMIT = 1000
# Seekers one guidance may be sent to at once (issue 16: ticked in the search results).
GUIDANCE_BATCH_MAX = 100
MESSAGE_BODY_MAX = 10_000
# Compliance: days an organisation has to answer a 削除・廃棄 request, and how long staff keep a
# conversation the organisation can no longer open (evidence), before the nightly job deletes it.
DELETION_ANSWER_DAYS = env.int("DELETION_ANSWER_DAYS", default=14)
# An organisation's 労働局 approval lasts this many years (its approval_until; staff may change it), and
# its administrators get one reminder mail this many days before the last day.
APPROVAL_VALIDITY_YEARS = env.int("APPROVAL_VALIDITY_YEARS", default=3)
APPROVAL_REMINDER_DAYS = env.int("APPROVAL_REMINDER_DAYS", default=60)
EVIDENCE_RETENTION_DAYS = env.int("EVIDENCE_RETENTION_DAYS", default=365)
