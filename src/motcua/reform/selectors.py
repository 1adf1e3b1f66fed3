"""Reads of the workbench: who may do what, yearly dossier counts, cost results, reports."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from motcua.accounts.models import OfficerRole
from motcua.accounts.selectors import ACTING_ROLES, has_role
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.reform import cost
from motcua.reform.models import (
    Activity,
    Answer,
    Assessment,
    Assignment,
    CostSheet,
    HourlyValue,
    Observation,
    Proposal,
    ReviewPlan,
    Suggestion,
)

Role = OfficerRole.Role
#: Roles that may answer a department's assessment (the reform officer too, to help).
DEPARTMENT_ROLES = frozenset({*ACTING_ROLES, Role.REFORM_OFFICER})
COMMUNITY_ROLES = frozenset({Role.COMMUNITY_HELPER, Role.REFORM_OFFICER})
#: Dossier states that mean a citizen actually filed the dossier.
FILED_STATES = (
    "submitted",
    "supplement_requested",
    "received",
    "in_progress",
    "resolved",
    "returned",
    "refused",
    "stopped",
    "withdrawn",
)


# --- Access -------------------------------------------------------------------------------------


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_reform_officer(user) -> bool:
    return _active(user) and OfficerRole.objects.filter(user=user, role=Role.REFORM_OFFICER).exists()


def can_manage_plan(user, plan: ReviewPlan) -> bool:
    """A reform officer at the plan's owner agency or above."""
    return has_role(user, Role.REFORM_OFFICER, plan.owner)


def can_work_on(user, assignment: Assignment) -> bool:
    """Officers of the assigned department answer the assessment; members of the community team
    record observations; the plan's reform officers may do both."""
    roles = DEPARTMENT_ROLES if assignment.team == Assignment.Team.DEPARTMENT else COMMUNITY_ROLES
    return has_role(user, roles, assignment.agency) or can_manage_plan(user, assignment.plan)


def can_see_plan(user, plan: ReviewPlan) -> bool:
    if can_manage_plan(user, plan):
        return True
    return any(can_work_on(user, a) for a in plan.assignments.select_related("agency", "plan__owner"))


def assignments_for(user) -> QuerySet[Assignment]:
    """Assignments of the agencies where ``user`` holds a fitting role (or below them)."""
    if not _active(user):
        return Assignment.objects.none()
    condition = Q(pk__in=[])
    for role, path in OfficerRole.objects.filter(user=user).values_list("role", "agency__path"):
        if role in DEPARTMENT_ROLES:
            condition |= Q(team=Assignment.Team.DEPARTMENT, agency__path__startswith=path)
        if role in COMMUNITY_ROLES:
            condition |= Q(team=Assignment.Team.COMMUNITY, agency__path__startswith=path)
    return (
        Assignment.objects.filter(condition)
        .select_related("plan", "procedure", "agency")
        .order_by("due_date", "id")
    )


def plans_for(user) -> QuerySet[ReviewPlan]:
    """Plans a reform officer manages (their agencies' subtrees)."""
    if not _active(user):
        return ReviewPlan.objects.none()
    paths = OfficerRole.objects.filter(user=user, role=Role.REFORM_OFFICER).values_list(
        "agency__path", flat=True
    )
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(owner__path__startswith=path)
    return ReviewPlan.objects.filter(condition).select_related("owner").annotate(n=Count("assignments"))


# --- Inputs -------------------------------------------------------------------------------------


def dossier_count(procedure: Procedure, year: int) -> int:
    """motcua's own dossiers filed for ``procedure`` (any version) during ``year`` (local time)."""
    from motcua.dossiers.models import Dossier

    tz = timezone.get_current_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=tz)
    end = dt.datetime(year + 1, 1, 1, tzinfo=tz)
    return Dossier.objects.filter(
        procedure_version__procedure=procedure,
        status__in=FILED_STATES,
        submitted_at__gte=start,
        submitted_at__lt=end,
    ).count()


def default_hourly_value() -> HourlyValue | None:
    return HourlyValue.objects.filter(is_default=True).first()


def statutory_fees(version: ProcedureVersion) -> int:
    """Fees at the desk in force today (quantity-based fees counted once)."""
    from motcua.catalog.selectors import fees_by_channel

    return sum(f.amount for f in fees_by_channel(version, timezone.localdate())["in_person"])


