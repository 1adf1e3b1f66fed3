"""VNPay payment gateway, protocol version 2.1.0 (vnp_Command=pay).

The merchant redirects the browser to the gateway with ``vnp_*`` parameters. The signature
``vnp_SecureHash`` is HMAC-SHA512 with the merchant's hash secret over the parameters sorted by
name and written ``name=quote_plus(value)`` joined by ``&`` — exactly the query string VNPay's
Python reference code builds, which is also the query string sent. The gateway calls back twice
with parameters signed the same way: the browser comes back to ``vnp_ReturnUrl`` and the
gateway's server calls the IPN URL registered with VNPay. Verification recomputes the signature
over every ``vnp_`` parameter except ``vnp_SecureHash`` and ``vnp_SecureHashType``.

Configuration: ``MOTCUA_VNPAY_TMN_CODE``, ``MOTCUA_VNPAY_HASH_SECRET``,
``MOTCUA_VNPAY_PAYMENT_URL`` (docs/payments.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import quote_plus

from django.utils.translation import gettext_lazy as _

from motcua.payments import conf
from motcua.payments.ports import CallbackResult, PaymentGateway, register

VERSION = "2.1.0"
#: VNPay wants times in GMT+7 whatever the server's zone.
GATEWAY_TZ = dt.timezone(dt.timedelta(hours=7), "GMT+7")
TIME_FORMAT = "%Y%m%d%H%M%S"
HASH_PARAM = "vnp_SecureHash"
HASH_TYPE_PARAM = "vnp_SecureHashType"

#: vnp_ResponseCode values of the payment result (VNPay's table), in words for the citizen.
RESPONSE_CODES = {
    "00": _("The payment succeeded."),
    "07": _("The money was taken but the bank is checking the transaction as unusual."),
    "09": _("The card or account is not registered for internet banking."),
    "10": _("The card or account details were entered wrongly more than three times."),
    "11": _("The time allowed for paying ran out."),
    "12": _("The card or account is locked."),
    "13": _("The one-time password (OTP) was wrong."),
    "24": _("You cancelled the payment."),
    "51": _("The account does not have enough money."),
    "65": _("The account has reached its daily limit."),
    "75": _("The bank is under maintenance."),
    "79": _("The payment password was entered wrongly too many times."),
    "99": _("The gateway reported an error."),
}


def canonical_query(params: Mapping[str, object]) -> str:
    """``k1=v1&k2=v2…`` sorted by name, values encoded with ``quote_plus`` (space → ``+``).

    This string is both what is signed and the query string that is sent.
    """
    return "&".join(f"{key}={quote_plus(str(value))}" for key, value in sorted(params.items()))


def secure_hash(params: Mapping[str, object], secret: str) -> str:
    """``vnp_SecureHash``: lower-case hex HMAC-SHA512 of :func:`canonical_query`."""
    return hmac.new(
        secret.encode("utf-8"), canonical_query(params).encode("utf-8"), hashlib.sha512
    ).hexdigest()


def signed_query(params: Mapping[str, object], secret: str) -> str:
    """The query string with the signature appended (empty values are left out, as VNPay does)."""
    present = {key: value for key, value in params.items() if value is not None and str(value) != ""}
    return f"{canonical_query(present)}&{HASH_PARAM}={secure_hash(present, secret)}"


def signed_fields(params: Mapping[str, str]) -> dict[str, str]:
    """The parameters a signature covers: every ``vnp_`` one except the hash and its type."""
    return {
        key: value
        for key, value in params.items()
        if key.startswith("vnp_") and key not in (HASH_PARAM, HASH_TYPE_PARAM)
    }


def check_signature(params: Mapping[str, str], secret: str) -> bool:
    """Whether ``params`` carry a correct ``vnp_SecureHash`` for ``secret`` (constant time)."""
    received = str(params.get(HASH_PARAM) or "").strip().lower()
    if not secret or not received or not received.isascii():
        return False
    expected = secure_hash(signed_fields(params), secret)
    return hmac.compare_digest(expected.encode("ascii"), received.encode("ascii"))


def gateway_time(moment: dt.datetime) -> str:
    return moment.astimezone(GATEWAY_TZ).strftime(TIME_FORMAT)


def parse_gateway_time(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value, TIME_FORMAT).replace(tzinfo=GATEWAY_TZ)
    except (TypeError, ValueError):
        return None


def parse_amount(value: str) -> int | None:
    """vnp_Amount (hundredths of a đồng) as whole đồng, or ``None`` if it is not a whole đồng."""
    value = str(value or "").strip()
    if not value.isascii() or not value.isdigit() or len(value) > 15:
        return None
    hundredths = int(value)
    if hundredths % 100:
        return None
    return hundredths // 100


def to_gateway_amount(amount: int) -> str:
    """Whole đồng → vnp_Amount: VNPay counts hundredths, so 10,000 ₫ is ``1000000``."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValueError("the amount must be a positive whole number of đồng")
    return str(amount * 100)


