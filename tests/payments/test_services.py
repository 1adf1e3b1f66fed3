"""Creating, starting, refunding, cancelling payments; the signal after commit."""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import transaction

from motcua.core.models import AuditRecord
from motcua.payments import selectors, services
from motcua.payments.models import Payment, PaymentEvent
from motcua.payments.ports import GatewayUnavailable, Outcome, get_gateway
from motcua.payments.signals import payment_status_changed
from tests.payments.helpers import PURPOSE, result_params

pytestmark = pytest.mark.django_db
Status = Payment.Status
Kind = PaymentEvent.Kind


def _callback(payment, source="ipn", **kwargs):
    query = result_params(payment, **kwargs)
    params = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
    return services.handle_callback(gateway_code="sandbox", params=params, source=source)


@pytest.fixture
def signals_received():
    received = []

    def listener(sender, payment, old_status, new_status, source, **kwargs):
        received.append((sender, payment.reference, old_status, new_status, source))

    payment_status_changed.connect(listener, dispatch_uid="test-payments-listener")
    yield received
    payment_status_changed.disconnect(dispatch_uid="test-payments-listener")


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_user(username="canbo.test", password="x", is_staff=True)


# --- create_payment ---------------------------------------------------------------------------


def test_create_payment_fills_reference_and_gateway_description(make_payment):
    payment = make_payment(amount=150_000)
    assert re.fullmatch(r"MC\d{8}[A-Z2-9]{8}", payment.reference)
    assert payment.status == Status.PENDING
    assert payment.gateway == "sandbox"
    assert payment.channel == Payment.Channel.ONLINE
    assert payment.description == "Lệ phí đăng ký khai sinh – hồ sơ #12"
    assert payment.order_info == "Le phi dang ky khai sinh ho so 12"
    assert [e.kind for e in payment.events.all()] == [Kind.CREATED]


def test_a_retry_of_create_returns_the_same_payment(make_payment):
    first = make_payment(idempotency_key="dossier-7-150000", purpose_id="7")
    again = make_payment(idempotency_key="dossier-7-150000", purpose_id="7")
    assert again.pk == first.pk
    assert Payment.objects.count() == 1
    assert PaymentEvent.objects.count() == 1


def test_the_same_key_for_another_amount_is_a_conflict(make_payment):
    make_payment(idempotency_key="k", purpose_id="7")
    with pytest.raises(services.IdempotencyConflict):
        make_payment(idempotency_key="k", purpose_id="7", amount=1)
    assert Payment.objects.count() == 1


@pytest.mark.parametrize("amount", [0, Decimal("0")])
def test_a_free_procedure_creates_no_payment(make_payment, amount):
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValueError, match="free"):
        make_payment(amount=amount)
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", [-5, Decimal("1000.5"), 1000.0, "1000", True, 10_000_000_000, None])
def test_amounts_are_positive_whole_dong(make_payment, amount):
    with pytest.raises(ValueError):
        make_payment(amount=amount)
    assert not Payment.objects.exists()


def test_a_decimal_whole_amount_is_accepted(make_payment):
    assert make_payment(amount=Decimal("25000")).amount == 25_000


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "ho-so/1"]
)
def test_next_url_must_be_a_local_path(make_payment, next_url):
    with pytest.raises(ValueError):
        make_payment(next_url=next_url)


def test_an_unavailable_gateway_is_refused(make_payment, monkeypatch):
    monkeypatch.setenv("MOTCUA_PAYMENT_GATEWAY", "vnpay")  # not configured: no code, no secret
    with pytest.raises(GatewayUnavailable):
        make_payment()
    with pytest.raises(GatewayUnavailable):
        get_gateway("nosuch")


# --- start_payment ----------------------------------------------------------------------------


