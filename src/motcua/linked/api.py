"""Linked procedures in the API: the groups (public), a citizen's application with its stages, and
the callback through which an agency's own system reports on a stage (docs/linked.md)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema

from motcua.accounts.api_auth import ApiTokenAuth
from motcua.core.problem import problem_response
from motcua.dossiers import selectors as dossier_selectors
from motcua.linked import config, ports, selectors, services

router = Router(tags=["linked procedures"])
auth = ApiTokenAuth()


class MemberOut(Schema):
    procedure_code: str
    procedure_name: str
    agency_kind: str
    time_budget: Decimal
    time_budget_unit: str
    optional: bool
    depends_on: list[str]
    on_failure: str


class BundleOut(Schema):
    code: str
    label: str
    members: list[str]


class GroupOut(Schema):
    code: str
    name: str
    description: str
    legal_basis: list[str]
    application_procedure: str | None
    total_time: Decimal
    total_time_unit: str
    bundle_field: str
    bundles: list[BundleOut]
    members: list[MemberOut]


def _group(group) -> dict:
    members = list(group.members.all())
    names = config.current_names(m.procedure.code for m in members)
    return {
        "code": group.code,
        "name": group.name,
        "description": group.description,
        "legal_basis": list(group.legal_basis),
        "application_procedure": group.procedure.code if group.procedure_id else None,
        "total_time": group.total_time,
        "total_time_unit": group.total_time_unit,
        "bundle_field": group.bundle_field,
        "bundles": list(group.bundles),
        "members": [
            {
                "procedure_code": m.procedure.code,
                "procedure_name": names.get(m.procedure.code, ""),
                "agency_kind": m.agency_kind,
                "time_budget": m.time_budget,
                "time_budget_unit": m.time_budget_unit,
                "optional": m.optional,
                "depends_on": [d.procedure.code for d in m.depends_on.all()],
                "on_failure": m.on_failure,
            }
            for m in members
        ],
    }


@router.get("/linked-groups", response=list[GroupOut], summary="Groups of linked procedures")
def list_groups(request):
    return [_group(g) for g in selectors.groups()]


@router.get("/linked-groups/{code}", response=GroupOut, summary="One group of linked procedures")
def get_group(request, code: str):
    group = selectors.groups().filter(code=code).first()
    if group is None:
        raise Http404(_("No such group of linked procedures."))
    return _group(group)


class ResultOut(Schema):
    number: str
    title: str
    signed_at: dt.datetime
    download_url: str


class StageOut(Schema):
    position: int
    procedure_code: str
    procedure_name: str
    agency_code: str | None
    agency_name: str | None
    state: str
    state_label: str
    reason: str
    opened_at: dt.datetime | None
    due_at: dt.datetime | None
    finished_at: dt.datetime | None
    dossier_id: int | None
    dossier_code: str | None
    dossier_status: str | None
    depends_on: list[str]
    outputs: dict
    results: list[ResultOut]


class ApplicationOut(Schema):
    id: int
    code: str | None
    status: str
    status_label: str
    procedure_code: str
    submitted_at: dt.datetime | None
    due_at: dt.datetime | None
    stages: list[StageOut]


@router.get(
    "/linked-applications/{pk}",
    auth=auth,
    response=ApplicationOut,
    summary="One of my linked applications with every agency's step, due date and result",
)
def get_application(request, pk: int):
    from django.urls import reverse

    application = dossier_selectors.dossier_for(request.user, pk)
    if application is None or not application.is_linked_application:
        raise Http404(_("No such linked application."))
    stages = selectors.stages_of(application)
    return {
        "id": application.pk,
        "code": application.code,
        "status": application.status,
        "status_label": str(application.get_status_display()),
        "procedure_code": application.procedure_version.procedure.code,
        "submitted_at": application.submitted_at,
        "due_at": application.due_at,
        "stages": [
            {
                "position": s.position,
                "procedure_code": s.procedure_code,
                "procedure_name": s.procedure_name,
                "agency_code": s.agency.code if s.agency_id else None,
                "agency_name": s.agency.name if s.agency_id else None,
                "state": s.state,
                "state_label": str(s.get_state_display()),
                "reason": s.reason,
                "opened_at": s.opened_at,
                "due_at": s.due_at,
                "finished_at": s.finished_at,
                "dossier_id": s.dossier_id,
                "dossier_code": s.dossier.code if s.dossier_id else None,
                "dossier_status": s.dossier.status if s.dossier_id else None,
                "depends_on": s.depends_on,
                "outputs": s.outputs,
                "results": [
                    {
                        "number": r.number,
                        "title": r.title,
                        "signed_at": r.signed_at,
                        "download_url": request.build_absolute_uri(reverse("results:download", args=[r.pk])),
                    }
                    for r in (s.dossier.valid_results if s.dossier_id else [])
                ],
            }
            for s in stages
        ],
    }


class CallbackOut(Schema):
    reference: str
    status: str


@router.post(
    "/linked/callbacks",
    url_name="linked_callback",
    response={200: CallbackOut},
    summary="An agency's own system reports on a stage (HMAC-signed; see docs/linked.md)",
)
def callback(request):
    agency_code = request.headers.get(ports.AGENCY_HEADER, "")
    body = request.body
    try:
        conf = ports.conf_for(agency_code) if agency_code else None
    except Exception:  # noqa: BLE001 — an unknown or misconfigured agency is simply not trusted
        conf = None
    if (
        conf is None
        or conf.connector == "local"
        or not ports.signature_ok(body, conf.secret, request.headers.get(ports.SIGNATURE_HEADER, ""))
    ):
        return problem_response(
            status=401,
            title=_("The signature is missing or wrong."),
            type_="/problems/linked-signature",
        )
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        return problem_response(status=400, title=_("The body must be a JSON object."))
    try:
        dossier = services.apply_callback(agency_code=agency_code, payload=payload)
    except services.CallbackError as exc:
        return problem_response(status=exc.status, title=str(exc.message), type_="/problems/linked-callback")
    return {"reference": dossier.code, "status": dossier.status}
