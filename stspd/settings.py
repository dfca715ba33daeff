"""Settings of stspd: one file, read from environment variables.

With no variable set, the platform runs on a SQLite file under var/ with DEBUG on, so a newcomer
needs no set-up. Production sets at least SECRET_KEY, DEBUG=0, ALLOWED_HOSTS and DATABASE_URL.
"""

import os
from pathlib import Path

import dj_database_url

from stspd.core.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("STSPD_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# STSPD_PRODUCTION=1 turns DEBUG off unless said otherwise; DEBUG=0 alone is production too.
DEBUG = env_bool("DEBUG", not env_bool("STSPD_PRODUCTION", False))
PRODUCTION = env_bool("STSPD_PRODUCTION", False) or not DEBUG
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret" if DEBUG else "")
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "dsfr",
    "widget_tweaks",  # django-dsfr renders checkboxes and radios with it
    "django_tasks",
    "django_tasks_db",  # the queue's table, used when TASKS_BACKEND=database
    "stspd.accounts",
    "stspd.territories",
    "stspd.councils",
    "stspd.audit",
    "stspd.context",
    "stspd.jobs",
    "stspd.observatory",
    "stspd.partnerdata",
    "stspd.indicators",
    "stspd.strategy",
    "stspd.steering",
    "stspd.funding",
    "stspd.evaluation",
    "stspd.surveys",
    "stspd.public",
    "stspd.obligations",
    "stspd.api",
    "stspd.demo",
    "stspd.home",
    "stspd.core",
]

MIDDLEWARE = [
    "stspd.core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "stspd.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After the authentication: only visitors who are not signed in are counted.
    "stspd.accounts.throttle.DownloadLimitMiddleware",
]

ROOT_URLCONF = "stspd.urls"
WSGI_APPLICATION = "stspd.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "stspd.core.legal.footer",
            ],
            # Set by the test settings so that a typo in a template fails a test.
            "string_if_invalid": os.environ.get("TEMPLATE_STRING_IF_INVALID", ""),
        },
    }
]
FORM_RENDERER = "dsfr.forms.DsfrDjangoTemplates"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'stspd.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers go on while an import writes; the busy timeout avoids "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
if os.environ.get("DATABASE_REPLICA_URL"):
    # Scale-out: GET requests read from a PostgreSQL replica (see stspd/core/routing.py).
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        test_options={"MIRROR": "default"},
    )
    DATABASE_ROUTERS = ["stspd.core.routing.ReplicaRouter"]