def test_start_payment_redirects_to_the_sandbox_with_signed_vnpay_parameters(make_payment, rf_request):
    payment = make_payment(amount=150_000)
    url = services.start_payment(payment=payment, request=rf_request)
    parts = urlsplit(url)
    assert parts.path == "/thanh-toan/sandbox/"
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert params["vnp_Amount"] == "15000000"
    assert params["vnp_TxnRef"] == payment.reference
    assert params["vnp_ReturnUrl"] == "http://testserver/thanh-toan/ket-qua/sandbox/"
    assert params["vnp_IpAddr"] == "203.0.113.7"
    assert params["vnp_Locale"] == "vn"
    assert get_gateway("sandbox").verify_callback(params).valid_signature
    redirected = payment.events.get(kind=Kind.REDIRECTED)
    assert "vnp_SecureHash" not in redirected.params
    assert redirected.params["vnp_TxnRef"] == payment.reference


def test_the_public_base_url_makes_the_return_url(make_payment, rf_request, monkeypatch):
    monkeypatch.setenv("MOTCUA_PUBLIC_BASE_URL", "https://dichvucong.example.vn/")
    url = services.start_payment(payment=make_payment(), request=rf_request)
    assert parse_qs(urlsplit(url).query)["vnp_ReturnUrl"] == [
        "https://dichvucong.example.vn/thanh-toan/ket-qua/sandbox/"
    ]


def test_vnpay_when_configured(make_payment, rf_request, monkeypatch):
    monkeypatch.setenv("MOTCUA_PAYMENT_GATEWAY", "vnpay")
    monkeypatch.setenv("MOTCUA_VNPAY_TMN_CODE", "DEMOV210")
    monkeypatch.setenv("MOTCUA_VNPAY_HASH_SECRET", "S3CRET")
    payment = make_payment()
    assert payment.gateway == "vnpay"
    url = services.start_payment(payment=payment, request=rf_request)
    assert url.startswith("https://sandbox.vnpayment.vn/paymentv2/vpcpay.html?vnp_Amount=")
    # the sandbox is off when VNPay is the gateway: its public secret cannot settle anything
    with pytest.raises(GatewayUnavailable):
        get_gateway("sandbox")


def test_starting_a_failed_payment_makes_one_new_attempt(make_payment, rf_request):
    payment = make_payment()
    _callback(payment, response_code="51", status="02")
    payment.refresh_from_db()
    assert payment.status == Status.FAILED

    url = services.start_payment(payment=payment, request=rf_request)
    again = services.start_payment(payment=payment, request=rf_request)
    retry = Payment.objects.get(retry_of=payment)
    assert Payment.objects.count() == 2
    assert retry.status == Status.PENDING and retry.reference != payment.reference
    assert (retry.amount, retry.purpose_type, retry.purpose_id, retry.next_url) == (
        payment.amount,
        payment.purpose_type,
        payment.purpose_id,
        payment.next_url,
    )
    assert f"vnp_TxnRef={retry.reference}" in url and f"vnp_TxnRef={retry.reference}" in again
    assert selectors.payment_for(PURPOSE, payment.purpose_id) == retry


def test_a_paid_payment_cannot_be_started(make_payment, rf_request):
    payment = make_payment()
    _callback(payment)
    with pytest.raises(services.PaymentStateError):
        services.start_payment(payment=payment, request=rf_request)


# --- Signal -----------------------------------------------------------------------------------


def test_the_signal_is_sent_after_commit(make_payment, signals_received, django_capture_on_commit_callbacks):
    payment = make_payment()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert _callback(payment)[1] == Outcome.CONFIRMED
    assert signals_received == []  # not before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert signals_received == [(Payment, payment.reference, "pending", "paid", "ipn")]


def test_no_signal_when_the_transaction_rolls_back(
    make_payment, signals_received, django_capture_on_commit_callbacks
):
    payment = make_payment()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _callback(payment)
        raise RuntimeError("the caller's transaction fails")
    assert callbacks == []
    assert signals_received == []
    payment.refresh_from_db()
    assert payment.status == Status.PENDING