def current_version(procedure: Procedure) -> ProcedureVersion | None:
    return ProcedureVersion.objects.filter(procedure=procedure, is_current=True).first()


def observation_summary(procedure: Procedure) -> dict[str, dict]:
    """Per activity: the observed hours and money, and their lower-average values."""
    rows: dict[str, dict] = defaultdict(lambda: {"hours": [], "money": []})
    for activity, hours, money in Observation.objects.filter(procedure=procedure).values_list(
        "activity", "hours", "money_vnd"
    ):
        rows[activity]["hours"].append(hours)
        rows[activity]["money"].append(money)
    out = {}
    for activity, values in rows.items():
        out[activity] = {
            "label": Activity(activity).label,
            "count": len(values["hours"]),
            "hours": cost.to_hours(cost.lower_average(values["hours"])),
            "money": cost.to_vnd(cost.lower_average(values["money"])),
            "min_hours": min(values["hours"]),
            "max_hours": max(values["hours"]),
        }
    return out


def accepted_suggestions(procedure: Procedure) -> QuerySet[Suggestion]:
    return Suggestion.objects.filter(procedure=procedure, status=Suggestion.Status.ACCEPTED)


# --- Cost results ------------------------------------------------------------------------------


def sheet_result(sheet: CostSheet) -> cost.SheetResult:
    return cost.compute_sheet(
        lines=[cost.Line(line.hours, line.out_of_pocket_vnd) for line in sheet.lines.all()],
        hourly_value_vnd=sheet.hourly_value.value_vnd,
        fees_vnd=sheet.fees_vnd,
        frequency=sheet.frequency,
        subjects=sheet.subjects,
    )


def sheets_of(assessment: Assessment) -> dict[str, CostSheet]:
    return {
        s.kind: s
        for s in assessment.cost_sheets.select_related("hourly_value", "version").prefetch_related("lines")
    }


def comparison(assessment: Assessment) -> cost.Comparison | None:
    sheets = sheets_of(assessment)
    if "before" not in sheets or "after" not in sheets:
        return None
    return cost.Comparison(before=sheet_result(sheets["before"]), after=sheet_result(sheets["after"]))


@dataclass
class SideBySide:
    """Before/after of the procedure itself: time, documents, fees, online level."""

    before: ProcedureVersion
    after: ProcedureVersion
    removed_documents: list = field(default_factory=list)
    kept_documents: list = field(default_factory=list)
    comparison: cost.Comparison | None = None

    @property
    def before_document_count(self) -> int:
        return len(self.removed_documents) + len(self.kept_documents)

    @property
    def days_saved(self) -> Decimal:
        return self.before.processing_time - self.after.processing_time

    @property
    def time_reduction_percent(self) -> Decimal:
        return cost.reduction_percent(self.before.processing_time, self.after.processing_time)


def side_by_side(proposal: Proposal) -> SideBySide:
    before, after = proposal.before_version, proposal.after_version
    after_codes = set(after.documents.values_list("code", flat=True))
    before_docs = list(before.documents.all())
    return SideBySide(
        before=before,
        after=after,
        removed_documents=[d for d in before_docs if d.code not in after_codes],
        kept_documents=[d for d in before_docs if d.code in after_codes],
        comparison=comparison(proposal.assessment),
    )


# --- Progress and reports ----------------------------------------------------------------------


def plan_progress(plan: ReviewPlan) -> dict:
    statuses = Counter(plan.assignments.values_list("status", flat=True))
    total = sum(statuses.values())
    done = statuses.get(Assignment.Status.DONE, 0)
    overdue = (
        plan.assignments.exclude(status=Assignment.Status.DONE)
        .filter(due_date__lt=timezone.localdate())
        .count()
    )
    return {
        "total": total,
        "done": done,
        "in_progress": statuses.get(Assignment.Status.IN_PROGRESS, 0),
        "assigned": statuses.get(Assignment.Status.ASSIGNED, 0),
        "overdue": overdue,
        "percent": (Decimal(done * 100) / total).quantize(cost.CENT) if total else Decimal("0.00"),
    }


def answers_by_key(assessment: Assessment) -> dict[tuple[int, str], Answer]:
    return {(a.question_id, a.item): a for a in assessment.answers.all()}


def proposals_of(plan: ReviewPlan) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(assessment__plan=plan)
        .select_related("procedure", "before_version", "after_version", "assessment")
        .prefetch_related("changes")
        .order_by("procedure__code")
    )


