"""The IPN endpoint and the return URL: idempotent, signed, amount-checked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import constants, get_messages
from django.urls import reverse

from motcua.payments.adapters.vnpay import GATEWAY_TZ
from motcua.payments.models import Payment, PaymentEvent
from tests.payments.helpers import result_params

pytestmark = pytest.mark.django_db
Status = Payment.Status
Kind = PaymentEvent.Kind


def _ipn(client, query, gateway="sandbox"):
    response = client.get(f"{reverse('payments:ipn', args=[gateway])}?{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def _return(client, query, gateway="sandbox"):
    return client.get(f"{reverse('payments:return', args=[gateway])}?{query}")


def _snapshot(payment):
    payment.refresh_from_db()
    return (
        payment.status,
        payment.paid_at,
        payment.gateway_transaction_no,
        payment.response_code,
        payment.updated_at,
        payment.events.filter(kind=Kind.STATUS_CHANGED).count(),
    )


# --- IPN --------------------------------------------------------------------------------------


def test_ipn_success_marks_paid_once(client, make_payment):
    payment = make_payment(amount=150_000)
    query = result_params(payment, transaction_no="14226112")
    assert _ipn(client, query) == {"RspCode": "00", "Message": "Confirm Success"}
    payment.refresh_from_db()
    assert payment.status == Status.PAID
    assert payment.paid_online
    assert payment.gateway_transaction_no == "14226112"
    assert payment.bank_code == "NCB"
    assert payment.response_code == "00"
    assert payment.paid_at == dt.datetime(2026, 2, 13, 10, 35, 12, tzinfo=GATEWAY_TZ)  # vnp_PayDate
    ipn = payment.events.get(kind=Kind.IPN)
    assert ipn.outcome == "00" and "vnp_SecureHash" not in ipn.params
    assert ipn.params["vnp_TxnRef"] == payment.reference
    before = _snapshot(payment)

    assert _ipn(client, query) == {"RspCode": "02", "Message": "Order already confirmed"}
    assert _snapshot(payment) == before  # no new status event, nothing changed
    assert payment.events.filter(kind=Kind.IPN).values_list("outcome", flat=True).last() == "02"


def test_ipn_with_a_wrong_signature_changes_nothing(client, make_payment):
    payment = make_payment()
    before = _snapshot(payment)
    forged = result_params(payment, secret="not-the-secret")
    assert _ipn(client, forged) == {"RspCode": "97", "Message": "Invalid signature"}
    tampered = result_params(payment).replace("vnp_ResponseCode=00", "vnp_ResponseCode=01")
    assert _ipn(client, tampered)["RspCode"] == "97"
    unsigned = result_params(payment).split("&vnp_SecureHash=")[0]
    assert _ipn(client, unsigned)["RspCode"] == "97"
    assert _snapshot(payment) == before
    assert payment.events.count() == 1  # only "created": forged calls leave no trace on the payment


def test_ipn_with_a_changed_amount_changes_nothing(client, make_payment):
    payment = make_payment(amount=150_000)
    before = _snapshot(payment)
    # correctly signed, but for 1,000 đồng instead of 150,000
    assert _ipn(client, result_params(payment, amount=1_000)) == {
        "RspCode": "04",
        "Message": "Invalid amount",
    }
    # an amount that is not a whole đồng
    odd = result_params(payment, vnp_Amount="15000050")
    assert _ipn(client, odd)["RspCode"] == "04"
    assert _snapshot(payment) == before
    assert list(payment.events.filter(kind=Kind.IPN).values_list("outcome", flat=True)) == ["04", "04"]
    # the right amount afterwards still works
    assert _ipn(client, result_params(payment))["RspCode"] == "00"


def test_ipn_for_an_unknown_order(client, make_payment):
    payment = make_payment()
    payment.reference = "MC20260213NOSUCH00"  # unsaved: an order we never made
    assert _ipn(client, result_params(payment)) == {"RspCode": "01", "Message": "Order not found"}
    assert PaymentEvent.objects.filter(kind=Kind.IPN).count() == 0


def test_ipn_for_another_gateways_order_is_unknown(client, make_payment, monkeypatch):
    monkeypatch.setenv("MOTCUA_VNPAY_TMN_CODE", "DEMOV210")
    monkeypatch.setenv("MOTCUA_VNPAY_HASH_SECRET", "S3CRET")
    payment = make_payment(gateway="vnpay")
    # signed with the sandbox's (public) secret: must not settle a VNPay order
    assert _ipn(client, result_params(payment), gateway="sandbox")["RspCode"] == "01"
    payment.refresh_from_db()
    assert payment.status == Status.PENDING


def test_ipn_failure_marks_failed(client, make_payment):
    payment = make_payment()
    assert _ipn(client, result_params(payment, response_code="51", status="02"))["RspCode"] == "00"
    payment.refresh_from_db()
    assert payment.status == Status.FAILED and payment.response_code == "51"
    assert payment.paid_at is None
    # the same failure again: already confirmed
    assert _ipn(client, result_params(payment, response_code="51", status="02"))["RspCode"] == "02"


def test_a_success_after_a_failure_is_recorded(client, make_payment):
    payment = make_payment()
    _ipn(client, result_params(payment, response_code="24", status="02"))
    assert _ipn(client, result_params(payment))["RspCode"] == "00"
    payment.refresh_from_db()
    assert payment.status == Status.PAID


def test_a_transaction_under_review_stays_pending(client, make_payment):
    payment = make_payment()
    assert _ipn(client, result_params(payment, response_code="07", status="07"))["RspCode"] == "00"
    payment.refresh_from_db()
    assert payment.status == Status.PENDING
    assert payment.events.get(kind=Kind.IPN).outcome == "recorded"


def test_ipn_unknown_gateway_and_methods(client, make_payment):
    payment = make_payment()
    assert (
        client.get(reverse("payments:ipn", args=["paypal"]) + "?" + result_params(payment)).status_code == 404
    )
    assert client.post(reverse("payments:ipn", args=["sandbox"])).status_code == 405


def test_ipn_is_csrf_exempt(make_payment):
    from django.test import Client

    payment = make_payment()
    strict = Client(enforce_csrf_checks=True)
    response = strict.get(f"{reverse('payments:ipn', args=['sandbox'])}?{result_params(payment)}")
    assert response.json()["RspCode"] == "00"


def test_ipn_answers_99_on_an_unexpected_error(client, make_payment, monkeypatch):
    from motcua.payments import services

    def boom(**kwargs):
        raise RuntimeError("database is down")

    monkeypatch.setattr(services, "handle_callback", boom)
    assert _ipn(client, result_params(make_payment())) == {"RspCode": "99", "Message": "Unknown error"}


# --- Return URL -------------------------------------------------------------------------------


def _messages(response):
    return [(m.level, str(m)) for m in get_messages(response.wsgi_request)]


def test_return_after_the_ipn_shows_success_and_changes_nothing(client, make_payment):
    payment = make_payment(amount=150_000, next_url="/ho-so/12/")
    query = result_params(payment)
    _ipn(client, query)
    before = _snapshot(payment)
    response = _return(client, query)
    assert response.status_code == 302 and response["Location"] == "/ho-so/12/"
    [(level, text)] = _messages(response)
    assert level == constants.SUCCESS and payment.reference in text and "150.000" in text
    assert _snapshot(payment) == before
    assert payment.events.filter(kind=Kind.RETURN).get().outcome == "02"


def test_return_before_the_ipn_settles_the_payment(client, make_payment):
    payment = make_payment()
    query = result_params(payment)
    response = _return(client, query)
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.status == Status.PAID
    assert payment.events.get(kind=Kind.STATUS_CHANGED).outcome == "return"
    # the IPN that arrives afterwards is acknowledged and changes nothing
    assert _ipn(client, query)["RspCode"] == "02"


def test_return_can_be_told_not_to_settle(client, make_payment, monkeypatch):
    monkeypatch.setenv("MOTCUA_PAYMENT_TRUST_RETURN", "0")
    payment = make_payment()
    response = _return(client, result_params(payment))
    [(level, text)] = _messages(response)
    assert level == constants.INFO and payment.reference in text
    payment.refresh_from_db()
    assert payment.status == Status.PENDING


def test_return_with_a_failure(client, make_payment):
    payment = make_payment(next_url="/ho-so/3/")
    response = _return(client, result_params(payment, response_code="24", status="02"))
    assert response["Location"] == "/ho-so/3/"
    [(level, _text)] = _messages(response)
    assert level == constants.ERROR
    payment.refresh_from_db()
    assert payment.status == Status.FAILED


def test_return_with_tampered_parameters_shows_an_error_and_changes_nothing(client, make_payment):
    payment = make_payment(amount=150_000)
    before = _snapshot(payment)
    tampered = result_params(payment).replace("vnp_Amount=15000000", "vnp_Amount=100")
    response = _return(client, tampered)
    assert response.status_code == 400
    assert b"error-summary" in response.content
    assert _snapshot(payment) == before
    assert payment.events.count() == 1


def test_return_with_a_changed_amount(client, make_payment):
    payment = make_payment(amount=150_000)
    response = _return(client, result_params(payment, amount=100))
    [(level, text)] = _messages(response)
    assert level == constants.ERROR and payment.reference in text
    payment.refresh_from_db()
    assert payment.status == Status.PENDING


def test_return_for_an_unknown_order(client, make_payment):
    payment = make_payment()
    payment.reference = "MC20260213NOSUCH00"
    assert _return(client, result_params(payment)).status_code == 404


def test_return_without_a_next_url_goes_home(client, make_payment):
    payment = make_payment(next_url="")
    assert _return(client, result_params(payment))["Location"] == "/"


def test_a_stored_next_url_that_is_not_local_is_not_followed(client, make_payment):
    payment = make_payment()
    Payment.objects.filter(pk=payment.pk).update(next_url="https://evil.example/")
    assert _return(client, result_params(payment))["Location"] == "/"


@pytest.mark.django_db(transaction=True)
def test_concurrent_ipn_and_return_settle_the_payment_once(make_payment):
    """The IPN and the browser's return arrive together: one applies, the other sees it settled."""
    import threading
    from urllib.parse import parse_qs

    from django.db import connection

    from motcua.payments import services

    payment = make_payment()
    params = {k: v[0] for k, v in parse_qs(result_params(payment)).items()}
    barrier = threading.Barrier(2)
    outcomes = []

    def deliver(source):
        try:
            barrier.wait(timeout=5)
            outcomes.append(services.handle_callback(gateway_code="sandbox", params=params, source=source)[1])
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(source,)) for source in ("ipn", "return")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["00", "02"]
    payment.refresh_from_db()
    assert payment.status == Status.PAID
    assert payment.events.filter(kind=Kind.STATUS_CHANGED).count() == 1
