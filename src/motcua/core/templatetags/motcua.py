"""Template filters for Vietnamese presentation: money ``1.000.000 đ``, dates ``dd/mm/yyyy``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

register = template.Library()


def format_vnd(amount: int | Decimal | None) -> str:
    """``1000000`` → ``1.000.000 đ``; ``0`` → ``Miễn phí`` (free)."""
    if amount is None:
        return ""
    amount = int(amount)
    if amount == 0:
        return _("Free")
    return f"{amount:,}".replace(",", ".") + " đ"


@register.filter
def vnd(amount):
    return format_vnd(amount)


@register.filter
def dmy(value):
    """A date or datetime as ``dd/mm/yyyy`` in Vietnam's time."""
    if not value:
        return ""
    if isinstance(value, str):  # an ISO date or datetime kept in event data
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%d/%m/%Y")


@register.filter
def hm_dmy(value):
    """A datetime as ``17:00 dd/mm/yyyy`` in Vietnam's time."""
    if not value:
        return ""
    value = timezone.localtime(value)
    return value.strftime("%H:%M %d/%m/%Y")


@register.filter
def amount(value):
    """A Decimal time amount without a useless ``.0``: ``3.0`` → ``3``, ``0.5`` → ``0,5``."""
    if value is None:
        return ""
    value = Decimal(value)
    if value == value.to_integral():
        return str(int(value))
    return str(value.normalize()).replace(".", ",")


@register.filter
def get_item(mapping, key):
    """``{{ counts|get_item:name }}``: a dict value by a variable key."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""
