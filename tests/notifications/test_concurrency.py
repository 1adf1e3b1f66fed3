"""Two workers running the same notification's task at once send it once."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections

from motcua.notifications.channels.sms import ConsoleSms
from motcua.notifications.models import DeliveryAttempt, Notification
from motcua.notifications.services import notify
from motcua.notifications.tasks import deliver

from .conftest import DOSSIER_CONTEXT, PHONE


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_on_one_notification_send_it_once(monkeypatch):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        ("file:memorydb", ":memory:")
    ):
        pytest.skip("an in-memory SQLite test database is shared-cache: no cross-connection write lock")
    sent = []

    def slow_send(self, *, to, text, reference):
        sent.append(reference)
        time.sleep(0.3)
        return ConsoleSms.__dict__["_real"](self, to=to, text=text, reference=reference)

    monkeypatch.setattr(ConsoleSms, "_real", ConsoleSms.send_sms, raising=False)
    monkeypatch.setattr(ConsoleSms, "send_sms", slow_send)
    (notification,) = notify(
        channels=["sms"], phone=PHONE, template="dossier_submitted", context=DOSSIER_CONTEXT
    )

    outcomes = []
    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait()
            outcomes.append(deliver(notification.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["sent", "skipped:sending"]
    assert sent == [f"motcua-{notification.pk}"]
    assert Notification.objects.get().status == Notification.Status.SENT
    assert DeliveryAttempt.objects.count() == 1
