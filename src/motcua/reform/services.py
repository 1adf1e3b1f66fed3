"""Writes of the workbench. Each public function is one transaction and is audited.

Bad input raises :class:`ReformError` with a translated message (and the field it concerns);
views put it next to the field, the API turns it into problem+json.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog import services as catalog_services
from motcua.catalog.exchange import export_version
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.catalog.schema import ProcedureIn
from motcua.core import audit
from motcua.org.models import Agency
from motcua.reform import cost, selectors
from motcua.reform.models import (
    Activity,
    Answer,
    Assessment,
    Assignment,
    Change,
    CostLine,
    CostSheet,
    HourlyValue,
    Observation,
    Proposal,
    ProposalEvent,
    Question,
    QuestionBank,
    ReviewPlan,
    SimplificationPlan,
    Suggestion,
)

QUESTION_BANK_FILE = Path(__file__).resolve().parent / "data" / "question_bank.json"


class ReformError(Exception):
    """A workbench rule was broken; ``message`` is for the user, ``field`` names the input."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


def _denied():
    raise ReformError(_("You may not do this."), "")


_GROUPED = re.compile(r"^\d{1,3}([. ]\d{3})+$")


def _hours(value, field: str = "hours") -> Decimal:
    # Vietnamese write a decimal comma: "2,5" giờ.
    try:
        hours = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ReformError(_("Enter a number of hours."), field) from None
    if not hours.is_finite():
        raise ReformError(_("Enter a number of hours."), field)
    if hours < 0:
        raise ReformError(_("Hours cannot be negative."), field)
    if hours > Decimal("9999.99"):
        raise ReformError(_("That is too many hours."), field)
    return cost.to_hours(hours)


def _money(value, field: str) -> int:
    text = str(value if value not in (None, "") else 0).strip()
    if _GROUPED.match(text):  # "30.000" đồng: dots group thousands in Vietnamese
        text = text.replace(".", "").replace(" ", "")
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ReformError(_("Enter an amount in đồng."), field) from None
    if not amount.is_finite() or amount != amount.to_integral_value():
        raise ReformError(_("Enter a whole amount in đồng."), field)
    if amount < 0:
        raise ReformError(_("Amounts cannot be negative."), field)
    if amount > 10**15:
        raise ReformError(_("That amount is too large."), field)
    return int(amount)


# --- Settings and question bank ----------------------------------------------------------------


@transaction.atomic
def set_hourly_value(
    *, year: int, value_vnd: int, source: str, source_date: dt.date, actor=None
) -> HourlyValue:
    """Record the value of one citizen hour with its source; it becomes the default."""
    if actor is not None and not selectors.is_reform_officer(actor):
        _denied()
    source = (source or "").strip()
    if not source:
        raise ReformError(_("Give the source of the hourly value (statistics, decision…)."), "source")
    value_vnd = _money(value_vnd, "value_vnd")
    if value_vnd <= 0:
        raise ReformError(_("The hourly value must be more than zero."), "value_vnd")
    if source_date is None:
        raise ReformError(_("Give the date of the source."), "source_date")
    HourlyValue.objects.filter(is_default=True).update(is_default=False)
    value = HourlyValue.objects.create(
        year=year,
        value_vnd=value_vnd,
        source=source,
        source_date=source_date,
        is_default=True,
        created_by=actor,
    )
    audit.record(
        action="reform.hourly_value",
        obj=value,
        actor=actor,
        changes={"value_vnd": value_vnd, "source": source},
    )
    return value


@transaction.atomic
def load_question_bank(*, path: Path = QUESTION_BANK_FILE) -> QuestionBank:
    """Load a question-bank file; an already loaded version is left as it is (versions are
    immutable: change the file's ``version`` to publish new questions). It becomes current."""
    data = json.loads(path.read_text(encoding="utf-8"))
    bank = QuestionBank.objects.filter(version=data["version"]).first()
    if bank is None:
        bank = QuestionBank.objects.create(
            version=data["version"], title=data["title"], legal_basis=data.get("legal_basis", [])
        )
        Question.objects.bulk_create(
            Question(
                bank=bank,
                position=i,
                code=q["code"],
                dimension=q["dimension"],
                component=q["component"],
                per=q.get("per", ""),
                text=q["text"],
                text_en=q.get("text_en", ""),
            )
            for i, q in enumerate(data["questions"])
        )
        audit.record(action="reform.question_bank", obj=bank)
    if not bank.is_current:
        QuestionBank.objects.filter(is_current=True).update(is_current=False)
        bank.is_current = True
        bank.save(update_fields=["is_current"])
    return bank