def test_a_failing_listener_does_not_stop_the_others(
    make_payment, signals_received, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise RuntimeError("listener bug")

    payment_status_changed.connect(broken, dispatch_uid="test-broken")
    try:
        payment = make_payment()
        with django_capture_on_commit_callbacks(execute=True):
            _callback(payment)
    finally:
        payment_status_changed.disconnect(dispatch_uid="test-broken")
    assert [s[3] for s in signals_received] == ["paid"]


# --- Refund, cancel, desk ---------------------------------------------------------------------


def test_refund_a_paid_payment(make_payment, officer, signals_received, django_capture_on_commit_callbacks):
    payment = make_payment()
    _callback(payment)
    with django_capture_on_commit_callbacks(execute=True):
        refunded = services.mark_refunded(payment=payment, actor=officer, reason="Hồ sơ bị từ chối")
    assert refunded.status == Status.REFUNDED and refunded.refunded_at
    assert signals_received[-1][2:] == ("paid", "refunded", "refund")
    refund = payment.events.get(kind=Kind.REFUND)
    assert refund.params["reason"] == "Hồ sơ bị từ chối" and refund.actor_label == "canbo.test"
    audit = AuditRecord.objects.get(action="payments.refund")
    assert audit.object_id == str(payment.pk) and audit.actor == officer
    # a late IPN cannot undo the refund
    assert _callback(payment)[1] == Outcome.ALREADY_CONFIRMED
    payment.refresh_from_db()
    assert payment.status == Status.REFUNDED


def test_refund_needs_a_paid_payment_and_a_reason(make_payment, officer):
    payment = make_payment()
    with pytest.raises(services.PaymentStateError):
        services.mark_refunded(payment=payment, actor=officer, reason="x")
    _callback(payment)
    with pytest.raises(ValueError):
        services.mark_refunded(payment=payment, actor=officer, reason="  ")
    payment.refresh_from_db()
    assert payment.status == Status.PAID


def test_cancel_then_pay_at_the_desk(
    make_payment, officer, signals_received, django_capture_on_commit_callbacks
):
    payment = make_payment()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(payment=payment, actor=officer, reason="Công dân nộp tại quầy")
        services.cancel(payment=payment, actor=officer)  # again: nothing changes
        paid = services.record_desk_payment(payment=payment, actor=officer, receipt_no="BL-0001")
    assert paid.status == Status.PAID and paid.channel == Payment.Channel.DESK
    assert not paid.paid_online
    assert [s[2:] for s in signals_received] == [
        ("pending", "cancelled", "cancel"),
        ("cancelled", "paid", "desk"),
    ]
    with pytest.raises(services.PaymentStateError):
        services.record_desk_payment(payment=payment, actor=officer)
    with pytest.raises(services.PaymentStateError):
        services.cancel(payment=payment, actor=officer)
    # the online gateway's IPN for it now changes nothing
    assert _callback(payment)[1] == Outcome.ALREADY_CONFIRMED


def test_a_late_gateway_success_after_cancel_is_not_lost(make_payment, officer):
    payment = make_payment()
    services.cancel(payment=payment, actor=officer)
    assert _callback(payment)[1] == Outcome.CONFIRMED
    payment.refresh_from_db()
    assert payment.status == Status.PAID and payment.paid_online


def test_events_are_append_only(make_payment):
    from motcua.core.models import AppendOnlyError

    event = make_payment().events.get()
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        PaymentEvent.objects.all().update(outcome="x")


def test_selectors(make_payment):
    assert selectors.payment_for(PURPOSE, "404") is None
    first = make_payment(purpose_id="9", idempotency_key="a")
    second = make_payment(purpose_id="9", idempotency_key="b")
    assert selectors.payment_for(PURPOSE, 9) == second
    assert selectors.paid_payment_for(PURPOSE, 9) is None
    _callback(first)
    assert selectors.paid_payment_for(PURPOSE, "9") == first
    assert selectors.payment_by_reference(first.reference) == first
    assert [e.kind for e in selectors.events_of(first)] == [Kind.CREATED, Kind.IPN, Kind.STATUS_CHANGED]
