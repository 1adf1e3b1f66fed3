"""Writes for citizens' dossiers: drafts, answers, attachments, submission.

Each public function is one transaction. State changes go through
:func:`motcua.dossiers.lifecycle.transition`; this module registers what ``submit`` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog import selectors as catalog_selectors
from motcua.catalog.models import ProcedureVersion
from motcua.core import audit
from motcua.dossiers import codes, conf, lifecycle
from motcua.dossiers.attachments import FileRejected, check_file
from motcua.dossiers.models import Attachment, Channel, Dossier, PaymentState, Status
from motcua.org.models import Agency


class SubmissionError(Exception):
    """The dossier cannot be submitted yet; ``errors`` maps a field (or "") to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(m for ms in errors.values() for m in ms))


# --- drafts -----------------------------------------------------------------------------------


def default_receiving_agency(version: ProcedureVersion, applicant) -> Agency | None:
    """Where an online dossier is received: the applicant's commune centre for commune-level
    procedures (any commune of the province may receive it — Decree 118/2025), otherwise the
    provincial Public Administration Service Centre."""
    if version.level == ProcedureVersion.Level.COMMUNE:
        return None  # chosen by the applicant in the wizard (see set_receiving_agency)
    return Agency.objects.filter(kind=Agency.Kind.SERVICE_CENTRE, is_active=True).order_by("path").first()


@transaction.atomic
def start_draft(
    *,
    version: ProcedureVersion,
    applicant,
    idempotency_key: str = "",
    helper=None,
    channel: str = Channel.ONLINE,
    prefilled: Mapping[str, Any] | None = None,
) -> tuple[Dossier, bool]:
    """Create a draft dossier (or return the one made with the same idempotency key).

    Returns ``(dossier, created)``. ``helper`` marks an assisted submission: the citizen stays
    the applicant, the helper is recorded.
    """
    if not version.is_current:
        raise SubmissionError({"": [_("This procedure has changed. Start again from the procedure page.")]})
    if idempotency_key:
        existing = Dossier.objects.filter(applicant=applicant, idempotency_key=idempotency_key).first()
        if existing:
            return existing, False
    competent = version.agencies.order_by("path").first()
    from motcua.catalog.models import LinkedGroup

    linked = LinkedGroup.objects.filter(procedure_id=version.procedure_id).exists()
    try:
        with transaction.atomic():
            dossier = Dossier.objects.create(
                procedure_version=version,
                applicant=applicant,
                helper=helper,
                assisted=helper is not None,
                channel=channel,
                receiving_agency=default_receiving_agency(version, applicant),
                competent_agency=competent,
                eid_verified=getattr(applicant, "assurance_level", 1) >= 2,
                form_data=dict(prefilled or {}),
                prefilled_fields=sorted(prefilled or {}),
                idempotency_key=idempotency_key,
                is_linked_application=linked,
            )
    except IntegrityError:
        # The same key raced in from a retry: return the winner's dossier.
        return Dossier.objects.get(applicant=applicant, idempotency_key=idempotency_key), False
    audit.record(action="dossiers.start", obj=dossier, actor=helper or applicant)
    return dossier, True


def eform_for(dossier: Dossier):
    """The e-form engine for this dossier, with its register values fixed (not editable)."""
    from motcua.dossiers.eforms import EForm

    prefilled = {k: dossier.form_data.get(k) for k in dossier.prefilled_fields}
    return EForm(dossier.procedure_version.form_spec or {}, prefilled=prefilled)


def start_with_prefill(*, version: ProcedureVersion, applicant, idempotency_key: str = ""):
    """Start a draft filled from the population register (VNeID level-2 citizens only, and only
    the fields the form uses). Returns ``(dossier, created, note)``; ``note`` tells the citizen
    when the register could not help (down, person not found) — the form works anyway.
    """
    from motcua.dossiers.eforms import EForm
    from motcua.registers.services import prefill

    if idempotency_key:
        existing = Dossier.objects.filter(applicant=applicant, idempotency_key=idempotency_key).first()
        if existing:
            return existing, False, ""
    wanted = EForm(version.form_spec or {}).register_mapping()
    result = (
        prefill(personal_id=applicant.personal_id, assurance_level=applicant.assurance_level, wanted=wanted)
        if wanted
        else None
    )
    values = {}
    if result is not None and result.status == "ok":
        values = EForm(version.form_spec or {}, prefilled=result.values).prefilled_values()
    dossier, created = start_draft(
        version=version, applicant=applicant, idempotency_key=idempotency_key, prefilled=values
    )
    note = str(result.message) if result is not None and result.status != "ok" and result.message else ""
    return dossier, created, note