# --- Plans and assignments ---------------------------------------------------------------------


@transaction.atomic
def create_plan(*, year: int, title: str, owner: Agency, decision_no: str = "", actor) -> ReviewPlan:
    """A review plan (Decree 63/2010 Art. 30) owned by the reform officer's agency."""
    from motcua.accounts.selectors import has_role

    if not has_role(actor, "reform_officer", owner):
        _denied()
    title = (title or "").strip()
    if not title:
        raise ReformError(_("Give the plan a title."), "title")
    if not 2000 <= int(year) <= 2100:
        raise ReformError(_("Enter a year such as 2026."), "year")
    plan = ReviewPlan.objects.create(
        year=year, title=title, decision_no=(decision_no or "").strip(), owner=owner, created_by=actor
    )
    audit.record(action="reform.plan.create", obj=plan, actor=actor)
    return plan


@transaction.atomic
def assign(
    *, plan: ReviewPlan, procedure_code: str, agency: Agency, team: str, due_date: dt.date, actor
) -> Assignment:
    """Give one procedure of the plan to a department or a community team, with a deadline."""
    if not selectors.can_manage_plan(actor, plan):
        _denied()
    procedure = Procedure.objects.filter(code=(procedure_code or "").strip()).first()
    if procedure is None or selectors.current_version(procedure) is None:
        raise ReformError(_("No published procedure has this code."), "procedure")
    if team not in Assignment.Team.values:
        raise ReformError(_("Choose who reviews it."), "team")
    if due_date is None:
        raise ReformError(_("Give a deadline."), "due_date")
    if due_date.year < plan.year - 1:  # a plan may start in the previous year's last months
        raise ReformError(_("The deadline is before the plan's year."), "due_date")
    if Assignment.objects.filter(plan=plan, procedure=procedure, agency=agency, team=team).exists():
        raise ReformError(_("This procedure is already assigned to this agency in the plan."), "procedure")
    assignment = Assignment.objects.create(
        plan=plan, procedure=procedure, agency=agency, team=team, due_date=due_date
    )
    audit.record(
        action="reform.assign", obj=assignment, actor=actor, changes={"agency": agency.code, "team": team}
    )
    return assignment


def _mark_in_progress(assignment: Assignment) -> None:
    if assignment.status == Assignment.Status.ASSIGNED:
        assignment.status = Assignment.Status.IN_PROGRESS
        assignment.save(update_fields=["status"])


# --- Field observations --------------------------------------------------------------------------


@transaction.atomic
def record_observation(
    *,
    assignment: Assignment,
    activity: str,
    hours,
    money_vnd,
    observed_on: dt.date,
    note: str = "",
    evidence=None,
    actor,
) -> Observation:
    """What one citizen spent on one activity, as seen in the field (with evidence if any)."""
    if not selectors.can_work_on(actor, assignment):
        _denied()
    if activity not in Activity.values:
        raise ReformError(_("Choose the activity."), "activity")
    hours = _hours(hours)
    money = _money(money_vnd, "money_vnd")
    if observed_on is None:
        raise ReformError(_("Give the date of the observation."), "observed_on")
    if observed_on > timezone.localdate():
        raise ReformError(_("The observation date is in the future."), "observed_on")
    observation = Observation(
        assignment=assignment,
        procedure=assignment.procedure,
        activity=activity,
        hours=hours,
        money_vnd=money,
        note=(note or "").strip()[:300],
        observed_on=observed_on,
        observer=actor,
    )
    if evidence is not None:
        from django.core.files.base import ContentFile

        from motcua.dossiers.attachments import FileRejected, check_file

        try:
            checked = check_file(evidence)  # PDF, JPEG or PNG by content, size-limited
        except FileRejected as exc:
            raise ReformError(exc.message, "evidence") from None
        observation.evidence = ContentFile(checked.content, name=f"bang-chung.{checked.extension}")
    observation.save()
    _mark_in_progress(assignment)
    audit.record(
        action="reform.observation",
        obj=observation,
        actor=actor,
        changes={"activity": activity, "hours": str(hours), "money_vnd": money},
    )
    return observation


@transaction.atomic
def complete_assignment(*, assignment: Assignment, actor) -> Assignment:
    if not selectors.can_work_on(actor, assignment):
        _denied()
    assignment.status = Assignment.Status.DONE
    assignment.save(update_fields=["status"])
    audit.record(action="reform.assignment.done", obj=assignment, actor=actor)
    return assignment


