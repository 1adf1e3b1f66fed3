"""The local sandbox gateway: VNPay's protocol, answered by a page of this site.

It is the VNPay adapter with its own merchant code and secret (env ``MOTCUA_SANDBOX_TMN_CODE``,
``MOTCUA_SANDBOX_HASH_SECRET``; built-in defaults for the demo) and a payment URL that is our
own page ``/thanh-toan/sandbox/`` (:mod:`motcua.payments.views`). That page plays the gateway:
it checks the signed request, lets the tester choose the outcome, signs the result, sends the
IPN server-to-server and redirects the browser to the return URL — so the demo and the tests
exercise the same code paths as a real VNPay payment.

Because its default secret is public, it is switched off unless it is the configured gateway
(``MOTCUA_PAYMENT_GATEWAY=sandbox``, the default) or ``MOTCUA_SANDBOX_ENABLED=1``; and a callback
only ever settles a payment that was started with the same gateway.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from urllib.parse import urlsplit

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from motcua.payments import conf
from motcua.payments.adapters.vnpay import (
    VERSION,
    VNPayGateway,
    check_signature,
    gateway_time,
    parse_amount,
    parse_gateway_time,
    signed_fields,
    signed_query,
)
from motcua.payments.ports import register

#: The outcomes the sandbox page offers: (vnp_ResponseCode, vnp_TransactionStatus).
CHOICES = {
    "success": ("00", "00"),
    "failure": ("51", "02"),  # not enough money in the account
    "cancel": ("24", "02"),  # the customer cancelled
}
BANK_CODE = "NCB"

_REQUIRED = (
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_Amount",
    "vnp_CurrCode",
    "vnp_TxnRef",
    "vnp_OrderInfo",
    "vnp_ReturnUrl",
    "vnp_CreateDate",
)


@register
class SandboxGateway(VNPayGateway):
    code = "sandbox"
    label = _("Test payment gateway")

    @classmethod
    def load_config(cls) -> conf.VNPayConfig:
        return conf.sandbox()

    @classmethod
    def is_enabled(cls) -> bool:
        return conf.sandbox_enabled()

    @property
    def payment_url(self) -> str:
        return self.config.payment_url or reverse("payments:sandbox")

    # --- The gateway's side ----------------------------------------------------------------

    def check_request(self, params: Mapping[str, str], *, now: dt.datetime | None = None) -> str:
        """What is wrong with a payment request, as the gateway sees it ('' when it is fine)."""
        if not check_signature(params, self.config.hash_secret):
            return str(_("The payment request is not signed correctly."))
        missing = [key for key in _REQUIRED if not params.get(key)]
        if missing:
            return str(_("The payment request lacks %(fields)s.") % {"fields": ", ".join(missing)})
        if params["vnp_TmnCode"] != self.config.tmn_code:
            return str(_("The merchant code is not known to this gateway."))
        if (
            params["vnp_Version"] != VERSION
            or params["vnp_Command"] != "pay"
            or params["vnp_CurrCode"] != "VND"
        ):
            return str(_("This gateway only accepts version 2.1.0 payments in VND."))
        if not parse_amount(params["vnp_Amount"]):
            return str(_("The amount is not valid."))
        if urlsplit(params["vnp_ReturnUrl"]).scheme not in ("http", "https"):
            return str(_("The return address must start with http:// or https://."))
        expires = parse_gateway_time(params.get("vnp_ExpireDate", ""))
        if expires is not None and expires < (now or dt.datetime.now(dt.UTC)):
            return str(_("The time allowed for paying ran out. Go back and start the payment again."))
        return ""

    def result_query(self, params: Mapping[str, str], choice: str, *, now: dt.datetime | None = None) -> str:
        """The signed query string VNPay sends to the return URL and the IPN URL."""
        response_code, status = CHOICES[choice]
        request = signed_fields(params)
        paid = choice == "success"
        transaction_no = str(secrets.randbelow(90_000_000) + 10_000_000) if choice != "cancel" else "0"
        result = {
            "vnp_Amount": request["vnp_Amount"],
            "vnp_BankCode": BANK_CODE if choice != "cancel" else "VNPAY",
            "vnp_BankTranNo": f"VNP{transaction_no}" if paid else "",
            "vnp_CardType": "ATM" if choice != "cancel" else "",
            "vnp_OrderInfo": request["vnp_OrderInfo"],
            "vnp_PayDate": gateway_time(now or dt.datetime.now(dt.UTC)),
            "vnp_ResponseCode": response_code,
            "vnp_TmnCode": request["vnp_TmnCode"],
            "vnp_TransactionNo": transaction_no,
            "vnp_TransactionStatus": status,
            "vnp_TxnRef": request["vnp_TxnRef"],
        }
        return signed_query(result, self.config.hash_secret)