def _editable(dossier: Dossier, *, supplement: bool = False) -> Dossier:
    """Lock the dossier for a change by its applicant: a draft, or (for files) a dossier whose
    supplement was requested and whose deadline has not passed."""
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if locked.status == Status.DRAFT:
        return locked
    if supplement and locked.status == Status.SUPPLEMENT_REQUESTED:
        if locked.supplement_deadline and timezone.now() > locked.supplement_deadline:
            raise SubmissionError(
                {"": [_("The deadline for the supplement has passed; the dossier will be refused.")]}
            )
        return locked
    raise SubmissionError({"": [_("This dossier has been submitted and can no longer be changed.")]})


@transaction.atomic
def save_answers(*, dossier: Dossier, answers: Mapping[str, Any], step: int | None = None) -> Dossier:
    """Save a step's cleaned answers into the draft (drafts are saved as you go).

    Prefilled fields keep the register's values: answers cannot overwrite them.
    """
    locked = _editable(dossier)
    protected = set(locked.prefilled_fields)
    locked.form_data = {**locked.form_data, **{k: v for k, v in answers.items() if k not in protected}}
    if step is not None:
        locked.form_step = max(locked.form_step, step)
    locked.save(update_fields=["form_data", "form_step", "updated_at"])
    return locked


@transaction.atomic
def set_receiving_agency(*, dossier: Dossier, agency: Agency) -> Dossier:
    """Choose the one-stop centre that receives the dossier (commune-level procedures)."""
    locked = _editable(dossier)
    if agency.kind not in (Agency.Kind.COMMUNE_ONE_STOP, Agency.Kind.SERVICE_CENTRE) or not agency.is_active:
        raise SubmissionError({"receiving_agency": [_("Choose a public administration service centre.")]})
    locked.receiving_agency = agency
    if locked.procedure_version.level == ProcedureVersion.Level.COMMUNE and agency.parent_id:
        locked.competent_agency = agency.parent
    locked.save(update_fields=["receiving_agency", "competent_agency", "updated_at"])
    return locked


# --- attachments ------------------------------------------------------------------------------


def _document_codes(dossier: Dossier) -> dict[str, str]:
    return {d.code: d.name for d in dossier.procedure_version.documents.all()}


def add_attachment(
    *, dossier: Dossier, document_code: str, uploaded, actor, supplement: bool = False
) -> Attachment:
    """Store an uploaded file for one document slot, replacing an earlier file in that slot.

    The content is checked first (type, size, integrity). The file is written before the row;
    if anything fails afterwards the file is removed again, so no orphan is left.
    """
    if document_code not in _document_codes(dossier):
        raise FileRejected(_("This document is not part of the procedure."))
    checked = check_file(uploaded)
    path = _path(checked.sha256, checked.extension)
    written = None  # the name we wrote, if this call wrote the file
    try:
        if not default_storage.exists(path):
            written = default_storage.save(path, ContentFile(checked.content))
        with transaction.atomic():
            locked = _editable(dossier, supplement=supplement)
            used = (
                locked.attachments.exclude(document_code=document_code).aggregate(total=Sum("size"))["total"]
                or 0
            )
            if used + checked.size > conf.MAX_DOSSIER_BYTES:
                raise FileRejected(_dossier_too_large())
            previous = list(locked.attachments.filter(document_code=document_code))
            attachment = Attachment.objects.create(
                dossier=locked,
                document_code=document_code,
                file=written or path,
                original_name=(getattr(uploaded, "name", "") or "tep")[:255],
                content_type=checked.content_type,
                extension=checked.extension,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=actor,
            )
            for old in previous if not supplement else ():  # a supplement adds; the first file stays
                _delete_attachment(old)
    except Exception:
        if written and not Attachment.objects.filter(file=written).exists():
            default_storage.delete(written)
        raise
    return attachment


def _dossier_too_large() -> str:
    return _("All files of a dossier together may not exceed %(mb)s MB.") % {
        "mb": conf.MAX_DOSSIER_BYTES // (1024 * 1024)
    }


