"""Password checks with lockout (web login and API) and the API's bearer tokens.

Lockout: after ``MOTCUA_LOGIN_MAX_FAILURES`` (5) wrong passwords for one user name from one
address within ``MOTCUA_LOGIN_LOCKOUT_SECONDS`` (15 minutes), further attempts are refused
without checking the password until the oldest of those failures is that old. Failures are
rows in the database (shared by every server process), keyed by an HMAC of user name and
address, so neither is stored.

Tokens: ``POST /api/v1/auth/token`` issues one (``issue_token``); only its SHA-256 is stored,
with an expiry (``MOTCUA_API_TOKEN_DAYS``, 30) and the time it was last used. Other apps protect
their endpoints with ``auth=ApiTokenAuth()``; the token's user is then ``request.auth`` (and
``request.user``), the token itself ``request.api_token``.
"""

from __future__ import annotations

import datetime
import hashlib
import math
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer

from motcua.accounts.models import ApiToken, LoginFailure, User
from motcua.accounts.officer_auth import OWN_LOCKOUT_ATTR
from motcua.accounts.personal_id import normalise as normalise_personal_id
from motcua.core import audit

TOKEN_PREFIX = "mct_"
#: ``last_used_at`` is written at most this often per token (not on every request).
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def max_failures() -> int:
    return int(getattr(settings, "MOTCUA_LOGIN_MAX_FAILURES", 5))


def lockout_seconds() -> int:
    return int(getattr(settings, "MOTCUA_LOGIN_LOCKOUT_SECONDS", 15 * 60))


def token_lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=int(getattr(settings, "MOTCUA_API_TOKEN_DAYS", 30)))


# --- Passwords and lockout -------------------------------------------------------------------


@dataclass(frozen=True)
class LoginLocked(Exception):
    """Too many failed logins: try again in ``retry_after`` seconds."""

    retry_after: int

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


def normalise_login(value: str | None) -> str:
    """A personal ID typed with spaces (``072 090 000 001``) becomes its 12 digits; a user name
    loses surrounding spaces."""
    value = (value or "").strip()
    compact = normalise_personal_id(value)
    return compact if compact.isdigit() else value


def _client_address(request) -> str:
    return (request.META.get("REMOTE_ADDR") or "") if request is not None else ""


def _failure_key(request, username: str) -> str:
    value = f"{username.casefold()}|{_client_address(request)}"
    return salted_hmac("motcua.accounts.lockout", value, algorithm="sha256").hexdigest()


def lockout_remaining(request, username: str) -> int:
    """Seconds until ``username`` may try again from this address (0: not locked)."""
    window = datetime.timedelta(seconds=lockout_seconds())
    now = timezone.now()
    recent = list(
        LoginFailure.objects.filter(key=_failure_key(request, username), created_at__gt=now - window)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[: max_failures()]
    )
    if len(recent) < max_failures():
        return 0
    return max(1, math.ceil((recent[-1] + window - now).total_seconds()))


def record_failure(request, username: str) -> None:
    now = timezone.now()
    LoginFailure.objects.filter(created_at__lte=now - datetime.timedelta(seconds=lockout_seconds())).delete()
    LoginFailure.objects.create(key=_failure_key(request, username), created_at=now)


def clear_failures(request, username: str) -> None:
    LoginFailure.objects.filter(key=_failure_key(request, username)).delete()


def _username_for(login: str) -> str:
    """Officers may type their personal ID number instead of their user name."""
    if login.isdigit() and not User.objects.filter(username=login).exists():
        found = User.objects.filter(personal_id=login).values_list("username", flat=True).first()
        if found:
            return found
    return login


def authenticate_password(request, *, login: str, password: str) -> User | None:
    """The active user with ``login`` (personal ID or user name) and ``password``, or ``None``.

    Raises :class:`LoginLocked` — before looking at the password — when the lockout applies.
    A wrong password counts towards it; a right one clears the count.
    """
    login = normalise_login(login)
    wait = lockout_remaining(request, login)
    if wait:
        raise LoginLocked(wait)
    if request is not None:
        # This flow has its own lockout: django-axes leaves it alone (officer_auth.axes_skips).
        setattr(request, OWN_LOCKOUT_ATTR, True)
    user = authenticate(request, username=_username_for(login), password=password)
    if user is None:
        record_failure(request, login)
        return None
    clear_failures(request, login)
    return user


# --- Tokens ----------------------------------------------------------------------------------


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(
    *, user: User, name: str = "", lifetime: datetime.timedelta | None = None
) -> tuple[str, ApiToken]:
    """A new token for ``user``: returns the secret (shown once) and the stored record."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        key_hash=hash_token(raw),
        prefix=raw[:12],
        name=(name or "")[:100],
        created_at=now,
        expires_at=now + (lifetime or token_lifetime()),
    )
    audit.record(
        action="accounts.api_token_issued",
        obj=token,
        object_repr=f"API token #{token.pk}",
        changes={"expires_at": token.expires_at.isoformat(), "client": token.name},
        actor=user,
    )
    return raw, token


def revoke_token(*, token: ApiToken, actor=None) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            action="accounts.api_token_revoked",
            obj=token,
            object_repr=f"API token #{token.pk}",
            actor=actor or token.user,
        )


def find_token(raw: str) -> ApiToken | None:
    """The unrevoked token with this secret (expired or not), with its user; ``None`` otherwise."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    return (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer mct_…`` for django-ninja operations: ``auth=ApiTokenAuth()``."""

    def authenticate(self, request, token):
        api_token = find_token(token)
        if api_token is None or not api_token.user.is_active:
            return None
        now = timezone.now()
        if api_token.expires_at <= now:
            raise HttpError(401, _("The token has expired. Log in again to get a new one."))
        if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
            api_token.last_used_at = now
        request.user = api_token.user
        request.api_token = api_token
        return api_token.user
