"""Workbench API under /api/v1/reform/ (token authentication, officers) and the public suggestion
endpoint. The same rules as the pages: services decide, errors are problem+json."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from motcua.accounts.api_auth import ApiTokenAuth
from motcua.catalog.models import Procedure
from motcua.core import ratelimit
from motcua.core.problem import problem_response
from motcua.reform import selectors, services
from motcua.reform.models import Assignment, Proposal, ReviewPlan
from motcua.reform.services import ReformError

router = Router(tags=["reform"])
auth = ApiTokenAuth()


def _problem(exc: ReformError, status: int = 422):
    errors = [{"path": exc.field, "message": exc.message, "code": "invalid"}] if exc.field else None
    return problem_response(status=status, title=exc.message, type_="/problems/reform", errors=errors)


class PlanOut(Schema):
    id: int
    year: int
    title: str
    decision_no: str
    owner: str
    assignments: int
    done: int
    overdue: int
    percent_done: Decimal


class AssignmentOut(Schema):
    id: int
    plan_id: int
    procedure_code: str
    agency: str
    team: str
    due_date: dt.date
    status: str


class ObservationIn(Schema):
    activity: str
    hours: Decimal
    money_vnd: int = 0
    observed_on: dt.date
    note: str = ""


class ObservationOut(Schema):
    id: int
    activity: str
    hours: Decimal
    money_vnd: int
    observed_on: dt.date


class SheetOut(Schema):
    hours: Decimal
    unit_cost_vnd: int
    yearly_cost_vnd: int
    subjects: int
    frequency: Decimal


class ComparisonOut(Schema):
    proposal_id: int
    procedure_code: str
    status: str
    action: str
    authority: str
    before_version: int
    after_version: int
    processing_time_before: Decimal
    processing_time_after: Decimal
    documents_removed: list[str]
    before: SheetOut | None
    after: SheetOut | None
    yearly_saving_vnd: int | None
    reduction_percent: Decimal | None


class SuggestionIn(Schema):
    text: str


def _officer(request):
    if not getattr(request.user, "is_officer", False):
        raise Http404(_("Not found"))


@router.get(
    "/reform/plans", auth=auth, response=list[PlanOut], summary="Review plans I manage, with progress"
)
def plans(request):
    _officer(request)
    out = []
    for plan in selectors.plans_for(request.user)[:100]:
        progress = selectors.plan_progress(plan)
        out.append(
            {
                "id": plan.pk,
                "year": plan.year,
                "title": plan.title,
                "decision_no": plan.decision_no,
                "owner": plan.owner.code,
                "assignments": progress["total"],
                "done": progress["done"],
                "overdue": progress["overdue"],
                "percent_done": progress["percent"],
            }
        )
    return out


@router.get(
    "/reform/assignments",
    auth=auth,
    response=list[AssignmentOut],
    summary="Review work assigned to my agencies",
)
def assignments(request):
    _officer(request)
    return [
        {
            "id": a.pk,
            "plan_id": a.plan_id,
            "procedure_code": a.procedure.code,
            "agency": a.agency.code,
            "team": a.team,
            "due_date": a.due_date,
            "status": a.status,
        }
        for a in selectors.assignments_for(request.user)[:500]
    ]


@router.post(
    "/reform/assignments/{pk}/observations",
    auth=auth,
    response={201: ObservationOut},
    summary="Record a field observation (community teams)",
)
def add_observation(request, pk: int, payload: ObservationIn):
    _officer(request)
    assignment = get_object_or_404(
        Assignment.objects.select_related("plan__owner", "agency", "procedure"), pk=pk
    )
    if not selectors.can_work_on(request.user, assignment):
        raise HttpError(403, _("You may not do this."))
    try:
        observation = services.record_observation(
            assignment=assignment,
            activity=payload.activity,
            hours=payload.hours,
            money_vnd=payload.money_vnd,
            observed_on=payload.observed_on,
            note=payload.note,
            actor=request.user,
        )
    except ReformError as exc:
        return _problem(exc)
    return 201, {
        "id": observation.pk,
        "activity": observation.activity,
        "hours": observation.hours,
        "money_vnd": observation.money_vnd,
        "observed_on": observation.observed_on,
    }


def _sheet(result) -> dict | None:
    if result is None:
        return None
    return {
        "hours": result.hours,
        "unit_cost_vnd": result.unit_cost_vnd,
        "yearly_cost_vnd": result.yearly_cost_vnd,
        "subjects": result.subjects,
        "frequency": result.frequency,
    }


@router.get(
    "/reform/proposals/{pk}",
    auth=auth,
    response=ComparisonOut,
    summary="A proposal: before / after and saving",
)
def proposal(request, pk: int):
    _officer(request)
    found = get_object_or_404(
        Proposal.objects.select_related(
            "assessment__plan__owner", "assessment__assignment__agency", "procedure"
        ),
        pk=pk,
    )
    if not (
        selectors.can_work_on(request.user, found.assessment.assignment)
        or selectors.can_manage_plan(request.user, found.assessment.plan)
    ):
        raise Http404(_("Not found"))
    side = selectors.side_by_side(found)
    comp = side.comparison
    return {
        "proposal_id": found.pk,
        "procedure_code": found.procedure.code,
        "status": found.status,
        "action": found.action,
        "authority": found.authority,
        "before_version": side.before.number,
        "after_version": side.after.number,
        "processing_time_before": side.before.processing_time,
        "processing_time_after": side.after.processing_time,
        "documents_removed": [d.code for d in side.removed_documents],
        "before": _sheet(comp.before if comp else None),
        "after": _sheet(comp.after if comp else None),
        "yearly_saving_vnd": comp.yearly_saving_vnd if comp else None,
        "reduction_percent": comp.reduction_percent if comp else None,
    }


@router.get("/reform/plans/{pk}/portfolio", auth=auth, summary="Portfolio summary of a review plan")
def plan_portfolio(request, pk: int):
    _officer(request)
    plan = get_object_or_404(ReviewPlan.objects.select_related("owner"), pk=pk)
    if not selectors.can_manage_plan(request.user, plan):
        raise Http404(_("Not found"))
    data = selectors.portfolio(plan)
    data.pop("entries")
    return {key: (str(value) if isinstance(value, Decimal) else value) for key, value in data.items()}


@router.post(
    "/procedures/{code}/suggestions",
    response={202: dict},
    summary="Suggest a simplification (public, moderated, rate-limited)",
)
def suggest(request, code: str, payload: SuggestionIn):
    """ "This procedure is too complicated because…": stored for moderation; 202 when accepted for
    moderation, 429 after 5 suggestions an hour from one address."""
    procedure = get_object_or_404(Procedure, code=code)
    if not ratelimit.hit("reform-suggest", ratelimit.client_ip(request), limit=5, window=3600):
        return problem_response(
            status=429, title=_("Too many suggestions from this address; please try again in an hour.")
        )
    try:
        services.submit_suggestion(procedure=procedure, text=payload.text)
    except ReformError as exc:
        return _problem(exc)
    return 202, {"status": "pending"}