def _path(sha256: str, extension: str) -> str:
    return f"dossiers/{sha256[:2]}/{sha256}{extension}"


def _delete_attachment(attachment: Attachment) -> None:
    name = attachment.file.name
    from_result = attachment.reused_result_id is not None
    attachment.delete()
    # Content-addressed storage: the same file may back other attachments (reuse); a reused
    # result's file belongs to the result.
    if name and not from_result and not Attachment.objects.filter(file=name).exists():
        transaction.on_commit(lambda: default_storage.delete(name))


@transaction.atomic
def remove_attachment(*, dossier: Dossier, attachment_id: int) -> None:
    locked = _editable(dossier)
    attachment = locked.attachments.filter(pk=attachment_id).first()
    if attachment:
        _delete_attachment(attachment)


def reusable_documents(applicant) -> list[Attachment]:
    """Documents in the citizen's data store: files of their earlier submitted dossiers."""
    seen: dict[str, Attachment] = {}
    rows = (
        Attachment.objects.filter(dossier__applicant=applicant, reused_from__isnull=True)
        .exclude(dossier__status=Status.DRAFT)
        .select_related("dossier")
        .order_by("-created_at")
    )
    for attachment in rows[:200]:
        seen.setdefault(attachment.sha256, attachment)
    return list(seen.values())


def _reuse_into_slot(*, dossier: Dossier, document_code: str, find, actor, **fields) -> Attachment:
    """Put a document of the citizen's data store into a slot, replacing what was there.

    ``find(applicant)`` returns the source or None; ``fields(source)`` describe the new row.
    """
    if document_code not in _document_codes(dossier):
        raise FileRejected(_("This document is not part of the procedure."))
    locked = _editable(dossier)
    source = find(locked.applicant)
    if source is None:
        raise FileRejected(_("This document is not in your data store."))
    for old in locked.attachments.filter(document_code=document_code):
        _delete_attachment(old)
    values = {name: value(source) for name, value in fields.items()}
    return Attachment.objects.create(dossier=locked, document_code=document_code, uploaded_by=actor, **values)


@transaction.atomic
def reuse_document(*, dossier: Dossier, document_code: str, source_id: int, actor) -> Attachment:
    """Use a document from the citizen's data store instead of uploading it again (flagged)."""
    return _reuse_into_slot(
        dossier=dossier,
        document_code=document_code,
        actor=actor,
        find=lambda applicant: next((a for a in reusable_documents(applicant) if a.pk == source_id), None),
        file=lambda a: a.file.name,
        original_name=lambda a: a.original_name,
        content_type=lambda a: a.content_type,
        extension=lambda a: a.extension,
        size=lambda a: a.size,
        sha256=lambda a: a.sha256,
        reused_from=lambda a: a,
    )


def reusable_results(applicant) -> list:
    """Signed results of the citizen's earlier dossiers (their data store)."""
    from motcua.results.selectors import results_of

    return list(results_of(applicant))


@transaction.atomic
def reuse_result(*, dossier: Dossier, document_code: str, result_id: int, actor) -> Attachment:
    """Use a signed result of an earlier dossier as a document of this one (flagged as reused)."""
    return _reuse_into_slot(
        dossier=dossier,
        document_code=document_code,
        actor=actor,
        find=lambda applicant: next((r for r in reusable_results(applicant) if r.pk == result_id), None),
        file=lambda r: r.file.name,
        original_name=lambda r: f"{r.number}.pdf",
        content_type=lambda r: "application/pdf",
        extension=lambda r: ".pdf",
        size=lambda r: r.file.size if r.file else 0,
        sha256=lambda r: r.sha256,
        reused_result=lambda r: r,
    )


# --- fee and submission -----------------------------------------------------------------------


def online_fee(version: ProcedureVersion, on=None, answers: Mapping[str, Any] | None = None) -> int:
    """What an online applicant pays: the online channel's schedule, per-unit rows multiplied by
    the number the applicant entered (e.g. extra copies)."""
    answers = answers or {}
    total = 0
    for fee in catalog_selectors.fees_by_channel(version, on)["online"]:
        quantity = 1
        if fee.quantity_field:
            try:
                quantity = max(0, int(Decimal(str(answers.get(fee.quantity_field) or 0))))
            except (InvalidOperation, ValueError):
                quantity = 0
        total += fee.amount * quantity
    return total


