"""One dispatcher from an officer's request (web form or API) to the back-office services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from motcua.dossiers import backoffice, lifecycle


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def parse_day(text: str) -> dt.datetime | None:
    """``dd/mm/yyyy`` (or ISO ``yyyy-mm-dd``) → closing time of that day, in Vietnam's time."""
    from motcua.core.calendar import get_calendar

    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            day = dt.datetime.strptime((text or "").strip(), fmt).date()
        except ValueError:
            continue
        return get_calendar().closing_time(day)
    return None


def perform(*, dossier, actor, action: str, params: Mapping[str, object]):
    """Run ``action`` with the officer's ``params``; raises lifecycle.TransitionError with a message."""
    reason = str(params.get("reason") or "").strip()[:2000]
    common = {"dossier": dossier, "actor": actor, "expected_version": _int(params.get("expected_version"))}
    if action == "receive":
        return backoffice.receive(comment=reason, **common)
    if action == "request_supplement":
        items = params.get("items") or []
        if isinstance(items, str):
            items = items.splitlines()
        return backoffice.request_supplement(reason=reason, items=[str(i) for i in items], **common)
    if action == "refuse":
        return backoffice.refuse(reason=reason, **common)
    if action in ("assign", "forward"):
        to_user = get_user_model().objects.filter(pk=_int(params.get("to_user"), 0)).first()
        if action == "assign":
            if to_user is None:
                raise lifecycle.NotAllowed(_("Choose an officer of the agency."))
            return backoffice.assign(to_user=to_user, **common)
        return backoffice.forward(comment=reason, to_user=to_user, **common)
    if action == "send_back":
        return backoffice.send_back(reason=reason, **common)
    if action == "approve":
        return backoffice.approve(comment=reason, **common)
    if action == "issue_result":
        return backoffice.issue_result(**common)
    if action == "return_result":
        return backoffice.return_result(
            channel=str(params.get("channel") or ""),
            tracking_number=str(params.get("tracking_number") or ""),
            **common,
        )
    if action == "apologise":
        new_due = parse_day(str(params.get("new_due") or ""))
        if new_due is None:
            raise lifecycle.NotAllowed(_("Enter the new date as dd/mm/yyyy."))
        return backoffice.apologise(reason=reason, new_due_at=new_due, **common)
    if action == "stop":
        return backoffice.stop(reason=reason, **common)
    if action == "transfer":
        return backoffice.transfer(agency_code=str(params.get("agency") or ""), comment=reason, **common)
    raise lifecycle.NotAllowed(_("Unknown action."))