@dataclass
class AnnexEntry:
    proposal: Proposal
    side: SideBySide


def annex(plan: ReviewPlan, *, authority: str | None = None) -> list[AnnexEntry]:
    """The entries of the simplification-plan annex (or of the recommendations to ministries)."""
    proposals = proposals_of(plan).exclude(status=Proposal.Status.REJECTED)
    if authority:
        proposals = proposals.filter(authority=authority)
    return [AnnexEntry(p, side_by_side(p)) for p in proposals]


def portfolio(plan: ReviewPlan) -> dict:
    """Totals over the plan's proposals (sum of yearly costs; labelled as a sum ratio)."""
    entries = annex(plan)
    before = sum(e.side.comparison.before.yearly_cost_vnd for e in entries if e.side.comparison)
    after = sum(e.side.comparison.after.yearly_cost_vnd for e in entries if e.side.comparison)
    hours_saved = sum(
        (e.side.comparison.yearly_hours_saved for e in entries if e.side.comparison), Decimal(0)
    )
    days_before = sum((e.side.before.processing_time for e in entries), Decimal(0))
    days_after = sum((e.side.after.processing_time for e in entries), Decimal(0))
    by_action = Counter(e.proposal.get_action_display() for e in entries)
    docs_removed = sum(len(e.side.removed_documents) for e in entries)
    by_source = Counter(
        c.data_source or "—" for e in entries for c in e.proposal.changes.all() if c.kind == "replace_by_data"
    )
    return {
        "entries": entries,
        "reviewed": plan.assessments.count(),
        "proposals": len(entries),
        "by_action": dict(by_action),
        "cost_before": before,
        "cost_after": after,
        "saving": before - after,
        "cost_percent": cost.reduction_percent(before, after),
        "days_before": days_before,
        "days_after": days_after,
        "days_percent": cost.reduction_percent(days_before, days_after),
        "hours_saved": cost.to_hours(hours_saved),
        "documents_removed": docs_removed,
        "replaced_by_source": dict(by_source),
    }


FUNNEL = [
    Proposal.Status.APPROVED,
    Proposal.Status.LEGAL_ISSUED,
    Proposal.Status.REPUBLISHED,
    Proposal.Status.APPLIED,
]


def resolution66(*, year: int, month: int) -> dict:
    """Monthly Resolution 66/NQ-CP progress to the end of ``month``: the funnel and the cuts
    that count (only proposals whose legal document is issued count towards the targets)."""
    end = dt.date(year, month, 1) + dt.timedelta(days=32)
    end = end.replace(day=1) - dt.timedelta(days=1)
    tz = timezone.get_current_timezone()
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    proposals = list(
        Proposal.objects.exclude(status=Proposal.Status.REJECTED)
        .filter(created_at__lt=until)
        .select_related("procedure", "before_version", "after_version", "assessment")
        .prefetch_related("changes")
    )
    stage_date = {
        Proposal.Status.APPROVED: "approved_on",
        Proposal.Status.LEGAL_ISSUED: "legal_issued_on",
        Proposal.Status.REPUBLISHED: "republished_on",
        Proposal.Status.APPLIED: "applied_on",
    }
    funnel = []
    for stage in FUNNEL:
        n = sum(
            1 for p in proposals if getattr(p, stage_date[stage]) and getattr(p, stage_date[stage]) <= end
        )
        funnel.append({"stage": stage, "label": Proposal.Status(stage).label, "count": n})
    counted = [p for p in proposals if p.legal_issued_on and p.legal_issued_on <= end]
    before = after = 0
    days_before = days_after = Decimal(0)
    for p in counted:
        comp = comparison(p.assessment)
        if comp:
            before += comp.before.yearly_cost_vnd
            after += comp.after.yearly_cost_vnd
        days_before += p.before_version.processing_time
        days_after += p.after_version.processing_time
    return {
        "year": year,
        "month": month,
        "end": end,
        "proposed": len(proposals),
        "funnel": funnel,
        "counted": len(counted),
        "cost_before": before,
        "cost_after": after,
        "cost_percent": cost.reduction_percent(before, after),
        "days_before": days_before,
        "days_after": days_after,
        "days_percent": cost.reduction_percent(days_before, days_after),
        "target_percent": Decimal("50.00") if year >= 2026 else Decimal("30.00"),
    }