@transaction.atomic
def choose_payment(*, dossier: Dossier, at_desk: bool) -> Dossier:
    """The applicant pays online (a payment is started elsewhere) or at the desk."""
    locked = _editable(dossier)
    locked.fee_amount = online_fee(locked.procedure_version, answers=locked.form_data)
    if locked.fee_amount == 0:
        locked.payment_state = PaymentState.NOT_REQUIRED
    elif locked.payment_state != PaymentState.PAID:
        locked.payment_state = PaymentState.AT_DESK if at_desk else PaymentState.UNPAID
    locked.save(update_fields=["fee_amount", "payment_state", "updated_at"])
    return locked


# Further checks other apps add (e.g. linked procedures check what each chosen stage needs):
# each takes the dossier and returns {field: [messages]}.
SUBMISSION_CHECKS: list = []


def submission_problems(dossier: Dossier) -> dict[str, list[str]]:
    """Everything that still stops the dossier from being submitted, by field."""
    from motcua.dossiers.eforms import EForm

    version = dossier.procedure_version
    problems: dict[str, list[str]] = {}
    if not version.is_current:
        problems[""] = [_("This procedure has changed. Start again from the procedure page.")]
    applicant = dossier.applicant
    if getattr(applicant, "assurance_level", 1) < version.min_assurance_level:
        problems.setdefault("", []).append(_("This procedure needs an account verified with VNeID."))
    eform = EForm(
        version.form_spec or {}, prefilled={k: dossier.form_data.get(k) for k in dossier.prefilled_fields}
    )
    problems.update(eform.validate_all(dossier.form_data))
    present = set(dossier.attachments.values_list("document_code", flat=True))
    for slot in eform.document_slots():
        if slot.required and slot.document_code not in present:
            problems.setdefault(slot.field, []).append(_("Attach this document."))
    if dossier.receiving_agency_id is None:
        problems.setdefault("receiving_agency", []).append(_("Choose where the dossier is received."))
    fee = online_fee(version, answers=dossier.form_data)
    if fee > 0 and dossier.payment_state not in (PaymentState.PAID, PaymentState.AT_DESK):
        problems.setdefault("payment", []).append(_("Pay the fee online or choose to pay at the desk."))
    elif dossier.payment_state == PaymentState.PAID and fee != dossier.fee_amount:
        problems.setdefault("payment", []).append(
            _(
                "The fee changed after you paid (you changed the number of copies). Set it back or pay the rest at the desk."
            )
        )
    for check in SUBMISSION_CHECKS:
        for name, messages in check(dossier).items():
            problems.setdefault(name, []).extend(messages)
    return problems


def submit(*, dossier: Dossier, actor) -> Dossier:
    """Submit the draft. Idempotent: a dossier already submitted is returned unchanged.

    Assigns the dossier code and PIN, fixes the fee and the appointment date, and queues the
    notifications — one transaction with the state change.
    """
    current = Dossier.objects.get(pk=dossier.pk)
    if current.status != Status.DRAFT and current.submitted_at is not None:
        return current
    problems = submission_problems(current)
    if problems:
        raise SubmissionError(problems)
    try:
        return lifecycle.transition(dossier=current, action="submit", actor=actor)
    except lifecycle.NotAllowed:
        again = Dossier.objects.get(pk=dossier.pk)
        if again.submitted_at is not None:  # a double click won the race
            return again
        raise