# --- Assessment ------------------------------------------------------------------------------


@transaction.atomic
def start_assessment(*, assignment: Assignment, actor) -> Assessment:
    """Start the assessment of the procedure's current published version in this plan.

    One assessment per version per plan: a second one is refused.
    """
    if assignment.team != Assignment.Team.DEPARTMENT:
        raise ReformError(_("Community teams record observations; the department answers the assessment."))
    if not selectors.can_work_on(actor, assignment):
        _denied()
    version = selectors.current_version(assignment.procedure)
    if version is None:
        raise ReformError(_("The procedure has no published version."))
    if Assessment.objects.filter(plan=assignment.plan, version=version).exists():
        raise ReformError(_("This version of the procedure is already being assessed in this plan."))
    bank = QuestionBank.objects.filter(is_current=True).first() or load_question_bank()
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                plan=assignment.plan, assignment=assignment, version=version, bank=bank, started_by=actor
            )
    except IntegrityError:  # a concurrent start won the race
        raise ReformError(
            _("This version of the procedure is already being assessed in this plan.")
        ) from None
    _mark_in_progress(assignment)
    audit.record(action="reform.assessment.start", obj=assessment, actor=actor)
    return assessment


def items_for(question: Question, version: ProcedureVersion) -> list[tuple[str, str]]:
    """The (item key, label) pairs a question is asked for on ``version``."""
    if question.per == Question.Per.DOCUMENT:
        return [
            (d.code, f"{d.name} ({_('originals')}: {d.originals}, {_('copies')}: {d.copies})")
            for d in version.documents.all()
        ]
    if question.per == Question.Per.STEP:
        return [(s.code, s.name) for s in version.steps.all()]
    if question.per == Question.Per.FEE:
        return [(str(f.position), f"{f.name} ({f.get_channel_display()})") for f in version.fees.all()]
    return [("", "")]


@transaction.atomic
def save_answers(*, assessment: Assessment, answers: list[dict], actor) -> int:
    """Write answers (``question`` code, ``item``, ``value`` yes/no/na, ``reason``, ``proposal``,
    ``legal_ref``). A "no" needs a reason. Returns how many were written."""
    if not selectors.can_work_on(actor, assessment.assignment):
        _denied()
    if assessment.status != Assessment.Status.DRAFT:
        raise ReformError(_("The assessment was submitted; it can no longer be changed."))
    questions = {q.code: q for q in assessment.bank.questions.all()}
    written = 0
    for row in answers:
        value = (row.get("value") or "").strip()
        if not value:
            continue
        question = questions.get(row.get("question", ""))
        if question is None:
            raise ReformError(_("Unknown question."))
        item = row.get("item", "") or ""
        valid_items = {key for key, _label in items_for(question, assessment.version)}
        if item not in valid_items:
            raise ReformError(_("Unknown item for question %(code)s.") % {"code": question.code})
        key = f"{question.code}|{item}"
        if value not in Answer.Value.values:
            raise ReformError(_("Answer yes, no or not applicable."), key)
        reason = (row.get("reason") or "").strip()
        if value == Answer.Value.NO and not reason:
            raise ReformError(_('Give the reason for a "no".'), key)
        Answer.objects.update_or_create(
            assessment=assessment,
            question=question,
            item=item,
            defaults={
                "value": value,
                "reason": reason,
                "proposal": (row.get("proposal") or "").strip(),
                "legal_ref": (row.get("legal_ref") or "").strip()[:300],
                "answered_by": actor,
            },
        )
        written += 1
    audit.record(
        action="reform.assessment.answers", obj=assessment, actor=actor, changes={"written": written}
    )
    return written


@transaction.atomic
def submit_assessment(*, assessment: Assessment, actor) -> Assessment:
    if not selectors.can_work_on(actor, assessment.assignment):
        _denied()
    if not assessment.answers.exists():
        raise ReformError(_("Answer the questions before submitting."))
    assessment.status = Assessment.Status.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.save(update_fields=["status", "submitted_at"])
    assignment = assessment.assignment
    assignment.status = Assignment.Status.DONE
    assignment.save(update_fields=["status"])
    audit.record(action="reform.assessment.submit", obj=assessment, actor=actor)
    return assessment


# --- Cost sheets ----------------------------------------------------------------------------


