"""The HTTP JSON adapter against a real local HTTP server (a stand-in for NDXP / LGSP)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured

from motcua.registers.adapters.http import HttpRegister
from motcua.registers.conf import get_conf, parse_timeout
from motcua.registers.models import RegisterLookup
from motcua.registers.ports import RegisterUnavailable, get_register
from motcua.registers.services import prefill

BINH = "080195000002"
ANSWER = {
    "personal_id": BINH,
    "data": {
        "full_name": "Trần Thị Bình",
        "birth_date": "1995-03-12",
        "sex": "nu",
        "phone": "0912345678",  # sent although not asked for: must be dropped
    },
}


class FakePlatform:
    """Answers POSTs with the scripted responses in order (then 500); records the requests."""

    def __init__(self) -> None:
        self.script: deque[tuple[int, object, float]] = deque()
        self.requests: list[dict] = []
        self.url = ""

    def then(self, status: int, body: object = None, delay: float = 0.0) -> FakePlatform:
        self.script.append((status, body, delay))
        return self

    def adapter(self, **kwargs) -> HttpRegister:
        options = {"base_url": self.url, "token": "s3cret", "read_timeout": 2.0, "backoff": 0.01}
        return HttpRegister(**{**options, **kwargs})


@pytest.fixture
def platform():
    fake = FakePlatform()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            fake.requests.append(
                {"path": self.path, "headers": dict(self.headers), "json": json.loads(body or b"null")}
            )
            status, payload, delay = fake.script.popleft() if fake.script else (500, {"error": "down"}, 0.0)
            if delay:
                time.sleep(delay)
            data = payload if isinstance(payload, bytes) else json.dumps(payload or {}).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up (timeout)
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_port}/ndxp/v1/"
    yield fake
    server.shutdown()
    server.server_close()


def test_success_sends_the_contract_and_returns_only_the_requested_fields(platform):
    platform.then(200, ANSWER)
    values = platform.adapter().lookup(BINH, ["birth_date", "full_name"])
    assert values == {"full_name": "Trần Thị Bình", "birth_date": "1995-03-12"}
    [request] = platform.requests
    assert request["path"] == "/ndxp/v1/citizens/lookup"
    assert request["headers"]["Authorization"] == "Bearer s3cret"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["headers"]["X-Request-ID"]
    assert request["json"] == {"personal_id": BINH, "fields": ["full_name", "birth_date"]}


def test_not_found_is_none_and_not_retried(platform):
    platform.then(404, {"error": "not_found"})
    assert platform.adapter().lookup(BINH, ["full_name"]) is None
    assert len(platform.requests) == 1


def test_a_500_is_retried_then_succeeds(platform):
    platform.then(500).then(503).then(200, ANSWER)
    assert platform.adapter(retries=2).lookup(BINH, ["full_name"]) == {"full_name": "Trần Thị Bình"}
    assert len(platform.requests) == 3


def test_persistent_5xx_is_unavailable_after_the_retries(platform):
    platform.then(500).then(502).then(503).then(200, ANSWER)
    with pytest.raises(RegisterUnavailable):
        platform.adapter(retries=2).lookup(BINH, ["full_name"])
    assert len(platform.requests) == 3


@pytest.mark.parametrize("status", [400, 401, 403, 422])
def test_4xx_is_never_retried(platform, status):
    platform.then(status, {"error": "no"}).then(200, ANSWER)
    with pytest.raises(RegisterUnavailable):
        platform.adapter().lookup(BINH, ["full_name"])
    assert len(platform.requests) == 1


def test_a_timeout_is_unavailable_quickly(platform):
    platform.then(200, ANSWER, delay=1.5)
    started = time.monotonic()
    with pytest.raises(RegisterUnavailable):
        platform.adapter(read_timeout=0.2).lookup(BINH, ["full_name"])
    assert time.monotonic() - started < 1.0
    assert len(platform.requests) == 1  # a read timeout is not retried


def test_connection_refused_is_unavailable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    adapter = HttpRegister(base_url=f"http://127.0.0.1:{port}", retries=1, backoff=0.01, connect_timeout=0.5)
    with pytest.raises(RegisterUnavailable):
        adapter.lookup(BINH, ["full_name"])


@pytest.mark.parametrize(
    "body",
    [
        b"<html>gateway</html>",
        {"data": "nope"},
        {"personal_id": "072090000001", "data": {"full_name": "Nguyễn Văn An"}},
    ],
    ids=["not-json", "no-data-object", "another-person"],
)
def test_a_garbled_answer_is_unavailable(platform, body):
    platform.then(200, body)
    with pytest.raises(RegisterUnavailable):
        platform.adapter().lookup(BINH, ["full_name"])


def test_the_adapter_needs_a_url():
    with pytest.raises(ImproperlyConfigured):
        HttpRegister(base_url="")


@pytest.mark.django_db
def test_prefill_through_the_configured_http_register(platform, settings):
    settings.MOTCUA_POPULATION_REGISTER = "http"
    settings.MOTCUA_POPULATION_REGISTER_URL = platform.url
    settings.MOTCUA_POPULATION_REGISTER_TOKEN = "s3cret"
    settings.MOTCUA_POPULATION_REGISTER_TIMEOUT = "1,1"
    settings.MOTCUA_POPULATION_REGISTER_BACKOFF = "0.01"
    platform.then(200, ANSWER)
    result = prefill(personal_id=BINH, assurance_level=2, wanted={"ho_ten": "full_name", "sdt": "phone"})
    assert result.status == "ok" and result.source == "http"
    assert result.values == {"ho_ten": "Trần Thị Bình", "sdt": "0912345678"}
    assert platform.requests[0]["json"]["fields"] == ["full_name", "phone"]
    platform.then(500).then(500).then(500)
    assert (
        prefill(personal_id=BINH, assurance_level=2, wanted={"ho_ten": "full_name"}).status == "unavailable"
    )
    assert list(RegisterLookup.objects.order_by("at", "id").values_list("adapter", "outcome")) == [
        ("http", "ok"),
        ("http", "unavailable"),
    ]


@pytest.mark.django_db
def test_http_without_a_url_is_unavailable_not_an_error(settings, monkeypatch):
    settings.MOTCUA_POPULATION_REGISTER = "http"
    monkeypatch.delenv("MOTCUA_POPULATION_REGISTER_URL", raising=False)
    assert prefill(personal_id=BINH, assurance_level=2, wanted={"n": "full_name"}).status == "unavailable"


def test_configuration_from_the_environment(monkeypatch, settings):
    del settings.MOTCUA_POPULATION_REGISTER
    monkeypatch.setenv("MOTCUA_POPULATION_REGISTER", "http")
    monkeypatch.setenv("MOTCUA_POPULATION_REGISTER_URL", "https://lgsp.tayninh.example/api/")
    monkeypatch.setenv("MOTCUA_POPULATION_REGISTER_TOKEN", "t")
    monkeypatch.setenv("MOTCUA_POPULATION_REGISTER_TIMEOUT", "2,7")
    conf = get_conf()
    assert (conf.adapter, conf.url, conf.token, conf.connect_timeout, conf.read_timeout) == (
        "http",
        "https://lgsp.tayninh.example/api",
        "t",
        2.0,
        7.0,
    )
    adapter = get_register()
    assert isinstance(adapter, HttpRegister)
    assert adapter.url == "https://lgsp.tayninh.example/api/citizens/lookup"
    assert adapter.timeout == (2.0, 7.0)


def test_timeout_setting():
    assert parse_timeout("") == (3.0, 5.0)
    assert parse_timeout("4") == (4.0, 4.0)
    assert parse_timeout("1.5, 6") == (1.5, 6.0)
    with pytest.raises(ImproperlyConfigured):
        parse_timeout("soon")


def test_a_birth_is_registered_over_http_and_the_number_checked(platform):
    platform.then(201, {"personal_id": "072326000123"})
    number = platform.adapter().register_birth(
        full_name="Lê Bảo Ngọc", birth_date="2026-11-20", sex="nu", province_code="072"
    )
    assert number == "072326000123"
    sent = platform.requests[0]
    assert sent["path"].endswith("/citizens/births") and sent["headers"]["Authorization"] == "Bearer s3cret"
    assert sent["json"] == {
        "full_name": "Lê Bảo Ngọc",
        "birth_date": "2026-11-20",
        "sex": "nu",
        "province_code": "072",
    }


@pytest.mark.parametrize(
    "answer", [(201, {"personal_id": "12"}), (201, ["x"]), (409, {"error": "duplicate"})]
)
def test_a_bad_birth_answer_is_unavailable(platform, answer):
    platform.then(*answer)
    with pytest.raises(RegisterUnavailable):
        platform.adapter(retries=0).register_birth(
            full_name="Lê Bảo Ngọc", birth_date="2026-11-20", sex="nu", province_code="072"
        )


@pytest.mark.django_db
def test_the_builtin_register_gives_a_newborn_a_free_valid_number():
    from motcua.accounts.personal_id import parse_personal_id
    from motcua.registers.adapters.builtin import BuiltinRegister
    from motcua.registers.models import Resident

    first = BuiltinRegister().register_birth(
        full_name="Lê Bảo Ngọc", birth_date="2026-11-20", sex="nu", province_code="072"
    )
    second = BuiltinRegister().register_birth(
        full_name="Lê Bảo An", birth_date="2026-11-20", sex="nam", province_code="072"
    )
    info = parse_personal_id(first)
    assert info.valid and info.birth_year == 2026 and first.startswith("0723")
    assert second.startswith("0722") and first != second
    assert Resident.objects.get(personal_id=first).full_name == "Lê Bảo Ngọc"
