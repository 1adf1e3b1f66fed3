"""Running a linked application (hồ sơ liên thông): one filing, one dossier per stage.

- :func:`start_application` runs when the application is submitted (same transaction): it makes
  one :class:`Stage` per member procedure the applicant chose and opens those that need nothing.
- :func:`open_stage` makes the stage's dossier at its agency, with the data handed on, and puts
  it in that agency's queue (or sends it to the agency's own system).
- :func:`on_stage_dossier_changed` runs after every transition of a stage's dossier: it moves
  the stage on, hands results to the stages waiting for them, applies the failure policy, and
  recomputes the application's status (:func:`sync_application`).

Everything happens inside the transition's transaction, so a failure leaves nothing half-done.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog.models import ProcedureVersion
from motcua.core import audit
from motcua.core.calendar import get_calendar
from motcua.dossiers import codes, lifecycle
from motcua.dossiers.models import Attachment, Dossier, PaymentState, Status
from motcua.linked import config
from motcua.linked.models import ACTIVE_STATES, Stage, StageState
from motcua.org.models import Agency

FINISHED_DOSSIER = frozenset({Status.REFUSED, Status.STOPPED, Status.WITHDRAWN})


class LinkedError(lifecycle.TransitionError):
    """A linked stage cannot go on; ``message`` says why in words for the officer or citizen."""

    code = "linked"


# --- starting -----------------------------------------------------------------------------------


def agency_for(kind: str, application: Dossier, version: ProcedureVersion) -> Agency | None:
    """The agency that handles a stage: the one named by the procedure if it has that kind, else
    the agency of that kind in the commune where the application was filed (commune kinds), else
    the province's agency of that kind."""
    named = version.agencies.filter(kind=kind, is_active=True).order_by("path").first()
    if named is not None:
        return named
    agencies = Agency.objects.filter(kind=kind, is_active=True)
    if kind.startswith("commune_") and application.receiving_agency_id:
        local = agencies.filter(unit_id=application.receiving_agency.unit_id).order_by("path").first()
        if local is not None:
            return local
    return agencies.order_by("path").first()


def stage_check(dossier: Dossier) -> dict[str, list[str]]:
    """Submission check for a linked application: every chosen stage must get what its own
    e-form requires from the group's e-form (e.g. the bank account when the funeral allowance is
    chosen). Problems are reported on the group's fields."""
    from motcua.dossiers.eforms import EForm

    if not dossier.is_linked_application:
        return {}
    group = config.group_of(dossier.procedure_version.procedure)
    if group is None:
        return {"": [_("This linked procedure is not configured. Please contact the province.")]}
    problems: dict[str, list[str]] = {}
    # A required field of the group's own form is already reported once by the form itself.
    required = EForm(dossier.procedure_version.form_spec or {}).required_field_names()
    for member in config.chosen_members(group, dossier.form_data):
        version = config.current_version(member.procedure)
        if version is None:
            problems.setdefault("", []).append(
                _("The procedure %(name)s cannot be filed at the moment.") % {"name": member.procedure.code}
            )
            continue
        data, _missing = config.resolve_inputs(member.inputs, answers=dossier.form_data, outputs={})
        from_group = config.form_sources(member.inputs)
        for field, messages in EForm(version.form_spec or {}).validate_all(data).items():
            target = from_group.get(field)
            if target is None:
                continue  # filled from an earlier stage's result, or not the applicant's to give
            if target in required and dossier.form_data.get(target) in (None, "", [], {}):
                continue
            for message in messages:
                text = _("%(procedure)s: %(message)s") % {"procedure": version.name, "message": message}
                if text not in problems.get(target, []):
                    problems.setdefault(target, []).append(text)
    return problems


def start_application(application: Dossier, *, now: dt.datetime | None = None) -> list[Stage]:
    """Make the stages of a just-submitted linked application and open those that are ready."""
    now = now or timezone.now()
    group = config.group_of(application.procedure_version.procedure)
    if group is None:
        raise LinkedError(
            gettext_lazy("This linked procedure is not configured. Please contact the province.")
        )
    stages = []
    for position, member in enumerate(config.chosen_members(group, application.form_data), start=1):
        version = config.current_version(member.procedure)
        stages.append(
            Stage.objects.create(
                application=application,
                position=position,
                procedure_code=member.procedure.code,
                procedure_name=version.name if version else member.procedure.code,
                agency_kind=member.agency_kind,
                agency=agency_for(member.agency_kind, application, version) if version else None,
                depends_on=[d.procedure.code for d in member.depends_on.all()],
                config=config.snapshot(member),
            )
        )
    audit.record(
        action="linked.start",
        obj=application,
        actor=application.applicant,
        changes={"group": group.code, "stages": [s.procedure_code for s in stages]},
    )
    _open_ready(application, now)
    return stages