def _hourly_value_or_error() -> HourlyValue:
    value = selectors.default_hourly_value()
    if value is None:
        raise ReformError(_("Set the hourly value (with its source) before computing costs."))
    return value


@transaction.atomic
def prepare_cost_sheet(*, assessment: Assessment, actor) -> CostSheet:
    """The current cost sheet of the assessed version, prefilled: one line per observed activity
    at the lower-average of the observations; subjects = motcua's dossiers of the previous year."""
    if not selectors.can_work_on(actor, assessment.assignment):
        _denied()
    existing = assessment.cost_sheets.filter(kind=CostSheet.Kind.BEFORE).first()
    if existing:
        return existing
    year = assessment.plan.year - 1
    sheet = CostSheet.objects.create(
        assessment=assessment,
        kind=CostSheet.Kind.BEFORE,
        version=assessment.version,
        hourly_value=_hourly_value_or_error(),
        fees_vnd=selectors.statutory_fees(assessment.version),
        frequency=Decimal(1),
        subjects=selectors.dossier_count(assessment.version.procedure, year),
        subjects_source=_("motcua dossiers filed in %(year)s") % {"year": year},
    )
    for activity, summary in selectors.observation_summary(assessment.version.procedure).items():
        CostLine.objects.create(
            sheet=sheet,
            activity=activity,
            hours=summary["hours"],
            out_of_pocket_vnd=summary["money"],
            rule=CostLine.Rule.LOWER_AVERAGE,
            observations=summary["count"],
        )
    audit.record(action="reform.cost_sheet.prepare", obj=assessment, actor=actor, changes={"kind": "before"})
    return sheet


@transaction.atomic
def update_cost_sheet(
    *,
    sheet: CostSheet,
    lines: dict[str, dict],
    fees_vnd,
    frequency,
    subjects,
    subjects_source: str,
    actor,
) -> CostSheet:
    """Replace a sheet's lines and parameters. ``lines`` maps an activity to ``hours``,
    ``out_of_pocket_vnd`` and ``note``; a line whose hours and money are both empty is removed.
    Changing the number of subjects away from motcua's count needs a source."""
    if not selectors.can_work_on(actor, sheet.assessment.assignment):
        _denied()
    proposal = Proposal.objects.filter(assessment=sheet.assessment).first()
    if proposal is not None and proposal.status != Proposal.Status.DRAFT:
        # Approved figures are what the Decision cites: both sheets freeze.
        raise ReformError(_("The proposal was approved; its cost sheet can no longer be changed."))
    fees = _money(fees_vnd, "fees_vnd")
    freq = _hours(frequency, "frequency")
    subjects_n = _money(subjects, "subjects")
    source = (subjects_source or "").strip()
    if subjects_n != sheet.subjects and not source:
        raise ReformError(_("Give the source of the number of subjects."), "subjects_source")
    before_sheet = sheet.assessment.cost_sheets.filter(kind=CostSheet.Kind.BEFORE).first()
    if sheet.kind == CostSheet.Kind.AFTER and before_sheet and subjects_n != before_sheet.subjects:
        # Art. 27: before and after use the same volume; only the frequency may change after.
        raise ReformError(
            _("After simplification the number of subjects stays as before; change it on the current sheet."),
            "subjects",
        )
    cleaned = {}
    for activity, row in lines.items():
        if activity not in Activity.values:
            raise ReformError(_("Unknown activity."))
        hours_raw, money_raw = row.get("hours", ""), row.get("out_of_pocket_vnd", "")
        if hours_raw in ("", None) and money_raw in ("", None):
            continue
        cleaned[activity] = (
            _hours(hours_raw or 0, f"hours_{activity}"),
            _money(money_raw, f"money_{activity}"),
            (row.get("note") or "").strip()[:300],
        )
    existing = {line.activity: line for line in sheet.lines.all()}
    for activity, line in existing.items():
        if activity not in cleaned:
            line.delete()
    for activity, (hours, money, note) in cleaned.items():
        line = existing.get(activity)
        if line is None:
            CostLine.objects.create(
                sheet=sheet, activity=activity, hours=hours, out_of_pocket_vnd=money, note=note
            )
        elif (line.hours, line.out_of_pocket_vnd) != (hours, money) or line.note != note:
            changed = (line.hours, line.out_of_pocket_vnd) != (hours, money)
            line.hours, line.out_of_pocket_vnd, line.note = hours, money, note
            if changed:  # the officer overrode the observed value
                line.rule = CostLine.Rule.ENTERED
            line.save()
    sheet.fees_vnd, sheet.frequency, sheet.subjects = fees, freq, subjects_n
    if source:
        sheet.subjects_source = source[:300]
    sheet.save()
    if sheet.kind == CostSheet.Kind.BEFORE:
        sheet.assessment.cost_sheets.filter(kind=CostSheet.Kind.AFTER).update(
            subjects=sheet.subjects, subjects_source=sheet.subjects_source
        )
    audit.record(
        action="reform.cost_sheet.update",
        obj=sheet.assessment,
        actor=actor,
        changes={"kind": sheet.kind, "fees_vnd": fees, "frequency": str(freq), "subjects": subjects_n},
    )
    return sheet


