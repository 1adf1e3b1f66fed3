"""Notifications (the outbox rows) and their append-only delivery log.

A :class:`Notification` is created together with the task that delivers it, in the transaction
that changed the data (:func:`motcua.notifications.services.notify`); the worker moves it
``queued → sending → sent`` or back to ``queued`` for a retry, and finally to ``failed``
(permanent error) or ``gave_up`` (attempts exhausted). Each attempt appends a
:class:`DeliveryAttempt`.

Phone numbers and e-mail addresses are personal data: they are stored (the worker needs
them) but masked wherever they are listed or logged (:mod:`motcua.notifications.text`).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.models import AppendOnlyModel
from motcua.notifications.text import mask_recipient


class Notification(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        GAVE_UP = "gave_up", _("gave up")

    FINAL_STATUSES = (Status.SENT, Status.FAILED, Status.GAVE_UP)

    channel = models.CharField(_("delivery channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("message"), blank=True)
    template = models.CharField(_("template"), max_length=100)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("maximum attempts"), default=5)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=255, blank=True)
    provider_message_id = models.CharField(_("provider message id"), max_length=100, blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    related_type = models.CharField(_("related object type"), max_length=100, blank=True)
    related_id = models.CharField(_("related object id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notif_status_next_idx"),
            # Serves filter(related_type=…, related_id=…) and the admin's exact search by id.
            models.Index(fields=["related_id", "related_type"], name="notif_related_idx"),
            # A citizen calls support: "did you text me?" — the admin's exact search by number.
            models.Index(fields=["recipient"], name="notif_recipient_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.channel} → {self.masked_recipient} ({self.template})"

    @property
    def masked_recipient(self) -> str:
        return mask_recipient(self.channel, self.recipient)

    @property
    def reference(self) -> str:
        return f"motcua-{self.pk}"


class DeliveryAttempt(AppendOnlyModel):
    """One try at delivering one notification. Never updated, never deleted on its own."""

    class Outcome(models.TextChoices):
        SENT = "sent", _("sent")
        RETRY = "retry", _("temporary failure, will retry")
        FAILED = "failed", _("permanent failure")
        GAVE_UP = "gave_up", _("temporary failure, no attempts left")

    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        on_delete=models.CASCADE,
        related_name="delivery_attempts",
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    at = models.DateTimeField(_("time"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    provider = models.CharField(_("provider"), max_length=50, blank=True)
    error = models.CharField(_("error"), max_length=255, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["notification_id", "number", "id"]

    def __str__(self) -> str:
        return f"#{self.notification_id}/{self.number} {self.outcome}"