@register
class VNPayGateway(PaymentGateway):
    code = "vnpay"
    label = _("VNPay")

    def __init__(self, config: conf.VNPayConfig | None = None) -> None:
        self.config = config or self.load_config()

    @classmethod
    def load_config(cls) -> conf.VNPayConfig:
        return conf.vnpay()

    @classmethod
    def is_enabled(cls) -> bool:
        return cls.load_config().complete

    @property
    def payment_url(self) -> str:
        return self.config.payment_url

    def payment_params(
        self,
        payment,
        *,
        return_url: str,
        client_ip: str,
        locale: str = "vn",
        now: dt.datetime | None = None,
    ) -> dict[str, str]:
        """The ``vnp_*`` parameters of the payment URL, before signing."""
        now = now or dt.datetime.now(dt.UTC)
        expires = now + dt.timedelta(minutes=conf.expire_minutes())
        return {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.config.tmn_code,
            "vnp_Amount": to_gateway_amount(payment.amount),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": payment.reference,
            "vnp_OrderInfo": payment.order_info,
            "vnp_OrderType": "other",
            "vnp_Locale": "en" if str(locale).lower().startswith("en") else "vn",
            "vnp_ReturnUrl": return_url,
            "vnp_IpAddr": client_ip or "127.0.0.1",
            "vnp_CreateDate": gateway_time(now),
            "vnp_ExpireDate": gateway_time(expires),
        }

    def start(self, payment, *, return_url: str, client_ip: str, locale: str = "vn", now=None) -> str:
        params = self.payment_params(
            payment, return_url=return_url, client_ip=client_ip, locale=locale, now=now
        )
        separator = "&" if "?" in self.payment_url else "?"
        return f"{self.payment_url}{separator}{signed_query(params, self.config.hash_secret)}"

    def verify_callback(self, params: Mapping[str, str]) -> CallbackResult:
        params = {str(key): str(value) for key, value in params.items()}
        fields = signed_fields(params)
        valid = check_signature(params, self.config.hash_secret)
        tmn_code = fields.get("vnp_TmnCode", "")
        if valid and tmn_code and tmn_code != self.config.tmn_code:
            valid = False  # signed with our secret but for another merchant code: refuse
        if not valid:
            return CallbackResult(valid_signature=False, txn_ref=fields.get("vnp_TxnRef", ""), params=fields)
        response_code = fields.get("vnp_ResponseCode", "")
        status = fields.get("vnp_TransactionStatus", "")
        return CallbackResult(
            valid_signature=True,
            txn_ref=fields.get("vnp_TxnRef", ""),
            amount=parse_amount(fields.get("vnp_Amount", "")),
            success=response_code == "00" and status in ("00", ""),
            under_review=response_code == "07" or status == "07",
            transaction_no=fields.get("vnp_TransactionNo", "")[:64],
            response_code=response_code[:8],
            transaction_status=status,
            bank_code=fields.get("vnp_BankCode", "")[:32],
            paid_at=parse_gateway_time(fields.get("vnp_PayDate", "")),
            params=fields,
        )

    def describe_response(self, code: str) -> str:
        return str(RESPONSE_CODES.get(code, RESPONSE_CODES["99"]))
