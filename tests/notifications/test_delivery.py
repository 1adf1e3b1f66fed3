"""The worker side: channels, retries with backoff, give-up, idempotency, the sweeper, the worker."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from motcua.core.models import AuditRecord
from motcua.notifications import tasks
from motcua.notifications.models import DeliveryAttempt, Notification
from motcua.notifications.services import notify, retry_now
from motcua.notifications.tasks import deliver, deliver_notification, requeue_stale

from .conftest import DOSSIER_CONTEXT, PHONE, TOKEN, Reply

pytestmark = pytest.mark.django_db


def _email(**context):
    (notification,) = notify(
        channels=["email"],
        email="nguyen.van.a@example.vn",
        template="dossier_submitted",
        context={**DOSSIER_CONTEXT, **context},
    )
    return notification


def _sms(template="dossier_submitted", context=None):
    (notification,) = notify(
        channels=["sms"],
        phone=PHONE,
        template=template,
        context=context or DOSSIER_CONTEXT,
        related_type="dossiers.dossier",
        related_id="7",
    )
    return notification


def _make_due(notification):
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())


def _pending_tasks(notification):
    return DBTaskResult.objects.filter(status="READY", args_kwargs__args=[notification.pk])


# --- e-mail ---------------------------------------------------------------------------------


def test_delivering_an_email_sends_it_and_logs_the_attempt():
    notification = _email()
    assert deliver(notification.pk) == "sent"

    (message,) = mail.outbox
    assert message.to == ["nguyen.van.a@example.vn"]
    assert message.subject == "Hồ sơ 000.00.30.H53-260115-0001 đã được nộp thành công"
    assert "Mã tra cứu (PIN): 483920" in message.body
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.sent_at is not None
    assert notification.attempts == 1
    assert notification.provider_message_id == message.extra_headers["Message-ID"].strip("<>")
    (attempt,) = notification.delivery_attempts.all()
    assert (attempt.number, attempt.outcome, attempt.provider, attempt.error) == (1, "sent", "email", "")


def test_running_the_task_twice_sends_once():
    notification = _email()
    assert deliver_notification.call(notification.pk) == "sent"
    assert deliver_notification.call(notification.pk) == "skipped:sent"
    assert len(mail.outbox) == 1
    assert DeliveryAttempt.objects.count() == 1


def test_a_notification_being_sent_by_another_worker_is_left_alone():
    notification = _email()
    Notification.objects.filter(pk=notification.pk).update(status=Notification.Status.SENDING)
    assert deliver(notification.pk) == "skipped:sending"
    assert mail.outbox == []


def test_an_older_copy_of_the_task_does_not_jump_the_backoff():
    notification = _email()
    later = timezone.now() + dt.timedelta(minutes=5)
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=later)
    assert deliver(notification.pk) == "skipped:not_due"
    assert mail.outbox == []


def test_a_deleted_notification_is_not_an_error():
    assert deliver(999_999) == "missing"


class _RefusingBackend:
    """An e-mail backend whose server answers with ``error``."""

    error: Exception

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise type(self).error


class PermanentRefusal(_RefusingBackend):
    error = smtplib.SMTPRecipientsRefused({"nguyen.van.a@example.vn": (550, b"no such user")})


class GreyListed(_RefusingBackend):
    error = smtplib.SMTPRecipientsRefused({"nguyen.van.a@example.vn": (451, b"try later")})


class Unreachable(_RefusingBackend):
    error = ConnectionRefusedError(111, "Connection refused")


@pytest.mark.parametrize(
    ("backend", "outcome", "status"),
    [
        ("PermanentRefusal", "failed", "failed"),
        ("GreyListed", "retry", "queued"),
        ("Unreachable", "retry", "queued"),
    ],
)
def test_smtp_errors_are_classified(settings, backend, outcome, status):
    settings.EMAIL_BACKEND = f"{__name__}.{backend}"
    notification = _email()
    assert deliver(notification.pk) == outcome
    notification.refresh_from_db()
    assert notification.status == status
    assert "nguyen.van.a@example.vn" not in notification.last_error


# --- SMS: console ---------------------------------------------------------------------------


def test_console_sms_logs_the_text_with_a_masked_number(caplog):
    notification = _sms()
    with caplog.at_level(logging.INFO):
        assert deliver(notification.pk) == "sent"
    sms_lines = [r.getMessage() for r in caplog.records if r.name == "motcua.sms"]
    assert len(sms_lines) == 1
    assert "0912***678" in sms_lines[0]
    assert "Ho so 000.00.30.H53-260115-0001 da nop thanh cong" in sms_lines[0]
    assert PHONE not in caplog.text
    notification.refresh_from_db()
    assert notification.provider_message_id.startswith("console-")
    assert notification.delivery_attempts.get().provider == "sms:console"


# --- SMS: the HTTP gateway against a real local server ---------------------------------------


def test_http_gateway_2xx_sends(gateway):
    gateway.reply(Reply(202, '{"message_id": "VN-778899"}'))
    notification = _sms()
    assert deliver(notification.pk) == "sent"

    (request,) = gateway.received
    assert request.path == "/v1/sms"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["idempotency-key"] == f"motcua-{notification.pk}"
    assert request.payload == {"to": PHONE, "text": notification.body, "sender": "TAYNINH"}
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.provider_message_id == "VN-778899"
    assert notification.delivery_attempts.get().provider == "sms:http"


def test_http_gateway_500_schedules_a_retry_with_backoff(gateway):
    gateway.reply(Reply(503, f'{{"error": "overloaded, to={PHONE}, token={TOKEN}"}}'))
    notification = _sms()
    before = timezone.now()
    assert deliver(notification.pk) == "retry"
    after = timezone.now()

    notification.refresh_from_db()
    assert notification.status == Notification.Status.QUEUED
    assert notification.attempts == 1
    # First retry: 30 s, jittered down by at most 20 %.
    assert (
        before + dt.timedelta(seconds=24) <= notification.next_attempt_at <= after + dt.timedelta(seconds=30)
    )
    (retry_task,) = _pending_tasks(notification).exclude(
        id=DBTaskResult.objects.order_by("enqueued_at")[0].id
    )
    assert retry_task.run_after == notification.next_attempt_at
    assert str(retry_task.id) == notification.task_id
    assert "HTTP 503" in notification.last_error
    for secret in (TOKEN, PHONE):
        assert secret not in notification.last_error
        assert secret not in notification.delivery_attempts.get().error
    assert notification.delivery_attempts.get().outcome == "retry"


def test_http_gateway_400_fails_without_retry(gateway):
    gateway.reply(Reply(400, '{"error": "invalid sender"}'))
    notification = _sms()
    assert deliver(notification.pk) == "failed"
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.next_attempt_at is None
    assert "HTTP 400" in notification.last_error
    assert _pending_tasks(notification).count() == 1  # only the original, already-run task


def test_http_gateway_timeout_retries(gateway):
    gateway.reply(Reply(200, delay=2.0))
    notification = _sms()
    assert deliver(notification.pk) == "retry"
    notification.refresh_from_db()
    assert notification.status == Notification.Status.QUEUED
    assert notification.last_error == "SMS gateway timed out"
    assert notification.delivery_attempts.get().duration_ms >= 400


def test_http_gateway_unreachable_retries(monkeypatch, gateway):
    monkeypatch.setenv("MOTCUA_SMS_URL", "http://127.0.0.1:9/nothing-listens-here")
    notification = _sms()
    assert deliver(notification.pk) == "retry"


def test_http_gateway_429_respects_retry_after(gateway):
    gateway.reply(Reply(429, "{}", headers={"Retry-After": "600"}))
    notification = _sms()
    start = timezone.now()
    assert deliver(notification.pk) == "retry"
    notification.refresh_from_db()
    assert notification.next_attempt_at >= start + dt.timedelta(seconds=600)


def test_gives_up_after_max_attempts_with_growing_waits(monkeypatch, gateway):
    monkeypatch.setenv("MOTCUA_NOTIFY_MAX_ATTEMPTS", "4")
    gateway.reply(Reply(500, "{}"))
    notification = _sms()
    assert notification.max_attempts == 4
    waits = []
    for expected in ("retry", "retry", "retry", "gave_up"):
        _make_due(notification)
        started = timezone.now()
        assert deliver(notification.pk) == expected
        notification.refresh_from_db()
        if notification.next_attempt_at:
            waits.append((notification.next_attempt_at - started).total_seconds())
    assert notification.status == Notification.Status.GAVE_UP
    assert notification.attempts == 4
    assert notification.next_attempt_at is None
    assert [a.outcome for a in notification.delivery_attempts.all()] == ["retry", "retry", "retry", "gave_up"]
    assert [a.number for a in notification.delivery_attempts.all()] == [1, 2, 3, 4]
    assert len(gateway.received) == 4
    for wait, nominal in zip(waits, (30, 60, 120), strict=True):
        assert nominal * 0.8 - 1 <= wait <= nominal + 1
    _make_due(notification)
    assert deliver(notification.pk) == "skipped:gave_up"
    assert len(gateway.received) == 4


def test_an_adapter_bug_is_a_temporary_failure(monkeypatch, caplog):
    from motcua.notifications.channels.sms import ConsoleSms

    def broken(self, **kwargs):
        raise RuntimeError(f"bug while sending to {kwargs['to']}")

    monkeypatch.setattr(ConsoleSms, "send_sms", broken)
    notification = _sms()
    assert deliver(notification.pk) == "retry"
    notification.refresh_from_db()
    assert notification.last_error.startswith("RuntimeError: bug while sending to 0912***678")
    assert "notification" in caplog.text and "broken" in caplog.text  # the stack is logged …
    assert PHONE not in caplog.text  # … without the number


def test_one_time_codes_are_wiped_once_delivered():
    notification = _sms(template="one_time_code", context={"code": "908172", "minutes": 5})
    assert "908172" in notification.body
    deliver(notification.pk)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.body == tasks.REDACTED


# --- backoff --------------------------------------------------------------------------------


def test_backoff_doubles_is_capped_and_jittered(monkeypatch):
    import random

    rng = random.Random(7)
    for attempt, nominal in [(1, 30), (2, 60), (3, 120), (7, 1920), (8, 3600), (20, 3600)]:
        for _ in range(50):
            delay = tasks.backoff_delay(attempt, rng=rng)
            assert nominal * 0.8 <= delay <= nominal
    assert tasks.backoff_delay(1, retry_after=90) >= 90
    assert tasks.backoff_delay(1, retry_after=99_999) == 3600
    monkeypatch.setenv("MOTCUA_NOTIFY_BACKOFF_CAP", "100")
    assert tasks.backoff_delay(10) <= 100


# --- the sweeper ----------------------------------------------------------------------------


def _age(notification, seconds):
    Notification.objects.filter(pk=notification.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=seconds)
    )


def test_the_sweeper_requeues_a_notification_whose_task_was_lost():
    lost, waiting, fresh = _email(), _email(), _email()
    DBTaskResult.objects.filter(id=lost.task_id).delete()
    DBTaskResult.objects.filter(id=fresh.task_id).delete()
    _age(lost, 3600)
    _age(waiting, 3600)  # its task is still READY: the worker is just behind

    assert requeue_stale() == 1
    lost.refresh_from_db()
    assert DBTaskResult.objects.filter(id=lost.task_id, status="READY").exists()
    assert requeue_stale() == 0  # it has a task again
    assert deliver(lost.pk) == "sent"


def test_the_sweeper_recovers_a_send_interrupted_by_a_crashed_worker():
    notification = _email()
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENDING,
        attempts=1,
        claimed_at=timezone.now() - dt.timedelta(hours=1),
    )
    assert requeue_stale() == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.QUEUED
    (attempt,) = notification.delivery_attempts.all()
    assert attempt.outcome == "retry"
    assert attempt.error.startswith("interrupted")
    assert deliver(notification.pk) == "sent"
    assert notification.delivery_attempts.count() == 2


def test_an_interrupted_last_attempt_gives_up():
    notification = _email()
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENDING, attempts=5, claimed_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert requeue_stale() == 0
    notification.refresh_from_db()
    assert notification.status == Notification.Status.GAVE_UP


def test_the_sweep_command(capsys):
    notification = _email()
    DBTaskResult.objects.filter(id=notification.task_id).delete()
    _age(notification, 3600)
    call_command("notifications_sweep", "--stale-after", "60")
    assert "requeued 1 notification(s)" in capsys.readouterr().out


# --- retry now ------------------------------------------------------------------------------


def test_retry_now_gives_a_given_up_notification_a_fresh_budget(admin_user):
    notification = _email()
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.GAVE_UP, attempts=5, next_attempt_at=None
    )
    sent = _email()
    deliver(sent.pk)
    assert retry_now(notification_ids=[notification.pk, sent.pk], actor=admin_user) == (1, 1)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.QUEUED
    assert notification.max_attempts == 10
    assert AuditRecord.objects.filter(action="notifications.retry", object_id=str(notification.pk)).exists()
    assert deliver(notification.pk) == "sent"
    assert len(mail.outbox) == 2


# --- the real worker ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_committed_notifications(caplog):
    with transaction.atomic():
        email, sms = notify(
            channels=["email", "sms"],
            email="tran.thi.b@example.vn",
            phone="0987654321",
            template="dossier_status_changed",
            context={
                "code": "H53.26.001",
                "status_label": "Đã tiếp nhận",
                "tracking_url": "http://127.0.0.1:8000/tra-cuu/",
                "message": "Hẹn trả kết quả ngày 20/01/2026.",
            },
        )
    with caplog.at_level(logging.INFO, logger="motcua.sms"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)

    (message,) = mail.outbox
    assert message.subject == "Hồ sơ H53.26.001: Đã tiếp nhận"
    assert "Nội dung: Hẹn trả kết quả ngày 20/01/2026." in message.body
    assert "Ho so H53.26.001: Da tiep nhan" in caplog.text
    assert "0987***321" in caplog.text
    for notification in (email, sms):
        notification.refresh_from_db()
        assert notification.status == Notification.Status.SENT
        assert DBTaskResult.objects.get(id=notification.task_id).status == "SUCCESSFUL"
        assert DBTaskResult.objects.get(id=notification.task_id).return_value == "sent"


@pytest.mark.django_db(transaction=True)
def test_the_worker_leaves_a_scheduled_retry_for_later(gateway):
    gateway.reply(Reply(500, "{}"))
    notification = _sms()
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.QUEUED
    assert len(gateway.received) == 1
    retry = DBTaskResult.objects.get(id=notification.task_id)
    assert retry.status == "READY"
    assert retry.run_after > timezone.now()
