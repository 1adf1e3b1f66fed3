"""Delivery: the ``deliver_notification`` task, retries with backoff, and the stale-task sweeper.

Runs in ``motcua worker`` (django-tasks database backend), never in a web request. A delivery
is three short steps, so no database lock is held while a mail server or SMS gateway is
being talked to (on SQLite a held write lock would stall every other writer):

1. **claim** — in one transaction, lock the row (``SELECT … FOR UPDATE`` on PostgreSQL; on
   SQLite the ``BEGIN IMMEDIATE`` transaction serialises writers), check it is still
   ``queued`` and due, count the attempt and mark it ``sending``. A second copy of the task
   finds the row ``sending`` or ``sent`` and does nothing: delivery is idempotent.
2. **send** — through the channel adapter, outside any transaction.
3. **record** — in one transaction, append a :class:`DeliveryAttempt` and move the row to
   ``sent``, ``failed`` (permanent error), ``gave_up`` (no attempts left) or back to
   ``queued`` with a new task enqueued in the same transaction for ``next_attempt_at``.

A worker that dies between 1 and 3 leaves the row ``sending``; :func:`requeue_stale` puts it
back in the queue after ``MOTCUA_NOTIFY_STALE_AFTER`` seconds (at-least-once delivery; the
gateway receives the same ``Idempotency-Key`` again and may drop the duplicate).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
import traceback

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend

from motcua.notifications import conf
from motcua.notifications.models import DeliveryAttempt, Notification
from motcua.notifications.ports import DeliveryError, OutgoingMessage, get_channel
from motcua.notifications.text import safe_error

logger = logging.getLogger("motcua.notifications")

# Templates whose text is a secret (one-time codes): the body is wiped once delivery has ended.
SENSITIVE_TEMPLATES = {"one_time_code"}
REDACTED = "[redacted]"
# A task may start this much before ``next_attempt_at`` (clock skew between machines).
EARLY_TOLERANCE = dt.timedelta(seconds=5)


def backoff_delay(
    attempt: int, *, retry_after: float | None = None, rng: random.Random | None = None
) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1, 2, …).

    ``base × 2^(attempt−1)`` capped at ``cap`` (30 s, 60 s, 2 min, … 1 h by default), then
    jittered down by up to 20 % so that notifications failing together do not retry together.
    A provider's ``Retry-After`` is respected, still within the cap.
    """
    base, cap = conf.backoff_base(), conf.backoff_cap()
    delay = min(cap, base * 2 ** max(attempt - 1, 0))
    delay *= (rng or random).uniform(0.8, 1.0)
    if retry_after:
        delay = max(delay, min(retry_after, cap))
    return delay


def _backend():
    """The backend instance the delivery task runs on (not the lazy proxy: isinstance must work)."""
    return deliver_notification.get_backend()


def enqueue_delivery(notification: Notification, *, run_after: dt.datetime | None = None) -> None:
    """Queue the task that delivers ``notification`` as part of the current transaction.

    With the database backend the task row commits or rolls back with the caller's data (the
    outbox). A backend that runs tasks as soon as they are enqueued (``ImmediateBackend``,
    only for development) is called after commit instead, so nothing is sent for a change
    that is rolled back. A backend that cannot defer leaves a retry to :func:`requeue_stale`.
    """
    backend = _backend()
    if run_after is not None and not backend.supports_defer:
        return
    if isinstance(backend, ImmediateBackend):
        transaction.on_commit(lambda: deliver_notification.enqueue(notification.pk), robust=True)
        return
    task_ = deliver_notification.using(run_after=run_after) if run_after else deliver_notification
    result = task_.enqueue(notification.pk)
    notification.task_id = str(result.id)
    Notification.objects.filter(pk=notification.pk).update(task_id=notification.task_id)


@task()
def deliver_notification(notification_id: int) -> str:
    """Deliver one notification (see the module docstring). Returns what happened, for the task log."""
    return deliver(notification_id)


def _claim(notification_id: int, now: dt.datetime) -> Notification | str:
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None:
            return "missing"
        if notification.status != Notification.Status.QUEUED:
            return f"skipped:{notification.status}"
        if notification.next_attempt_at and notification.next_attempt_at > now + EARLY_TOLERANCE:
            # An older copy of the task: a newer one is scheduled for next_attempt_at.
            return "skipped:not_due"
        notification.status = Notification.Status.SENDING
        notification.claimed_at = now
        notification.attempts += 1
        notification.save(update_fields=["status", "claimed_at", "attempts"])
        return notification


def deliver(notification_id: int) -> str:
    claimed = _claim(notification_id, timezone.now())
    if isinstance(claimed, str):
        return claimed
    notification = claimed
    message = OutgoingMessage(
        channel=notification.channel,
        recipient=notification.recipient,
        subject=notification.subject,
        body=notification.body,
        reference=notification.reference,
    )
    provider, error, started = notification.channel, None, time.monotonic()
    result = None
    try:
        channel = get_channel(notification.channel)
        provider = channel.provider
        result = channel.send(message)
    except DeliveryError as exc:
        error = exc
    except Exception as exc:  # an adapter bug must not lose the notification
        error = DeliveryError(safe_error(f"{type(exc).__name__}: {exc}"))
        # The stack without the exception's own text, which may quote the recipient.
        logger.error(
            "notification %s: unexpected error in channel %s: %s\n%s",
            notification.pk,
            provider,
            error,
            "".join(traceback.format_tb(exc.__traceback__)),
        )
    duration_ms = int((time.monotonic() - started) * 1000)
    return _record(notification.pk, result=result, error=error, provider=provider, duration_ms=duration_ms)


