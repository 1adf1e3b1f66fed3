"""Officer API: queues and actions, the same as /mot-cua/ (token authentication, officers only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema

from motcua.accounts.api_auth import ApiTokenAuth
from motcua.core import audit
from motcua.core.problem import problem_response
from motcua.desk import selectors
from motcua.desk.actions import perform
from motcua.dossiers import backoffice, lifecycle

router = Router(tags=["back office"])
auth = ApiTokenAuth()


class QueueRow(Schema):
    id: int
    code: str | None
    procedure_code: str
    procedure_name: str
    status: str
    due_at: dt.datetime | None
    late: bool
    assigned_to: str | None


class QueuePage(Schema):
    queue: str
    page: int
    has_next: bool
    results: list[QueueRow]


def _officer(request):
    if not getattr(request.user, "is_officer", False):
        raise Http404(_("Not found"))


@router.get("/desk/queues/{name}", auth=auth, response=QueuePage, summary="A back-office queue (50 a page)")
def queue(request, name: str, page: int = 1, q: str = ""):
    _officer(request)
    if name not in selectors.QUEUES:
        raise Http404(_("Unknown queue; use one of: %(names)s") % {"names": ", ".join(selectors.QUEUES)})
    found = selectors.page_of(selectors.queue(request.user, name, q=q[:60]), page)
    return {
        "queue": name,
        "page": found.page,
        "has_next": found.has_next,
        "results": [
            {
                "id": d.pk,
                "code": d.code,
                "procedure_code": d.procedure_version.procedure.code,
                "procedure_name": d.procedure_version.name,
                "status": d.status,
                "due_at": d.due_at,
                "late": backoffice.is_late(d),
                "assigned_to": str(d.assigned_to) if d.assigned_to_id else None,
            }
            for d in found.rows
        ],
    }


class OfficerDossier(Schema):
    id: int
    code: str | None
    status: str
    lock_version: int
    procedure_code: str
    applicant_name: str
    form_data: dict[str, Any]
    current_step: str
    due_at: dt.datetime | None
    late: bool
    allowed_actions: list[str]


def _dossier_out(dossier, user) -> dict:
    return {
        "id": dossier.pk,
        "code": dossier.code,
        "status": dossier.status,
        "lock_version": dossier.lock_version,
        "procedure_code": dossier.procedure_version.procedure.code,
        "applicant_name": dossier.applicant.full_name,
        "form_data": dossier.form_data,
        "current_step": dossier.current_step,
        "due_at": dossier.due_at,
        "late": backoffice.is_late(dossier),
        "allowed_actions": [t.action for t in lifecycle.allowed_actions(dossier, user)],
    }


@router.get("/desk/dossiers/{pk}", auth=auth, response=OfficerDossier, summary="A dossier of my agencies")
def dossier(request, pk: int):
    _officer(request)
    found = selectors.dossier_for_officer(request.user, pk)
    if found is None:
        raise Http404(_("Not found"))
    audit.record(action="desk.view_dossier", obj=found, actor=request.user)
    return _dossier_out(found, request.user)


class ActionIn(Schema):
    action: str
    expected_version: int
    reason: str = ""
    items: list[str] = []
    to_user: int | None = None
    channel: str = ""
    tracking_number: str = ""
    new_due: str = ""
    agency: str = ""


@router.post("/desk/dossiers/{pk}/actions", auth=auth, response=OfficerDossier, summary="Take an action")
def act(request, pk: int, payload: ActionIn):
    """``expected_version`` is the ``lock_version`` the officer saw: a stale one gets 409."""
    _officer(request)
    found = selectors.dossier_for_officer(request.user, pk)
    if found is None:
        raise Http404(_("Not found"))
    try:
        updated = perform(dossier=found, actor=request.user, action=payload.action, params=payload.dict())
    except lifecycle.ConcurrentChange as exc:
        return problem_response(status=409, title=str(exc.message), type_="/problems/concurrent-change")
    except lifecycle.TransitionError as exc:
        return problem_response(status=422, title=str(exc.message), type_="/problems/not-allowed")
    return _dossier_out(selectors.dossier_for_officer(request.user, updated.pk), request.user)
