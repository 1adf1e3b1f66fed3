"""The payment port: what motcua needs from a payment gateway, and the registry of adapters.

An adapter turns a :class:`~motcua.payments.models.Payment` into the URL the citizen's browser
is sent to (:meth:`PaymentGateway.start`) and checks what the gateway sends back, to the return
URL in the browser and server-to-server as an IPN (:meth:`PaymentGateway.verify_callback`).
Adapters never touch the database: :mod:`motcua.payments.services` does.

Adapters: ``vnpay`` (VNPay 2.1.0, :mod:`motcua.payments.adapters.vnpay`) and ``sandbox`` (the
same protocol against a local page, :mod:`motcua.payments.adapters.sandbox`).
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

from django.http import HttpRequest, HttpResponse, JsonResponse

from motcua.payments import conf

if TYPE_CHECKING:
    from motcua.payments.models import Payment

__all__ = [
    "CallbackResult",
    "GatewayUnavailable",
    "Outcome",
    "PaymentGateway",
    "available_gateways",
    "get_gateway",
    "register",
]


class Outcome(StrEnum):
    """What motcua made of a callback; the values are VNPay's IPN answer codes (RspCode)."""

    CONFIRMED = "00"
    NOT_FOUND = "01"
    ALREADY_CONFIRMED = "02"
    INVALID_AMOUNT = "04"
    INVALID_SIGNATURE = "97"
    UNKNOWN_ERROR = "99"

    @property
    def message(self) -> str:
        """The English message VNPay's reference merchant code answers with (machine-read)."""
        return _OUTCOME_MESSAGES[self]


_OUTCOME_MESSAGES = {
    Outcome.CONFIRMED: "Confirm Success",
    Outcome.NOT_FOUND: "Order not found",
    Outcome.ALREADY_CONFIRMED: "Order already confirmed",
    Outcome.INVALID_AMOUNT: "Invalid amount",
    Outcome.INVALID_SIGNATURE: "Invalid signature",
    Outcome.UNKNOWN_ERROR: "Unknown error",
}


@dataclass(frozen=True)
class CallbackResult:
    """A gateway's callback, checked. Nothing in it may be used unless ``valid_signature``."""

    valid_signature: bool
    txn_ref: str = ""
    #: Whole đồng, or ``None`` when the gateway's figure is not a whole number of đồng.
    amount: int | None = None
    success: bool = False
    #: Money may have been taken but the gateway is still reviewing (VNPay code 07): no change.
    under_review: bool = False
    transaction_no: str = ""
    response_code: str = ""
    transaction_status: str = ""
    bank_code: str = ""
    paid_at: dt.datetime | None = None
    #: The callback's parameters without the signature, for the event log.
    params: dict[str, str] = field(default_factory=dict)


class GatewayUnavailable(LookupError):
    """No gateway of that code is registered, or it is switched off or not configured."""


class PaymentGateway(ABC):
    """One payment gateway. Instances are cheap; configuration is read when one is made."""

    code: ClassVar[str]
    label: ClassVar[str]

    @classmethod
    def is_enabled(cls) -> bool:
        """Whether this gateway may be used here (configured, switched on)."""
        return True

    @abstractmethod
    def start(self, payment: Payment, *, return_url: str, client_ip: str, locale: str = "vn") -> str:
        """The URL to send the citizen's browser to, to pay ``payment``."""

    @abstractmethod
    def verify_callback(self, params: Mapping[str, str]) -> CallbackResult:
        """Check the signature of a return-URL or IPN call and read what it says."""

    def callback_params(self, request: HttpRequest) -> dict[str, str]:
        """The parameters of a callback request (by default the query string, last value wins)."""
        return request.GET.dict()

    def acknowledge(self, outcome: Outcome) -> HttpResponse:
        """The answer to an IPN call. The default is VNPay's: ``{"RspCode": ..., "Message": ...}``."""
        return JsonResponse({"RspCode": outcome.value, "Message": outcome.message})

    def describe_response(self, code: str) -> str:
        """A plain explanation of the gateway's response code, for the citizen."""
        return code


_registry: dict[str, type[PaymentGateway]] = {}


def register(cls: type[PaymentGateway]) -> type[PaymentGateway]:
    """Class decorator: make a gateway available under its ``code``."""
    _registry[cls.code] = cls
    return cls


def _load_adapters() -> None:
    from motcua.payments import adapters  # noqa: F401  (the modules register themselves)


def available_gateways() -> list[str]:
    """Codes of the gateways that are registered and enabled here."""
    _load_adapters()
    return [code for code, cls in sorted(_registry.items()) if cls.is_enabled()]


def get_gateway(code: str | None = None) -> PaymentGateway:
    """The gateway ``code``, or the configured default (env ``MOTCUA_PAYMENT_GATEWAY``, "sandbox").

    Raises :class:`GatewayUnavailable` when it is unknown, switched off or not configured.
    """
    _load_adapters()
    code = (code or conf.default_gateway()).strip().lower()
    cls = _registry.get(code)
    if cls is None:
        raise GatewayUnavailable(f"no payment gateway {code!r}; known: {', '.join(sorted(_registry))}")
    if not cls.is_enabled():
        raise GatewayUnavailable(f"the payment gateway {code!r} is switched off or not configured")
    return cls()
