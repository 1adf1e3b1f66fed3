"""Settings of the demo VNeID provider (``DJANGO_SETTINGS_MODULE=motcua.eid_provider.settings``).

Environment:

- ``EID_PROVIDER_DATABASE_URL`` — its own database (default ``sqlite:///var/eid_provider.sqlite3``);
- ``EID_PROVIDER_VAR_DIR`` — where the generated RSA key and secret key live (default: motcua's
  ``var/``, i.e. ``MOTCUA_VAR_DIR`` or ``$MOTCUA_HOME/var``);
- ``EID_PROVIDER_RSA_KEY_FILE`` — the PEM file of the ID-token signing key (made if absent);
- ``EID_PROVIDER_ISSUER`` — fix the ``iss`` claim (default: ``<the URL it is called at>/o``);
- ``EID_PROVIDER_ALLOWED_HOSTS``, ``EID_PROVIDER_DEBUG``, ``EID_PROVIDER_SHOW_DEMO_ACCOUNTS``.

Its cookies have their own names: browsers share cookies between the ports of one host, and
motcua (port 8000) must not read or overwrite the provider's session (port 8001).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from motcua.eid_provider import keys


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


BASE_DIR = Path(os.environ.get("MOTCUA_HOME", Path.cwd())).resolve()
VAR_DIR = Path(
    os.environ.get("EID_PROVIDER_VAR_DIR") or os.environ.get("MOTCUA_VAR_DIR") or BASE_DIR / "var"
).resolve()
RSA_KEY_FILE = Path(os.environ.get("EID_PROVIDER_RSA_KEY_FILE", VAR_DIR / "eid_provider_rsa.pem"))

DEBUG = _env_bool("EID_PROVIDER_DEBUG", False)
SECRET_KEY = (
    os.environ.get("EID_PROVIDER_SECRET_KEY")
    or keys.read_or_create(VAR_DIR / "eid_provider_secret_key", keys.new_secret_key).decode()
)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("EID_PROVIDER_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "oauth2_provider",
    "motcua.eid_provider.idp",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "motcua.eid_provider.urls"
WSGI_APPLICATION = "motcua.eid_provider.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("EID_PROVIDER_DATABASE_URL", f"sqlite:///{VAR_DIR / 'eid_provider.sqlite3'}")
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=20000;",
        }
    )
    if DATABASES["default"]["NAME"] and DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGIN_URL = "idp:login"
LOGIN_REDIRECT_URL = "idp:home"
LOGOUT_REDIRECT_URL = "idp:home"
SESSION_COOKIE_NAME = "vneid_sessionid"
CSRF_COOKIE_NAME = "vneid_csrftoken"
SESSION_COOKIE_AGE = 30 * 60  # a short single sign-on session, as a real identity provider keeps
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "vi"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

#: Show the demo identities and their password on the login page (it is a test environment).
EID_PROVIDER_SHOW_DEMO_ACCOUNTS = _env_bool("EID_PROVIDER_SHOW_DEMO_ACCOUNTS", True)

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": keys.read_or_create(RSA_KEY_FILE, keys.new_rsa_private_key_pem).decode(),
    "OIDC_ISS_ENDPOINT": os.environ.get("EID_PROVIDER_ISSUER", ""),
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "PKCE_REQUIRED": True,
    "SCOPES": {
        "openid": "Đăng nhập bằng định danh điện tử",
        "profile": "Họ và tên, ngày sinh, giới tính",
        "phone": "Số điện thoại",
        "citizen": "Số định danh cá nhân và mức độ định danh",
    },
    "DEFAULT_SCOPES": ["openid"],
    "OAUTH2_VALIDATOR_CLASS": "motcua.eid_provider.idp.validators.EidValidator",
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 10 * 60,
    "ID_TOKEN_EXPIRE_SECONDS": 10 * 60,
    "REQUEST_APPROVAL_PROMPT": "auto",
    # motcua may run on any port of the loopback interface in a demo (RFC 8252 §7.3).
    "ALLOW_LOCALHOST_LOOPBACK": _env_bool("EID_PROVIDER_ALLOW_LOOPBACK", True),
    # RFC 9700 (OAuth 2.0 security best current practice): S256 only, no implicit or password
    # grants, tokens never in query strings, ``iss`` in the authorization response.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
