"""Reads of payments. Writes are in :mod:`motcua.payments.services`."""

from __future__ import annotations

from django.db.models import QuerySet

from motcua.payments.models import Payment, PaymentEvent


def payment_for(purpose_type: str, purpose_id: str | int) -> Payment | None:
    """The latest payment for one purpose (e.g. ``("dossiers.dossier", "123")``), or ``None``."""
    return payments_for(purpose_type, purpose_id).first()


def payments_for(purpose_type: str, purpose_id: str | int) -> QuerySet[Payment]:
    """All payments for one purpose, newest first (attempts after a failure are separate rows)."""
    return Payment.objects.filter(purpose_type=purpose_type, purpose_id=str(purpose_id)).order_by(
        "-created_at", "-id"
    )


def paid_payment_for(purpose_type: str, purpose_id: str | int) -> Payment | None:
    """The payment that paid for this purpose, if any."""
    return payments_for(purpose_type, purpose_id).filter(status=Payment.Status.PAID).first()


def payment_by_reference(reference: str) -> Payment | None:
    return Payment.objects.filter(reference=reference).first()


def events_of(payment: Payment) -> QuerySet[PaymentEvent]:
    return PaymentEvent.objects.filter(payment=payment).order_by("at", "id")
