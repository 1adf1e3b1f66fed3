"""Background work: the sandbox gateway's IPN delivery and its retries.

A real gateway retries an IPN that got no answer (VNPay: up to 10 times, minutes apart); the
sandbox does the same through django-tasks, so a demo whose web server could not answer its
own IPN at once (e.g. a single busy worker) still settles the payment.
"""

from __future__ import annotations

import datetime as dt
import logging

import requests
from django.utils import timezone
from django_tasks import task

from motcua.payments import conf

logger = logging.getLogger(__name__)

#: IPN answers after which retrying cannot help. Anything else (no answer, 99, not JSON) is retried.
FINAL_ANSWERS = frozenset({"00", "01", "02", "04", "97"})


def http_get(url: str, *, timeout: float) -> requests.Response:
    """The server-to-server GET (a seam for tests)."""
    return requests.get(
        url, timeout=timeout, allow_redirects=False, headers={"User-Agent": "motcua-sandbox-gateway/1"}
    )


def send_ipn(url: str, query: str) -> tuple[bool, str]:
    """Call the IPN URL once. Returns (answered for good, what happened)."""
    try:
        response = http_get(f"{url}?{query}", timeout=conf.ipn_timeout())
        answer = str(response.json().get("RspCode", ""))
    except (requests.RequestException, ValueError, AttributeError) as exc:
        return False, f"{type(exc).__name__}: {exc}"
    return answer in FINAL_ANSWERS, answer


def retry_delay(attempt: int) -> dt.timedelta:
    """30 s before the 2nd attempt, doubling, at most 5 minutes."""
    return dt.timedelta(seconds=min(300, 30 * 2 ** max(0, attempt - 2)))


def schedule_ipn(*, url: str, query: str, attempt: int) -> None:
    """Queue attempt number ``attempt`` of an IPN delivery."""
    job = deliver_ipn
    if job.get_backend().supports_defer:
        job = job.using(run_after=timezone.now() + retry_delay(attempt))
    job.enqueue(url=url, query=query, attempt=attempt)


@task()
def deliver_ipn(*, url: str, query: str, attempt: int = 1) -> str:
    """Send the sandbox's IPN; on no usable answer queue the next attempt, up to the limit."""
    done, detail = send_ipn(url, query)
    if done:
        logger.info("sandbox IPN delivered to %s (attempt %s): %s", url, attempt, detail)
        return detail
    if attempt >= conf.ipn_max_attempts():
        logger.error("sandbox IPN to %s given up after %s attempts: %s", url, attempt, detail)
        return detail
    logger.warning("sandbox IPN to %s failed (attempt %s): %s; retrying", url, attempt, detail)
    schedule_ipn(url=url, query=query, attempt=attempt + 1)
    return detail
