"""Which population register to ask, and how — read from the environment on every call.

=========================================  =======================================================
``MOTCUA_POPULATION_REGISTER``              ``builtin`` (default: the tables in this app) or ``http``
``MOTCUA_POPULATION_REGISTER_URL``          base URL of the data-exchange platform (``http`` only)
``MOTCUA_POPULATION_REGISTER_TOKEN``        bearer token sent to it
``MOTCUA_POPULATION_REGISTER_TIMEOUT``      seconds: ``"3,5"`` = connect 3, read 5 (default);
                                            one number sets both
``MOTCUA_POPULATION_REGISTER_RETRIES``      retries after a 5xx answer or a failed connection
                                            (default 2; 4xx answers are never retried)
``MOTCUA_POPULATION_REGISTER_BACKOFF``      backoff factor in seconds between retries (default 0.3)
=========================================  =======================================================

A Django setting of the same name, when present, wins over the environment (handy in tests).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "MOTCUA_POPULATION_REGISTER"
DEFAULT_CONNECT_TIMEOUT = 3.0
DEFAULT_READ_TIMEOUT = 5.0
DEFAULT_RETRIES = 2
DEFAULT_BACKOFF = 0.3


@dataclass(frozen=True)
class RegisterConf:
    adapter: str = "builtin"
    url: str = ""
    token: str = ""
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT
    retries: int = DEFAULT_RETRIES
    backoff: float = DEFAULT_BACKOFF


def _value(suffix: str = "") -> str:
    name = f"{PREFIX}_{suffix}" if suffix else PREFIX
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, "")
    return str(value).strip()


def _number(suffix: str, text: str, default: float) -> float:
    if not text:
        return default
    try:
        number = float(text)
    except ValueError:
        raise ImproperlyConfigured(f"{PREFIX}_{suffix} must be a number of seconds (got {text!r}).") from None
    if number < 0:
        raise ImproperlyConfigured(f"{PREFIX}_{suffix} must not be negative (got {text!r}).")
    return number


def parse_timeout(text: str) -> tuple[float, float]:
    """``"3,5"`` → (3.0, 5.0); ``"4"`` → (4.0, 4.0); ``""`` → the defaults (3.0, 5.0)."""
    if not text:
        return DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT
    parts = [part.strip() for part in text.split(",")]
    if len(parts) > 2:
        raise ImproperlyConfigured(
            f"{PREFIX}_TIMEOUT is 'connect,read' in seconds, e.g. '3,5' (got {text!r})."
        )
    connect = _number("TIMEOUT", parts[0], DEFAULT_CONNECT_TIMEOUT)
    read = _number("TIMEOUT", parts[-1], DEFAULT_READ_TIMEOUT)
    return connect, read


def get_conf() -> RegisterConf:
    """The current configuration (read afresh each call, so a changed environment applies)."""
    connect, read = parse_timeout(_value("TIMEOUT"))
    retries = _number("RETRIES", _value("RETRIES"), DEFAULT_RETRIES)
    return RegisterConf(
        adapter=_value() or "builtin",
        url=_value("URL").rstrip("/"),
        token=_value("TOKEN"),
        connect_timeout=connect,
        read_timeout=read,
        retries=int(retries),
        backoff=_number("BACKOFF", _value("BACKOFF"), DEFAULT_BACKOFF),
    )
