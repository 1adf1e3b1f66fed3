"""What the one-stop desk and the back office do to a dossier (Decree 118/2025, Circular 03/2025).

Each public function runs one action of the transition table through
:func:`motcua.dossiers.lifecycle.transition`; the effects registered here set the current-state
columns (appointment, pause, step, result…) in the same transaction, and the after-hooks queue
the citizen's notifications (the outbox).
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog import selectors as catalog_selectors
from motcua.dossiers import lifecycle
from motcua.dossiers.lifecycle import Context, NotAllowed, transition
from motcua.dossiers.models import Dossier, Status

MAX_SUPPLEMENT_REQUESTS = int(os.environ.get("MOTCUA_MAX_SUPPLEMENT_REQUESTS", "1"))
SUPPLEMENT_DAYS = int(os.environ.get("MOTCUA_SUPPLEMENT_WORKING_DAYS", "7"))
AUTO_ASSIGN = os.environ.get("MOTCUA_AUTO_ASSIGN", "1").lower() in ("1", "true", "yes", "on")
FINAL = (Status.RESOLVED, Status.RETURNED, Status.REFUSED, Status.STOPPED, Status.WITHDRAWN)


def _calendar():
    from motcua.core.calendar import get_calendar

    return get_calendar()


def _steps(dossier: Dossier) -> list:
    return list(dossier.procedure_version.steps.all())


def _step_after(dossier: Dossier, code: str, offset: int):
    steps = _steps(dossier)
    codes = [s.code for s in steps]
    if code not in codes:
        return steps[0] if steps and offset >= 0 else None
    index = codes.index(code) + offset
    return steps[index] if 0 <= index < len(steps) else None


def _auto_assignee(dossier: Dossier, step, actor):
    """The officer who takes a step nobody was named for: the acting officer if they hold the
    step's role, otherwise the holder of that role at the dossier's agencies with the fewest
    dossiers in hand (ties by id)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from motcua.accounts.selectors import has_role

    agencies = [a for a in (dossier.competent_agency, dossier.receiving_agency) if a is not None]
    if getattr(actor, "is_authenticated", False) and any(has_role(actor, step.role, a) for a in agencies):
        return actor
    ids = {a.pk for a in agencies}
    return (
        get_user_model()
        .objects.filter(is_active=True, is_officer=True, roles__role=step.role, roles__agency_id__in=ids)
        .annotate(
            load=Count("assigned_dossiers", filter=~Q(assigned_dossiers__status__in=FINAL), distinct=True)
        )
        .order_by("load", "pk")
        .first()
    )


def _enter_step(ctx: Context, step) -> None:
    dossier = ctx.dossier
    dossier.current_step = step.code if step else ""
    dossier.step_due_at = _calendar().add_working_hours(ctx.now, step.hours) if step else None
    if step:
        ctx.data.update(
            {"step": step.code, "step_name": step.name, "step_due_at": dossier.step_due_at.isoformat()}
        )
    if step and AUTO_ASSIGN and not ctx.data.get("to_user"):
        assignee = _auto_assignee(dossier, step, ctx.actor)
        dossier.assigned_to = assignee
        if assignee is not None:
            ctx.data.update({"assigned_automatically": True, "to_name": str(assignee)})


def _reason(ctx: Context, *, required: bool = True) -> str:
    reason = (ctx.comment or "").strip()
    if required and not reason:
        raise NotAllowed(_("Give the reason; the citizen will read it."))
    ctx.data["reason"] = reason
    return reason


# --- public actions -----------------------------------------------------------------------------


def receive(*, dossier: Dossier, actor, comment: str = "", expected_version: int | None = None) -> Dossier:
    """Accept a complete dossier (Form 01): the appointment is fixed and processing starts."""
    return transition(
        dossier=dossier, action="receive", actor=actor, comment=comment, expected_version=expected_version
    )


def request_supplement(
    *, dossier: Dossier, actor, reason: str, items: list[str], expected_version: int | None = None
) -> Dossier:
    """Ask the citizen to complete the dossier (Form 02); the clock stops until they do."""
    items = [i.strip() for i in items if i and i.strip()]
    if not items:
        raise NotAllowed(_("List what the citizen must add, one item per line."))
    return transition(
        dossier=dossier,
        action="request_supplement",
        actor=actor,
        comment=reason,
        data={"items": [{"name": i} for i in items]},
        expected_version=expected_version,
    )


