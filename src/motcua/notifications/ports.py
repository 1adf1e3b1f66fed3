"""The delivery port: what a channel (e-mail, SMS) and an SMS gateway must offer, and their registries.

A channel takes one rendered :class:`OutgoingMessage` and either returns a :class:`SendResult` or
raises :class:`DeliveryError` saying whether trying again later may help (``permanent=False``)
or not (``permanent=True``). Channels are only ever called by the worker
(:func:`motcua.notifications.tasks.deliver`), never while a web request is being handled.

The built-in implementations are registered by dotted path so that importing this module
loads no adapter; a province plugs in its own SMS provider with :func:`register_sms_gateway`
(or by setting ``MOTCUA_SMS_GATEWAY`` to the adapter's dotted path).
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import ClassVar

from django.utils.module_loading import import_string

from motcua.notifications import conf


@dataclass(frozen=True)
class OutgoingMessage:
    """One message ready to go: already rendered, recipient already normalised."""

    channel: str
    recipient: str
    subject: str
    body: str
    reference: str
    """Stable per notification (``motcua-<id>``): lets a provider drop duplicates of a retried send."""


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str = ""
    provider: str = ""


class DeliveryError(Exception):
    """The message was not delivered.

    ``permanent`` — retrying cannot help (rejected address, malformed request);
    ``retry_after`` — seconds the provider asked us to wait (e.g. an HTTP ``Retry-After``).
    The message must be short and must not contain secrets or the full recipient.
    """

    def __init__(self, message: str, *, permanent: bool = False, retry_after: float | None = None):
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after


class Channel(abc.ABC):
    """Delivers one message over one medium."""

    name: ClassVar[str]

    @property
    def provider(self) -> str:
        """What the delivery log records as the provider (e.g. ``sms:http``)."""
        return self.name

    @abc.abstractmethod
    def send(self, message: OutgoingMessage) -> SendResult: ...


class SmsGateway(abc.ABC):
    """Hands one text to an SMS provider. ``to`` is ``0xxxxxxxxx`` (Viet Nam) or ``+<E.164>``."""

    name: ClassVar[str]

    @abc.abstractmethod
    def send_sms(self, *, to: str, text: str, reference: str) -> SendResult: ...


_CHANNELS: dict[str, str | type[Channel]] = {
    "email": "motcua.notifications.channels.email.EmailChannel",
    "sms": "motcua.notifications.channels.sms.SmsChannel",
}
_SMS_GATEWAYS: dict[str, str | type[SmsGateway]] = {
    "console": "motcua.notifications.channels.sms.ConsoleSms",
    "http": "motcua.notifications.channels.sms.HttpSmsGateway",
}


def register_channel(name: str, channel: str | type[Channel]) -> None:
    _CHANNELS[name] = channel


def register_sms_gateway(name: str, gateway: str | type[SmsGateway]) -> None:
    _SMS_GATEWAYS[name] = gateway


def _load(entry: str | type) -> type:
    return import_string(entry) if isinstance(entry, str) else entry


def channel_names() -> list[str]:
    return list(_CHANNELS)


def get_channel(name: str) -> Channel:
    """A fresh channel instance (reads the current configuration)."""
    try:
        entry = _CHANNELS[name]
    except KeyError:
        raise LookupError(f"unknown notification channel {name!r}") from None
    return _load(entry)()


def get_sms_gateway(name: str | None = None) -> SmsGateway:
    """The configured SMS gateway: ``MOTCUA_SMS_GATEWAY`` is a registered name or a dotted path."""
    name = name or conf.sms_gateway()
    entry = _SMS_GATEWAYS.get(name)
    if entry is None:
        if "." not in name:
            raise LookupError(f"unknown SMS gateway {name!r}; use one of {sorted(_SMS_GATEWAYS)}")
        entry = name
    return _load(entry)()
