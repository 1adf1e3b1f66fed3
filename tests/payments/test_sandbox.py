"""The sandbox gateway end to end: its page, the IPN it sends, the return to the portal."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.messages import constants, get_messages
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from motcua.payments import services, tasks
from motcua.payments.adapters.vnpay import check_signature
from motcua.payments.conf import sandbox as sandbox_config
from motcua.payments.models import Payment, PaymentEvent

pytestmark = pytest.mark.django_db
Status = Payment.Status
Kind = PaymentEvent.Kind


@pytest.fixture
def ipn_through_test_client(monkeypatch):
    """The sandbox's server-to-server call, served by the test client (a separate client: no cookies)."""
    server = Client()
    calls = []

    def fake_get(url, *, timeout):
        parts = urlsplit(url)
        calls.append(url)
        response = server.get(f"{parts.path}?{parts.query}")
        return SimpleNamespace(status_code=response.status_code, json=lambda: json.loads(response.content))

    monkeypatch.setattr(tasks, "http_get", fake_get)
    return calls


@pytest.fixture
def ipn_unreachable(monkeypatch):
    def refuse(url, *, timeout):
        raise requests.ConnectionError("connection refused")

    monkeypatch.setattr(tasks, "http_get", refuse)


def _gateway_url(make_payment, rf_request, **kwargs):
    payment = make_payment(**kwargs)
    return payment, services.start_payment(payment=payment, request=rf_request)


def test_the_sandbox_page_shows_the_order(client, make_payment, rf_request):
    payment, url = _gateway_url(make_payment, rf_request, amount=150_000)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "150.000 đ" in page
    assert payment.order_info in page and payment.reference in page
    for choice in ("success", "failure", "cancel"):
        assert f'name="choice" value="{choice}"' in page
    assert response.templates[0].name == "payments/sandbox.html"