def _outputs_by_procedure(application: Dossier) -> dict[str, dict[str, Any]]:
    return {s.procedure_code: s.outputs for s in application.linked_stages.filter(state=StageState.DONE)}


def _open_ready(application: Dossier, now: dt.datetime) -> None:
    stages = list(application.linked_stages.select_for_update().order_by("position"))
    states = {s.procedure_code: s.state for s in stages}
    for stage in stages:
        if stage.state != StageState.WAITING:
            continue
        needed = [states.get(code) for code in stage.depends_on]
        if any(state in (StageState.FAILED, StageState.CANCELLED) for state in needed):
            _cancel(stage, now, _("An earlier procedure of the application was not completed."))
            states[stage.procedure_code] = stage.state
        elif all(state == StageState.DONE for state in needed):
            try:
                with transaction.atomic():  # a stage that cannot open now leaves nothing behind
                    open_stage(stage, now=now)
            except codes.SequenceExhausted:
                # Not the officer's problem: their action stands and the stage opens later
                # (open_postponed_stages, run by ``motcua periodic``).
                stage.refresh_from_db()
                stage.reason = POSTPONED_REASON
                stage.save(update_fields=["reason"])
                continue
            states[stage.procedure_code] = stage.state


POSTPONED_REASON = gettext_lazy(
    "The receiving office has given out all of today's dossier numbers; this step opens "
    "automatically as soon as a number is free."
)


def open_postponed_stages(*, limit: int = 500) -> int:
    """Open the stages that could not get a dossier number when they were due to open (run by
    ``motcua periodic``); returns how many applications were looked at."""
    applications = (
        Stage.objects.filter(state=StageState.WAITING)
        .exclude(reason="")
        .values_list("application_id", flat=True)
        .distinct()
    )
    count = 0
    for application_id in list(applications[:limit]):
        with transaction.atomic():
            application = Dossier.objects.select_for_update().get(pk=application_id)
            _open_ready(application, timezone.now())
            sync_application(application)
        count += 1
    return count


def _receiving_agency(stage: Stage, application: Dossier) -> Agency:
    """A commune People's Committee receives through its one-stop centre, where the application
    was filed; other agencies receive themselves."""
    filed_at = application.receiving_agency
    if filed_at is not None and stage.agency_id in filed_at.ancestor_ids():
        return filed_at
    return stage.agency


def open_stage(stage: Stage, *, now: dt.datetime | None = None) -> Dossier:
    """Open ``stage``: create its dossier at the agency with the data handed on, and put it in the
    agency's queue (or send it to the agency's own system). The stage's time budget counts
    from now."""
    from motcua.linked import ports, tasks

    now = now or timezone.now()
    application = stage.application
    if stage.agency_id is None:
        raise LinkedError(
            gettext_lazy("No agency handles %(procedure)s here. Please contact the province.")
            % {"procedure": stage.procedure_name}
        )
    version = ProcedureVersion.objects.filter(procedure__code=stage.procedure_code, is_current=True).first()
    if version is None:
        raise LinkedError(
            gettext_lazy("The procedure %(procedure)s cannot be filed at the moment.")
            % {"procedure": stage.procedure_name}
        )
    data, missing = config.resolve_inputs(
        stage.config.get("inputs", {}),
        answers=application.form_data,
        outputs=_outputs_by_procedure(application),
    )
    if missing:
        raise LinkedError(
            gettext_lazy("Data from an earlier step is missing (%(what)s); the next step cannot start.")
            % {"what": ", ".join(missing)}
        )
    amount, unit = config.budget(stage.config)
    calendar = get_calendar()
    due = (
        calendar.add_working_hours(now, amount)
        if unit == "working_hours"
        else calendar.add_working_days(now, amount, cutoff=version.cutoff_applies)
    )
    child = Dossier.objects.create(
        procedure_version=version,
        applicant=application.applicant,
        helper=application.helper,
        assisted=application.assisted,
        channel=application.channel,
        receiving_agency=_receiving_agency(stage, application),
        competent_agency=stage.agency,
        eid_verified=application.eid_verified,
        form_data=data,
        payment_state=PaymentState.NOT_REQUIRED,
        linked_parent=application,
        due_at=due,
    )
    _hand_documents(stage, application, child)
    stage.dossier = child
    stage.state = StageState.OPEN
    stage.reason = ""
    stage.opened_at = now
    stage.due_at = due
    connector = ports.connector_for(stage.agency.code)
    stage.connector = connector.code
    stage.save()
    lifecycle.transition(dossier=child, action="open_stage", actor=lifecycle.SYSTEM, data={"stage": stage.pk})
    if connector.dispatches:
        transaction.on_commit(lambda: tasks.dispatch_stage.enqueue(stage.pk))
    return child


