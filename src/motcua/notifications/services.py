"""Creating notifications: render the texts, write the rows, enqueue their delivery — one transaction.

:func:`notify` never talks to a mail server or an SMS gateway: it only writes rows (the
notification and its queued task) in the caller's transaction, so they commit or roll back
together with the change being announced. ``motcua worker`` delivers them
(:mod:`motcua.notifications.tasks`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template import Context
from django.template.loader import select_template
from django.utils import timezone, translation

from motcua.core import audit
from motcua.notifications import conf
from motcua.notifications.models import Notification
from motcua.notifications.tasks import REDACTED, enqueue_delivery
from motcua.notifications.text import normalise_email, normalise_phone, sms_text

logger = logging.getLogger("motcua.notifications")

# The keys each generic template needs (values may be empty strings). Templates added later
# may declare theirs here; templates not listed are rendered without a check.
TEMPLATE_CONTEXT: dict[str, frozenset[str]] = {
    "dossier_submitted": frozenset({"code", "procedure_name", "due_date", "tracking_url", "pin"}),
    "dossier_status_changed": frozenset({"code", "status_label", "tracking_url"}),  # + optional "message"
    "one_time_code": frozenset({"code", "minutes"}),
}

_NORMALISE = {Notification.Channel.EMAIL: normalise_email, Notification.Channel.SMS: normalise_phone}
_INVALID = {
    Notification.Channel.EMAIL: "invalid e-mail address",
    Notification.Channel.SMS: "invalid phone number",
}


def _render(template: str, part: str, context: Mapping[str, Any], language: str) -> str:
    """``notifications/<language>/<template>.<part>.txt`` if it exists, else ``notifications/<template>.<part>.txt``.

    Plain text: rendered without HTML escaping and without context processors (no request).
    ``site_name`` and ``hotline`` (from settings) are always available; the caller's context wins.
    """
    names = [f"notifications/{language}/{template}.{part}.txt", f"notifications/{template}.{part}.txt"]
    compiled = select_template(names)
    values = {"site_name": settings.MOTCUA_SITE_NAME, "hotline": settings.MOTCUA_HOTLINE, **context}
    with translation.override(language):
        return compiled.template.render(Context(values, autoescape=False))


_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n{3,}")


def _tidy_email(text: str) -> str:
    """No trailing spaces, at most one blank line in a row (template tags leave extra ones)."""
    return _BLANK_LINES.sub("\n\n", _TRAILING_SPACE.sub("", text)).strip() + "\n"


def render_message(
    *, template: str, channel: str, context: Mapping[str, Any], language: str = "vi"
) -> tuple[str, str]:
    """``(subject, body)`` of ``template`` for ``channel`` (SMS has no subject)."""
    missing = TEMPLATE_CONTEXT.get(template, frozenset()) - set(context)
    if missing:
        raise ValueError(f"template {template!r} needs context keys {sorted(missing)}")
    if channel == Notification.Channel.EMAIL:
        subject = " ".join(_render(template, "subject", context, language).split())[:255]
        body = _tidy_email(_render(template, "email", context, language))
        return subject, body
    if channel == Notification.Channel.SMS:
        text = _render(template, "sms", context, language)
        return "", sms_text(text, ascii_only=conf.sms_ascii(), limit=conf.sms_max_length())
    raise ValueError(f"unknown channel {channel!r}")


def notify(
    *,
    channels: Iterable[str],
    email: str = "",
    phone: str = "",
    template: str,
    context: dict,
    related_type: str = "",
    related_id: str = "",
    language: str = "vi",
) -> list[Notification]:
    """Queue ``template`` to the applicant over ``channels`` (``"email"``, ``"sms"``).

    Runs inside the caller's transaction (or its own when there is none): the rows and their
    delivery tasks are committed or rolled back with the caller's change. A channel without a
    recipient is skipped; an unusable recipient gives a ``failed`` row (visible in the admin)
    and no task. Returns the notifications created. Raises ``ValueError`` for an unknown
    channel or a context missing a key the template needs, ``TemplateDoesNotExist`` for an
    unknown template.
    """
    wanted = list(dict.fromkeys(channels))
    unknown = [channel for channel in wanted if channel not in Notification.Channel.values]
    if unknown:
        raise ValueError(f"unknown notification channel(s) {unknown}; use {Notification.Channel.values}")
    addresses = {Notification.Channel.EMAIL: email, Notification.Channel.SMS: phone}

    planned = []
    for channel in wanted:
        raw = (addresses[channel] or "").strip()
        if not raw:
            continue
        subject, body = render_message(template=template, channel=channel, context=context, language=language)
        planned.append((channel, raw, _NORMALISE[channel](raw), subject, body))

    created: list[Notification] = []
    now = timezone.now()
    with transaction.atomic():
        for channel, raw, recipient, subject, body in planned:
            notification = Notification(
                channel=channel,
                recipient=recipient or raw[:254],
                subject=subject,
                body=body,
                template=template[:100],
                max_attempts=conf.max_attempts(),
                related_type=related_type[:100],
                related_id=str(related_id)[:64],
                created_at=now,
            )
            if recipient:
                notification.status = Notification.Status.QUEUED
                notification.next_attempt_at = now
                notification.save()
                enqueue_delivery(notification)
            else:
                notification.status = Notification.Status.FAILED
                notification.last_error = _INVALID[channel]
                notification.save()
                logger.warning(
                    "notification %s not queued: %s (%s)",
                    notification.pk,
                    notification.last_error,
                    notification.masked_recipient,
                )
            created.append(notification)
    return created


def retry_now(*, notification_ids: Iterable[int], actor: Any = None) -> tuple[int, int]:
    """Queue the given notifications for delivery now (the admin's "retry now").

    Failed and given-up notifications get a fresh budget of ``MOTCUA_NOTIFY_MAX_ATTEMPTS``
    attempts; queued ones are brought forward. Sent and in-flight ones are left alone, as are
    those whose text was redacted after delivery ended (one-time codes) and those whose recipient
    is not a usable address. Each retry is
    audited. Returns ``(queued, skipped)``.
    """
    retryable = {Notification.Status.QUEUED, Notification.Status.FAILED, Notification.Status.GAVE_UP}
    queued = skipped = 0
    for pk in notification_ids:
        with transaction.atomic():
            notification = Notification.objects.select_for_update().filter(pk=pk).first()
            if notification is None:
                continue
            usable = _NORMALISE[notification.channel](notification.recipient)
            if notification.status not in retryable or notification.body == REDACTED or not usable:
                skipped += 1
                continue
            previous = notification.status
            notification.status = Notification.Status.QUEUED
            if notification.attempts >= notification.max_attempts:
                notification.max_attempts = min(notification.attempts + conf.max_attempts(), 32767)
            notification.next_attempt_at = timezone.now()
            notification.save(update_fields=["status", "max_attempts", "next_attempt_at"])
            enqueue_delivery(notification)
            audit.record(
                action="notifications.retry",
                obj=notification,
                changes={"status": [previous, Notification.Status.QUEUED]},
                actor=actor,
            )
            queued += 1
    return queued, skipped
