"""Dossier API for the provincial mobile app: the same steps as the web pages.

Authenticated with ``Authorization: Bearer <token>`` (``POST /api/v1/auth/token``). Creating a
dossier needs an ``Idempotency-Key`` header: a retry returns the first dossier.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from motcua.accounts.api_auth import ApiTokenAuth
from motcua.catalog import selectors as catalog_selectors
from motcua.core import ratelimit
from motcua.core.problem import problem_response
from motcua.dossiers import lifecycle, selectors, services
from motcua.dossiers.attachments import FileRejected
from motcua.dossiers.conf import TRACK_LIMIT, TRACK_WINDOW
from motcua.dossiers.models import Dossier
from motcua.org.models import Agency

router = Router(tags=["dossiers"])
auth = ApiTokenAuth()


class AttachmentOut(Schema):
    id: int
    document_code: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    reused: bool


class DossierOut(Schema):
    id: int
    code: str | None
    status: str
    status_label: str
    procedure_code: str
    procedure_name: str
    channel: str
    assisted: bool
    form_data: dict[str, Any]
    prefilled_fields: list[str]
    receiving_agency: str | None
    fee_amount: int
    payment_state: str
    submitted_at: dt.datetime | None
    due_at: dt.datetime | None
    attachments: list[AttachmentOut]
    receipt_url: str | None
    allowed_actions: list[str]


def _out(dossier: Dossier, user) -> dict:
    return {
        "id": dossier.pk,
        "code": dossier.code,
        "status": dossier.status,
        "status_label": str(dossier.get_status_display()),
        "procedure_code": dossier.procedure_version.procedure.code,
        "procedure_name": dossier.procedure_version.name,
        "channel": dossier.channel,
        "assisted": dossier.assisted,
        "form_data": dossier.form_data,
        "prefilled_fields": dossier.prefilled_fields,
        "receiving_agency": dossier.receiving_agency.code if dossier.receiving_agency_id else None,
        "fee_amount": dossier.fee_amount,
        "payment_state": dossier.payment_state,
        "submitted_at": dossier.submitted_at,
        "due_at": dossier.due_at,
        "attachments": [
            {
                "id": a.pk,
                "document_code": a.document_code,
                "original_name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "reused": a.reused,
            }
            for a in dossier.attachments.all()
        ],
        "receipt_url": f"/api/v1/dossiers/{dossier.pk}/receipt.pdf" if dossier.code else None,
        "allowed_actions": [t.action for t in lifecycle.allowed_actions(dossier, user)],
    }


def _mine(request, pk: int) -> Dossier:
    dossier = selectors.dossier_for(request.user, pk)
    if dossier is None:
        raise Http404(_("No dossier %(id)s among yours.") % {"id": pk})
    return dossier


def _problems(status: int, title, errors: dict[str, list[str]]):
    return problem_response(
        status=status,
        title=title,
        type_="/problems/validation",
        errors=[{"path": path or "", "message": str(m)} for path, ms in errors.items() for m in ms],
    )


def _missing_idempotency_key():
    return _problems(
        400,
        _("Send an Idempotency-Key header"),
        {"Idempotency-Key": [_("Required, at most 80 characters.")]},
    )


class CreateIn(Schema):
    procedure_code: str


@router.post(
    "/dossiers", auth=auth, response={200: DossierOut, 201: DossierOut}, summary="Start a dossier (draft)"
)
def create_dossier(request, payload: CreateIn):
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key or len(key) > 80:
        return _missing_idempotency_key()
    version = catalog_selectors.get_current_version(payload.procedure_code)
    if version is None:
        return _problems(422, _("Unknown procedure"), {"procedure_code": [_("No procedure with this code.")]})
    if request.user.assurance_level < version.min_assurance_level:
        return problem_response(status=403, title=_("This procedure needs an account verified with VNeID."))
    dossier, created, _note = services.start_with_prefill(
        version=version, applicant=request.user, idempotency_key=key
    )
    return (201 if created else 200), _out(dossier, request.user)


@router.get("/dossiers", auth=auth, response=list[DossierOut], summary="My dossiers, newest first")
def list_dossiers(request, page: int = 1):
    rows, _has_next = selectors.my_dossiers(request.user, page=max(1, page))
    return [_out(d, request.user) for d in rows]


@router.get("/dossiers/{pk}", auth=auth, response=DossierOut, summary="One of my dossiers")
def get_dossier(request, pk: int):
    return _out(_mine(request, pk), request.user)


class AnswersIn(Schema):
    answers: dict[str, Any]


@router.patch(
    "/dossiers/{pk}/answers", auth=auth, response=DossierOut, summary="Save answers (canonical values)"
)
def save_answers(request, pk: int, payload: AnswersIn):
    dossier = _mine(request, pk)
    eform = services.eform_for(dossier)
    unknown = [k for k in payload.answers if eform.field(k) is None]
    errors = {k: [_("This form has no such field.")] for k in unknown}
    merged = {**dossier.form_data, **payload.answers}
    for field, messages in eform.validate_all(merged).items():
        if field in payload.answers:
            errors.setdefault(field, []).extend(messages)
    if errors:
        return _problems(422, _("Some answers need correcting"), errors)
    try:
        dossier = services.save_answers(dossier=dossier, answers=payload.answers)
    except services.SubmissionError as exc:
        return _problems(409, _("The dossier can no longer be changed"), exc.errors)
    return _out(dossier, request.user)


@router.post(
    "/dossiers/{pk}/attachments", auth=auth, response={201: AttachmentOut}, summary="Upload a document"
)
def upload_attachment(request, pk: int, document_code: Form[str], file: File[UploadedFile]):
    dossier = _mine(request, pk)
    try:
        attachment = services.add_attachment(
            dossier=dossier, document_code=document_code, uploaded=file, actor=request.user
        )
    except FileRejected as exc:
        return _problems(422, _("The file was not accepted"), {"file": [exc.message]})
    except services.SubmissionError as exc:
        return _problems(409, _("The dossier can no longer be changed"), exc.errors)
    return 201, {**attachment.__dict__, "id": attachment.pk, "reused": attachment.reused}


class ReuseIn(Schema):
    document_code: str
    source_id: int | None = None  # an earlier uploaded document
    result_id: int | None = None  # or a signed result of an earlier dossier


@router.post(
    "/dossiers/{pk}/attachments/reuse",
    auth=auth,
    response={201: AttachmentOut},
    summary="Reuse a document from my data store",
)
def reuse_attachment(request, pk: int, payload: ReuseIn):
    dossier = _mine(request, pk)
    try:
        attachment = services.reuse_document(
            dossier=dossier,
            document_code=payload.document_code,
            source_id=payload.source_id,
            actor=request.user,
        )
    except FileRejected as exc:
        return _problems(422, _("The document cannot be reused"), {"source_id": [exc.message]})
    except services.SubmissionError as exc:
        return _problems(409, _("The dossier can no longer be changed"), exc.errors)
    return 201, {**attachment.__dict__, "id": attachment.pk, "reused": True}


@router.delete(
    "/dossiers/{pk}/attachments/{attachment_id}", auth=auth, response={204: None}, summary="Remove a document"
)
def delete_attachment(request, pk: int, attachment_id: int):
    try:
        services.remove_attachment(dossier=_mine(request, pk), attachment_id=attachment_id)
    except services.SubmissionError as exc:
        return _problems(409, _("The dossier can no longer be changed"), exc.errors)
    return 204, None


class AgencyIn(Schema):
    code: str


@router.put(
    "/dossiers/{pk}/receiving-agency", auth=auth, response=DossierOut, summary="Choose the receiving centre"
)
def set_agency(request, pk: int, payload: AgencyIn):
    dossier = _mine(request, pk)
    agency = Agency.objects.filter(code=payload.code).first()
    try:
        if agency is None:
            raise services.SubmissionError({"code": [_("Choose a public administration service centre.")]})
        dossier = services.set_receiving_agency(dossier=dossier, agency=agency)
    except services.SubmissionError as exc:
        return _problems(422, _("Not a receiving centre"), exc.errors)
    return _out(dossier, request.user)


class PaymentIn(Schema):
    method: Literal["online", "at_desk"]


class PaymentOut(Schema):
    payment_state: str
    fee_amount: int
    redirect_url: str | None


@router.post(
    "/dossiers/{pk}/payment",
    auth=auth,
    response=PaymentOut,
    summary="Pay online or choose to pay at the desk",
)
def pay(request, pk: int, payload: PaymentIn):
    dossier = _mine(request, pk)
    try:
        if payload.method == "at_desk":
            dossier = services.choose_payment(dossier=dossier, at_desk=True)
            return {
                "payment_state": dossier.payment_state,
                "fee_amount": dossier.fee_amount,
                "redirect_url": None,
            }
        url = services.start_online_payment(
            dossier=dossier, request=request, next_url=f"/ho-so/{dossier.pk}/kiem-tra/"
        )
    except services.SubmissionError as exc:
        return _problems(409, _("The dossier can no longer be changed"), exc.errors)
    dossier.refresh_from_db()
    redirect_url = request.build_absolute_uri(url) if url else None
    return {
        "payment_state": dossier.payment_state,
        "fee_amount": dossier.fee_amount,
        "redirect_url": redirect_url,
    }


class SubmittedOut(DossierOut):
    pin: str


@router.post("/dossiers/{pk}/submit", auth=auth, response=SubmittedOut, summary="Submit (idempotent)")
def submit(request, pk: int):
    dossier = _mine(request, pk)
    try:
        dossier = services.submit(dossier=dossier, actor=request.user)
    except services.SubmissionError as exc:
        return _problems(422, _("The dossier is not ready to submit"), exc.errors)
    except lifecycle.TransitionError as exc:
        return problem_response(status=409, title=str(exc.message))
    dossier = selectors.dossier_for(request.user, dossier.pk)
    return {**_out(dossier, request.user), "pin": dossier.tracking_pin}


DOCUMENT_PART = "documents."


@router.post(
    "/submissions",
    auth=auth,
    response={200: SubmittedOut, 201: SubmittedOut},
    summary="File and submit a whole dossier in one request (multipart)",
    description=(
        "multipart/form-data: `procedure_code`, `answers` (a JSON object of canonical values), "
        "`receiving_agency` (a centre's code; required for commune-level procedures), `payment` "
        "(`at_desk` when there is a fee) and one file part per document named "
        "`documents.<document code>`. Needs an `Idempotency-Key` header: a retry returns the first "
        "dossier (200). All problems come back at once, by field; nothing is kept."
    ),
)
def submit_at_once(
    request,
    procedure_code: Form[str],
    answers: Form[str] = "{}",
    receiving_agency: Form[str] = "",
    payment: Form[str] = "",
):
    import json

    key = request.headers.get("Idempotency-Key", "").strip()
    if not key or len(key) > 80:
        return _missing_idempotency_key()
    errors: dict[str, list[str]] = {}
    try:
        values = json.loads(answers or "{}")
    except ValueError:
        values = None
    if not isinstance(values, dict):
        errors["answers"] = [_("Send the answers as a JSON object.")]
    if payment not in ("", "at_desk"):
        errors["payment"] = [_("Leave it empty or send at_desk.")]
    uploads = {}
    for part in request.FILES:
        files = request.FILES.getlist(part)
        if not part.startswith(DOCUMENT_PART) or len(part) == len(DOCUMENT_PART):
            errors.setdefault(part, []).append(_("Name each file part documents.<document code>."))
        elif len(files) > 1:
            errors.setdefault(part, []).append(_("Send one file per document."))
        else:
            uploads[part[len(DOCUMENT_PART) :]] = files[0]
    version = catalog_selectors.get_current_version(procedure_code, related=())
    if version is not None:
        catalog_selectors.with_parts(version)  # documents and fees, shared per catalog generation
    if version is None:
        errors["procedure_code"] = [_("No procedure with this code.")]
    elif request.user.assurance_level < version.min_assurance_level:
        return problem_response(status=403, title=_("This procedure needs an account verified with VNeID."))
    if errors:
        return _problems(422, _("Some answers need correcting"), errors)
    try:
        dossier, created = services.submit_at_once(
            version=version,
            applicant=request.user,
            answers=values,
            uploads=uploads,
            receiving_agency_code=receiving_agency.strip(),
            pay_at_desk=payment == "at_desk",
            idempotency_key=key,
        )
    except services.SubmissionError as exc:
        conflict = "Idempotency-Key" in exc.errors
        return _problems(
            409 if conflict else 422,
            _("The key is already used") if conflict else _("The dossier is not ready to submit"),
            exc.errors,
        )
    return (201 if created else 200), {**_out(dossier, request.user), "pin": dossier.tracking_pin}


@router.get("/dossiers/{pk}/receipt.pdf", auth=auth, summary="The receipt (Form 01) as PDF")
def receipt(request, pk: int):
    from motcua.dossiers.receipt import render_receipt_pdf

    dossier = _mine(request, pk)
    if not dossier.code:
        raise Http404(_("The dossier has not been submitted yet."))
    return HttpResponse(render_receipt_pdf(dossier), content_type="application/pdf")


class EventOut(Schema):
    at: dt.datetime
    action: str
    to_status: str


class TrackingOut(Schema):
    code: str
    procedure_code: str
    procedure_name: str
    status: str
    status_label: str
    agency_name: str
    submitted_at: dt.datetime | None
    due_at: dt.datetime | None
    timeline: list[EventOut]


@router.get(
    "/tracking", response=TrackingOut, summary="Public tracking by dossier code and PIN (no personal data)"
)
def tracking(request, code: str, pin: str):
    ip = ratelimit.client_ip(request)
    if ratelimit.blocked("track", ip, limit=TRACK_LIMIT):
        return problem_response(status=429, title=_("Too many attempts. Try again in 15 minutes."))
    result = selectors.track(code, pin)
    if result is None:
        ratelimit.hit("track", ip, limit=TRACK_LIMIT, window=TRACK_WINDOW)
        raise Http404(_("No dossier matches this code and PIN."))
    return {**result.__dict__, "status_label": str(result.status_label)}
