"""SMS: the channel, the console gateway (demo) and the generic JSON HTTP gateway.

The HTTP contract is in docs/notifications.md; an adapter for a particular Vietnamese brandname
provider implements :class:`~motcua.notifications.ports.SmsGateway` and is selected with
``MOTCUA_SMS_GATEWAY=<dotted.path.ToTheClass>`` or :func:`~motcua.notifications.ports.register_sms_gateway`.
"""

from __future__ import annotations

import logging
import uuid

import requests

from motcua.notifications import conf
from motcua.notifications.ports import (
    Channel,
    DeliveryError,
    OutgoingMessage,
    SendResult,
    SmsGateway,
    get_sms_gateway,
)
from motcua.notifications.text import mask_phone, safe_error

logger = logging.getLogger("motcua.sms")

# Statuses in the 4xx range that mean "not now" rather than "never".
RETRYABLE_4XX = {408, 425, 429}


class SmsChannel(Channel):
    name = "sms"

    def __init__(self, gateway: SmsGateway | None = None):
        self.gateway = gateway or get_sms_gateway()

    @property
    def provider(self) -> str:
        return f"sms:{self.gateway.name}"

    def send(self, message: OutgoingMessage) -> SendResult:
        result = self.gateway.send_sms(to=message.recipient, text=message.body, reference=message.reference)
        return SendResult(provider_message_id=result.provider_message_id, provider=self.provider)


class ConsoleSms(SmsGateway):
    """Writes the text to the ``motcua.sms`` logger instead of sending it (demo and development).

    The number is masked: logs are not a place for personal data.
    """

    name = "console"

    def send_sms(self, *, to: str, text: str, reference: str) -> SendResult:
        message_id = f"console-{uuid.uuid4().hex[:12]}"
        logger.info("SMS to %s [%s, %s]: %s", mask_phone(to), reference, message_id, text)
        return SendResult(provider_message_id=message_id, provider=self.name)


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    if value.isdigit():
        return float(value)
    return None


def _message_id(response: requests.Response) -> str:
    try:
        payload = response.json()
    except ValueError:
        return ""
    if not isinstance(payload, dict):
        return ""
    for key in ("id", "message_id", "messageId"):
        value = payload.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool):
            return str(value)[:100]
    return ""


class HttpSmsGateway(SmsGateway):
    """The generic JSON gateway (docs/notifications.md, "HTTP SMS gateway contract").

    ``POST MOTCUA_SMS_URL`` with ``Authorization: Bearer MOTCUA_SMS_TOKEN``,
    ``Idempotency-Key: <reference>`` and ``{"to", "text", "sender"}``:
    2xx → sent (message id from ``id``/``message_id``); 408, 425, 429, 5xx, timeouts and
    connection errors → retry later; any other 4xx and 3xx → permanent failure.
    """

    name = "http"

    def __init__(
        self,
        *,
        url: str | None = None,
        token: str | None = None,
        sender: str | None = None,
        timeout: tuple[float, float] | None = None,
        session: requests.Session | None = None,
    ):
        self.url = url if url is not None else conf.sms_url()
        self.token = token if token is not None else conf.sms_token()
        self.sender = sender if sender is not None else conf.sms_sender()
        self.timeout = timeout or (conf.sms_connect_timeout(), conf.sms_timeout())
        self.session = session or requests.Session()

    def send_sms(self, *, to: str, text: str, reference: str) -> SendResult:
        if not self.url:
            raise DeliveryError("MOTCUA_SMS_URL is not set")
        headers = {"Accept": "application/json", "Idempotency-Key": reference}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        secrets = (self.token,)
        try:
            response = self.session.post(
                self.url,
                json={"to": to, "text": text, "sender": self.sender},
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.Timeout:
            raise DeliveryError("SMS gateway timed out") from None
        except requests.RequestException as exc:
            raise DeliveryError(
                safe_error(f"SMS gateway unreachable: {type(exc).__name__}", secrets=secrets)
            ) from None
        status = response.status_code
        if 200 <= status < 300:
            return SendResult(provider_message_id=_message_id(response), provider=self.name)
        detail = safe_error(f"SMS gateway HTTP {status}: {response.text[:120]}", secrets=secrets)
        if status >= 500 or status in RETRYABLE_4XX:
            raise DeliveryError(detail, retry_after=_retry_after(response))
        raise DeliveryError(detail, permanent=True)
