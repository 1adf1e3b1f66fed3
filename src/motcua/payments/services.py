"""Writes on payments. Keyword-only functions, one transaction each, the payment row locked.

The lifecycle::

    pending ──(gateway: success)──▶ paid ──(refund)──▶ refunded
       │  ╲──(gateway: failure)──▶ failed ──(late success from the gateway)──▶ paid
       │   ╲─(cancel)────────────▶ cancelled ─(late success from the gateway)──▶ paid
       └──(paid at the desk)──▶ paid (channel "desk"; also from failed or cancelled)

A gateway callback can move a payment out of ``pending``, or into ``paid`` from ``failed`` or
``cancelled`` (money the gateway really took is never ignored). It never touches a payment that
is paid or refunded: that is answered "already confirmed" and changes nothing. Every change
writes a :class:`~motcua.payments.models.PaymentEvent` and, after commit, sends
:data:`~motcua.payments.signals.payment_status_changed`.

Row locks use ``select_for_update`` (PostgreSQL); on SQLite the transaction mode IMMEDIATE
takes the database write lock at BEGIN, which serialises the same sections.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping
from decimal import Decimal
from functools import partial
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from motcua.core import audit
from motcua.core.templatetags.motcua import format_vnd
from motcua.payments import conf
from motcua.payments.models import MAX_AMOUNT, Payment, PaymentEvent, fold_order_info, new_reference
from motcua.payments.ports import GatewayUnavailable, Outcome, get_gateway
from motcua.payments.signals import payment_status_changed

__all__ = [
    "GatewayUnavailable",
    "IdempotencyConflict",
    "Outcome",
    "PaymentError",
    "PaymentStateError",
    "cancel",
    "create_payment",
    "handle_callback",
    "mark_refunded",
    "record_desk_payment",
    "start_payment",
    "whole_vnd",
]

logger = logging.getLogger(__name__)

Status = Payment.Status
Kind = PaymentEvent.Kind
Source = Literal["ipn", "return"]

MAX_KEY_LENGTH = 200


class PaymentError(ValueError):
    """A payment request that cannot be carried out; the message says why, for people."""


class IdempotencyConflict(PaymentError):
    """The idempotency key was already used for a payment with other details."""


class PaymentStateError(PaymentError):
    """The payment is not in a state that allows this."""


# --- Checks ------------------------------------------------------------------------------------


def whole_vnd(amount: Any) -> int:
    """``amount`` as a whole number of đồng, > 0; a clear :class:`PaymentError` otherwise."""
    if isinstance(amount, bool) or not isinstance(amount, int | Decimal):
        raise PaymentError(_("The amount must be a whole number of đồng."))
    if isinstance(amount, Decimal):
        if not amount.is_finite() or amount != amount.to_integral_value():
            raise PaymentError(_("The amount must be a whole number of đồng, without a fraction."))
        amount = int(amount)
    if amount == 0:
        raise PaymentError(
            _("This procedure is free (0 đồng): no payment is needed, so none can be created.")
        )
    if amount < 0:
        raise PaymentError(_("The amount cannot be negative."))
    if amount > MAX_AMOUNT:
        raise PaymentError(
            _("The amount cannot exceed %(max)s in one online payment.") % {"max": format_vnd(MAX_AMOUNT)}
        )
    return amount


def safe_next_url(url: str | None) -> str:
    """``url`` if it is a path on this site (``/…``, not ``//host``), else ''."""
    url = (url or "").strip()
    if (
        not url
        or not url.startswith("/")
        or url.startswith("//")
        or "\\" in url
        or len(url) > 500
        or any(ord(ch) < 32 or ord(ch) == 127 for ch in url)
        or not url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    ):
        return ""
    return url


def _actor_label(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "system"
    if getattr(actor, "is_staff", False) or getattr(actor, "is_officer", False):
        return actor.get_username()[:200]
    return f"user#{actor.pk}"  # a citizen's username is their personal ID number: keep it out


# --- Events and the signal ---------------------------------------------------------------------


def _event(payment: Payment, kind: str, **fields: Any) -> PaymentEvent:
    return PaymentEvent.objects.create(payment=payment, kind=kind, **fields)


def _announce(payment: Payment, old_status: str, new_status: str, source: str) -> None:
    for receiver, response in payment_status_changed.send_robust(
        sender=Payment, payment=payment, old_status=old_status, new_status=new_status, source=source
    ):
        if isinstance(response, Exception):  # send_robust has logged it with the traceback
            logger.warning("payment %s: listener %r failed", payment.reference, receiver)


def _set_status(
    payment: Payment,
    new_status: str,
    *,
    source: str,
    fields: tuple[str, ...] = (),
    params: dict | None = None,
    actor_label: str = "",
) -> None:
    old_status = payment.status
    payment.status = new_status
    payment.save(update_fields=["status", "updated_at", *fields])
    _event(
        payment,
        Kind.STATUS_CHANGED,
        params=params or {},
        outcome=source,
        old_status=old_status,
        new_status=new_status,
        actor_label=actor_label,
    )
    transaction.on_commit(partial(_announce, copy.copy(payment), old_status, new_status, source))


# --- Create and start --------------------------------------------------------------------------


def _insert(**fields: Any) -> Payment:
    """Insert a payment with a fresh reference; returns the existing one if the key is taken."""
    key = fields["idempotency_key"]
    for attempt in range(5):
        try:
            with transaction.atomic():
                payment = Payment.objects.create(reference=new_reference(), **fields)
                _event(
                    payment,
                    Kind.CREATED,
                    params={
                        "amount": payment.amount,
                        "purpose": f"{payment.purpose_type}:{payment.purpose_id}",
                        "gateway": payment.gateway,
                    },
                    new_status=payment.status,
                )
            return payment
        except IntegrityError:
            existing = Payment.objects.filter(idempotency_key=key).first()
            if existing is not None:
                return existing
            if attempt == 4:  # five reference collisions in a row: something else is wrong
                raise
    raise AssertionError("unreachable")


def _same_request(payment: Payment, amount: int, purpose_type: str, purpose_id: str) -> Payment:
    if (payment.amount, payment.purpose_type, payment.purpose_id) != (amount, purpose_type, purpose_id):
        raise IdempotencyConflict(
            _("This request was already used for another payment (%(reference)s). Start a new payment.")
            % {"reference": payment.reference}
        )
    return payment


def create_payment(
    *,
    amount: int | Decimal,
    description: str,
    purpose_type: str,
    purpose_id: str | int,
    idempotency_key: str,
    next_url: str = "",
    gateway: str | None = None,
) -> Payment:
    """A pending payment of ``amount`` whole đồng, or the one this ``idempotency_key`` created.

    Free procedures never get here: an amount of 0 raises :class:`PaymentError` (a
    ``ValueError``). ``next_url`` must be a path on this site; the citizen is sent there after
    the gateway. ``gateway`` defaults to ``MOTCUA_PAYMENT_GATEWAY``. A retry with the same key
    returns the first payment (whatever its status); the same key with another amount or
    purpose raises :class:`IdempotencyConflict`.
    """
    amount = whole_vnd(amount)
    key = str(idempotency_key or "").strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise PaymentError(_("An idempotency key of 1 to 200 characters is required."))
    purpose_type, purpose_id = str(purpose_type or "").strip(), str(purpose_id or "").strip()
    if not purpose_type or not purpose_id or len(purpose_type) > 100 or len(purpose_id) > 64:
        raise PaymentError(_("Say what the payment is for (purpose type and id)."))
    description = " ".join(str(description or "").split())[:255]
    if not description:
        raise PaymentError(_("Describe what the payment is for."))
    next_path = safe_next_url(next_url)
    if next_url and not next_path:
        raise PaymentError(_("The page after payment must be a path on this site, such as /ho-so/12/."))

    existing = Payment.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return _same_request(existing, amount, purpose_type, purpose_id)
    gateway_code = get_gateway(gateway).code  # GatewayUnavailable if it cannot be used
    payment = _insert(
        amount=amount,
        description=description,
        order_info=fold_order_info(description) or "Thanh toan",
        purpose_type=purpose_type,
        purpose_id=purpose_id,
        idempotency_key=key,
        next_url=next_path,
        gateway=gateway_code,
    )
    return _same_request(payment, amount, purpose_type, purpose_id)


def _new_attempt(previous: Payment) -> Payment:
    """The next attempt after a failed or cancelled payment (idempotent: one per payment)."""
    key = f"retry:{previous.reference}"
    existing = Payment.objects.select_for_update().filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    return _insert(
        amount=previous.amount,
        description=previous.description,
        order_info=previous.order_info,
        purpose_type=previous.purpose_type,
        purpose_id=previous.purpose_id,
        idempotency_key=key,
        next_url=previous.next_url,
        gateway=get_gateway().code,
        retry_of=previous,
    )


def _absolute(request: HttpRequest, path: str) -> str:
    base = conf.public_base_url()
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def _client_ip(request: HttpRequest) -> str:
    return (request.META.get("REMOTE_ADDR") or "127.0.0.1")[:45]


def _locale(request: HttpRequest) -> str:
    language = getattr(request, "LANGUAGE_CODE", "") or get_language() or "vi"
    return "en" if language.lower().startswith("en") else "vn"


def start_payment(*, payment: Payment, request: HttpRequest) -> str:
    """The gateway URL to redirect the citizen's browser to, to pay ``payment``.

    A pending payment is (re)started with a fresh signature and expiry. A failed or cancelled
    one gets a new attempt — a new payment with a new reference, ``retry_of`` the old one, for
    the same purpose — so callers can keep one idempotency key per purpose and amount. A paid or
    refunded payment raises :class:`PaymentStateError`.
    """
    with transaction.atomic():
        current = Payment.objects.select_for_update().get(pk=payment.pk)
        while current.status in (Status.FAILED, Status.CANCELLED):
            current = _new_attempt(current)
        if current.status != Status.PENDING:
            raise PaymentStateError(
                _("This payment (%(reference)s) is already %(status)s.")
                % {"reference": current.reference, "status": current.get_status_display().lower()}
            )
        gateway = get_gateway(current.gateway)
        url = gateway.start(
            current,
            return_url=_absolute(request, reverse("payments:return", args=[gateway.code])),
            client_ip=_client_ip(request),
            locale=_locale(request),
        )
        params = {k: v for k, v in parse_qsl(urlsplit(url).query) if k != "vnp_SecureHash"}
        _event(current, Kind.REDIRECTED, params=params)
    return url


# --- Gateway callbacks -------------------------------------------------------------------------


def handle_callback(
    *, gateway_code: str, params: Mapping[str, str], source: Source
) -> tuple[Payment | None, Outcome]:
    """Apply a gateway's callback (``source`` "ipn" or "return") and say what came of it.

    Outcomes (VNPay's IPN answer codes): ``97`` bad signature and ``01`` unknown order change
    nothing and write nothing; ``04`` amount differs and ``02`` already settled write an event
    but leave the payment as it was; ``00`` means the callback was verified and applied — the
    payment is paid or failed now, or (gateway still reviewing, or a return URL when
    ``MOTCUA_PAYMENT_TRUST_RETURN`` is off) it stays pending and the event is recorded.
    """
    if source not in ("ipn", "return"):
        raise ValueError(f"source must be 'ipn' or 'return', not {source!r}")
    kind = Kind.IPN if source == "ipn" else Kind.RETURN
    try:
        gateway = get_gateway(gateway_code)
    except GatewayUnavailable:
        logger.warning("payment callback for unavailable gateway %r", gateway_code)
        return None, Outcome.INVALID_SIGNATURE
    result = gateway.verify_callback(params)
    if not result.valid_signature:
        logger.warning("payment %s callback (%s) with a wrong signature: ignored", gateway.code, source)
        return None, Outcome.INVALID_SIGNATURE

    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update().filter(reference=result.txn_ref, gateway=gateway.code).first()
            if result.txn_ref
            else None
        )
        if payment is None:
            logger.warning(
                "payment %s callback (%s) for unknown order %r", gateway.code, source, result.txn_ref
            )
            return None, Outcome.NOT_FOUND
        if result.amount != payment.amount:
            logger.error(
                "payment %s: %s says %s VND, the order is %s VND: not applied",
                payment.reference,
                source,
                result.amount,
                payment.amount,
            )
            _event(payment, kind, params=result.params, outcome=Outcome.INVALID_AMOUNT.value)
            return payment, Outcome.INVALID_AMOUNT

        settles = payment.status == Status.PENDING or (
            result.success and payment.status in (Status.FAILED, Status.CANCELLED)
        )
        if not settles:
            if result.success and result.transaction_no != payment.gateway_transaction_no:
                logger.error(
                    "payment %s: another successful transaction %s for a %s order: check for a double payment",
                    payment.reference,
                    result.transaction_no,
                    payment.status,
                )
            _event(payment, kind, params=result.params, outcome=Outcome.ALREADY_CONFIRMED.value)
            return payment, Outcome.ALREADY_CONFIRMED

        applies = not result.under_review and (source == "ipn" or conf.trust_return())
        _event(
            payment, kind, params=result.params, outcome=Outcome.CONFIRMED.value if applies else "recorded"
        )
        if applies:
            payment.gateway_transaction_no = result.transaction_no
            payment.bank_code = result.bank_code
            payment.response_code = result.response_code
            changed = ("gateway_transaction_no", "bank_code", "response_code")
            if result.success:
                payment.paid_at = result.paid_at or timezone.now()
                payment.channel = Payment.Channel.ONLINE
                _set_status(payment, Status.PAID, source=source, fields=(*changed, "paid_at", "channel"))
            else:
                _set_status(payment, Status.FAILED, source=source, fields=changed)
    return payment, Outcome.CONFIRMED


# --- Officers' actions -------------------------------------------------------------------------


def _locked(payment: Payment) -> Payment:
    return Payment.objects.select_for_update().get(pk=payment.pk)


def mark_refunded(*, payment: Payment, actor: Any, reason: str) -> Payment:
    """Record that a paid payment was refunded (through the gateway's merchant portal or in cash).

    motcua does not call a refund API; the officer refunds, then records it here with a reason.
    """
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise PaymentError(_("Give the reason for the refund."))
    with transaction.atomic():
        locked = _locked(payment)
        if locked.status != Status.PAID:
            raise PaymentStateError(
                _("Only a paid payment can be refunded; %(reference)s is %(status)s.")
                % {"reference": locked.reference, "status": locked.get_status_display().lower()}
            )
        label = _actor_label(actor)
        _event(locked, Kind.REFUND, params={"reason": reason, "amount": locked.amount}, actor_label=label)
        locked.refunded_at = timezone.now()
        _set_status(
            locked,
            Status.REFUNDED,
            source="refund",
            fields=("refunded_at",),
            params={"reason": reason},
            actor_label=label,
        )
        audit.record(
            action="payments.refund",
            obj=locked,
            changes={"status": [Status.PAID, Status.REFUNDED], "amount": locked.amount, "reason": reason},
            actor=actor,
        )
    return locked


def cancel(*, payment: Payment, actor: Any = None, reason: str = "") -> Payment:
    """Give up a payment that is not paid (the applicant pays at the desk instead, withdraws…).

    Cancelling a cancelled payment changes nothing. A gateway success that still arrives later
    marks it paid: money taken is never ignored.
    """
    reason = " ".join(str(reason or "").split())
    with transaction.atomic():
        locked = _locked(payment)
        if locked.status == Status.CANCELLED:
            return locked
        if locked.status not in (Status.PENDING, Status.FAILED):
            raise PaymentStateError(
                _("A payment that is %(status)s cannot be cancelled; refund it instead.")
                % {"status": locked.get_status_display().lower()}
            )
        old_status = locked.status
        _set_status(
            locked,
            Status.CANCELLED,
            source="cancel",
            params={"reason": reason},
            actor_label=_actor_label(actor),
        )
        if actor is not None:
            audit.record(
                action="payments.cancel",
                obj=locked,
                changes={"status": [old_status, Status.CANCELLED], "reason": reason},
                actor=actor,
            )
    return locked


def record_desk_payment(*, payment: Payment, actor: Any, receipt_no: str = "") -> Payment:
    """An officer took the fee at the desk: the payment is paid, channel "desk".

    Allowed from pending, failed or cancelled; a paid payment raises :class:`PaymentStateError`.
    """
    receipt_no = str(receipt_no or "").strip()[:64]
    with transaction.atomic():
        locked = _locked(payment)
        if locked.status not in (Status.PENDING, Status.FAILED, Status.CANCELLED):
            raise PaymentStateError(
                _("This payment (%(reference)s) is already %(status)s.")
                % {"reference": locked.reference, "status": locked.get_status_display().lower()}
            )
        old_status = locked.status
        locked.channel = Payment.Channel.DESK
        locked.paid_at = timezone.now()
        _set_status(
            locked,
            Status.PAID,
            source="desk",
            fields=("channel", "paid_at"),
            params={"receipt_no": receipt_no},
            actor_label=_actor_label(actor),
        )
        audit.record(
            action="payments.desk_payment",
            obj=locked,
            changes={"status": [old_status, Status.PAID], "receipt_no": receipt_no},
            actor=actor,
        )
    return locked