def _record(notification_id, *, result, error: DeliveryError | None, provider: str, duration_ms: int) -> str:
    now = timezone.now()
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification_id)
        changed = ["status", "claimed_at", "last_error", "next_attempt_at"]
        notification.claimed_at = None
        if error is None:
            outcome = DeliveryAttempt.Outcome.SENT
            notification.status = Notification.Status.SENT
            notification.sent_at = now
            notification.last_error = ""
            notification.next_attempt_at = None
            notification.provider_message_id = (result.provider_message_id or "")[:100]
            changed += ["sent_at", "provider_message_id"]
        else:
            notification.last_error = safe_error(str(error))
            if error.permanent:
                outcome = DeliveryAttempt.Outcome.FAILED
                notification.status = Notification.Status.FAILED
                notification.next_attempt_at = None
            elif notification.attempts >= notification.max_attempts:
                outcome = DeliveryAttempt.Outcome.GAVE_UP
                notification.status = Notification.Status.GAVE_UP
                notification.next_attempt_at = None
            else:
                outcome = DeliveryAttempt.Outcome.RETRY
                notification.status = Notification.Status.QUEUED
                delay = backoff_delay(notification.attempts, retry_after=error.retry_after)
                notification.next_attempt_at = now + dt.timedelta(seconds=delay)
        if (
            notification.status in Notification.FINAL_STATUSES
            and notification.template in SENSITIVE_TEMPLATES
        ):
            notification.body = REDACTED
            changed.append("body")
        notification.save(update_fields=changed)
        DeliveryAttempt.objects.create(
            notification=notification,
            number=notification.attempts,
            at=now,
            outcome=outcome,
            provider=provider[:50],
            error=notification.last_error if error else "",
            duration_ms=duration_ms,
        )
        if outcome == DeliveryAttempt.Outcome.RETRY:
            enqueue_delivery(notification, run_after=notification.next_attempt_at)
    log = logger.info if outcome == DeliveryAttempt.Outcome.SENT else logger.warning
    log(
        "notification %s (%s → %s) attempt %s/%s: %s%s",
        notification.pk,
        notification.channel,
        notification.masked_recipient,
        notification.attempts,
        notification.max_attempts,
        outcome,
        f" ({notification.last_error})" if error else "",
    )
    return str(outcome)


def _live_task_ids(task_ids: list[str]) -> set[str]:
    """Of ``task_ids``, those still waiting in the queue (database backend only)."""
    if not task_ids:
        return set()
    try:
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover — the database backend is a dependency
        return set()
    if not isinstance(_backend(), DatabaseBackend):
        return set()
    ready = DBTaskResult.objects.filter(id__in=task_ids, status="READY").values_list("id", flat=True)
    return {str(task_id) for task_id in ready}


def requeue_stale(*, stale_after: float | None = None, limit: int = 1000) -> int:
    """Put back in the queue the notifications whose delivery task was lost. Returns how many.

    * ``sending`` for longer than ``stale_after`` seconds: the worker died mid-delivery. The
      attempt is logged as interrupted; the row is queued again (or given up when it has no
      attempts left).
    * ``queued`` and due for longer than ``stale_after`` seconds with no task waiting for it
      (the task row was pruned, failed, or its worker crashed): a new task is enqueued.

    Safe to run at any time and from several machines: each row is re-checked under lock and
    delivery is idempotent. Run it every few minutes (``motcua notifications_sweep``).
    """
    now = timezone.now()
    cutoff = now - dt.timedelta(seconds=conf.stale_after() if stale_after is None else stale_after)
    count = 0

    stuck = list(
        Notification.objects.filter(status=Notification.Status.SENDING, claimed_at__lt=cutoff)
        .order_by("claimed_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in stuck:
        count += _requeue_interrupted(pk, cutoff)

    due = list(
        Notification.objects.filter(status=Notification.Status.QUEUED)
        .filter(Q(next_attempt_at__lt=cutoff) | Q(next_attempt_at__isnull=True, created_at__lt=cutoff))
        .order_by("next_attempt_at")
        .values_list("pk", "task_id")[:limit]
    )
    live = _live_task_ids([task_id for _, task_id in due if task_id])
    for pk, task_id in due:
        if task_id and task_id in live:
            continue
        with transaction.atomic():
            notification = Notification.objects.select_for_update().filter(pk=pk).first()
            if notification is None or notification.status != Notification.Status.QUEUED:
                continue
            notification.next_attempt_at = timezone.now()
            notification.save(update_fields=["next_attempt_at"])
            enqueue_delivery(notification)
            count += 1
    if count:
        logger.warning("requeued %s notification(s) whose delivery task was lost", count)
    return count


def _requeue_interrupted(pk: int, cutoff: dt.datetime) -> int:
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=pk).first()
        if notification is None or notification.status != Notification.Status.SENDING:
            return 0
        if notification.claimed_at and notification.claimed_at >= cutoff:
            return 0
        now = timezone.now()
        error = "interrupted: the worker stopped during delivery"
        gave_up = notification.attempts >= notification.max_attempts
        notification.status = Notification.Status.GAVE_UP if gave_up else Notification.Status.QUEUED
        notification.claimed_at = None
        notification.last_error = error
        notification.next_attempt_at = None if gave_up else now
        changed = ["status", "claimed_at", "last_error", "next_attempt_at"]
        if gave_up and notification.template in SENSITIVE_TEMPLATES:
            notification.body = REDACTED
            changed.append("body")
        notification.save(update_fields=changed)
        DeliveryAttempt.objects.create(
            notification=notification,
            number=notification.attempts,
            at=now,
            outcome=DeliveryAttempt.Outcome.GAVE_UP if gave_up else DeliveryAttempt.Outcome.RETRY,
            error=error,
        )
        if not gave_up:
            enqueue_delivery(notification)
        return 0 if gave_up else 1
