"""Officer login: the glue between django-axes, django-otp and the portal.

- :func:`axes_skips` (``AXES_WHITELIST_CALLABLE``): django-axes guards the password logins that
  have no lockout of their own — the officer login at ``/mot-cua/dang-nhap/`` and the Django admin.
  The citizen login page and ``POST /api/v1/auth/token`` keep their own lockout
  (:mod:`motcua.accounts.api_auth`), which marks the request with :data:`OWN_LOCKOUT_ATTR`; the
  VNeID callback has no password at all. So every flow has exactly one lockout.
- :func:`lockout_response` (``AXES_LOCKOUT_CALLABLE``): the page shown when axes locks out.
- :func:`is_verified_officer`: an active officer whose session passed the TOTP step (or the step
  is switched off with ``MOTCUA_OFFICER_OTP_REQUIRED = False``).
"""

from __future__ import annotations

import math

from django.conf import settings
from django.shortcuts import render

#: Set on the request by a flow that counts failures itself; django-axes then leaves it alone.
OWN_LOCKOUT_ATTR = "motcua_own_lockout"


def axes_skips(request, credentials) -> bool:
    """``True``: django-axes neither checks nor counts this authentication attempt."""
    if request is not None and getattr(request, OWN_LOCKOUT_ATTR, False):
        return True
    username_field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    return not (credentials or {}).get(str(username_field) or "username")


def cooloff_minutes() -> int:
    cooloff = getattr(settings, "AXES_COOLOFF_TIME", None)
    if cooloff is None:
        return 0
    seconds = cooloff.total_seconds() if hasattr(cooloff, "total_seconds") else float(cooloff) * 3600
    return max(1, math.ceil(seconds / 60))


def lockout_response(request, original_response=None, credentials=None):
    """Too many wrong passwords for this user name from this address: a plain page, 429."""
    minutes = cooloff_minutes()
    response = render(
        request,
        "accounts/officer_lockout.html",
        {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
    if minutes:
        response["Retry-After"] = str(minutes * 60)
    return response


def otp_required() -> bool:
    return bool(getattr(settings, "MOTCUA_OFFICER_OTP_REQUIRED", True))


def is_officer(user) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and getattr(user, "is_officer", False)
    )


def session_verified(user) -> bool:
    """Did this session pass the TOTP step? (``is_verified`` comes from ``OTPMiddleware``.)"""
    is_verified = getattr(user, "is_verified", None)
    return bool(callable(is_verified) and is_verified())


def is_verified_officer(user) -> bool:
    return is_officer(user) and (not otp_required() or session_verified(user))
