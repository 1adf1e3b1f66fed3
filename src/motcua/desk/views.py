"""Back-office screens (/mot-cua/): queues, the dossier page with the actions allowed now, intake.

Thin: reads in desk.selectors, writes in dossiers.backoffice (the transition table).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.core import audit
from motcua.desk import selectors
from motcua.desk.actions import perform
from motcua.dossiers import backoffice, lifecycle


def officer_required(view):
    """Officers only (with a verified second factor when the officer login enforces it)."""
    from motcua.accounts import decorators

    return decorators.officer_required(view)


QUEUE_LABELS = {
    "reception": _("Awaiting reception"),
    "mine": _("Assigned to me"),
    "agency": _("In progress at my agencies"),
    "due_soon": _("Due within a day"),
    "late": _("Late"),
    "supplement": _("Awaiting supplement"),
}


# Keyboard shortcuts (accesskey: Alt+Shift+key in Chrome/Firefox): letters of the Vietnamese verbs.
ACCESS_KEYS = {
    "receive": "n",  # tiếp nhận
    "request_supplement": "b",  # bổ sung
    "refuse": "t",  # từ chối
    "forward": "c",  # chuyển
    "assign": "g",  # giao
    "approve": "d",  # duyệt
    "issue_result": "k",  # kết quả
    "return_result": "r",  # trả
}


def _int(value, default=1):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@officer_required
def index(request):
    name = request.GET.get("q_name") or request.GET.get("hang") or "reception"
    if name not in selectors.QUEUES:
        name = "reception"
    now = timezone.now()
    search = request.GET.get("q", "")[:60]
    page = selectors.page_of(
        selectors.queue(request.user, name, now=now, q=search), _int(request.GET.get("page"))
    )
    return render(
        request,
        "desk/index.html",
        {
            "queue": name,
            "queues": [(key, QUEUE_LABELS[key]) for key in selectors.QUEUES],
            "counts": selectors.counts(request.user, now=now),
            "page": page,
            "search": search,
            "now": now,
            "rows": _queue_rows(page.rows, now),
        },
    )


@dataclass(frozen=True)
class QueueRow:
    """One line of a queue as shown: 50 a page, so the values are worked out here once rather
    than through a dozen template lookups and filters each."""

    url: str
    code: str
    assisted: bool
    procedure_name: str
    status: str
    status_label: str
    due: str
    assigned_to: str
    late: bool


def _queue_rows(rows, now) -> list[QueueRow]:
    from django.urls import reverse

    from motcua.core.templatetags.motcua import hm_dmy
    from motcua.dossiers.models import Status

    marker = "987654321"  # one reverse() for the page, not one per row
    link = reverse("desk:dossier", args=[marker])
    return [
        QueueRow(
            url=link.replace(marker, str(d.pk)),
            code=d.code or "",
            assisted=d.assisted,
            procedure_name=Truncator(d.procedure_version.name).chars(80),
            status=d.status,
            status_label=str(Status(d.status).label),
            due=hm_dmy(d.due_at),
            assigned_to=str(d.assigned_to) if d.assigned_to_id else "—",
            late=backoffice.is_late(d, now),
        )
        for d in rows
    ]


@officer_required
def dossier(request, pk: int):
    found = selectors.dossier_for_officer(request.user, pk)
    if found is None:
        raise Http404
    audit.record(action="desk.view_dossier", obj=found, actor=request.user)  # personal data was shown
    from motcua.dossiers.eforms import EForm

    prefilled = {k: found.form_data.get(k) for k in found.prefilled_fields}
    eform = EForm(found.procedure_version.form_spec or {}, prefilled=prefilled)
    from motcua.catalog.selectors import version_parts

    version_documents, steps, _fees = version_parts(found.procedure_version)
    documents = {d.code: d for d in version_documents}
    officers = selectors.officer_choices(found)
    return render(
        request,
        "desk/dossier.html",
        {
            "dossier": found,
            "version": found.procedure_version,
            "summary": eform.summary(found.form_data),
            "attachments": [(documents.get(a.document_code), a) for a in found.attachments.all()],
            "events": list(found.events.all()),
            "actions": lifecycle.allowed_actions(found, request.user),
            "officers": officers,
            "late": backoffice.is_late(found),
            "steps": steps,
            "centres": selectors.transfer_targets(found),
            "access_keys": ACCESS_KEYS,
        },
    )


@officer_required
@require_POST
def act(request, pk: int):
    found = selectors.dossier_for_officer(request.user, pk)
    if found is None:
        raise Http404
    params = {k: request.POST.get(k, "") for k in request.POST if k != "csrfmiddlewaretoken"}
    try:
        perform(dossier=found, actor=request.user, action=request.POST.get("action", ""), params=params)
    except lifecycle.TransitionError as exc:
        messages.error(request, exc.message)
    except Exception as exc:  # e.g. the result could not be signed: say so, nothing was changed
        from motcua.results.services import ResultError

        if not isinstance(exc, ResultError):
            raise
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Done."))
    return redirect("desk:dossier", pk=pk)


@officer_required
def attachment(request, pk: int, attachment_id: int):
    found = selectors.dossier_for_officer(request.user, pk)
    item = found.attachments.filter(pk=attachment_id).first() if found else None
    if item is None:
        raise Http404
    audit.record(
        action="desk.open_attachment", obj=found, actor=request.user, changes={"attachment": item.pk}
    )
    return FileResponse(
        item.file.open("rb"), content_type=item.content_type, filename=f"{item.document_code}{item.extension}"
    )


@officer_required
def intake(request):
    """Walk-in intake, or on online-only days help the citizen submit online (assisted mode)."""
    import uuid

    from motcua.dossiers.assisted import AssistError, start_assisted
    from motcua.dossiers.models import Channel

    officer_agencies = [r.agency for r in request.user.roles.select_related("agency")]
    online_only = any(selectors.is_online_only_today(a) for a in officer_agencies)
    values = {k: request.POST.get(k, "").strip() for k in ("personal_id", "full_name", "phone", "procedure")}
    errors: dict[str, str] = {}
    if request.method == "POST":
        mode = request.POST.get("mode", "in_person")
        disabled = request.POST.get("disabled") == "on"
        if (
            mode == "in_person"
            and online_only
            and not selectors.is_exempt_from_online_only(values["personal_id"], disabled=disabled)
        ):
            from motcua.catalog import selectors as catalog_selectors

            version = catalog_selectors.get_current_version(values["procedure"])
            if version is not None and version.online_level != "none":
                errors["mode"] = _(
                    "Today the desk takes dossiers online only: help the citizen submit online (assisted), "
                    "unless the citizen is elderly or disabled."
                )
        if not errors:
            try:
                found = start_assisted(
                    helper=request.user,
                    personal_id=values["personal_id"],
                    full_name=values["full_name"],
                    phone=values["phone"],
                    procedure_code=values["procedure"],
                    idempotency_key=request.POST.get("start_token", "")[:80],
                    channel=Channel.IN_PERSON if mode == "in_person" else Channel.ONLINE,
                )
            except AssistError as exc:
                errors = exc.errors
            else:
                return redirect("dossiers:step", pk=found.pk, index=0)
    return render(
        request,
        "desk/intake.html",
        {"values": values, "errors": errors, "online_only": online_only, "start_token": uuid.uuid4().hex},
        status=400 if errors else 200,
    )