def _hand_documents(stage: Stage, application: Dossier, child: Dossier) -> None:
    """The group's files go on to the stage under the member's document codes (same stored file)."""
    mapping = stage.config.get("documents", {})
    by_code: dict[str, list[Attachment]] = {}
    for attachment in application.attachments.all():
        by_code.setdefault(attachment.document_code, []).append(attachment)
    for target, source in mapping.items():
        for attachment in by_code.get(source, []):
            Attachment.objects.create(
                dossier=child,
                document_code=target,
                file=attachment.file.name,
                original_name=attachment.original_name,
                content_type=attachment.content_type,
                extension=attachment.extension,
                size=attachment.size,
                sha256=attachment.sha256,
                reused_from=attachment,
                uploaded_by=attachment.uploaded_by,
            )


@lifecycle.effect("open_stage")
def _on_open_stage(ctx: lifecycle.Context) -> None:
    dossier = ctx.dossier
    dossier.submitted_at = ctx.now
    dossier.code = codes.new_code(dossier.receiving_agency, timezone.localdate(ctx.now))
    dossier.tracking_pin = dossier.linked_parent.tracking_pin
    dossier.fee_amount = 0
    ctx.data.update(
        {
            "code": dossier.code,
            "due_at": dossier.due_at.isoformat(),
            "application": dossier.linked_parent.code,
        }
    )


# --- following the stages -----------------------------------------------------------------------


def _cancel(stage: Stage, now: dt.datetime, reason: str) -> None:
    stage.state = StageState.CANCELLED
    stage.finished_at = now
    stage.reason = reason
    stage.save(update_fields=["state", "finished_at", "reason"])


def _collect_outputs(stage: Stage, child: Dossier, reported: dict[str, Any]) -> dict[str, Any]:
    """The values a finished stage hands on, from its result and its dossier."""
    from motcua.registers.ports import RegisterUnavailable
    from motcua.registers.services import register_birth
    from motcua.results.models import Result

    result = Result.objects.filter(dossier=child, revoked_at__isnull=True).first()
    facts = {
        "result.number": result.number if result else reported.get("number", ""),
        "result.verification_url": _verification_url(result)
        if result
        else reported.get("verification_url", ""),
        "result.signed_on": timezone.localtime(result.signed_at).date().isoformat()
        if result
        else reported.get("signed_on", ""),
        "dossier.code": child.code,
    }
    outputs: dict[str, Any] = {}
    for name, source in stage.config.get("outputs", {}).items():
        if name in reported.get("outputs", {}):
            outputs[name] = reported["outputs"][name]
        elif source in facts:
            outputs[name] = facts[source]
        elif source.startswith("answers."):
            outputs[name] = child.form_data.get(source[len("answers.") :], "")
        elif match := config.NEW_PERSONAL_ID.match(source):
            name_field, birth_field, sex_field = match.groups()
            try:
                outputs[name] = register_birth(
                    full_name=str(child.form_data.get(name_field, "")),
                    birth_date=str(child.form_data.get(birth_field, "")),
                    sex=str(child.form_data.get(sex_field, "")),
                )
            except (RegisterUnavailable, ValueError) as exc:
                raise LinkedError(
                    gettext_lazy(
                        "The population register did not give the personal ID number. Try again in a few minutes."
                    )
                ) from exc
    return outputs


def _verification_url(result) -> str:
    from motcua.results.services import verification_url

    return verification_url(result.verification_token)