def test_sandbox_success_end_to_end(client, make_payment, rf_request, ipn_through_test_client):
    payment, url = _gateway_url(make_payment, rf_request, amount=150_000, next_url="/ho-so/12/")
    assert client.get(url).status_code == 200
    response = client.post(url, {"choice": "success"})

    # the IPN went server to server first, and settled the payment
    [ipn_url] = ipn_through_test_client
    assert ipn_url.startswith("http://testserver/thanh-toan/ipn/sandbox/?")
    payment.refresh_from_db()
    assert payment.status == Status.PAID and payment.bank_code == "NCB"
    assert payment.events.get(kind=Kind.IPN).outcome == "00"

    # then the browser goes to the return URL with the same signed parameters
    assert response.status_code == 302
    back = urlsplit(response["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == "http://testserver/thanh-toan/ket-qua/sandbox/"
    assert back.query == urlsplit(ipn_url).query
    params = {k: v[0] for k, v in parse_qs(back.query).items()}
    assert params["vnp_ResponseCode"] == "00" and params["vnp_TransactionStatus"] == "00"
    assert params["vnp_BankCode"] == "NCB" and params["vnp_Amount"] == "15000000"
    assert re.fullmatch(r"\d{14}", params["vnp_PayDate"]) and params["vnp_TransactionNo"].isdigit()
    assert check_signature(params, sandbox_config().hash_secret)

    final = client.get(response["Location"])
    assert final.status_code == 302 and final["Location"] == "/ho-so/12/"
    assert [m.level for m in get_messages(final.wsgi_request)] == [constants.SUCCESS]
    assert list(payment.events.values_list("kind", "outcome")) == [
        (Kind.CREATED, ""),
        (Kind.REDIRECTED, ""),
        (Kind.IPN, "00"),
        (Kind.STATUS_CHANGED, "ipn"),
        (Kind.RETURN, "02"),
    ]
    assert not DBTaskResult.objects.exists()


@pytest.mark.parametrize(("choice", "code"), [("failure", "51"), ("cancel", "24")])
def test_sandbox_failure_and_cancel(client, make_payment, rf_request, ipn_through_test_client, choice, code):
    payment, url = _gateway_url(make_payment, rf_request)
    response = client.post(url, {"choice": choice})
    payment.refresh_from_db()
    assert payment.status == Status.FAILED and payment.response_code == code
    final = client.get(response["Location"])
    assert [m.level for m in get_messages(final.wsgi_request)] == [constants.ERROR]


def test_an_unreachable_ipn_is_queued_and_the_return_still_settles(
    client, make_payment, rf_request, ipn_unreachable
):
    payment, url = _gateway_url(make_payment, rf_request)
    response = client.post(url, {"choice": "success"})
    assert response.status_code == 302
    job = DBTaskResult.objects.get()
    assert job.task_path == "motcua.payments.tasks.deliver_ipn"
    assert job.args_kwargs["kwargs"]["attempt"] == 2
    assert job.run_after is not None
    payment.refresh_from_db()
    assert payment.status == Status.PENDING  # no IPN yet
    client.get(response["Location"])  # the signed return settles it (MOTCUA_PAYMENT_TRUST_RETURN)
    payment.refresh_from_db()
    assert payment.status == Status.PAID
    assert payment.events.get(kind=Kind.STATUS_CHANGED).outcome == "return"


def test_the_queued_ipn_retry_delivers_later(make_payment, rf_request, client, monkeypatch, ipn_unreachable):
    payment, url = _gateway_url(make_payment, rf_request)
    client.post(url, {"choice": "success"})
    job = DBTaskResult.objects.get()
    kwargs = job.args_kwargs["kwargs"]

    server = Client()
    monkeypatch.setattr(
        tasks,
        "http_get",
        lambda url, *, timeout: SimpleNamespace(
            json=lambda: server.get(f"{urlsplit(url).path}?{urlsplit(url).query}").json()
        ),
    )
    assert tasks.deliver_ipn.call(**kwargs) == "00"
    payment.refresh_from_db()
    assert payment.status == Status.PAID and payment.events.get(kind=Kind.IPN).outcome == "00"


def test_ipn_retries_stop_after_the_limit(monkeypatch, ipn_unreachable, db):
    monkeypatch.setenv("MOTCUA_SANDBOX_IPN_ATTEMPTS", "3")
    tasks.deliver_ipn.call(url="http://127.0.0.1:9/x/", query="a=1", attempt=2)
    assert DBTaskResult.objects.get().args_kwargs["kwargs"]["attempt"] == 3
    tasks.deliver_ipn.call(url="http://127.0.0.1:9/x/", query="a=1", attempt=3)
    assert DBTaskResult.objects.count() == 1  # the third attempt queued nothing more


def test_retry_delays_grow_to_five_minutes():
    assert [tasks.retry_delay(n).total_seconds() for n in range(2, 9)] == [30, 60, 120, 240, 300, 300, 300]


def test_the_sandbox_refuses_a_tampered_request(client, make_payment, rf_request, ipn_through_test_client):
    payment, url = _gateway_url(make_payment, rf_request, amount=150_000)
    tampered = url.replace("vnp_Amount=15000000", "vnp_Amount=100")
    response = client.get(tampered)
    assert response.status_code == 400 and b"error-summary" in response.content
    assert client.post(tampered, {"choice": "success"}).status_code == 400
    assert ipn_through_test_client == []
    payment.refresh_from_db()
    assert payment.status == Status.PENDING


def test_the_sandbox_refuses_an_expired_request(make_payment, rf_request):
    import datetime as dt

    from motcua.payments.adapters import sandbox

    _payment, url = _gateway_url(make_payment, rf_request)
    params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    gateway = sandbox.SandboxGateway()
    assert gateway.check_request(params) == ""
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16)
    from django.utils import translation

    with translation.override("en"):
        assert "ran out" in gateway.check_request(params, now=later)


def test_the_sandbox_wants_a_choice(client, make_payment, rf_request, ipn_through_test_client):
    _payment, url = _gateway_url(make_payment, rf_request)
    assert client.post(url, {"choice": "steal"}).status_code == 400
    assert ipn_through_test_client == []


def test_the_sandbox_is_off_when_vnpay_is_the_gateway(client, monkeypatch):
    monkeypatch.setenv("MOTCUA_PAYMENT_GATEWAY", "vnpay")
    assert client.get(reverse("payments:sandbox")).status_code == 404
    assert client.get(reverse("payments:ipn", args=["sandbox"])).status_code == 404
    monkeypatch.setenv("MOTCUA_SANDBOX_ENABLED", "1")
    assert client.get(reverse("payments:sandbox")).status_code == 400  # on again, but no request


@pytest.mark.django_db(transaction=True)
def test_the_sandbox_calls_back_into_the_same_live_server(live_server, settings, rf_request):
    """Under a threaded server the sandbox's IPN request reaches the server that is serving it."""
    settings.ROOT_URLCONF = "tests.payments.urls"
    payment = services.create_payment(
        amount=50_000,
        description="Phí thử nghiệm",
        purpose_type="tests.thing",
        purpose_id="live",
        idempotency_key="live-1",
        next_url="/thu-tuc/",
    )
    rf_request.META["HTTP_HOST"] = urlsplit(live_server.url).netloc
    url = services.start_payment(payment=payment, request=rf_request)
    with requests.Session() as browser:
        page = browser.get(f"{live_server.url}{url}", timeout=10)
        assert page.status_code == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answer = browser.post(
            f"{live_server.url}{url}",
            data={"choice": "success", "csrfmiddlewaretoken": token},
            headers={"Referer": f"{live_server.url}{url}"},
            allow_redirects=False,
            timeout=15,
        )
        assert answer.status_code == 302
        payment.refresh_from_db()
        assert payment.status == Status.PAID
        assert payment.events.get(kind=Kind.IPN).outcome == "00"  # settled by the IPN, not the return
        back = browser.get(answer.headers["Location"], allow_redirects=False, timeout=10)
        assert back.status_code == 302 and back.headers["Location"] == "/thu-tuc/"
    assert not DBTaskResult.objects.exists()
