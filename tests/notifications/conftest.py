"""Fixtures: a real local HTTP server playing the SMS gateway, and notification helpers."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

DOSSIER_CONTEXT = {
    "code": "000.00.30.H53-260115-0001",
    "procedure_name": "Đăng ký khai sinh",
    "due_date": "20/01/2026",
    "tracking_url": "http://127.0.0.1:8000/tra-cuu/?ma=000.00.30.H53-260115-0001",
    "pin": "483920",
}
PHONE = "0912345678"
TOKEN = "s3cr3t-gateway-token"


@dataclass
class Reply:
    status: int = 200
    body: str = '{"id": "gw-1"}'
    delay: float = 0.0
    headers: dict = field(default_factory=dict)


@dataclass
class Received:
    path: str
    headers: dict
    payload: dict


class FakeGateway:
    """Answers each POST with the next queued :class:`Reply` (the last one repeats)."""

    def __init__(self) -> None:
        self.replies: list[Reply] = [Reply()]
        self.received: list[Received] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                gateway.received.append(
                    Received(
                        self.path, {k.lower(): v for k, v in self.headers.items()}, json.loads(raw or b"{}")
                    )
                )
                reply = gateway.replies.pop(0) if len(gateway.replies) > 1 else gateway.replies[0]
                if reply.delay:
                    time.sleep(reply.delay)
                body = reply.body.encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1/sms"

    def reply(self, *replies: Reply) -> None:
        self.replies = list(replies)


@pytest.fixture
def gateway(monkeypatch):
    """A running fake SMS gateway; the ``http`` adapter is configured to talk to it."""
    fake = FakeGateway()
    fake.thread.start()
    monkeypatch.setenv("MOTCUA_SMS_GATEWAY", "http")
    monkeypatch.setenv("MOTCUA_SMS_URL", fake.url)
    monkeypatch.setenv("MOTCUA_SMS_TOKEN", TOKEN)
    monkeypatch.setenv("MOTCUA_SMS_SENDER", "TAYNINH")
    monkeypatch.setenv("MOTCUA_SMS_TIMEOUT", "0.5")
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture(autouse=True)
def _clean_notification_env(monkeypatch, settings):
    for name in (
        "MOTCUA_SMS_GATEWAY",
        "MOTCUA_SMS_URL",
        "MOTCUA_SMS_TOKEN",
        "MOTCUA_SMS_ASCII",
        "MOTCUA_SMS_MAX_LENGTH",
        "MOTCUA_NOTIFY_MAX_ATTEMPTS",
        "MOTCUA_NOTIFY_BACKOFF_BASE",
        "MOTCUA_NOTIFY_BACKOFF_CAP",
        "MOTCUA_NOTIFY_STALE_AFTER",
    ):
        monkeypatch.delenv(name, raising=False)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