def supplement(*, dossier: Dossier, actor, comment: str = "") -> Dossier:
    """The citizen has added what was asked (their new files are already attached)."""
    return transition(dossier=dossier, action="supplement", actor=actor, comment=comment)


def refuse(*, dossier: Dossier, actor, reason: str, expected_version: int | None = None) -> Dossier:
    """Refuse the dossier (Form 03) with the reason."""
    return transition(
        dossier=dossier, action="refuse", actor=actor, comment=reason, expected_version=expected_version
    )


def assign(*, dossier: Dossier, actor, to_user, expected_version: int | None = None) -> Dossier:
    """A leader gives the dossier to an officer of the agency."""
    return transition(
        dossier=dossier,
        action="assign",
        actor=actor,
        data={"to_user": to_user.pk},
        expected_version=expected_version,
    )


def forward(
    *, dossier: Dossier, actor, comment: str = "", to_user=None, expected_version: int | None = None
) -> Dossier:
    """Finish the current internal step (e.g. appraisal notes in ``comment``) and move to the next."""
    data = {"to_user": to_user.pk} if to_user else {}
    return transition(
        dossier=dossier,
        action="forward",
        actor=actor,
        comment=comment,
        data=data,
        expected_version=expected_version,
    )


def send_back(*, dossier: Dossier, actor, reason: str, expected_version: int | None = None) -> Dossier:
    """Return the dossier to the previous internal step, with the reason."""
    return transition(
        dossier=dossier, action="send_back", actor=actor, comment=reason, expected_version=expected_version
    )


def approve(*, dossier: Dossier, actor, comment: str = "", expected_version: int | None = None) -> Dossier:
    """The leader approves the result."""
    return transition(
        dossier=dossier, action="approve", actor=actor, comment=comment, expected_version=expected_version
    )


def issue_result(*, dossier: Dossier, actor, expected_version: int | None = None) -> Dossier:
    """Make, sign and store the result; the dossier is resolved."""
    return transition(dossier=dossier, action="issue_result", actor=actor, expected_version=expected_version)


def return_result(
    *, dossier: Dossier, actor, channel: str, tracking_number: str = "", expected_version: int | None = None
) -> Dossier:
    """Hand the result over: online, at the desk (handover recorded) or by post (tracking number)."""
    return transition(
        dossier=dossier,
        action="return_result",
        actor=actor,
        data={"channel": channel, "tracking_number": tracking_number.strip()[:60]},
        expected_version=expected_version,
    )


def apologise(
    *, dossier: Dossier, actor, reason: str, new_due_at: dt.datetime, expected_version: int | None = None
) -> Dossier:
    """Form 04: apologise and set a new appointment. The dossier still counts as late."""
    return transition(
        dossier=dossier,
        action="apologise",
        actor=actor,
        comment=reason,
        data={"new_due_at": new_due_at.isoformat()},
        expected_version=expected_version,
    )


def stop(*, dossier: Dossier, actor, reason: str, expected_version: int | None = None) -> Dossier:
    """Form 05: stop processing, with the reason."""
    return transition(
        dossier=dossier, action="stop", actor=actor, comment=reason, expected_version=expected_version
    )


def transfer(
    *, dossier: Dossier, actor, agency_code: str, comment: str = "", expected_version: int | None = None
) -> Dossier:
    """Send the dossier to the competent agency when the receiving centre is another one
    (dossiers are received regardless of administrative boundary within the province)."""
    return transition(
        dossier=dossier,
        action="transfer",
        actor=actor,
        comment=comment,
        data={"agency": agency_code.strip()},
        expected_version=expected_version,
    )


