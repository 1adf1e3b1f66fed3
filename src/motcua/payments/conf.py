"""Payment configuration, read from environment variables when it is needed.

Reading on every call (not once at import) lets tests and ``motcua`` commands change the
gateway without restarting; the values are cheap to read. Every variable is documented in
``docs/payments.md``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

#: The sandbox's merchant code and secret when the environment gives none. They are public
#: (they are in the source), so the sandbox is switched off unless it is the configured gateway
#: or MOTCUA_SANDBOX_ENABLED says otherwise.
SANDBOX_TMN_CODE = "MOTCUA01"
SANDBOX_HASH_SECRET = "motcua-sandbox-secret-change-me-0123456789ABCDEF"

VNPAY_SANDBOX_URL = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _env_bool(name: str, default: bool) -> bool:
    value = _env(name).lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return default


def _env_int(name: str, default: int, minimum: int = 0) -> int:
    try:
        return max(minimum, int(_env(name, str(default))))
    except ValueError:
        return default


@dataclass(frozen=True)
class VNPayConfig:
    tmn_code: str
    hash_secret: str
    payment_url: str

    @property
    def complete(self) -> bool:
        return bool(self.tmn_code and self.hash_secret and self.payment_url)


def default_gateway() -> str:
    """MOTCUA_PAYMENT_GATEWAY: the gateway new payments use (``sandbox`` or ``vnpay``)."""
    return _env("MOTCUA_PAYMENT_GATEWAY", "sandbox").lower() or "sandbox"


def vnpay() -> VNPayConfig:
    return VNPayConfig(
        tmn_code=_env("MOTCUA_VNPAY_TMN_CODE"),
        hash_secret=_env("MOTCUA_VNPAY_HASH_SECRET"),
        payment_url=_env("MOTCUA_VNPAY_PAYMENT_URL", VNPAY_SANDBOX_URL),
    )


def sandbox() -> VNPayConfig:
    """The local gateway. An empty payment URL means our own page ``payments:sandbox``."""
    return VNPayConfig(
        tmn_code=_env("MOTCUA_SANDBOX_TMN_CODE", SANDBOX_TMN_CODE),
        hash_secret=_env("MOTCUA_SANDBOX_HASH_SECRET", SANDBOX_HASH_SECRET),
        payment_url=_env("MOTCUA_SANDBOX_PAYMENT_URL"),
    )


def sandbox_enabled() -> bool:
    """MOTCUA_SANDBOX_ENABLED; by default on exactly when the sandbox is the configured gateway."""
    return _env_bool("MOTCUA_SANDBOX_ENABLED", default_gateway() == "sandbox")


def sandbox_ipn_url() -> str:
    """MOTCUA_SANDBOX_IPN_URL: where the sandbox sends its IPN; empty = this site's own IPN URL."""
    return _env("MOTCUA_SANDBOX_IPN_URL")


def public_base_url() -> str:
    """MOTCUA_PUBLIC_BASE_URL (e.g. https://dichvucong.example.gov.vn): base of the return URL
    given to the gateway. Empty: taken from the request (needs a correct Host header)."""
    return _env("MOTCUA_PUBLIC_BASE_URL").rstrip("/")


def expire_minutes() -> int:
    """MOTCUA_PAYMENT_EXPIRE_MINUTES: how long the gateway accepts the payment (vnp_ExpireDate)."""
    return _env_int("MOTCUA_PAYMENT_EXPIRE_MINUTES", 15, minimum=1)


def trust_return() -> bool:
    """MOTCUA_PAYMENT_TRUST_RETURN: a correctly signed return URL settles a payment that is still
    pending (the IPN has not arrived). On by default; see docs/payments.md."""
    return _env_bool("MOTCUA_PAYMENT_TRUST_RETURN", True)


def ipn_timeout() -> float:
    """Seconds the sandbox waits for our IPN endpoint before it queues a retry."""
    try:
        return max(0.5, float(_env("MOTCUA_SANDBOX_IPN_TIMEOUT", "5")))
    except ValueError:
        return 5.0


def ipn_max_attempts() -> int:
    """MOTCUA_SANDBOX_IPN_ATTEMPTS: how many times the sandbox tries to deliver one IPN."""
    return _env_int("MOTCUA_SANDBOX_IPN_ATTEMPTS", 10, minimum=1)