def submit_at_once(
    *,
    version: ProcedureVersion,
    applicant,
    answers: Mapping[str, Any],
    uploads: Mapping[str, Any],
    receiving_agency_code: str = "",
    pay_at_desk: bool = False,
    idempotency_key: str,
) -> tuple[Dossier, bool]:
    """File a whole dossier in one go and submit it — the form's answers, one file per document,
    where it is received and how the fee is paid: what the mobile app sends on a weak connection
    (one request to retry instead of six).

    All or nothing: every problem comes back at once by field (``answers.<field>``,
    ``documents.<code>``, ``receiving_agency``, ``payment``) and nothing is kept. Register values
    are filled in as in the step-by-step flow and win over the answers. A retry with the same
    idempotency key returns the dossier of the first request. Returns ``(dossier, created)``.
    An online payment needs the gateway's round trip: those dossiers go step by step.
    """
    from motcua.catalog.models import LinkedGroup
    from motcua.dossiers.eforms import EForm
    from motcua.registers.services import prefill

    existing = Dossier.objects.filter(applicant=applicant, idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.submitted_at is None:
            raise SubmissionError(
                {"Idempotency-Key": [_("This key belongs to a draft started step by step. Use a new key.")]}
            )
        return existing, False

    problems: dict[str, list[str]] = {}
    if not version.is_current:
        problems[""] = [_("This procedure has changed. Start again from the procedure page.")]
    if getattr(applicant, "assurance_level", 1) < version.min_assurance_level:
        problems.setdefault("", []).append(_("This procedure needs an account verified with VNeID."))

    spec = version.form_spec or {}
    prefilled: dict[str, Any] = {}
    wanted = EForm(spec).register_mapping()
    if wanted:
        found = prefill(
            personal_id=applicant.personal_id, assurance_level=applicant.assurance_level, wanted=wanted
        )
        if found.status == "ok":
            prefilled = EForm(spec, prefilled=found.values).prefilled_values()
    eform = EForm(spec, prefilled=prefilled)
    for name in answers:
        if eform.field(name) is None:
            problems.setdefault(f"answers.{name}", []).append(_("This form has no such field."))
    form_data = {**{k: v for k, v in answers.items() if k not in prefilled}, **prefilled}
    for name, messages in eform.validate_all(form_data).items():
        problems.setdefault(f"answers.{name}", []).extend(messages)

    documents = {d.code for d in version.documents.all()}
    checked = {}
    for code, uploaded in uploads.items():
        if code not in documents:
            problems.setdefault(f"documents.{code}", []).append(
                _("This document is not part of the procedure.")
            )
            continue
        try:
            checked[code] = (uploaded, check_file(uploaded))
        except FileRejected as exc:
            problems.setdefault(f"documents.{code}", []).append(exc.message)
    for slot in eform.document_slots():
        if slot.required and slot.document_code not in uploads:
            problems.setdefault(f"documents.{slot.document_code}", []).append(_("Attach this document."))
    if sum(c.size for _u, c in checked.values()) > conf.MAX_DOSSIER_BYTES:
        problems.setdefault("", []).append(_dossier_too_large())

    competent = None
    if receiving_agency_code:
        receiving = Agency.objects.filter(code=receiving_agency_code).select_related("parent").first()
        if (
            receiving is None
            or receiving.kind not in (Agency.Kind.COMMUNE_ONE_STOP, Agency.Kind.SERVICE_CENTRE)
            or not receiving.is_active
        ):
            problems.setdefault("receiving_agency", []).append(
                _("Choose a public administration service centre.")
            )
        elif version.level == ProcedureVersion.Level.COMMUNE and receiving.parent_id:
            competent = receiving.parent  # the commune's People's Committee (as set_receiving_agency)
    else:
        receiving = default_receiving_agency(version, applicant)
        if receiving is None:
            problems.setdefault("receiving_agency", []).append(_("Choose where the dossier is received."))

    fee = online_fee(version, answers=form_data)
    if fee > 0 and not pay_at_desk:
        problems.setdefault("payment", []).append(
            _(
                "The fee can be paid online only step by step. Choose to pay at the desk, or pay online in the app."
            )
        )
    if problems:
        raise SubmissionError(problems)

    if competent is None:
        competent = version.agencies.order_by("path").first()

    written: list[str] = []  # files this call wrote: removed again if the dossier is not kept
    try:
        stored = {}
        for code, (_uploaded, file) in checked.items():
            path = _path(file.sha256, file.extension)
            if not default_storage.exists(path):
                path = default_storage.save(path, ContentFile(file.content))
                written.append(path)
            stored[code] = path
        with transaction.atomic():
            dossier = Dossier.objects.create(
                procedure_version=version,
                applicant=applicant,
                channel=Channel.ONLINE,
                receiving_agency=receiving,
                competent_agency=competent,
                eid_verified=getattr(applicant, "assurance_level", 1) >= 2,
                form_data=form_data,
                prefilled_fields=sorted(prefilled),
                idempotency_key=idempotency_key,
                is_linked_application=LinkedGroup.objects.filter(procedure_id=version.procedure_id).exists(),
                fee_amount=fee,
                payment_state=PaymentState.NOT_REQUIRED if fee == 0 else PaymentState.AT_DESK,
            )
            attachments = Attachment.objects.bulk_create(
                Attachment(
                    dossier=dossier,
                    document_code=code,
                    file=stored[code],
                    original_name=(getattr(uploaded, "name", "") or "tep")[:255],
                    content_type=file.content_type,
                    extension=file.extension,
                    size=file.size,
                    sha256=file.sha256,
                    uploaded_by=applicant,
                )
                for code, (uploaded, file) in checked.items()
            )
            audit.record(action="dossiers.start", obj=dossier, actor=applicant)
            dossier = lifecycle.transition(dossier=dossier, action="submit", actor=applicant)
            # The caller shows the files just stored: no need to read them back.
            dossier._prefetched_objects_cache = {"attachments": attachments}
    except IntegrityError:
        _forget_files(written)
        # The same key raced in from a retry: the first request's dossier is the answer.
        winner = Dossier.objects.filter(applicant=applicant, idempotency_key=idempotency_key).first()
        if winner is None or winner.submitted_at is None:
            raise
        return winner, False
    except BaseException:
        _forget_files(written)
        raise
    return dossier, True


def _forget_files(names: list[str]) -> None:
    """Remove files written for a dossier that was not kept (unless a row uses them meanwhile)."""
    for name in names:
        if not Attachment.objects.filter(file=name).exists():
            default_storage.delete(name)


@lifecycle.effect("submit")
def _on_submit(ctx: lifecycle.Context) -> None:
    dossier = ctx.dossier
    now = ctx.now
    version = dossier.procedure_version
    problems = submission_problems(dossier)  # re-checked under the row lock
    if problems:
        raise SubmissionError(problems)
    dossier.submitted_at = now
    try:
        dossier.code = codes.new_code(dossier.receiving_agency, timezone.localdate(now))
    except codes.SequenceExhausted:
        # The code has four digits a day (Circular 01/2018); the increment rolls back with us.
        raise SubmissionError(
            {
                "receiving_agency": [
                    _(
                        "This centre has given out all 9,999 dossier numbers of today. Choose another centre or submit tomorrow."
                    )
                ]
            }
        ) from None
    dossier.tracking_pin = codes.new_pin()
    dossier.fee_amount = online_fee(version, timezone.localdate(now), dossier.form_data)
    dossier.due_at = catalog_selectors.due_if_submitted(
        version, now, online=dossier.channel == Channel.ONLINE
    )
    ctx.data.update({"code": dossier.code, "due_at": dossier.due_at.isoformat(), "channel": dossier.channel})
    if dossier.assisted and dossier.helper_id:
        ctx.data["assisted_by"] = dossier.helper_id


@lifecycle.after("submit")
def _notify_submitted(ctx: lifecycle.Context) -> None:
    from motcua.dossiers.notify import dossier_submitted

    dossier_submitted(ctx.dossier)


def start_online_payment(*, dossier: Dossier, request, next_url: str) -> str | None:
    """Fix the online fee and send the applicant to the payment gateway; returns the gateway URL,
    or None for a free dossier. The IPN (payments' signal) marks the dossier paid."""
    from motcua.payments import services as payments

    dossier = choose_payment(dossier=dossier, at_desk=False)
    if dossier.fee_amount == 0:
        return None
    payment = payments.create_payment(
        amount=dossier.fee_amount,
        description=f"Le phi ho so {dossier.procedure_version.procedure.code} #{dossier.pk}",
        purpose_type="dossiers.dossier",
        purpose_id=str(dossier.pk),
        idempotency_key=f"dossier-{dossier.pk}-{dossier.fee_amount}",
        next_url=next_url,
    )
    mark_payment_pending(dossier=dossier)
    return payments.start_payment(payment=payment, request=request)


@transaction.atomic
def mark_payment_pending(*, dossier: Dossier) -> Dossier:
    """The applicant was sent to the payment gateway; the IPN will say how it ended."""
    locked = _editable(dossier)
    if locked.payment_state != PaymentState.PAID:
        locked.payment_state = PaymentState.PENDING
        locked.save(update_fields=["payment_state", "updated_at"])
    return locked
