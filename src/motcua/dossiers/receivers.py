"""Reactions to other apps' events: a payment for a dossier was paid, failed or refunded."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import receiver

from motcua.dossiers.models import Dossier, PaymentState
from motcua.payments.signals import payment_status_changed

PURPOSE = "dossiers.dossier"


@receiver(payment_status_changed, dispatch_uid="dossiers-payment-status")
def on_payment_status_changed(sender, payment, old_status, new_status, **kwargs) -> None:
    if payment.purpose_type != PURPOSE:
        return
    state = {"paid": PaymentState.PAID, "refunded": PaymentState.REFUNDED}.get(new_status)
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().filter(pk=payment.purpose_id).first()
        if dossier is None:
            return
        if state is None:  # failed or cancelled: the applicant may try again or pay at the desk
            if dossier.payment_state == PaymentState.PENDING:
                dossier.payment_state = PaymentState.UNPAID
                dossier.save(update_fields=["payment_state", "updated_at"])
            return
        dossier.payment_state = state
        dossier.paid_online = state == PaymentState.PAID
        dossier.save(update_fields=["payment_state", "paid_online", "updated_at"])