def refuse_expired_supplements(now: dt.datetime | None = None) -> int:
    """Refuse dossiers whose supplement deadline passed without an answer (run by the worker)."""
    now = now or timezone.now()
    count = 0
    for dossier in Dossier.objects.filter(status=Status.SUPPLEMENT_REQUESTED, supplement_deadline__lt=now):
        try:
            transition(
                dossier=dossier,
                action="refuse",
                actor=lifecycle.SYSTEM,
                comment=_("The requested documents did not arrive before the deadline."),
            )
            count += 1
        except lifecycle.TransitionError:
            continue  # someone acted on it meanwhile
    return count


# --- lateness (derived, never stored as a state) ------------------------------------------------


def effective_due(dossier: Dossier) -> dt.datetime | None:
    """The appointment that lateness is judged by: the first one (an apology does not excuse)."""
    return dossier.original_due_at or dossier.due_at


def is_late(dossier: Dossier, now: dt.datetime | None = None) -> bool:
    due = effective_due(dossier)
    if due is None:
        return False
    end = dossier.finished_at or (now or timezone.now())
    if dossier.paused_at and not dossier.finished_at:
        end = dossier.paused_at  # the clock is stopped while the citizen supplements
    return end > due


def due_soon_filter(now: dt.datetime, hours: int = 8) -> Q:
    """Active dossiers due within ``hours`` (about one working day) and not yet late."""
    return Q(due_at__gt=now, due_at__lte=now + dt.timedelta(hours=max(hours, 24))) & ~Q(status__in=FINAL)


# --- effects ------------------------------------------------------------------------------------


@lifecycle.effect("receive")
def _on_receive(ctx: Context) -> None:
    dossier = ctx.dossier
    dossier.received_at = ctx.now
    if dossier.due_at is None:  # walk-in: the appointment counts from reception
        dossier.due_at = catalog_selectors.due_if_submitted(dossier.procedure_version, ctx.now)
    ctx.data["due_at"] = dossier.due_at.isoformat()
    first = _step_after(dossier, "", 0)
    _enter_step(ctx, first)


@lifecycle.effect("request_supplement")
def _on_request_supplement(ctx: Context) -> None:
    dossier = ctx.dossier
    _reason(ctx)
    if dossier.supplement_count >= MAX_SUPPLEMENT_REQUESTS:
        raise NotAllowed(_("A supplement may be requested only once for a dossier."))
    dossier.supplement_count += 1
    dossier.paused_at = ctx.now
    dossier.supplement_deadline = _calendar().add_working_days(ctx.now, SUPPLEMENT_DAYS)
    ctx.data["deadline"] = dossier.supplement_deadline.isoformat()


@lifecycle.effect("supplement")
def _on_supplement(ctx: Context) -> None:
    dossier = ctx.dossier
    if dossier.supplement_deadline and ctx.now > dossier.supplement_deadline:
        raise NotAllowed(_("The deadline for the supplement has passed; the dossier will be refused."))
    if dossier.paused_at:
        paused = _calendar().working_hours_between(dossier.paused_at, ctx.now)
        hours = Decimal(paused.total_seconds()) / Decimal(3600)
        dossier.paused_hours = Decimal(dossier.paused_hours) + hours.quantize(Decimal("0.01"))
        # The citizen's time does not count: the appointment moves by the paused working time.
        if dossier.due_at:
            dossier.due_at = _calendar().add_working_hours(dossier.due_at, hours)
        if dossier.step_due_at:
            dossier.step_due_at = _calendar().add_working_hours(dossier.step_due_at, hours)
        ctx.data["paused_hours"] = str(hours.quantize(Decimal("0.01")))
    dossier.paused_at = None
    dossier.supplement_deadline = None


@lifecycle.effect("refuse")
def _on_refuse(ctx: Context) -> None:
    _reason(ctx)
    ctx.dossier.finished_at = ctx.now
    ctx.dossier.paused_at = None


@lifecycle.effect("assign")
def _on_assign(ctx: Context) -> None:
    from motcua.dossiers.selectors import assignable_officers

    user = assignable_officers(ctx.dossier).filter(pk=ctx.data.get("to_user")).first()
    if user is None:
        raise NotAllowed(_("Choose an officer of the agency."))
    ctx.dossier.assigned_to = user
    ctx.data["to_name"] = str(user)
    if not ctx.dossier.current_step:
        _enter_step(ctx, _step_after(ctx.dossier, "", 0))


