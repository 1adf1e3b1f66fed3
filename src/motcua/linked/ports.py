"""How a stage reaches its agency: a port with one adapter per kind of system.

- ``local`` — the agency works in its own motcua queue (the default, and the demo);
- ``http`` — the agency has its own system (e.g. the police residence database, the social
  insurance system): the stage's dossier is sent to it as signed JSON, and it reports back
  through the callback ``POST /api/v1/linked/callbacks`` (contract: docs/linked.md).

Configuration, by agency code (environment variable ``MOTCUA_LINKED_CONNECTORS``, JSON)::

    {"000.00.21.H53": {"connector": "http", "url": "https://bhxh.example/motcua",
                       "secret": "shared HMAC secret"}}
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SIGNATURE_HEADER = "X-Motcua-Signature"
AGENCY_HEADER = "X-Motcua-Agency"


class DispatchError(Exception):
    """The agency's system did not take the stage; it will be tried again."""


@dataclass(frozen=True)
class ConnectorConf:
    connector: str = "local"
    url: str = ""
    secret: str = ""
    timeout: float = 10.0


def connector_settings() -> dict[str, dict[str, Any]]:
    raw = getattr(settings, "MOTCUA_LINKED_CONNECTORS", None)
    if raw is None:
        raw = os.environ.get("MOTCUA_LINKED_CONNECTORS", "")
    if isinstance(raw, str):
        if not raw.strip():
            return {}
        try:
            raw = json.loads(raw)
        except ValueError as exc:
            raise ImproperlyConfigured("MOTCUA_LINKED_CONNECTORS is not valid JSON") from exc
    if not isinstance(raw, dict):
        raise ImproperlyConfigured("MOTCUA_LINKED_CONNECTORS must map agency codes to settings")
    return raw


def conf_for(agency_code: str) -> ConnectorConf:
    entry = connector_settings().get(agency_code) or {}
    conf = ConnectorConf(**{k: v for k, v in entry.items() if k in ConnectorConf.__dataclass_fields__})
    if conf.connector not in _registry:
        raise ImproperlyConfigured(f"unknown linked connector {conf.connector!r} for agency {agency_code}")
    if conf.connector != "local" and (not conf.url or not conf.secret):
        raise ImproperlyConfigured(
            f"the {conf.connector} connector of agency {agency_code} needs url and secret"
        )
    return conf


def sign(body: bytes, secret: str) -> str:
    """``sha256=<hex>`` HMAC of the exact bytes sent, as in the header."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_ok(body: bytes, secret: str, header: str) -> bool:
    return bool(secret) and hmac.compare_digest(sign(body, secret), header or "")


class AgencyConnector(ABC):
    code = ""

    def __init__(self, conf: ConnectorConf) -> None:
        self.conf = conf

    @property
    def dispatches(self) -> bool:
        """Whether a stage must be sent anywhere (``local`` stages are already in the queue)."""
        return True

    @abstractmethod
    def dispatch(self, *, payload: dict[str, Any]) -> str:
        """Hand the stage to the agency's system; return its reference. DispatchError on failure."""


_registry: dict[str, type[AgencyConnector]] = {}


def register(code: str):
    def decorator(cls: type[AgencyConnector]) -> type[AgencyConnector]:
        cls.code = code
        _registry[code] = cls
        return cls

    return decorator


def connector_for(agency_code: str) -> AgencyConnector:
    from motcua.linked import adapters  # noqa: F401 — registers the adapters

    conf = conf_for(agency_code)
    return _registry[conf.connector](conf)
