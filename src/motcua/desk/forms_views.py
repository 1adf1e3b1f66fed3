"""Downloads of the official forms 02–06 of a dossier and of the register (Form 07).

Only an officer whose scope (:func:`motcua.accounts.selectors.visible_agencies`) contains the
dossier's receiving or competent agency — or, for the register, the chosen agency — gets
anything; everyone else gets 404 (an anonymous visitor is sent to log in first). Viewing the
register, which lists personal data, is written to the audit log.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from motcua.accounts.selectors import visible_agencies
from motcua.core import audit
from motcua.desk import documents
from motcua.dossiers.models import Dossier

MAX_PERIOD_DAYS = 366
DATE_FORMATS = ["%d/%m/%Y"]


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def form_pdf(request, pk: int, form: str):
    """Form ``form`` ("02"–"06") of dossier ``pk`` as a PDF."""
    if form not in documents.FORMS:
        raise Http404
    dossier = Dossier.objects.select_related("receiving_agency", "competent_agency").filter(pk=pk).first()
    if dossier is None or not dossier.code:
        raise Http404
    agency_ids = [a for a in (dossier.receiving_agency_id, dossier.competent_agency_id) if a]
    if not agency_ids or not visible_agencies(request.user).filter(pk__in=agency_ids).exists():
        raise Http404
    try:
        content = documents.render_form_pdf(dossier, form)
    except documents.FormNotIssued:
        raise Http404 from None
    audit.record(
        action="desk.view_form",
        obj=dossier,
        changes={"form": form},
        actor=request.user,
    )
    return _pdf(content, f"mau-{form}-{dossier.code}.pdf")


class RegisterForm(forms.Form):
    agency = forms.CharField(
        label=gettext_lazy("Agency code"),
        max_length=40,
        error_messages={"required": gettext_lazy("Enter the agency code.")},
    )
    start = forms.DateField(
        label=gettext_lazy("From (dd/mm/yyyy)"),
        input_formats=DATE_FORMATS,
        error_messages={
            "required": gettext_lazy("Enter the first day of the period, e.g. 01/07/2025."),
            "invalid": gettext_lazy("Enter a real date as dd/mm/yyyy, e.g. 01/07/2025."),
        },
    )
    end = forms.DateField(
        label=gettext_lazy("To (dd/mm/yyyy)"),
        input_formats=DATE_FORMATS,
        error_messages={
            "required": gettext_lazy("Enter the last day of the period, e.g. 31/07/2025."),
            "invalid": gettext_lazy("Enter a real date as dd/mm/yyyy, e.g. 31/07/2025."),
        },
    )
    format = forms.ChoiceField(
        label=gettext_lazy("File"),
        choices=[("xlsx", "Excel (.xlsx)"), ("pdf", "PDF")],
        required=False,
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The last day must not be before the first day."))
            elif (end - start).days + 1 > MAX_PERIOD_DAYS:
                self.add_error(
                    "end", _("The period can be at most %(days)d days.") % {"days": MAX_PERIOD_DAYS}
                )
        return data


def _params(request) -> dict:
    """GET parameters under their public names (``from``, ``to``) mapped to the form's fields."""
    return {
        "agency": request.GET.get("agency", ""),
        "start": request.GET.get("from", ""),
        "end": request.GET.get("to", ""),
        "format": request.GET.get("format", "") or "xlsx",
    }


@login_required
@require_GET
def register(request):
    """The dossier register (Form 07) of an agency and its subtree for a period: a form to choose,
    then the file (``?agency=<code>&from=dd/mm/yyyy&to=dd/mm/yyyy[&format=xlsx|pdf]``)."""
    scope = visible_agencies(request.user)
    if not scope.exists():
        raise Http404
    if not any(key in request.GET for key in ("agency", "from", "to")):
        first = scope.order_by("path").first()
        form = RegisterForm(initial={"agency": first.code if first else "", "format": "xlsx"})
        return render(request, "desk/forms/register_page.html", {"form": form, "agencies": _choices(scope)})
    form = RegisterForm(_params(request))
    if not form.is_valid():
        return render(
            request, "desk/forms/register_page.html", {"form": form, "agencies": _choices(scope)}, status=400
        )
    agency = scope.filter(code=form.cleaned_data["agency"].strip()).first()
    if agency is None:
        raise Http404
    start: dt.date = form.cleaned_data["start"]
    end: dt.date = form.cleaned_data["end"]
    rows = documents.register_rows(agency=agency, start=start, end=end)
    audit.record(
        action="desk.view_register",
        obj=agency,
        changes={"from": start.isoformat(), "to": end.isoformat(), "rows": len(rows)},
        actor=request.user,
    )
    name = f"so-theo-doi-ho-so-{agency.code}-{start:%Y%m%d}-{end:%Y%m%d}"
    if form.cleaned_data.get("format") == "pdf":
        return _pdf(documents.register_pdf(rows, agency=agency, start=start, end=end), f"{name}.pdf")
    response = HttpResponse(
        documents.register_xlsx(rows, agency=agency, start=start, end=end),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


def _choices(scope, limit: int = 200) -> list:
    """Agencies to suggest in the form (bounded)."""
    return list(scope.order_by("path").only("code", "name")[:limit])
