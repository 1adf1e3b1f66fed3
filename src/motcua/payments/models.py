"""Payments (thanh toán trực tuyến) and their append-only event log.

A :class:`Payment` is one order sent to a payment gateway: a whole number of đồng for one
purpose (``purpose_type`` + ``purpose_id``, e.g. ``"dossiers.dossier"`` + ``"123"``). The app
knows nothing about dossiers; other apps learn about outcomes through
:data:`motcua.payments.signals.payment_status_changed`. Only :mod:`motcua.payments.services`
changes a payment's status.
"""

from __future__ import annotations

import re
import secrets
import unicodedata

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.calendar import OFFICE_TZ
from motcua.core.models import AppendOnlyModel
from motcua.core.templatetags.motcua import format_vnd

#: VNPay's vnp_Amount is Numeric[1,12] in hundredths of a đồng.
MAX_AMOUNT = 9_999_999_999

_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone
_ORDER_INFO_KEEP = re.compile(r"[^A-Za-z0-9 .,:\-_/]+")
_SPACES = re.compile(r"\s+")


def new_reference(now=None) -> str:
    """``MC`` + the date in Viet Nam + 8 random characters, e.g. ``MC20260213K7QX4M2A``.

    Letters and digits only, as VNPay's vnp_TxnRef wants, unique per day with overwhelming
    probability (32⁸ ≈ 10¹² per day); the unique constraint catches the rest.
    """
    day = (now or timezone.now()).astimezone(OFFICE_TZ)
    tail = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"MC{day:%Y%m%d}{tail}"


def fold_order_info(text: str, *, limit: int = 255) -> str:
    """Vietnamese text as a gateway accepts it: no diacritics, ``đ``→``d``, case kept.

    Letters, digits, spaces and ``. , : - _ /`` stay (dossier codes remain readable); other
    signs become spaces. ``"Lệ phí hộ tịch – hồ sơ #12"`` → ``"Le phi ho tich ho so 12"``.
    """
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    ascii_only = _ORDER_INFO_KEEP.sub(" ", stripped)
    return _SPACES.sub(" ", ascii_only).strip()[:limit].strip()


class Payment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for payment")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Payment failed")
        REFUNDED = "refunded", _("Refunded")
        CANCELLED = "cancelled", _("Cancelled")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online, through the payment gateway")
        DESK = "desk", _("At the desk")

    reference = models.CharField(
        _("order reference"),
        max_length=32,
        unique=True,
        editable=False,
        help_text=_("Sent to the gateway as the order number (vnp_TxnRef)."),
    )
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    description = models.CharField(_("description"), max_length=255)
    order_info = models.CharField(
        _("description for the gateway"),
        max_length=255,
        help_text=_("The description without diacritics, as the gateway requires."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    gateway = models.CharField(_("gateway"), max_length=32)
    channel = models.CharField(
        _("payment channel"), max_length=8, choices=Channel.choices, default=Channel.ONLINE
    )
    purpose_type = models.CharField(_("purpose type"), max_length=100)
    purpose_id = models.CharField(_("purpose id"), max_length=64)
    idempotency_key = models.CharField(_("idempotency key"), max_length=255, unique=True, editable=False)
    next_url = models.CharField(_("page after payment"), max_length=500, blank=True)
    retry_of = models.ForeignKey(
        "self",
        verbose_name=_("new attempt of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="retries",
    )
    gateway_transaction_no = models.CharField(_("gateway transaction number"), max_length=64, blank=True)
    bank_code = models.CharField(_("bank"), max_length=32, blank=True)
    response_code = models.CharField(_("gateway response code"), max_length=8, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["purpose_type", "purpose_id", "created_at"], name="payments_purpose_idx"),
            models.Index(fields=["status", "created_at"], name="payments_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0) & models.Q(amount__lte=MAX_AMOUNT),
                name="payments_amount_positive_whole_vnd",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {format_vnd(self.amount)} · {self.get_status_display()}"

    @property
    def is_settled(self) -> bool:
        """Paid or refunded: a gateway callback can no longer change it."""
        return self.status in (self.Status.PAID, self.Status.REFUNDED)

    @property
    def paid_online(self) -> bool:
        return self.status == self.Status.PAID and self.channel == self.Channel.ONLINE


class PaymentEvent(AppendOnlyModel):
    """One thing that happened to a payment. Never updated, never deleted."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Payment created")
        REDIRECTED = "redirected", _("Sent to the gateway")
        RETURN = "return", _("Citizen came back from the gateway")
        IPN = "ipn", _("Gateway notification (IPN)")
        STATUS_CHANGED = "status_changed", _("Status changed")
        REFUND = "refund", _("Refund recorded")

    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("event kind"), max_length=16, choices=Kind.choices)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    outcome = models.CharField(_("outcome"), max_length=64, blank=True)
    old_status = models.CharField(_("old status"), max_length=10, blank=True)
    new_status = models.CharField(_("new status"), max_length=10, blank=True)
    actor_label = models.CharField(_("done by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["payment", "at"], name="payments_event_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {self.outcome}".strip()