# --- Proposals ---------------------------------------------------------------------------------


def _draft_data(version: ProcedureVersion) -> dict:
    return export_version(version).model_dump(mode="json")


def _strip_document_fields(fields: list[dict], code: str) -> list[dict]:
    kept = []
    for field in fields:
        if field.get("type") == "document" and field.get("document") == code:
            continue
        if field.get("fields"):
            field = {**field, "fields": _strip_document_fields(field["fields"], code)}
        kept.append(field)
    return kept


@transaction.atomic
def create_proposal(
    *,
    assessment: Assessment,
    action: str,
    authority: str,
    reasons: str,
    legal_instrument: str,
    ministry: str = "",
    actor,
) -> Proposal:
    """Draft a new version of the procedure in the catalog (via the catalog's draft service)
    and an after-simplification cost sheet copied from the current one."""
    if not selectors.can_work_on(actor, assessment.assignment):
        _denied()
    if hasattr(assessment, "proposal"):
        raise ReformError(_("This assessment already has a proposal."))
    before = ProcedureVersion.objects.get(pk=assessment.version_id)  # fresh: the catalog may have moved on
    if not before.is_current:
        raise ReformError(
            _("The procedure was republished after this version was assessed; assess the current version.")
        )
    if action not in Proposal.Action.values:
        raise ReformError(_("Choose what to do with the procedure."), "action")
    if authority not in Proposal.Authority.values:
        raise ReformError(_("Say whose power the change is in."), "authority")
    if authority == Proposal.Authority.MINISTRY and not (ministry or "").strip():
        raise ReformError(_("Name the ministry the recommendation goes to."), "ministry")
    if not (reasons or "").strip():
        raise ReformError(_("Give the reasons."), "reasons")
    if not (legal_instrument or "").strip():
        raise ReformError(
            _("Name the legal instrument to change (article, clause, document)."), "legal_instrument"
        )
    if before.procedure.versions.filter(status=ProcedureVersion.Status.DRAFT).exists():
        raise ReformError(
            _("The procedure already has a draft version in the catalog; finish or delete it first.")
        )
    before_sheet = assessment.cost_sheets.filter(kind=CostSheet.Kind.BEFORE).first()
    if before_sheet is None:
        raise ReformError(_("Compute the current compliance cost first."))
    draft = catalog_services.create_draft(procedure=before.procedure, actor=actor)
    proposal = Proposal.objects.create(
        assessment=assessment,
        procedure=before.procedure,
        before_version=before,
        after_version=draft,
        action=action,
        authority=authority,
        ministry=(ministry or "").strip(),
        reasons=reasons.strip(),
        legal_instrument=legal_instrument.strip(),
        created_by=actor,
    )
    after_sheet = CostSheet.objects.create(
        assessment=assessment,
        kind=CostSheet.Kind.AFTER,
        version=draft,
        hourly_value=before_sheet.hourly_value,  # the same parameters before and after (Art. 27)
        fees_vnd=before_sheet.fees_vnd,
        frequency=before_sheet.frequency,
        subjects=before_sheet.subjects,
        subjects_source=before_sheet.subjects_source,
    )
    CostLine.objects.bulk_create(
        CostLine(
            sheet=after_sheet,
            activity=line.activity,
            hours=line.hours,
            out_of_pocket_vnd=line.out_of_pocket_vnd,
            rule=line.rule,
            observations=line.observations,
            note=line.note,
        )
        for line in before_sheet.lines.all()
    )
    ProposalEvent.objects.create(
        proposal=proposal, status=Proposal.Status.DRAFT, on=timezone.localdate(), actor=actor
    )
    audit.record(action="reform.proposal.create", obj=proposal, actor=actor, changes={"draft": draft.number})
    return proposal


