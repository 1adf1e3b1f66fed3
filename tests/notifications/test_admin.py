"""The admin lists notifications with masked recipients and can retry them now."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.notifications.models import Notification
from motcua.notifications.services import notify
from motcua.notifications.tasks import deliver

from .conftest import DOSSIER_CONTEXT, PHONE

pytestmark = pytest.mark.django_db


@pytest.fixture
def notifications():
    return notify(
        channels=["email", "sms"],
        email="nguyen.van.a@example.vn",
        phone=PHONE,
        template="dossier_submitted",
        context=DOSSIER_CONTEXT,
        related_type="dossiers.dossier",
        related_id="42",
    )


def test_the_list_masks_recipients_and_filters(admin_client, notifications):
    url = reverse("admin:notifications_notification_changelist")
    page = admin_client.get(url).content.decode()
    assert "0912***678" in page
    assert "n***@example.vn" in page
    assert PHONE not in page
    assert "nguyen.van.a@example.vn" not in page
    assert admin_client.get(url, {"channel__exact": "sms", "status__exact": "queued"}).status_code == 200
    assert admin_client.get(url, {"q": PHONE}).context["cl"].result_count == 1
    assert admin_client.get(url, {"q": "+84 912 345 678"}).context["cl"].result_count == 1
    assert admin_client.get(url, {"q": "42"}).context["cl"].result_count == 2


def test_the_detail_page_shows_the_delivery_log(admin_client, notifications):
    email, _ = notifications
    deliver(email.pk)
    page = admin_client.get(reverse("admin:notifications_notification_change", args=[email.pk]))
    assert page.status_code == 200
    assert "email" in page.content.decode()
    assert page.context["inline_admin_formsets"][0].formset.queryset.count() == 1


def test_retry_now_action(admin_client, notifications):
    email, sms = notifications
    Notification.objects.filter(pk=sms.pk).update(status=Notification.Status.GAVE_UP, attempts=5)
    deliver(email.pk)
    response = admin_client.post(
        reverse("admin:notifications_notification_changelist"),
        {"action": "retry_now", "_selected_action": [email.pk, sms.pk]},
        follow=True,
    )
    texts = [str(m) for m in response.context["messages"]]
    assert any("1" in t and ("queued" in t or "hàng đợi" in t or "gửi lại" in t) for t in texts), texts
    sms.refresh_from_db()
    assert sms.status == Notification.Status.QUEUED


def test_nothing_can_be_added_edited_or_deleted(admin_client, notifications):
    email, _ = notifications
    assert admin_client.get(reverse("admin:notifications_notification_add")).status_code == 403
    assert (
        admin_client.get(reverse("admin:notifications_notification_delete", args=[email.pk])).status_code
        == 403
    )
    before = Notification.objects.get(pk=email.pk).body
    admin_client.post(
        reverse("admin:notifications_notification_change", args=[email.pk]), {"body": "changed"}
    )
    assert Notification.objects.get(pk=email.pk).body == before