STSPD_REPLICA_PIN_SECONDS = int(os.environ.get("STSPD_REPLICA_PIN_SECONDS", "10"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_config(url: str) -> dict[str, object]:
    """Django's cache from CACHE_URL: redis://host:port/db (shared by every app server and
    worker), file:///path, locmem:// (one per process, the default) or dummy://."""
    scheme, _, rest = url.partition("://")
    if scheme in {"redis", "rediss", "unix"}:
        backend, location = "django.core.cache.backends.redis.RedisCache", url
    elif scheme == "file":
        backend, location = "django.core.cache.backends.filebased.FileBasedCache", rest
    elif scheme == "locmem":
        backend, location = "django.core.cache.backends.locmem.LocMemCache", rest or "stspd"
    elif scheme == "dummy":
        backend, location = "django.core.cache.backends.dummy.DummyCache", ""
    else:
        raise ValueError(f"CACHE_URL: unknown scheme {scheme!r} (redis, file, locmem, dummy)")
    config: dict[str, object] = {"BACKEND": backend, "LOCATION": location, "KEY_PREFIX": "stspd"}
    if backend.endswith("RedisCache"):
        # A Redis that stops answering costs a second, then the page is computed without it.
        config["OPTIONS"] = {"socket_connect_timeout": 1, "socket_timeout": 1}
    return config


# Cached pages and summaries are keyed by the data's version (stspd/core/cache.py): a cache that
# is not shared between processes is never stale, only less often hit.
CACHES = {"default": cache_config(os.environ.get("CACHE_URL", "locmem://"))}
STSPD_CACHE_SECONDS = int(os.environ.get("STSPD_CACHE_SECONDS", "3600"))


def tasks_config(name: str) -> dict[str, object]:
    """Long work (a partner's file imported, a survey weighted) runs as a task
    (stspd/jobs). `immediate` (the default: `make run`, the tests) runs it at once in the
    process that asked for it; `database` queues it in the database for the worker process
    (`stspd db_worker`, docs/production.md)."""
    backends = {
        "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        "database": "django_tasks_db.DatabaseBackend",
    }
    if name not in backends:
        raise ValueError(f"TASKS_BACKEND: unknown backend {name!r} (immediate, database)")
    return {"BACKEND": backends[name], "QUEUES": ["default"]}


TASKS = {"default": tasks_config(os.environ.get("TASKS_BACKEND", "immediate"))}
# A job running longer than this is taken as interrupted (its worker killed): failed, and it can
# be started again. Longer than any import or weighting takes.
STSPD_JOB_STALE_MINUTES = int(os.environ.get("STSPD_JOB_STALE_MINUTES", "30"))

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    # Django's English list and a French one, also with digits or signs added (docs/security.md).
    {"NAME": "stspd.accounts.passwords.FrenchAndEnglishCommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "stspd.accounts.passwords.RepeatedOrSequentialCharactersValidator"},
]

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# For the SMTP backend: the relay that sends invitations, password resets and reminders.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "stspd <ne-pas-repondre@stspd.local>")

LANGUAGE_CODE = "fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded documents (deliberations, evidence), served only through views that check access.
# Several app servers share it: a network volume mounted at the same path on each.
MEDIA_ROOT = Path(os.environ.get("STSPD_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"

DSFR_MARK_OPTIONAL_FIELDS = True

# Sessions live in the database (any app server reads them) and end after a working day or
# when the browser closes.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Login throttling (stspd/accounts/throttle.py): failures counted in the database, so that
# every app server sees them. A few failures lock an address from one source only; the ceiling
# per address (from anywhere) is much higher, and its owner can lift it by an e-mailed link.
LOGIN_FAILURE_WINDOW_MINUTES = 15
LOGIN_FAILURES_PER_ADDRESS_AND_IP = int(
    os.environ.get("STSPD_LOGIN_FAILURES_PER_ADDRESS_AND_SOURCE", "5")
)
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("STSPD_LOGIN_FAILURES_PER_ADDRESS", "50"))
LOGIN_FAILURES_PER_IP = 20
STSPD_UNLOCK_LINK_MINUTES = int(os.environ.get("STSPD_UNLOCK_LINK_MINUTES", "60"))
# E-mails about an account (password reset, unlock link), per address and per hour.
STSPD_ACCOUNT_MAILS_PER_HOUR = int(os.environ.get("STSPD_ACCOUNT_MAILS_PER_HOUR", "3"))
# API rate limits (stspd/api/throttle.py), requests per minute: per token or signed-in person,
# and per address for the public reads without a token.
STSPD_API_REQUESTS_PER_MINUTE = int(os.environ.get("STSPD_API_REQUESTS_PER_MINUTE", "120"))
STSPD_API_ANONYMOUS_REQUESTS_PER_MINUTE = int(
    os.environ.get("STSPD_API_ANONYMOUS_REQUESTS_PER_MINUTE", "60")
)
# Documents and exports of the public portal (PDF, CSV, XLSX, JSON) downloaded by visitors who
# are not signed in, per address and per minute (stspd/accounts/throttle.py): beyond, a 429.
STSPD_ANONYMOUS_DOWNLOADS_PER_MINUTE = int(
    os.environ.get("STSPD_ANONYMOUS_DOWNLOADS_PER_MINUTE", "10")
)
# Number of reverse proxies in front of the app servers that append to X-Forwarded-For: the
# client's address is then the one they saw. 0: REMOTE_ADDR.
STSPD_PROXY_COUNT = int(os.environ.get("STSPD_PROXY_COUNT", "1" if PRODUCTION else "0"))

# Uploads (stspd/core/uploads.py): CSV, XLSX or PDF, checked by name and content.
STSPD_MAX_UPLOAD_BYTES = int(os.environ.get("STSPD_MAX_UPLOAD_MB", "20")) * 1024 * 1024
# Minutes of working-group meetings are blanked after this many years
# (`stspd purge-working-group-notes`).
STSPD_WORKING_GROUP_NOTES_RETENTION_YEARS = int(
    os.environ.get("STSPD_WORKING_GROUP_NOTES_RETENTION_YEARS", "5")
)
# Partners' files deposited but not imported are deleted after this many days
# (`stspd purge-uploads`); an imported file keeps no cell at all.
STSPD_STAGED_UPLOAD_RETENTION_DAYS = int(os.environ.get("STSPD_STAGED_UPLOAD_RETENTION_DAYS", "7"))

# The legal notice (LCEN art. 1-1), the personal-data page and the accessibility statement
# (stspd/core/legal.py): the operator who hosts the platform fills these in.
STSPD_PUBLISHER_NAME = os.environ.get("STSPD_PUBLISHER_NAME", "")
STSPD_PUBLISHER_ADDRESS = os.environ.get("STSPD_PUBLISHER_ADDRESS", "")
STSPD_PUBLISHER_PHONE = os.environ.get("STSPD_PUBLISHER_PHONE", "")
STSPD_PUBLICATION_DIRECTOR = os.environ.get("STSPD_PUBLICATION_DIRECTOR", "")
STSPD_HOST_NAME = os.environ.get("STSPD_HOST_NAME", "")
STSPD_HOST_ADDRESS = os.environ.get("STSPD_HOST_ADDRESS", "")
STSPD_HOST_PHONE = os.environ.get("STSPD_HOST_PHONE", "")
STSPD_DATA_PROTECTION_CONTACT = os.environ.get("STSPD_DATA_PROTECTION_CONTACT", "")
STSPD_ACCESSIBILITY_CONTACT = os.environ.get("STSPD_ACCESSIBILITY_CONTACT", "")
# The last RGAA audit: its date (YYYY-MM-DD) and the percent of applicable criteria met.
# Without both, the statement says "non conforme", as the RGAA requires.
STSPD_ACCESSIBILITY_AUDIT_DATE = os.environ.get("STSPD_ACCESSIBILITY_AUDIT_DATE", "")
STSPD_ACCESSIBILITY_AUDIT_RATE: float | None = (
    float(os.environ["STSPD_ACCESSIBILITY_AUDIT_RATE"])
    if os.environ.get("STSPD_ACCESSIBILITY_AUDIT_RATE")
    else None
)

if PRODUCTION:
    # Production runs behind an HTTPS reverse proxy (docs/production.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The health check answers the load balancer on plain HTTP from inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^sante/$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = [SITE_URL] if SITE_URL.startswith("https://") else []

# JSON lines on stderr (STSPD_JSON_LOGS=1): one per request with its id, user, path, status and
# duration, for a log collector.
LOGGING = logging_config(
    json_lines=env_bool("STSPD_JSON_LOGS", False), level=os.environ.get("LOG_LEVEL", "INFO")
)