def on_stage_dossier_changed(
    child: Dossier, action: str, *, comment: str = "", reported: dict | None = None
) -> None:
    """Move the stage of ``child`` on after ``action``, then the application (same transaction)."""
    found = Stage.objects.filter(dossier=child).values_list("pk", "application_id").first()
    if found is None:
        return
    # Lock the application before any stage: two agencies finishing at once queue here instead of
    # each holding a stage the other needs (a deadlock on PostgreSQL).
    application = Dossier.objects.select_for_update().get(pk=found[1])
    stage = Stage.objects.select_for_update().get(pk=found[0])
    now = timezone.now()
    if action == "request_supplement":
        stage.state, stage.reason = StageState.SUPPLEMENT, comment
    elif action == "supplement":
        stage.state, stage.reason = StageState.OPEN, ""
    elif action in ("refuse", "stop", "withdraw"):
        stage.state, stage.reason, stage.finished_at = StageState.FAILED, comment, now
    elif action in ("issue_result", "record_result") and stage.state in ACTIVE_STATES:
        stage.outputs = _collect_outputs(stage, child, reported or {})
        stage.state, stage.reason, stage.finished_at = StageState.DONE, "", now
    stage.save()
    if stage.state == StageState.FAILED and stage.config.get("on_failure") == "stop_group":
        for other in application.linked_stages.filter(state=StageState.WAITING):
            _cancel(
                other,
                now,
                _("The application stopped because %(procedure)s was not completed.")
                % {"procedure": stage.procedure_name},
            )
    _open_ready(application, now)
    sync_application(application)


def computed_status(application: Dossier) -> str:
    """The application's status from its stages (see docs/linked.md)."""
    stages = list(application.linked_stages.select_related("dossier"))
    if not stages:
        return application.status
    active = [s for s in stages if s.state in ACTIVE_STATES]
    done = [s for s in stages if s.state == StageState.DONE]
    if any(s.state == StageState.SUPPLEMENT for s in stages):
        return Status.SUPPLEMENT_REQUESTED
    if active:
        started = done or [
            s for s in active if s.dossier and s.dossier.status in (Status.RECEIVED, Status.IN_PROGRESS)
        ]
        return Status.IN_PROGRESS if started else Status.SUBMITTED
    if not done:
        return Status.REFUSED
    if all(s.dossier and s.dossier.status == Status.RETURNED for s in done):
        return Status.RETURNED
    return Status.RESOLVED


def sync_application(application: Dossier) -> Dossier:
    """Bring the application's status in line with its stages (a transition, so it leaves an event)."""
    status = computed_status(application)
    if status == application.status:
        return application
    return lifecycle.transition(
        dossier=application, action="sync_linked", actor=lifecycle.SYSTEM, data={"status": status}
    )


@lifecycle.effect("sync_linked")
def _on_sync(ctx: lifecycle.Context) -> None:
    dossier = ctx.dossier
    status = ctx.data["status"]
    if status in (Status.RESOLVED, Status.RETURNED, Status.REFUSED) and dossier.finished_at is None:
        dossier.finished_at = ctx.now
    if status == Status.RETURNED and dossier.returned_at is None:
        dossier.returned_at = ctx.now
    if status == Status.SUPPLEMENT_REQUESTED:
        dossier.paused_at = dossier.paused_at or ctx.now
    else:
        dossier.paused_at = None


@lifecycle.after("sync_linked")
def _notify_sync(ctx: lifecycle.Context) -> None:
    if ctx.data["status"] in (Status.RESOLVED, Status.REFUSED):
        from motcua.dossiers.notify import dossier_status_changed

        dossier_status_changed(ctx.dossier)


@lifecycle.after("submit")
def _after_submit(ctx: lifecycle.Context) -> None:
    if ctx.dossier.is_linked_application:
        start_application(ctx.dossier, now=ctx.now)


def _follow(action: str):
    def hook(ctx: lifecycle.Context) -> None:
        if ctx.dossier.linked_parent_id:
            on_stage_dossier_changed(
                ctx.dossier, action, comment=ctx.comment, reported=ctx.data.get("reported")
            )

    lifecycle.after(action)(hook)


for _action in (
    "receive",
    "request_supplement",
    "supplement",
    "refuse",
    "stop",
    "withdraw",
    "issue_result",
    "record_result",
    "return_result",
):
    _follow(_action)


@lifecycle.effect("record_result")
def _on_record_result(ctx: lifecycle.Context) -> None:
    reported = ctx.data.get("reported") or {}
    if not str(reported.get("number", "")).strip():
        raise LinkedError(gettext_lazy("The agency's system reported a result without a number."))
    ctx.dossier.finished_at = ctx.now
    ctx.dossier.current_step = ""
    ctx.dossier.step_due_at = None


# --- agencies with their own systems ------------------------------------------------------------


