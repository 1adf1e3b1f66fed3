"""Notification settings, read from environment variables at call time.

Nothing here is cached, so a deployment changes behaviour by restarting with new variables and
tests change it with ``monkeypatch.setenv``. Secrets (``MOTCUA_SMS_TOKEN``) are read only by the
adapter that needs them and never written to the database or the logs.
"""

from __future__ import annotations

import os

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return default


def _number(name: str, default: float, *, minimum: float) -> float:
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value >= minimum else default


def _int(name: str, default: int, *, minimum: int) -> int:
    return int(_number(name, default, minimum=minimum))


# --- SMS --------------------------------------------------------------------------------------


def sms_gateway() -> str:
    """``console`` (demo default: log the text), ``http`` (the generic JSON gateway) or a dotted path."""
    return _str("MOTCUA_SMS_GATEWAY", "console") or "console"


def sms_url() -> str:
    """The gateway endpoint that accepts ``POST`` of one message (``http`` gateway)."""
    return _str("MOTCUA_SMS_URL")


def sms_token() -> str:
    """Bearer token for the ``http`` gateway. A secret: never stored, never logged."""
    return _str("MOTCUA_SMS_TOKEN")


def sms_sender() -> str:
    """The registered brand name (tên định danh / brandname) shown as the sender."""
    return _str("MOTCUA_SMS_SENDER", "TAYNINH")


def sms_ascii() -> bool:
    """Fold Vietnamese to ASCII without diacritics (cheaper GSM-7 messages); default on."""
    return _bool("MOTCUA_SMS_ASCII", True)


def sms_max_length() -> int:
    """Longest SMS text in characters; longer texts are cut with an ellipsis."""
    return _int("MOTCUA_SMS_MAX_LENGTH", 320, minimum=10)


def sms_connect_timeout() -> float:
    return _number("MOTCUA_SMS_CONNECT_TIMEOUT", 5.0, minimum=0.1)


def sms_timeout() -> float:
    """Seconds to wait for the gateway's answer once connected."""
    return _number("MOTCUA_SMS_TIMEOUT", 10.0, minimum=0.1)


# --- Delivery and retries ---------------------------------------------------------------------


def max_attempts() -> int:
    """Delivery attempts per notification before it is given up."""
    return _int("MOTCUA_NOTIFY_MAX_ATTEMPTS", 5, minimum=1)


def backoff_base() -> float:
    """Seconds before the first retry; doubled after each failed attempt."""
    return _number("MOTCUA_NOTIFY_BACKOFF_BASE", 30.0, minimum=0.0)


def backoff_cap() -> float:
    """Longest wait between two attempts, in seconds."""
    return _number("MOTCUA_NOTIFY_BACKOFF_CAP", 3600.0, minimum=0.0)


def stale_after() -> float:
    """Seconds after which the sweeper treats a queued notification as having lost its task
    (and a notification stuck in ``sending`` as abandoned by a crashed worker)."""
    return _number("MOTCUA_NOTIFY_STALE_AFTER", 600.0, minimum=0.0)
