"""Helpers: the gateway's signed answers, built the way VNPay builds them."""

from __future__ import annotations

from motcua.payments import conf
from motcua.payments.adapters.vnpay import signed_query

PURPOSE = "tests.thing"  # no other app listens for this purpose


def result_params(
    payment,
    *,
    response_code="00",
    status="00",
    amount=None,
    secret=None,
    transaction_no="14226112",
    **extra,
) -> str:
    """The signed query string the gateway sends back for ``payment`` (sandbox secret)."""
    params = {
        "vnp_Amount": str((payment.amount if amount is None else amount) * 100),
        "vnp_BankCode": "NCB",
        "vnp_BankTranNo": f"VNP{transaction_no}",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": payment.order_info,
        "vnp_PayDate": "20260213103512",
        "vnp_ResponseCode": response_code,
        "vnp_TmnCode": conf.sandbox().tmn_code,
        "vnp_TransactionNo": transaction_no,
        "vnp_TransactionStatus": status,
        "vnp_TxnRef": payment.reference,
        **extra,
    }
    return signed_query(params, secret or conf.sandbox().hash_secret)
