"""The payments admin: read-only, with a refund action that goes through the service."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from motcua.payments.models import Payment, PaymentEvent
from tests.payments.helpers import result_params

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(username="root", password="x", email="root@example.vn")
    client.force_login(user)
    return client


@pytest.fixture
def paid(make_payment, client):
    payment = make_payment()
    client.get(f"{reverse('payments:ipn', args=['sandbox'])}?{result_params(payment)}")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    return payment


def test_the_list_and_the_read_only_page(admin_user_client, paid):
    changelist = admin_user_client.get(reverse("admin:payments_payment_changelist"))
    assert changelist.status_code == 200 and paid.reference in changelist.content.decode()
    page = admin_user_client.get(reverse("admin:payments_payment_change", args=[paid.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="status"' not in content  # nothing to edit
    assert "14226112" in content  # the event inline shows the gateway's parameters
    assert admin_user_client.get(reverse("admin:payments_payment_add")).status_code == 403
    assert admin_user_client.get(reverse("admin:payments_payment_delete", args=[paid.pk])).status_code == 403


def test_the_refund_action_asks_for_a_reason_then_refunds(admin_user_client, paid, make_payment):
    pending = make_payment()
    url = reverse("admin:payments_payment_changelist")
    selection = {"action": "refund", ACTION_CHECKBOX_NAME: [paid.pk, pending.pk]}
    ask = admin_user_client.post(url, selection)
    assert ask.status_code == 200
    assert ask.templates[0].name == "payments/admin_refund.html"
    missing_reason = admin_user_client.post(url, {**selection, "apply": "1", "reason": ""})
    assert missing_reason.status_code == 200  # the form again, with its error
    paid.refresh_from_db()
    assert paid.status == Payment.Status.PAID

    done = admin_user_client.post(url, {**selection, "apply": "1", "reason": "Hồ sơ bị từ chối"}, follow=True)
    assert done.status_code == 200
    paid.refresh_from_db()
    pending.refresh_from_db()
    assert paid.status == Payment.Status.REFUNDED
    assert pending.status == Payment.Status.PENDING  # refused with a message, not changed
    levels = sorted(m.level_tag for m in done.context["messages"])
    assert levels == ["error", "success"]
    refund = PaymentEvent.objects.get(payment=paid, kind=PaymentEvent.Kind.REFUND)
    assert refund.actor_label == "root" and refund.params["reason"] == "Hồ sơ bị từ chối"


def test_officers_without_the_permission_cannot_refund(client, django_user_model, paid):
    from django.contrib.auth.models import Permission

    officer = django_user_model.objects.create_user(username="xem", password="x", is_staff=True)
    officer.user_permissions.add(Permission.objects.get(codename="view_payment"))
    client.force_login(officer)
    url = reverse("admin:payments_payment_changelist")
    page = client.get(url)
    assert page.status_code == 200 and 'value="refund"' not in page.content.decode()
    client.post(url, {"action": "refund", ACTION_CHECKBOX_NAME: [paid.pk], "apply": "1", "reason": "x"})
    paid.refresh_from_db()
    assert paid.status == Payment.Status.PAID
