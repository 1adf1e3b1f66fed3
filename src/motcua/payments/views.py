"""Payment endpoints: the gateway's IPN, the return URL, and the sandbox gateway's page.

Mounted at ``/thanh-toan/`` (namespace ``payments``):

* ``ipn/<gateway>/`` — server-to-server notification, GET as VNPay sends it, CSRF-exempt,
  answers JSON ``{"RspCode": "00", "Message": "Confirm Success"}`` and the other codes;
* ``ket-qua/<gateway>/`` — where the gateway sends the citizen's browser back;
* ``sandbox/`` — the local test gateway (only when it is enabled).
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from motcua.core.templatetags.motcua import format_vnd
from motcua.payments import conf, services, tasks
from motcua.payments.adapters.sandbox import CHOICES, SandboxGateway
from motcua.payments.adapters.vnpay import parse_amount
from motcua.payments.models import Payment
from motcua.payments.ports import GatewayUnavailable, Outcome, PaymentGateway, get_gateway

logger = logging.getLogger(__name__)


def _gateway(code: str) -> PaymentGateway:
    try:
        return get_gateway(code)
    except GatewayUnavailable as exc:
        raise Http404(str(exc)) from exc


@csrf_exempt
@require_GET
@never_cache
def ipn(request, gateway: str):
    """The gateway tells us the result, server to server. Idempotent; answers in its format."""
    adapter = _gateway(gateway)
    try:
        _payment, outcome = services.handle_callback(
            gateway_code=adapter.code, params=adapter.callback_params(request), source="ipn"
        )
    except Exception:  # the gateway must get an answer it understands; it will retry on 99
        logger.exception("payment IPN from %s failed", adapter.code)
        outcome = Outcome.UNKNOWN_ERROR
    return adapter.acknowledge(outcome)


def _result_page(request, *, title: str, text: str, status: int):
    return render(request, "payments/result.html", {"title": title, "text": text}, status=status)


@require_GET
@never_cache
def payment_return(request, gateway: str):
    """The citizen's browser comes back from the gateway.

    The signed result is checked and recorded. It settles the payment only while it is still
    pending (the IPN has not arrived yet) and ``MOTCUA_PAYMENT_TRUST_RETURN`` is on: it carries
    the gateway's signature just as the IPN does, and it keeps a demo or an intranet installation
    that the gateway cannot reach working. The IPN stays authoritative and idempotent either way.
    """
    adapter = _gateway(gateway)
    payment, outcome = services.handle_callback(
        gateway_code=adapter.code, params=adapter.callback_params(request), source="return"
    )
    if outcome == Outcome.INVALID_SIGNATURE:
        return _result_page(
            request,
            title=_("The payment result could not be checked"),
            text=_(
                "The result sent back by the payment gateway is not signed correctly, so nothing was "
                "recorded. If money was taken from your account, the gateway will still tell us; check "
                "your dossier later or call the hotline."
            ),
            status=400,
        )
    if payment is None:
        return _result_page(
            request,
            title=_("Payment not found"),
            text=_("We have no payment with this reference. Nothing was recorded."),
            status=404,
        )
    params = {"amount": format_vnd(payment.amount), "reference": payment.reference}
    if outcome == Outcome.INVALID_AMOUNT:
        messages.error(
            request,
            _(
                "The gateway reported a different amount from the one to pay, so the payment was not "
                "recorded. Call the hotline and give the reference %(reference)s."
            )
            % params,
        )
    elif payment.status == Payment.Status.PAID:
        messages.success(request, _("Payment received: %(amount)s, reference %(reference)s.") % params)
    elif payment.status == Payment.Status.FAILED:
        messages.error(
            request,
            _("The payment did not go through: %(reason)s You can try again or pay at the desk.")
            % {"reason": adapter.describe_response(payment.response_code)},
        )
    elif payment.status == Payment.Status.PENDING:
        messages.info(
            request,
            _(
                "The payment (reference %(reference)s) is waiting for the gateway's confirmation. "
                "Reload this page in a minute."
            )
            % params,
        )
    elif payment.status == Payment.Status.REFUNDED:
        messages.info(request, _("This payment (reference %(reference)s) was refunded.") % params)
    else:
        messages.warning(request, _("This payment (reference %(reference)s) was cancelled.") % params)
    return HttpResponseRedirect(services.safe_next_url(payment.next_url) or "/")


@require_http_methods(["GET", "POST"])
@never_cache
def sandbox(request):
    """The local test gateway: checks the signed request, lets the tester choose the outcome."""
    if not SandboxGateway.is_enabled():
        raise Http404("the sandbox gateway is switched off")
    adapter = SandboxGateway()
    params = request.GET.dict()
    problem = adapter.check_request(params)
    if problem:
        return render(request, "payments/sandbox.html", {"problem": problem}, status=400)
    context = {
        "amount": parse_amount(params["vnp_Amount"]),
        "order_info": params["vnp_OrderInfo"],
        "reference": params["vnp_TxnRef"],
        "merchant": params["vnp_TmnCode"],
        "bank": "NCB",
    }
    if request.method == "GET":
        return render(request, "payments/sandbox.html", context)

    choice = request.POST.get("choice", "")
    if choice not in CHOICES:
        context["problem"] = _("Choose one of the buttons.")
        return render(request, "payments/sandbox.html", context, status=400)
    query = adapter.result_query(params, choice)
    ipn_url = conf.sandbox_ipn_url() or request.build_absolute_uri(
        reverse("payments:ipn", args=[adapter.code])
    )
    delivered, detail = tasks.send_ipn(ipn_url, query)
    if not delivered:
        logger.warning("sandbox IPN to %s not answered (%s): queued a retry", ipn_url, detail)
        tasks.schedule_ipn(url=ipn_url, query=query, attempt=2)
    return_url = params["vnp_ReturnUrl"]
    return HttpResponseRedirect(f"{return_url}{'&' if '?' in return_url else '?'}{query}")
