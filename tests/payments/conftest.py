"""Shared fixtures: a clean payment configuration, the URLs, and signing helpers."""

from __future__ import annotations

import os

import pytest
from django.test import RequestFactory

from motcua.payments import services
from tests.payments.helpers import PURPOSE


@pytest.fixture(autouse=True)
def _payments_env(monkeypatch, settings):
    for name in list(os.environ):
        if name.startswith(("MOTCUA_PAYMENT", "MOTCUA_VNPAY", "MOTCUA_SANDBOX", "MOTCUA_PUBLIC_BASE")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("MOTCUA_PAYMENT_GATEWAY", "sandbox")
    settings.ROOT_URLCONF = "tests.payments.urls"


@pytest.fixture
def rf_request():
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7")
    request.LANGUAGE_CODE = "vi"
    return request


@pytest.fixture
def make_payment(db):
    counter = iter(range(1, 10_000))

    def make(amount=150_000, description="Lệ phí đăng ký khai sinh – hồ sơ #12", **overrides):
        n = next(counter)
        fields = {
            "amount": amount,
            "description": description,
            "purpose_type": PURPOSE,
            "purpose_id": str(n),
            "idempotency_key": f"test-{n}",
            "next_url": f"/ho-so/{n}/",
        }
        fields.update(overrides)
        return services.create_payment(**fields)

    return make
