"""Citizen pages: start, the e-form wizard, check your answers, pay, submit, receipt, tracking.

Thin: the work is in services (writes), selectors (reads) and the e-form engine.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.catalog import selectors as catalog_selectors
from motcua.catalog.models import ProcedureVersion
from motcua.dossiers import selectors, services
from motcua.dossiers.attachments import FileRejected
from motcua.dossiers.models import PaymentState, Status
from motcua.org.models import Agency

PREFILL_NOTE = "prefill-note-%s"


def _own_draft(request, pk):
    dossier = selectors.dossier_for(request.user, pk)
    if dossier is None:
        raise Http404
    return dossier


@login_required
@require_http_methods(["GET", "POST"])
def start(request, code: str):
    version = catalog_selectors.get_current_version(code)
    if version is None:
        raise Http404
    needs_eid = request.user.assurance_level < version.min_assurance_level
    if request.method == "POST" and not needs_eid:
        dossier, _created, note = services.start_with_prefill(
            version=version, applicant=request.user, idempotency_key=request.POST.get("start_token", "")[:80]
        )
        # The form itself marks prefilled answers; say something only when the register could not help.
        if note:
            request.session[PREFILL_NOTE % dossier.pk] = note
        return redirect("dossiers:step", pk=dossier.pk, index=0)
    return render(
        request,
        "dossiers/start.html",
        {
            "version": version,
            "needs_eid": needs_eid,
            "start_token": uuid.uuid4().hex,
            "documents": list(version.documents.all()),
            "fees": catalog_selectors.fees_by_channel(version)["online"],
            "due_at": catalog_selectors.due_if_submitted(version, online=True),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def step(request, pk: int, index: int):
    dossier = _own_draft(request, pk)
    if dossier.status != Status.DRAFT:
        return redirect("dossiers:detail", pk=pk)
    eform = services.eform_for(dossier)
    if len(eform) == 0:
        return redirect("dossiers:review", pk=pk)
    if not 0 <= index < len(eform):
        raise Http404
    upload_errors: dict[str, str] = {}
    if request.method == "POST":
        if eform.row_operation(request.POST):
            form = eform.bound_step(index, request.POST)
        else:
            values, form = eform.clean_step(index, request.POST)
            upload_errors = _handle_documents(request, dossier, eform, index)
            if values is not None:
                services.save_answers(dossier=dossier, answers=values, step=index + 1)
                if not upload_errors:
                    if "_save_draft" in request.POST:
                        messages.success(
                            request, _("Your draft is saved. You can continue later from “My dossiers”.")
                        )
                        return redirect("dossiers:mine")
                    if index + 1 < len(eform):
                        return redirect("dossiers:step", pk=pk, index=index + 1)
                    return redirect("dossiers:review", pk=pk)
    else:
        form = eform.bound_step(index, initial=dossier.form_data)
    return _render_step(request, dossier, eform, index, form, upload_errors)


def _render_step(request, dossier, eform, index, form, upload_errors):
    dossier.refresh_from_db()
    slots = [s for s in eform.document_slots() if s.step == index]
    documents = {d.code: d for d in dossier.procedure_version.documents.all()}
    attached = {a.document_code: a for a in dossier.attachments.all()}
    reusable = services.reusable_documents(dossier.applicant)
    results = services.reusable_results(dossier.applicant)
    status = 400 if (form.is_bound and form.errors) or upload_errors else 200
    return render(
        request,
        "dossiers/step.html",
        {
            "dossier": dossier,
            "version": dossier.procedure_version,
            "eform": eform,
            "step": eform.steps[index],
            "index": index,
            "number": index + 1,
            "total": len(eform),
            "form": form,
            "slots": [
                {
                    "slot": s,
                    "document": documents.get(s.document_code),
                    "attached": attached.get(s.document_code),
                    "error": upload_errors.get(s.document_code, ""),
                    "reusable": reusable,
                    "results": results,
                }
                for s in slots
            ],
            "prefill_note": request.session.pop(PREFILL_NOTE % dossier.pk, ""),
        },
        status=status,
    )


def _handle_documents(request, dossier, eform, index) -> dict[str, str]:
    errors: dict[str, str] = {}
    for slot in eform.document_slots():
        if slot.step != index:
            continue
        code = slot.document_code
        uploaded = request.FILES.get(f"doc_{code}")
        reuse = request.POST.get(f"reuse_{code}", "")
        try:
            if uploaded is not None:
                services.add_attachment(
                    dossier=dossier, document_code=code, uploaded=uploaded, actor=request.user
                )
            elif reuse.isdigit():
                services.reuse_document(
                    dossier=dossier, document_code=code, source_id=int(reuse), actor=request.user
                )
        except FileRejected as exc:
            errors[code] = exc.message
        except services.SubmissionError as exc:
            errors[code] = "; ".join(m for ms in exc.errors.values() for m in ms)
    return errors


def _centres():
    return list(
        Agency.objects.filter(
            kind__in=[Agency.Kind.COMMUNE_ONE_STOP, Agency.Kind.SERVICE_CENTRE], is_active=True
        )
        .select_related("unit")
        .order_by("kind", "name")
    )


@login_required
@require_http_methods(["GET", "POST"])
def review(request, pk: int):
    dossier = _own_draft(request, pk)
    if dossier.status != Status.DRAFT:
        return redirect("dossiers:detail", pk=pk)
    eform = services.eform_for(dossier)
    problems: dict[str, list[str]] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        centre = request.POST.get("receiving_agency", "")
        try:
            if centre:
                agency = Agency.objects.filter(code=centre).first()
                if agency is None:
                    raise services.SubmissionError(
                        {"receiving_agency": [_("Choose a public administration service centre.")]}
                    )
                dossier = services.set_receiving_agency(dossier=dossier, agency=agency)
            if action == "pay_online":
                url = services.start_online_payment(
                    dossier=dossier, request=request, next_url=reverse("dossiers:review", args=[dossier.pk])
                )
                return HttpResponseRedirect(url or reverse("dossiers:review", args=[dossier.pk]))
            if action == "pay_at_desk":
                services.choose_payment(dossier=dossier, at_desk=True)
                return redirect("dossiers:review", pk=pk)
            if action == "submit":
                dossier = services.submit(dossier=dossier, actor=request.user)
                return redirect("dossiers:done", pk=pk)
        except services.SubmissionError as exc:
            problems = exc.errors
    dossier.refresh_from_db()
    fee = services.online_fee(dossier.procedure_version, answers=dossier.form_data)
    documents = {d.code: d for d in dossier.procedure_version.documents.all()}
    return render(
        request,
        "dossiers/review.html",
        {
            "dossier": dossier,
            "version": dossier.procedure_version,
            "summary": eform.summary(
                dossier.form_data, edit_url=lambda i: reverse("dossiers:step", args=[dossier.pk, i])
            ),
            "attachments": [(documents.get(a.document_code), a) for a in dossier.attachments.all()],
            "fee": fee,
            "paid": dossier.payment_state == PaymentState.PAID,
            "at_desk": dossier.payment_state == PaymentState.AT_DESK,
            "pending": dossier.payment_state == PaymentState.PENDING,
            "centres": _centres()
            if dossier.procedure_version.level == ProcedureVersion.Level.COMMUNE
            else [],
            "problems": problems,
            "due_at": catalog_selectors.due_if_submitted(dossier.procedure_version, online=True),
            "total_steps": len(eform),
        },
        status=400 if problems else 200,
    )


@login_required
def done(request, pk: int):
    dossier = _own_draft(request, pk)
    if dossier.status == Status.DRAFT:
        return redirect("dossiers:review", pk=pk)
    return render(request, "dossiers/done.html", {"dossier": dossier, "version": dossier.procedure_version})


@login_required
def receipt_pdf(request, pk: int):
    from motcua.dossiers.receipt import render_receipt_pdf

    dossier = _own_draft(request, pk)
    if dossier.code is None:
        raise Http404
    response = HttpResponse(render_receipt_pdf(dossier), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-nhan-{dossier.code}.pdf"'
    return response


@login_required
def my_dossiers(request):
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    rows, has_next = selectors.my_dossiers(request.user, page=page)
    return render(request, "dossiers/mine.html", {"dossiers": rows, "page": page, "has_next": has_next})


@login_required
def detail(request, pk: int):
    dossier = _own_draft(request, pk)
    documents = {d.code: d for d in dossier.procedure_version.documents.all()}
    from motcua.dossiers.lifecycle import allowed_actions

    return render(
        request,
        "dossiers/detail.html",
        {
            "dossier": dossier,
            "version": dossier.procedure_version,
            "events": list(dossier.events.all()),
            "attachments": [(documents.get(a.document_code), a) for a in dossier.attachments.all()],
            "can_withdraw": any(t.action == "withdraw" for t in allowed_actions(dossier, request.user)),
            "results": [r for r in _results_of(dossier.applicant) if r.dossier_id == dossier.pk],
            "supplement_request": (
                dossier.events.filter(action="request_supplement").order_by("-at", "-id").first()
                if dossier.status == Status.SUPPLEMENT_REQUESTED
                else None
            ),
            "documents": list(dossier.procedure_version.documents.all()),
        },
    )


def _results_of(applicant):
    from motcua.results.selectors import results_of

    return results_of(applicant)


@login_required
@require_POST
def withdraw(request, pk: int):
    from motcua.dossiers.lifecycle import TransitionError, transition

    dossier = _own_draft(request, pk)
    try:
        transition(
            dossier=dossier,
            action="withdraw",
            actor=request.user,
            comment=request.POST.get("reason", "")[:500],
        )
        messages.success(request, _("Your dossier has been withdrawn."))
    except TransitionError as exc:
        messages.error(request, exc.message)
    return redirect("dossiers:detail", pk=pk)


def track(request):
    code = request.GET.get("code", "").strip()
    pin = request.GET.get("pin", "").strip()
    from motcua.core import ratelimit
    from motcua.dossiers.conf import TRACK_LIMIT, TRACK_WINDOW

    result = None
    error = ""
    ip = ratelimit.client_ip(request)
    if (code or pin) and ratelimit.blocked("track", ip, limit=TRACK_LIMIT):
        error = _("Too many attempts. Try again in 15 minutes.")
    elif code or pin:
        result = selectors.track(code, pin)
        if result is None:
            ratelimit.hit("track", ip, limit=TRACK_LIMIT, window=TRACK_WINDOW)
            error = _("No dossier matches this code and PIN. Check both on your receipt.")
    return render(
        request,
        "dossiers/track.html",
        {"code": code, "result": result, "error": error},
        status=404 if error else 200,
    )


def _officer_required(view):
    from motcua.accounts.decorators import officer_required

    return officer_required(view)


@_officer_required
@require_http_methods(["GET", "POST"])
def assisted_start(request):
    """A helper (desk officer or community digital team member) starts a dossier for a citizen."""
    from motcua.dossiers.assisted import AssistError, can_assist, start_assisted

    if not can_assist(request.user):
        raise Http404
    errors: dict[str, str] = {}
    values = {"personal_id": "", "full_name": "", "phone": "", "procedure": request.GET.get("procedure", "")}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        try:
            dossier = start_assisted(
                helper=request.user,
                personal_id=values["personal_id"],
                full_name=values["full_name"],
                phone=values["phone"],
                procedure_code=values["procedure"],
                idempotency_key=request.POST.get("start_token", "")[:80],
            )
        except AssistError as exc:
            errors = exc.errors
        else:
            return redirect("dossiers:step", pk=dossier.pk, index=0)
    return render(
        request,
        "dossiers/assisted.html",
        {"values": values, "errors": errors, "start_token": uuid.uuid4().hex},
        status=400 if errors else 200,
    )


def apologies(request):
    """The public page of apology letters (Form 04): the province publishes them."""
    return render(request, "dossiers/apologies.html", {"events": selectors.public_apologies()})


@login_required
@require_POST
def send_supplement(request, pk: int):
    """The citizen adds what the office asked for (Form 02) and sends it back."""
    from motcua.dossiers import backoffice
    from motcua.dossiers.lifecycle import TransitionError

    dossier = _own_draft(request, pk)
    errors = []
    for document in dossier.procedure_version.documents.all():
        uploaded = request.FILES.get(f"doc_{document.code}")
        if uploaded is None:
            continue
        try:
            services.add_attachment(
                dossier=dossier,
                document_code=document.code,
                uploaded=uploaded,
                actor=request.user,
                supplement=True,
            )
        except FileRejected as exc:
            errors.append(f"{document.name}: {exc.message}")
        except services.SubmissionError as exc:
            errors.extend(m for ms in exc.errors.values() for m in ms)
    if not errors:
        try:
            backoffice.supplement(
                dossier=dossier, actor=request.user, comment=request.POST.get("comment", "")[:1000]
            )
        except TransitionError as exc:
            errors.append(str(exc.message))
    for message in errors:
        messages.error(request, message)
    if not errors:
        messages.success(request, _("Your supplement has been sent. The office continues with your dossier."))
    return redirect("dossiers:detail", pk=pk)
