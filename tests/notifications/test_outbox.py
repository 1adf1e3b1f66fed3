"""notify() writes rows and queued tasks in the caller's transaction, and never sends anything."""

from __future__ import annotations

import pytest
import requests
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from motcua.notifications import ports, tasks
from motcua.notifications.channels.email import EmailChannel
from motcua.notifications.channels.sms import ConsoleSms, HttpSmsGateway, SmsChannel
from motcua.notifications.models import Notification
from motcua.notifications.services import notify

from .conftest import DOSSIER_CONTEXT, PHONE

pytestmark = pytest.mark.django_db

TASK_PATH = "motcua.notifications.tasks.deliver_notification"


def _submit(**overrides):
    arguments = {
        "channels": ["email", "sms"],
        "email": "nguyen.van.a@example.vn",
        "phone": PHONE,
        "template": "dossier_submitted",
        "context": DOSSIER_CONTEXT,
        "related_type": "dossiers.dossier",
        "related_id": "42",
    }
    return notify(**{**arguments, **overrides})


class Boom(Exception):
    pass


def test_a_rolled_back_transaction_leaves_no_notification_and_no_task():
    with pytest.raises(Boom), transaction.atomic():
        created = _submit()
        assert len(created) == 2
        assert DBTaskResult.objects.count() == 2
        raise Boom
    assert Notification.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


def test_a_committed_notification_has_its_task_waiting_in_the_queue():
    with transaction.atomic():
        email, sms = _submit()
    for notification in (email, sms):
        notification.refresh_from_db()
        assert notification.status == Notification.Status.QUEUED
        assert notification.attempts == 0
        task_row = DBTaskResult.objects.get(id=notification.task_id)
        assert task_row.task_path == TASK_PATH
        assert task_row.status == "READY"
        assert task_row.args_kwargs == {"args": [notification.pk], "kwargs": {}}
    assert (email.channel, email.recipient, email.related_type, email.related_id) == (
        "email",
        "nguyen.van.a@example.vn",
        "dossiers.dossier",
        "42",
    )
    assert sms.recipient == PHONE
    assert mail.outbox == []


def test_notify_costs_a_few_queries_per_channel(django_assert_max_num_queries):
    # Per channel: insert the row, insert its task, store the task id; plus one savepoint.
    with django_assert_max_num_queries(8):
        _submit()


def test_outside_a_transaction_notify_makes_its_own():
    created = _submit(channels=["email"])
    assert len(created) == 1
    assert DBTaskResult.objects.filter(id=created[0].task_id).exists()


def test_a_channel_without_a_recipient_is_skipped():
    created = _submit(phone="")
    assert [n.channel for n in created] == ["email"]
    assert _submit(email=" ", phone="") == []
    assert DBTaskResult.objects.count() == 1


def test_duplicate_channels_make_one_notification():
    assert len(_submit(channels=["sms", "sms"])) == 1


def test_phone_numbers_are_normalised_and_bad_ones_fail_visibly_without_a_task():
    (good,) = _submit(channels=["sms"], phone="+84 912.345.678")
    assert good.recipient == PHONE
    (bad,) = _submit(channels=["sms"], phone="12345")
    assert bad.status == Notification.Status.FAILED
    assert bad.last_error == "invalid phone number"
    assert bad.task_id == ""
    (bad_mail,) = _submit(channels=["email"], email="not-an-address")
    assert bad_mail.status == Notification.Status.FAILED
    assert DBTaskResult.objects.count() == 1


def test_unknown_channels_and_missing_context_are_programming_errors():
    with pytest.raises(ValueError, match="unknown notification channel"):
        _submit(channels=["fax"])
    with pytest.raises(ValueError, match="pin"):
        _submit(context={k: v for k, v in DOSSIER_CONTEXT.items() if k != "pin"})
    assert Notification.objects.count() == 0


def test_notify_never_calls_a_channel(monkeypatch):
    """Nothing is sent from a web request: notify only writes rows."""

    def forbidden(*args, **kwargs):
        raise AssertionError("a channel was called from notify()")

    monkeypatch.setattr(ports, "get_channel", forbidden)
    monkeypatch.setattr(tasks, "get_channel", forbidden)
    monkeypatch.setattr(ports, "get_sms_gateway", forbidden)
    for cls, method in (
        (EmailChannel, "send"),
        (SmsChannel, "send"),
        (ConsoleSms, "send_sms"),
        (HttpSmsGateway, "send_sms"),
    ):
        monkeypatch.setattr(cls, method, forbidden)
    monkeypatch.setattr(requests.Session, "request", forbidden)
    monkeypatch.setattr("django.core.mail.get_connection", forbidden)
    monkeypatch.setenv("MOTCUA_SMS_GATEWAY", "http")

    with transaction.atomic():
        created = _submit()
    assert len(created) == 2
    assert mail.outbox == []


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}})
def test_with_a_backend_that_runs_at_once_delivery_waits_for_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        _submit(channels=["email"])
        assert mail.outbox == []
    assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1
    assert Notification.objects.get().status == Notification.Status.SENT


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
def test_with_the_dummy_backend_the_task_is_recorded_not_run():
    from motcua.notifications.tasks import deliver_notification

    (created,) = _submit(channels=["email"])
    backend = deliver_notification.get_backend()
    assert [r.args for r in backend.results] == [[created.pk]]
    assert mail.outbox == []