@lifecycle.effect("forward")
def _on_forward(ctx: Context) -> None:
    dossier = ctx.dossier
    nxt = (
        _step_after(dossier, dossier.current_step, 1) if dossier.current_step else _step_after(dossier, "", 0)
    )
    if nxt is None and dossier.current_step:
        raise NotAllowed(_("This is the last step: approve and issue the result instead."))
    to_user = ctx.data.get("to_user")
    if not to_user:
        dossier.assigned_to = None  # the next step's holder is chosen automatically (if enabled)
    _enter_step(ctx, nxt)
    if to_user:
        _on_assign(ctx)


@lifecycle.effect("send_back")
def _on_send_back(ctx: Context) -> None:
    _reason(ctx)
    previous = _step_after(ctx.dossier, ctx.dossier.current_step, -1)
    if previous is None:
        raise NotAllowed(_("This is the first step; there is no step to send it back to."))
    ctx.dossier.assigned_to = None
    _enter_step(ctx, previous)


@lifecycle.effect("issue_result")
def _on_issue_result(ctx: Context) -> None:
    dossier = ctx.dossier
    if not dossier.events.filter(action="approve").exists():
        raise NotAllowed(_("A leader must approve before the result is issued."))
    from motcua.results.services import issue_result as make_result

    result = make_result(dossier=dossier, actor=ctx.actor)
    dossier.finished_at = ctx.now
    dossier.current_step = ""
    dossier.step_due_at = None
    ctx.data["result_id"] = result.pk


@lifecycle.effect("transfer")
def _on_transfer(ctx: Context) -> None:
    from motcua.org.models import Agency

    dossier = ctx.dossier
    version = dossier.procedure_version
    agency = Agency.objects.filter(code=ctx.data.get("agency"), is_active=True).first()
    allowed = agency is not None and (
        version.agencies.filter(pk=agency.pk).exists() or agency.kind in (version.agency_kinds or [])
    )
    if not allowed:
        raise NotAllowed(_("Choose an agency competent for this procedure."))
    dossier.competent_agency = agency
    dossier.assigned_to = None
    ctx.data["agency_name"] = agency.name


@lifecycle.effect("return_result")
def _on_return_result(ctx: Context) -> None:
    channel = ctx.data.get("channel")
    if channel not in ("online", "in_person", "post"):
        raise NotAllowed(_("Choose how the result is handed over."))
    if channel == "post" and not ctx.data.get("tracking_number"):
        raise NotAllowed(_("Enter the postal tracking number."))
    ctx.dossier.returned_at = ctx.now
    ctx.dossier.return_channel = channel


@lifecycle.effect("apologise")
def _on_apologise(ctx: Context) -> None:
    dossier = ctx.dossier
    _reason(ctx)
    new_due = dt.datetime.fromisoformat(ctx.data["new_due_at"])
    if dossier.due_at and new_due <= dossier.due_at:
        raise NotAllowed(_("The new date must be after the current appointment."))
    if not _calendar().is_working_day(timezone.localtime(new_due).date()):
        raise NotAllowed(_("The new date must be a working day."))
    if dossier.original_due_at is None:
        dossier.original_due_at = dossier.due_at
    ctx.data["old_due_at"] = dossier.due_at.isoformat() if dossier.due_at else ""
    dossier.due_at = new_due


@lifecycle.effect("stop")
def _on_stop(ctx: Context) -> None:
    _reason(ctx)
    ctx.dossier.finished_at = ctx.now
    ctx.dossier.paused_at = None


@lifecycle.effect("withdraw")
def _on_withdraw(ctx: Context) -> None:
    ctx.dossier.finished_at = ctx.now
    ctx.dossier.paused_at = None


def _notify_status(ctx: Context) -> None:
    from motcua.dossiers.notify import dossier_status_changed

    dossier_status_changed(ctx.dossier, message=ctx.comment)


for _action in (
    "receive",
    "request_supplement",
    "refuse",
    "issue_result",
    "apologise",
    "stop",
    "return_result",
):
    lifecycle.after(_action)(_notify_status)