def dispatch_payload(stage: Stage) -> dict[str, Any]:
    """What an agency's system receives for a stage (docs/linked.md, "Request")."""
    import base64

    from django.conf import settings
    from django.urls import reverse

    child = stage.dossier
    documents = []
    for attachment in child.attachments.all():
        with attachment.file.open("rb") as handle:
            content = handle.read()
        documents.append(
            {
                "document_code": attachment.document_code,
                "name": attachment.original_name,
                "content_type": attachment.content_type,
                "sha256": attachment.sha256,
                "content_base64": base64.b64encode(content).decode(),
            }
        )
    base = getattr(settings, "MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
    return {
        "reference": child.code,
        "application": stage.application.code,
        "procedure": stage.procedure_code,
        "agency": stage.agency.code,
        "submitted_at": child.submitted_at.isoformat(),
        "due_at": child.due_at.isoformat(),
        "data": child.form_data,
        "documents": documents,
        "callback_url": base + reverse("api-v1:linked_callback"),
    }


def dispatch(*, stage_id: int) -> str:
    """Send a stage to its agency's system once; returns what happened, in words for the log."""
    from motcua.linked import ports

    stage = Stage.objects.select_related("dossier", "agency", "application").get(pk=stage_id)
    if stage.external_reference or stage.state not in ACTIVE_STATES or stage.dossier is None:
        return "nothing to send"
    connector = ports.connector_for(stage.agency.code)
    if not connector.dispatches:
        return "local"
    try:
        reference = connector.dispatch(payload=dispatch_payload(stage))
    except ports.DispatchError as exc:
        Stage.objects.filter(pk=stage.pk).update(reason=f"dispatch failed: {exc}"[:500])
        return f"failed: {exc}"
    Stage.objects.filter(pk=stage.pk, external_reference="").update(external_reference=reference, reason="")
    audit.record(action="linked.dispatch", obj=stage, changes={"reference": reference})
    return f"sent: {reference}"


def retry_dispatches(*, older_than: dt.timedelta = dt.timedelta(minutes=5)) -> int:
    """Send again the stages an agency's system has not taken yet (run by ``motcua periodic``)."""
    cutoff = timezone.now() - older_than
    pending = Stage.objects.filter(
        state__in=ACTIVE_STATES, external_reference="", opened_at__lt=cutoff, dossier__isnull=False
    ).exclude(connector="local")
    count = 0
    for stage_id in pending.values_list("pk", flat=True)[:500]:
        dispatch(stage_id=stage_id)
        count += 1
    return count


CALLBACK_EVENTS = {
    "received": "receive",
    "supplement_requested": "request_supplement",
    "refused": "refuse",
    "result_issued": "record_result",
}


class CallbackError(Exception):
    """The callback cannot be applied; ``status`` is the HTTP status to answer."""

    def __init__(self, message, status: int = 422):
        self.message = message
        self.status = status
        super().__init__(str(message))


def apply_callback(*, agency_code: str, payload: dict[str, Any]) -> Dossier:
    """Apply what an agency's own system reports about a stage (signature already checked).

    Idempotent: an ``event_id`` already applied returns the dossier unchanged."""
    from motcua.dossiers.models import DossierEvent

    reference = str(payload.get("reference") or "")
    event = str(payload.get("event") or "")
    event_id = str(payload.get("event_id") or "")
    if event not in CALLBACK_EVENTS:
        raise CallbackError(
            _("Unknown event: use one of %(events)s.") % {"events": ", ".join(CALLBACK_EVENTS)}
        )
    if not event_id or len(event_id) > 100:
        raise CallbackError(_("event_id is required (at most 100 characters)."))
    stage = (
        Stage.objects.select_related("dossier", "agency")
        .filter(dossier__code=reference, agency__code=agency_code)
        .exclude(connector="local")
        .first()
    )
    if stage is None:
        raise CallbackError(_("No stage with this reference is handled by your agency's system."), status=404)
    child = stage.dossier
    if DossierEvent.objects.filter(dossier=child, data__callback_event_id=event_id).exists():
        return child
    action = CALLBACK_EVENTS[event]
    data: dict[str, Any] = {"callback_event_id": event_id}
    if event == "result_issued":
        result = payload.get("result") or {}
        if not isinstance(result, dict):
            raise CallbackError(_("result must be an object."))
        data["reported"] = {
            "number": str(result.get("number") or "")[:60],
            "verification_url": str(result.get("verification_url") or "")[:500],
            "signed_on": str(result.get("signed_on") or "")[:10],
            "outputs": {str(k)[:60]: str(v)[:200] for k, v in (result.get("outputs") or {}).items()},
        }
    reason = str(payload.get("reason") or "").strip()[:2000]
    try:
        return lifecycle.transition(
            dossier=child, action=action, actor=lifecycle.EXTERNAL, comment=reason, data=data
        )
    except lifecycle.TransitionError as exc:
        raise CallbackError(exc.message, status=409) from exc