def _editable(proposal: Proposal) -> None:
    proposal.refresh_from_db()
    proposal.after_version.refresh_from_db()
    if (
        proposal.status != Proposal.Status.DRAFT
        or proposal.after_version.status != ProcedureVersion.Status.DRAFT
    ):
        raise ReformError(_("The proposal is no longer a draft; its version cannot change."))


@transaction.atomic
def add_change(
    *,
    proposal: Proposal,
    kind: str,
    target: str = "",
    value: str = "",
    data_source: str = "",
    reason: str,
    actor,
) -> Change:
    """Apply one change to the proposal's draft version through the catalog's draft service.

    - ``remove_document`` / ``replace_by_data``: ``target`` = document code (``data_source``
      names the database for a replacement);
    - ``shorten_time``: ``value`` = the new processing time (less than now);
    - ``cut_fee``: ``target`` = fee position, ``value`` = the new amount (less than now);
    - ``raise_online``: ``value`` = ``partial`` or ``full``;
    - ``merge_steps``: ``target`` = "first-code+second-code".
    """
    if not selectors.can_work_on(actor, proposal.assessment.assignment):
        _denied()
    _editable(proposal)
    if kind not in Change.Kind.values:
        raise ReformError(_("Choose the kind of change."), "kind")
    if not (reason or "").strip():
        raise ReformError(_("Give the reason for the change."), "reason")
    data = _draft_data(proposal.after_version)
    before_text = after_text = ""
    target = (target or "").strip()
    value = (value or "").strip()
    if kind in (Change.Kind.REMOVE_DOCUMENT, Change.Kind.REPLACE_BY_DATA):
        document = next((d for d in data["documents"] if d["code"] == target), None)
        if document is None:
            raise ReformError(_("Choose a document of the draft version."), "target")
        if kind == Change.Kind.REPLACE_BY_DATA and not data_source.strip():
            raise ReformError(_("Name the database that replaces the document."), "data_source")
        data["documents"] = [d for d in data["documents"] if d["code"] != target]
        steps = [
            {**step, "fields": _strip_document_fields(step.get("fields", []), target)}
            for step in data.get("form", {}).get("steps", [])
        ]
        # A form page left with no field goes too (the catalog refuses empty pages).
        data.setdefault("form", {})["steps"] = [step for step in steps if step["fields"]]
        before_text = document["name"]
        after_text = (
            _("replaced by data from %(source)s") % {"source": data_source.strip()}
            if kind == Change.Kind.REPLACE_BY_DATA
            else _("removed")
        )
    elif kind == Change.Kind.SHORTEN_TIME:
        try:
            new_time = Decimal(value)
        except (InvalidOperation, ValueError):
            raise ReformError(_("Enter the new time limit."), "value") from None
        old_time = Decimal(str(data["processing_time"]))
        if not new_time.is_finite() or new_time < 0:
            raise ReformError(_("The time limit cannot be negative."), "value")
        if new_time >= old_time:
            raise ReformError(_("The new time limit must be shorter than the current one."), "value")
        new_time = new_time.quantize(Decimal("0.1"))
        data["processing_time"] = str(new_time)
        online = data.get("online_processing_time")
        if online is not None and Decimal(str(online)) > new_time:
            data["online_processing_time"] = str(new_time)
        before_text, after_text = f"{old_time.normalize():f}", f"{new_time.normalize():f}"
    elif kind == Change.Kind.CUT_FEE:
        try:
            index = int(target)
            fee = data["fees"][index]
        except (ValueError, IndexError):
            raise ReformError(_("Choose a fee of the draft version."), "target") from None
        amount = _money(value, "value")
        if amount >= fee["amount"]:
            raise ReformError(_("The new fee must be lower than the current one."), "value")
        before_text, after_text = str(fee["amount"]), str(amount)
        fee["amount"] = amount
    elif kind == Change.Kind.RAISE_ONLINE:
        order = ["none", "partial", "full"]
        if value not in order or order.index(value) <= order.index(data["online_level"]):
            raise ReformError(_("Choose a higher online level."), "value")
        before_text, after_text = data["online_level"], value
        data["online_level"] = value
    elif kind == Change.Kind.MERGE_STEPS:
        first, _sep, second = target.partition("+")
        steps = data["steps"]
        a = next((s for s in steps if s["code"] == first), None)
        b = next((s for s in steps if s["code"] == second), None)
        if a is None or b is None or a is b:
            raise ReformError(_("Name two steps of the draft version as first+second."), "target")
        before_text = f"{a['name']}; {b['name']}"
        a["name"] = f"{a['name']} + {b['name']}"[:300]
        a["hours"] = str(Decimal(str(a["hours"])) + Decimal(str(b["hours"])))
        data["steps"] = [s for s in steps if s is not b]
        after_text = a["name"]
    try:
        validated = ProcedureIn.model_validate(data)
    except Exception as exc:  # the catalog's own rules decide what a version may be
        raise ReformError(
            _("The catalog refuses this change: %(error)s") % {"error": str(exc)[:300]}
        ) from exc
    catalog_services.write_draft(procedure=proposal.procedure, data=validated, actor=actor)
    change = Change.objects.create(
        proposal=proposal,
        kind=kind,
        target=target[:120],
        before_text=before_text[:500],
        after_text=str(after_text)[:500],
        data_source=data_source.strip()[:120],
        reason=reason.strip(),
    )
    if kind in (Change.Kind.CUT_FEE,):
        sheet = proposal.assessment.cost_sheets.get(kind=CostSheet.Kind.AFTER)
        sheet.fees_vnd = selectors.statutory_fees(proposal.after_version)
        sheet.save(update_fields=["fees_vnd", "updated_at"])
    audit.record(
        action="reform.proposal.change", obj=proposal, actor=actor, changes={"kind": kind, "target": target}
    )
    return change


