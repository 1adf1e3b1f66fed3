"""Django settings for motcua, read from the environment (12-factor).

Everything a deployment changes comes from environment variables; the defaults give a working
embedded installation (SQLite under ``var/``) on a developer's machine.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("MOTCUA_HOME", Path.cwd())).resolve()
VAR_DIR = Path(os.environ.get("MOTCUA_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # The built-in key is only for a machine that serves itself (the demo, tests): any public
    # host name without SECRET_KEY is refused, so a deployment cannot run on a known key.
    if set(ALLOWED_HOSTS) - {"127.0.0.1", "localhost", "testserver", "[::1]"}:
        raise RuntimeError("Set SECRET_KEY: ALLOWED_HOSTS names a public host (docs/admin-guide.md)")
    SECRET_KEY = "insecure-dev-key-change-me-" + "0" * 32
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "motcua.core",
    "motcua.org",
    "motcua.accounts",
    "motcua.catalog",
    "motcua.registers",
    "motcua.payments",
    "motcua.notifications",
    "motcua.dossiers",
    "motcua.results",
    "motcua.desk",
    "motcua.linked",
    "motcua.meetings",
    "motcua.reform",
    "motcua.api",
    "mozilla_django_oidc",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.core.middleware.VietnameseByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "motcua.core.middleware.AuditActorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "motcua.core.context_processors.site",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DEFAULT_SQLITE = VAR_DIR / "motcua.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
# The hottest public lookups use prepared statements on PostgreSQL (motcua.core.db); turn off
# behind a pooler in transaction mode that cannot keep them (PgBouncer before 1.21).
MOTCUA_DB_PREPARED_STATEMENTS = env_bool("MOTCUA_DB_PREPARED_STATEMENTS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and MOTCUA_DB_PREPARED_STATEMENTS:
    # Every statement run five times on a connection is prepared: PostgreSQL plans it once
    # instead of on every request (a third to a half of a short query's cost).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed during a write; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue on busy_timeout instead of failing with "database is locked" mid-transaction.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;PRAGMA busy_timeout=20000;"
            ),
        }
    )
    # Tests use a file too: concurrency tests need real locking, which shared-cache memory lacks.
    # One file per test process, so parallel runs do not share (and break) one database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-motcua-{os.getpid()}.sqlite3")}
    if DATABASES["default"]["NAME"] and DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background work: tasks enqueued in the writing transaction form the outbox ------------
# Run by `motcua periodic` after the dossier jobs (each returns a count it reports).
MOTCUA_PERIODIC_JOBS = [
    "motcua.linked.services.retry_dispatches",
    "motcua.linked.services.open_postponed_stages",
]

TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# --- Cache (rate limits, lockouts): Redis shared by all app servers in production --------------
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    # Template fragments ({% cache %}, e.g. the catalog's filter lists): each process keeps its
    # own copy — no network hop on busy pages. (The site frame uses {% sitewide %} instead.)
    "template_fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "template-fragments",
    },
}

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": os.environ.get("STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "STATICFILES_STORAGE_BACKEND", "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
if os.environ.get("STORAGE_BACKEND", "").startswith("storages."):
    # django-storages S3: AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL, ... come from the env.
    STORAGES["default"]["OPTIONS"] = {
        "bucket_name": os.environ.get("AWS_STORAGE_BUCKET_NAME", ""),
        "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
    }
WHITENOISE_USE_FINDERS = DEBUG

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "motcua@localhost")

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and env_bool("HTTPS", False))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("HTTPS", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- The province this installation serves --------------------------------------------------
MOTCUA_PROVINCE_CODE = os.environ.get("MOTCUA_PROVINCE_CODE", "80")  # GSO code; 80 = Tây Ninh
MOTCUA_SITE_NAME = os.environ.get("MOTCUA_SITE_NAME", "Cổng Dịch vụ công tỉnh Tây Ninh")
MOTCUA_PUBLIC_URL = os.environ.get("MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000")
MOTCUA_HOTLINE = os.environ.get("MOTCUA_HOTLINE", "1900 0000")
MOTCUA_OFFICE_HOURS = os.environ.get("MOTCUA_OFFICE_HOURS", "07:00–11:30, 13:30–17:00")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools report every rendering step at INFO: only their warnings matter.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Login: citizens (password + one-time code) and VNeID (OpenID Connect) ---
# Password login (personal ID number or user name) and VNeID through mozilla-django-oidc; the
# demo VNeID runs with `motcua eid_provider` on MOTCUA_EID_PROVIDER_URL. See docs/login.md and
# docs/eid.md.
AUTHENTICATION_BACKENDS = [
    # First: refuses (before any password check) a user name + address that django-axes has locked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "motcua.accounts.eid.VNeIDBackend",
]
LOGIN_REDIRECT_URL = os.environ.get("LOGIN_REDIRECT_URL", "/")
LOGOUT_REDIRECT_URL = os.environ.get("LOGOUT_REDIRECT_URL", "/")
# Where motcua's server reaches the provider, and where citizens' browsers do (if different).
MOTCUA_EID_PROVIDER_URL = os.environ.get("MOTCUA_EID_PROVIDER_URL", "http://127.0.0.1:8001").rstrip("/")
MOTCUA_EID_PROVIDER_PUBLIC_URL = os.environ.get(
    "MOTCUA_EID_PROVIDER_PUBLIC_URL", MOTCUA_EID_PROVIDER_URL
).rstrip("/")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "motcua-demo")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "motcua-demo-secret")  # demo only
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get(
    "OIDC_OP_AUTHORIZATION_ENDPOINT", f"{MOTCUA_EID_PROVIDER_PUBLIC_URL}/o/authorize/"
)
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", f"{MOTCUA_EID_PROVIDER_URL}/o/token/")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", f"{MOTCUA_EID_PROVIDER_URL}/o/userinfo/")
OIDC_OP_JWKS_ENDPOINT = os.environ.get(
    "OIDC_OP_JWKS_ENDPOINT", f"{MOTCUA_EID_PROVIDER_URL}/o/.well-known/jwks.json"
)
MOTCUA_EID_ISSUER = os.environ.get("MOTCUA_EID_ISSUER", f"{MOTCUA_EID_PROVIDER_URL}/o")  # "" skips the check
MOTCUA_EID_PERSONAL_ID_CLAIM = os.environ.get("MOTCUA_EID_PERSONAL_ID_CLAIM", "citizen_id")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid profile phone citizen")
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_TIMEOUT = float(os.environ.get("OIDC_TIMEOUT", "5"))  # seconds, every call to the provider
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:eid_callback"
OIDC_REDIRECT_REQUIRE_HTTPS = env_bool("HTTPS", False)
# Lockout (web login and API token), one-time codes, API tokens.
MOTCUA_LOGIN_MAX_FAILURES = int(os.environ.get("MOTCUA_LOGIN_MAX_FAILURES", "5"))
MOTCUA_LOGIN_LOCKOUT_SECONDS = int(os.environ.get("MOTCUA_LOGIN_LOCKOUT_SECONDS", str(15 * 60)))
MOTCUA_OTP_TTL_SECONDS = int(os.environ.get("MOTCUA_OTP_TTL_SECONDS", "600"))
MOTCUA_OTP_MAX_ATTEMPTS = int(os.environ.get("MOTCUA_OTP_MAX_ATTEMPTS", "5"))
MOTCUA_OTP_RESEND_SECONDS = int(os.environ.get("MOTCUA_OTP_RESEND_SECONDS", "60"))
MOTCUA_OTP_MAX_SENDS = int(os.environ.get("MOTCUA_OTP_MAX_SENDS", "5"))
MOTCUA_API_TOKEN_DAYS = int(os.environ.get("MOTCUA_API_TOKEN_DAYS", "30"))
# Start the demo VNeID with `motcua serve` (see core/management/commands/serve.py).
MOTCUA_DEMO_EID = env_bool("MOTCUA_DEMO_EID", True)
# --- Login: officers (back office, /mot-cua/): password + TOTP, lockout by django-axes ---
# See docs/officer-login.md. Citizens' password login and the API token keep their own lockout
# (MOTCUA_LOGIN_* above): AXES_WHITELIST_CALLABLE lets axes skip them, so each flow has one.
OTP_TOTP_ISSUER = "motcua Tây Ninh"
# False skips the TOTP step for officers (tests, a locked-down kiosk): a stolen password is then
# enough to enter the back office. Keep True in production.
MOTCUA_OFFICER_OTP_REQUIRED = env_bool("MOTCUA_OFFICER_OTP_REQUIRED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "motcua.accounts.officer_auth.lockout_response"  # a Vietnamese page, 429
AXES_WHITELIST_CALLABLE = "motcua.accounts.officer_auth.axes_skips"
