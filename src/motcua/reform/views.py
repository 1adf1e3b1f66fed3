"""Workbench pages under /ra-soat/ (officers) and the public suggestion form. Thin: services and
selectors do the work; a :class:`ReformError` is shown next to its field."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.accounts.decorators import officer_required
from motcua.accounts.models import OfficerRole
from motcua.catalog.models import Procedure
from motcua.core import ratelimit
from motcua.org.models import Agency
from motcua.reform import exports, reports, selectors, services
from motcua.reform.models import (
    Activity,
    Answer,
    Assessment,
    Assignment,
    Change,
    CostSheet,
    HourlyValue,
    Proposal,
    ReviewPlan,
    Suggestion,
)
from motcua.reform.services import ReformError

SUGGESTION_LIMIT = 5  # per address per hour: enough for a family, not for a flood
SUGGESTION_WINDOW = 3600


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _plan_for_manager(request, pk: int) -> ReviewPlan:
    plan = get_object_or_404(ReviewPlan.objects.select_related("owner"), pk=pk)
    if not selectors.can_manage_plan(request.user, plan):
        raise PermissionDenied
    return plan


def _assignment(request, pk: int) -> Assignment:
    assignment = get_object_or_404(
        Assignment.objects.select_related("plan__owner", "procedure", "agency"), pk=pk
    )
    if not selectors.can_work_on(request.user, assignment):
        raise PermissionDenied
    return assignment


def _assessment(request, pk: int) -> Assessment:
    assessment = get_object_or_404(
        Assessment.objects.select_related("plan__owner", "assignment__agency", "version__procedure", "bank"),
        pk=pk,
    )
    if not (
        selectors.can_work_on(request.user, assessment.assignment)
        or selectors.can_manage_plan(request.user, assessment.plan)
    ):
        raise PermissionDenied
    return assessment


def _proposal(request, pk: int) -> Proposal:
    proposal = get_object_or_404(
        Proposal.objects.select_related(
            "assessment__plan__owner",
            "assessment__assignment__agency",
            "before_version",
            "after_version",
            "procedure",
        ),
        pk=pk,
    )
    if not (
        selectors.can_work_on(request.user, proposal.assessment.assignment)
        or selectors.can_manage_plan(request.user, proposal.assessment.plan)
    ):
        raise PermissionDenied
    return proposal


def _reform_agencies(user):
    return Agency.objects.filter(
        officer_roles__user=user, officer_roles__role=OfficerRole.Role.REFORM_OFFICER
    ).distinct()


# --- Home, settings ------------------------------------------------------------------------------


@officer_required
def index(request, errors=None, status=200):
    user = request.user
    is_reform = selectors.is_reform_officer(user)
    return render(
        request,
        "reform/index.html",
        {
            "is_reform": is_reform,
            "plans": list(selectors.plans_for(user)) if is_reform else [],
            "assignments": list(selectors.assignments_for(user)[:200]),
            "owners": list(_reform_agencies(user)) if is_reform else [],
            "hourly": selectors.default_hourly_value(),
            "pending_suggestions": Suggestion.objects.filter(status=Suggestion.Status.PENDING).count()
            if is_reform
            else 0,
            "year": timezone.localdate().year,
            "errors": errors or {},
            "values": request.POST,
        },
        status=status,
    )


@officer_required
@require_POST
def plan_create(request):
    owner = Agency.objects.filter(pk=request.POST.get("owner") or 0).first()
    try:
        if owner is None:
            raise ReformError(_("Choose the owner agency."), "owner")
        plan = services.create_plan(
            year=int(request.POST.get("year") or 0),
            title=request.POST.get("title", ""),
            decision_no=request.POST.get("decision_no", ""),
            owner=owner,
            actor=request.user,
        )
    except ReformError as exc:
        return index(request, errors={exc.field or "general": exc.message}, status=422)
    except ValueError:
        return index(request, errors={"year": _("Enter a year such as 2026.")}, status=422)
    messages.success(request, _("The review plan was created."))
    return redirect("reform:plan", plan.pk)


@officer_required
def hourly_value(request):
    if not selectors.is_reform_officer(request.user):
        raise PermissionDenied
    errors, values = {}, request.POST
    if request.method == "POST":
        try:
            services.set_hourly_value(
                year=int(request.POST.get("year") or 0),
                value_vnd=request.POST.get("value_vnd", ""),
                source=request.POST.get("source", ""),
                source_date=_date(request.POST.get("source_date")),
                actor=request.user,
            )
            messages.success(request, _("The hourly value was saved."))
            return redirect("reform:hourly_value")
        except ReformError as exc:
            errors[exc.field or "general"] = exc.message
        except ValueError:
            errors["year"] = _("Enter a year such as 2026.")
    return render(
        request,
        "reform/hourly_value.html",
        {"history": HourlyValue.objects.all()[:50], "errors": errors, "values": values},
        status=422 if errors else 200,
    )


# --- Plans --------------------------------------------------------------------------------------


@officer_required
def plan_detail(request, pk: int, errors=None, status=200):
    plan = get_object_or_404(ReviewPlan.objects.select_related("owner"), pk=pk)
    manager = selectors.can_manage_plan(request.user, plan)
    if not manager:
        raise PermissionDenied
    assignments = list(plan.assignments.select_related("procedure", "agency").prefetch_related("assessments"))
    proposals = list(selectors.proposals_of(plan))
    return render(
        request,
        "reform/plan.html",
        {
            "plan": plan,
            "assignments": assignments,
            "progress": selectors.plan_progress(plan),
            "proposals": proposals,
            "simplification_plans": list(plan.simplification_plans.annotate(n=Count("proposals"))),
            "agencies": Agency.objects.filter(
                kind__in=["department", "commune_pc", "province_pc", "service_centre"]
            )
            .filter(is_active=True)
            .order_by("path")[:300],
            "teams": Assignment.Team.choices,
            "errors": errors or {},
            "values": request.POST,
            "today": timezone.localdate(),
        },
        status=status,
    )


@officer_required
@require_POST
def plan_assign(request, pk: int):
    plan = _plan_for_manager(request, pk)
    agency = Agency.objects.filter(pk=request.POST.get("agency") or 0).first()
    try:
        if agency is None:
            raise ReformError(_("Choose the agency."), "agency")
        services.assign(
            plan=plan,
            procedure_code=request.POST.get("procedure", ""),
            agency=agency,
            team=request.POST.get("team", ""),
            due_date=_date(request.POST.get("due_date")),
            actor=request.user,
        )
    except ReformError as exc:
        return plan_detail(request, pk, errors={exc.field or "general": exc.message}, status=422)
    messages.success(request, _("The procedure was assigned."))
    return redirect("reform:plan", plan.pk)


@officer_required
@require_POST
def plan_simplification(request, pk: int):
    plan = _plan_for_manager(request, pk)
    chosen = list(selectors.proposals_of(plan).filter(pk__in=request.POST.getlist("proposals")))
    try:
        services.create_simplification_plan(
            review_plan=plan,
            title=request.POST.get("title", ""),
            decision_no=request.POST.get("decision_no", ""),
            proposals=chosen,
            actor=request.user,
        )
    except ReformError as exc:
        return plan_detail(request, pk, errors={exc.field or "general": exc.message}, status=422)
    messages.success(request, _("The simplification plan was created."))
    return redirect("reform:plan", plan.pk)


@officer_required
@require_POST
def simplification_decision(request, pk: int, sp: int):
    plan = _plan_for_manager(request, pk)
    splan = get_object_or_404(plan.simplification_plans, pk=sp)
    try:
        services.record_decision(
            simplification_plan=splan,
            decision_no=request.POST.get("decision_no", ""),
            decided_on=_date(request.POST.get("decided_on")),
            actor=request.user,
        )
    except ReformError as exc:
        return plan_detail(
            request, pk, errors={f"decision_{exc.field or 'general'}": exc.message}, status=422
        )
    messages.success(request, _("The Decision was recorded; its proposals are approved."))
    return redirect("reform:plan", plan.pk)


def _export(report, fmt: str) -> HttpResponse:
    renderers = {"pdf": exports.to_pdf, "xlsx": exports.to_xlsx, "docx": exports.to_docx}
    if fmt not in renderers:
        raise Http404
    body = renderers[fmt](report)
    response = HttpResponse(body, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{report.filename}.{fmt}"'
    return response


@officer_required
def plan_export(request, pk: int, report: str, fmt: str):
    plan = _plan_for_manager(request, pk)
    builders = {
        "phu-luc": reports.plan_annex,
        "kien-nghi": reports.recommendations,
        "tong-hop": reports.portfolio,
        "du-thao-quyet-dinh": reports.draft_decision,
        "thay-the-bang-du-lieu": reports.data_reuse,
    }
    if report not in builders:
        raise Http404
    return _export(builders[report](plan), fmt)


# --- Assignments and observations --------------------------------------------------------------


@officer_required
def assignment_detail(request, pk: int, errors=None, status=200):
    assignment = _assignment(request, pk)
    return render(
        request,
        "reform/assignment.html",
        {
            "assignment": assignment,
            "assessment": assignment.assessments.first(),
            "observations": list(
                assignment.observations.select_related("observer").order_by("-observed_on", "-id")[:200]
            ),
            "summary": selectors.observation_summary(assignment.procedure),
            "activities": Activity.choices,
            "errors": errors or {},
            "values": request.POST,
            "today": timezone.localdate(),
            "version": selectors.current_version(assignment.procedure),
        },
        status=status,
    )


@officer_required
@require_POST
def observation_add(request, pk: int):
    assignment = _assignment(request, pk)
    try:
        services.record_observation(
            assignment=assignment,
            activity=request.POST.get("activity", ""),
            hours=request.POST.get("hours", ""),
            money_vnd=request.POST.get("money_vnd", "") or 0,
            observed_on=_date(request.POST.get("observed_on")),
            note=request.POST.get("note", ""),
            evidence=request.FILES.get("evidence"),
            actor=request.user,
        )
    except ReformError as exc:
        return assignment_detail(request, pk, errors={exc.field or "general": exc.message}, status=422)
    messages.success(request, _("The observation was recorded."))
    return redirect("reform:assignment", pk)


@officer_required
@require_POST
def assignment_done(request, pk: int):
    assignment = _assignment(request, pk)
    services.complete_assignment(assignment=assignment, actor=request.user)
    messages.success(request, _("The assignment is marked done."))
    return redirect("reform:assignment", pk)


@officer_required
@require_POST
def assessment_start(request, pk: int):
    assignment = _assignment(request, pk)
    try:
        assessment = services.start_assessment(assignment=assignment, actor=request.user)
    except ReformError as exc:
        return assignment_detail(request, pk, errors={"general": exc.message}, status=422)
    return redirect("reform:assessment", assessment.pk)


# --- Assessment ---------------------------------------------------------------------------------


def _question_rows(assessment: Assessment):
    answers = selectors.answers_by_key(assessment)
    groups: list[dict] = []
    for question in assessment.bank.questions.all():
        for item, label in services.items_for(question, assessment.version):
            row = {
                "question": question,
                "item": item,
                "label": label,
                "key": f"{question.code}|{item}",
                "answer": answers.get((question.pk, item)),
            }
            if not groups or groups[-1]["dimension"] != question.dimension:
                groups.append(
                    {"dimension": question.dimension, "title": question.get_dimension_display(), "rows": []}
                )
            groups[-1]["rows"].append(row)
    return groups


@officer_required
def assessment_detail(request, pk: int, errors=None, status=200):
    assessment = _assessment(request, pk)
    sheets = selectors.sheets_of(assessment)
    before = sheets.get("before")
    return render(
        request,
        "reform/assessment.html",
        {
            "assessment": assessment,
            "version": assessment.version,
            "groups": _question_rows(assessment),
            "values": Answer.Value.choices,
            "suggestions": list(selectors.accepted_suggestions(assessment.version.procedure)[:50]),
            "summary": selectors.observation_summary(assessment.version.procedure),
            "before": before,
            "before_result": selectors.sheet_result(before) if before else None,
            "proposal": getattr(assessment, "proposal", None),
            "actions": Proposal.Action.choices,
            "authorities": Proposal.Authority.choices,
            "editable": assessment.status == Assessment.Status.DRAFT
            and selectors.can_work_on(request.user, assessment.assignment),
            "errors": errors or {},
            "posted": request.POST,
            "hourly": selectors.default_hourly_value(),
        },
        status=status,
    )


@officer_required
@require_POST
def assessment_answer(request, pk: int):
    assessment = _assessment(request, pk)
    rows = []
    for key in request.POST.getlist("key"):
        code, _sep, item = key.partition("|")
        rows.append(
            {
                "question": code,
                "item": item,
                "value": request.POST.get(f"value:{key}", ""),
                "reason": request.POST.get(f"reason:{key}", ""),
                "proposal": request.POST.get(f"proposal:{key}", ""),
                "legal_ref": request.POST.get(f"legal_ref:{key}", ""),
            }
        )
    try:
        count = services.save_answers(assessment=assessment, answers=rows, actor=request.user)
        if request.POST.get("submit") == "1":
            services.submit_assessment(assessment=assessment, actor=request.user)
            messages.success(request, _("The assessment was submitted."))
        else:
            messages.success(request, _("%(count)s answers saved.") % {"count": count})
    except ReformError as exc:
        return assessment_detail(request, pk, errors={exc.field or "general": exc.message}, status=422)
    return redirect("reform:assessment", pk)


@officer_required
def assessment_export(request, pk: int, fmt: str):
    return _export(reports.review_form(_assessment(request, pk)), fmt)


@officer_required
@require_POST
def cost_prepare(request, pk: int):
    assessment = _assessment(request, pk)
    try:
        services.prepare_cost_sheet(assessment=assessment, actor=request.user)
    except ReformError as exc:
        return assessment_detail(request, pk, errors={"cost": exc.message}, status=422)
    return redirect("reform:cost", pk, "before")


@officer_required
def cost_sheet(request, pk: int, kind: str):
    assessment = _assessment(request, pk)
    if kind not in CostSheet.Kind.values:
        raise Http404
    sheet = assessment.cost_sheets.filter(kind=kind).select_related("hourly_value", "version").first()
    if sheet is None:
        raise Http404
    errors: dict[str, str] = {}
    if request.method == "POST":
        lines = {
            activity: {
                "hours": request.POST.get(f"hours_{activity}", ""),
                "out_of_pocket_vnd": request.POST.get(f"money_{activity}", ""),
                "note": request.POST.get(f"note_{activity}", ""),
            }
            for activity in Activity.values
        }
        try:
            services.update_cost_sheet(
                sheet=sheet,
                lines=lines,
                fees_vnd=request.POST.get("fees_vnd", ""),
                frequency=request.POST.get("frequency", ""),
                subjects=request.POST.get("subjects", ""),
                subjects_source=request.POST.get("subjects_source", ""),
                actor=request.user,
            )
            messages.success(request, _("The cost sheet was saved."))
            proposal = getattr(assessment, "proposal", None)
            if kind == "after" and proposal:
                return redirect("reform:proposal", proposal.pk)
            return redirect("reform:assessment", pk)
        except ReformError as exc:
            errors[exc.field or "general"] = exc.message
    existing = {line.activity: line for line in sheet.lines.all()}
    rows = [
        {
            "activity": value,
            "label": label,
            "line": existing.get(value),
            "hours": request.POST.get(f"hours_{value}")
            if errors
            else (existing[value].hours if value in existing else ""),
            "money": request.POST.get(f"money_{value}")
            if errors
            else (existing[value].out_of_pocket_vnd if value in existing else ""),
            "note": request.POST.get(f"note_{value}")
            if errors
            else (existing[value].note if value in existing else ""),
        }
        for value, label in Activity.choices
    ]
    return render(
        request,
        "reform/cost_sheet.html",
        {
            "assessment": assessment,
            "sheet": sheet,
            "rows": rows,
            "result": selectors.sheet_result(sheet),
            "summary": selectors.observation_summary(assessment.version.procedure),
            "errors": errors,
            "posted": request.POST if errors else None,
        },
        status=422 if errors else 200,
    )


# --- Proposals ----------------------------------------------------------------------------------


@officer_required
@require_POST
def proposal_create(request, pk: int):
    assessment = _assessment(request, pk)
    try:
        proposal = services.create_proposal(
            assessment=assessment,
            action=request.POST.get("action", ""),
            authority=request.POST.get("authority", ""),
            ministry=request.POST.get("ministry", ""),
            reasons=request.POST.get("reasons", ""),
            legal_instrument=request.POST.get("legal_instrument", ""),
            actor=request.user,
        )
    except ReformError as exc:
        return assessment_detail(request, pk, errors={exc.field or "proposal": exc.message}, status=422)
    messages.success(request, _("The proposal was drafted as a new version in the catalog."))
    return redirect("reform:proposal", proposal.pk)


@officer_required
def proposal_detail(request, pk: int, errors=None, status=200):
    proposal = _proposal(request, pk)
    side = selectors.side_by_side(proposal)
    from motcua.reform.services import FOLLOW_UP

    steps = list(proposal.after_version.steps.all())
    index = FOLLOW_UP.index(proposal.status) if proposal.status in FOLLOW_UP else None
    next_stage = FOLLOW_UP[index + 1] if index is not None and index + 1 < len(FOLLOW_UP) else None
    return render(
        request,
        "reform/proposal.html",
        {
            "proposal": proposal,
            "side": side,
            "comparison": side.comparison,
            "changes": list(proposal.changes.all()),
            "kinds": Change.Kind.choices,
            "documents": list(proposal.after_version.documents.all()),
            "fees": list(proposal.after_version.fees.all()),
            "merge_pairs": [
                (f"{a.code}+{b.code}", f"{a.name} + {b.name}") for a, b in zip(steps, steps[1:], strict=False)
            ],
            "editable": proposal.status == Proposal.Status.DRAFT
            and selectors.can_work_on(request.user, proposal.assessment.assignment),
            "manager": selectors.can_manage_plan(request.user, proposal.assessment.plan),
            "next_stage": Proposal.Status(next_stage) if next_stage else None,
            "events": list(proposal.events.select_related("actor")),
            "errors": errors or {},
            "posted": request.POST,
            "today": timezone.localdate(),
        },
        status=status,
    )


@officer_required
@require_POST
def proposal_change(request, pk: int):
    proposal = _proposal(request, pk)
    kind = request.POST.get("kind", "")
    target = request.POST.get(f"target_{kind}", request.POST.get("target", ""))
    try:
        services.add_change(
            proposal=proposal,
            kind=kind,
            target=target,
            value=request.POST.get(f"value_{kind}", request.POST.get("value", "")),
            data_source=request.POST.get("data_source", ""),
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
    except ReformError as exc:
        return proposal_detail(request, pk, errors={exc.field or "general": exc.message}, status=422)
    messages.success(request, _("The change was applied to the draft version."))
    return redirect("reform:proposal", pk)


@officer_required
@require_POST
def proposal_advance(request, pk: int):
    proposal = _proposal(request, pk)
    if not selectors.can_manage_plan(request.user, proposal.assessment.plan):
        raise PermissionDenied
    try:
        services.advance_proposal(
            proposal=proposal,
            to=request.POST.get("to", ""),
            on=_date(request.POST.get("on")),
            reference=request.POST.get("reference", ""),
            actor=request.user,
        )
    except ReformError as exc:
        return proposal_detail(
            request, pk, errors={"follow_" + (exc.field or "all"): exc.message}, status=422
        )
    messages.success(request, _("The follow-up was recorded."))
    return redirect("reform:proposal", pk)


@officer_required
def proposal_export(request, pk: int, fmt: str):
    return _export(reports.cost_sheet(_proposal(request, pk)), fmt)


# --- Reports ------------------------------------------------------------------------------------


@officer_required
def resolution66(request):
    if not selectors.is_reform_officer(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
        month = int(request.GET.get("month") or today.month)
        dt.date(year, month, 1)
    except ValueError:
        year, month = today.year, today.month
    fmt = request.GET.get("format", "")
    if fmt:
        return _export(reports.resolution66(year=year, month=month), fmt)
    return render(
        request,
        "reform/resolution66.html",
        {"report": selectors.resolution66(year=year, month=month), "months": range(1, 13)},
    )


# --- Citizens' voice --------------------------------------------------------------------------


@officer_required
def suggestions(request):
    if not selectors.is_reform_officer(request.user):
        raise PermissionDenied
    if request.method == "POST":
        suggestion = get_object_or_404(Suggestion, pk=request.POST.get("suggestion") or 0)
        try:
            services.moderate_suggestion(
                suggestion=suggestion, accept=request.POST.get("decision") == "accept", actor=request.user
            )
            messages.success(request, _("The suggestion was moderated."))
        except ReformError as exc:
            messages.error(request, exc.message)
        return redirect("reform:suggestions")
    pending = Suggestion.objects.filter(status=Suggestion.Status.PENDING).select_related("procedure")[:100]
    return render(request, "reform/suggestions.html", {"pending": list(pending)})


def suggest(request, code: str):
    """Public: the "this procedure is too complicated because…" form (works without JavaScript)."""
    procedure = get_object_or_404(Procedure, code=code)
    version = selectors.current_version(procedure)
    if version is None:
        raise Http404
    error = ""
    if request.method == "POST":
        ident = ratelimit.client_ip(request)
        if not ratelimit.hit("reform-suggest", ident, limit=SUGGESTION_LIMIT, window=SUGGESTION_WINDOW):
            error = _("Too many suggestions from this address; please try again in an hour.")
            status = 429
        else:
            try:
                services.submit_suggestion(procedure=procedure, text=request.POST.get("text", ""))
                messages.success(
                    request, _("Thank you. Your suggestion will be read by the procedure control officers.")
                )
                return redirect(reverse("catalog:detail", args=[code]) + "#gop-y")
            except ReformError as exc:
                error = exc.message
                status = 422
        return render(
            request,
            "reform/suggest_page.html",
            {"version": version, "suggestion_error": error, "suggestion_text": request.POST.get("text", "")},
            status=status,
        )
    return render(request, "reform/suggest_page.html", {"version": version})