#: The follow-up order: a proposal moves one stage at a time.
FOLLOW_UP = [
    Proposal.Status.DRAFT,
    Proposal.Status.APPROVED,
    Proposal.Status.LEGAL_ISSUED,
    Proposal.Status.REPUBLISHED,
    Proposal.Status.APPLIED,
]
_DATE_FIELD = {
    Proposal.Status.APPROVED: "approved_on",
    Proposal.Status.LEGAL_ISSUED: "legal_issued_on",
    Proposal.Status.REPUBLISHED: "republished_on",
    Proposal.Status.APPLIED: "applied_on",
}


@transaction.atomic
def advance_proposal(*, proposal: Proposal, to: str, on: dt.date, reference: str = "", actor) -> Proposal:
    """Move a proposal to the next follow-up stage (approved → legal document issued → catalog
    republished → applied), or reject a proposal not yet enacted. Only the plan's reform
    officers do this. Republishing publishes the draft through the catalog's publish service."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not selectors.can_manage_plan(actor, proposal.assessment.plan):
        _denied()
    if on is None:
        raise ReformError(_("Give the date."), "on")
    if on > timezone.localdate():
        raise ReformError(_("The date is in the future."), "on")
    reference = (reference or "").strip()
    if to == Proposal.Status.REJECTED:
        if proposal.status not in (Proposal.Status.DRAFT, Proposal.Status.APPROVED):
            raise ReformError(_("A proposal whose legal document is issued cannot be rejected."))
        if proposal.after_version.status == ProcedureVersion.Status.DRAFT:
            pass  # the draft stays in the catalog for its administrators to delete or reuse
    else:
        if proposal.status not in FOLLOW_UP or to not in FOLLOW_UP:
            raise ReformError(_("Unknown follow-up stage."))
        if FOLLOW_UP.index(to) != FOLLOW_UP.index(proposal.status) + 1:
            raise ReformError(
                _('Next stage after "%(now)s" is "%(next)s".')
                % {
                    "now": proposal.get_status_display(),
                    "next": Proposal.Status(
                        FOLLOW_UP[min(FOLLOW_UP.index(proposal.status) + 1, len(FOLLOW_UP) - 1)]
                    ).label,
                }
            )
        previous = (
            getattr(proposal, _DATE_FIELD.get(proposal.status, ""), None)
            if proposal.status != Proposal.Status.DRAFT
            else None
        )
        if previous and on < previous:
            raise ReformError(_("The date is before the previous stage."), "on")
        if to == Proposal.Status.LEGAL_ISSUED:
            if not reference:
                raise ReformError(
                    _("Give the number of the legal document that enacts the change."), "reference"
                )
            proposal.legal_doc_no = reference[:120]
        if to == Proposal.Status.REPUBLISHED:
            after = proposal.after_version
            if after.status == ProcedureVersion.Status.DRAFT:
                try:
                    catalog_services.publish_version(version=after, actor=actor)
                except Exception as exc:
                    raise ReformError(
                        _("The catalog refused to publish the new version: %(error)s")
                        % {"error": str(exc)[:300]}
                    ) from exc
        if to == Proposal.Status.APPLIED:
            proposal.after_version.refresh_from_db()
            if not proposal.after_version.is_current:
                raise ReformError(_("The new version is not the current one in the catalog."))
        setattr(proposal, _DATE_FIELD[to], on)
    proposal.status = to
    proposal.save()
    ProposalEvent.objects.create(proposal=proposal, status=to, on=on, reference=reference[:200], actor=actor)
    audit.record(
        action="reform.proposal.advance",
        obj=proposal,
        actor=actor,
        changes={"to": to, "reference": reference},
    )
    return proposal


@transaction.atomic
def create_simplification_plan(
    *, review_plan: ReviewPlan, title: str, proposals: list[Proposal], decision_no: str = "", actor
) -> SimplificationPlan:
    """Collect proposals into the simplification plan (annex of the Chairman's Decision)."""
    if not selectors.can_manage_plan(actor, review_plan):
        _denied()
    if not (title or "").strip():
        raise ReformError(_("Give the plan a title."), "title")
    if not proposals:
        raise ReformError(_("Choose at least one proposal."), "proposals")
    if any(p.assessment.plan_id != review_plan.pk for p in proposals):
        raise ReformError(_("A proposal belongs to another review plan."), "proposals")
    plan = SimplificationPlan.objects.create(
        review_plan=review_plan, title=title.strip(), decision_no=decision_no.strip()
    )
    Proposal.objects.filter(pk__in=[p.pk for p in proposals]).update(simplification_plan=plan)
    audit.record(
        action="reform.simplification_plan", obj=plan, actor=actor, changes={"proposals": len(proposals)}
    )
    return plan


@transaction.atomic
def record_decision(
    *, simplification_plan: SimplificationPlan, decision_no: str, decided_on: dt.date, actor
) -> SimplificationPlan:
    """The Chairman signed the Decision adopting the simplification plan: record its number and
    date, and every drafted proposal in it becomes approved on that date."""
    if not selectors.can_manage_plan(actor, simplification_plan.review_plan):
        _denied()
    decision_no = (decision_no or "").strip()
    if not decision_no:
        raise ReformError(_("Give the number of the Decision."), "decision_no")
    if decided_on is None:
        raise ReformError(_("Give the date."), "decided_on")
    if decided_on > timezone.localdate():
        raise ReformError(_("The date is in the future."), "decided_on")
    if simplification_plan.decided_on:
        raise ReformError(_("The Decision on this plan was already recorded."))
    simplification_plan.decision_no = decision_no[:80]
    simplification_plan.decided_on = decided_on
    simplification_plan.save(update_fields=["decision_no", "decided_on"])
    for proposal in simplification_plan.proposals.filter(status=Proposal.Status.DRAFT):
        advance_proposal(
            proposal=proposal, to=Proposal.Status.APPROVED, on=decided_on, reference=decision_no, actor=actor
        )
    audit.record(
        action="reform.simplification_plan.decision",
        obj=simplification_plan,
        actor=actor,
        changes={"decision_no": decision_no, "decided_on": decided_on.isoformat()},
    )
    return simplification_plan


# --- Citizens' voice -----------------------------------------------------------------------------


@transaction.atomic
def submit_suggestion(*, procedure: Procedure, text: str) -> Suggestion:
    """A citizen's "too complicated because…" suggestion; waits for moderation."""
    text = (text or "").strip()
    if len(text) < 10:
        raise ReformError(_("Tell us a little more (at least 10 characters)."), "text")
    if len(text) > 2000:
        raise ReformError(_("Keep it under 2,000 characters."), "text")
    suggestion = Suggestion.objects.create(procedure=procedure, text=text)
    audit.record(action="reform.suggestion", obj=suggestion, object_repr=f"suggestion on {procedure.code}")
    return suggestion


@transaction.atomic
def moderate_suggestion(*, suggestion: Suggestion, accept: bool, actor) -> Suggestion:
    if not selectors.is_reform_officer(actor):
        _denied()
    if suggestion.status != Suggestion.Status.PENDING:
        raise ReformError(_("This suggestion was already moderated."))
    suggestion.status = Suggestion.Status.ACCEPTED if accept else Suggestion.Status.REJECTED
    suggestion.moderated_by = actor
    suggestion.moderated_at = timezone.now()
    suggestion.save()
    audit.record(action="reform.suggestion.moderate", obj=suggestion, actor=actor, changes={"accept": accept})
    return suggestion
