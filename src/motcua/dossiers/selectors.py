"""Reads of dossiers: a citizen's own, public tracking (no personal data)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from django.db.models import QuerySet

from motcua.dossiers.codes import is_valid_code
from motcua.dossiers.models import Dossier, DossierEvent, Status

MY_PAGE_SIZE = 20


def dossiers_of(user) -> QuerySet[Dossier]:
    """The dossiers a citizen filed, or helped file, newest first."""
    from django.db.models import Q

    return (
        Dossier.objects.filter(Q(applicant=user) | Q(helper=user))
        .select_related("procedure_version__procedure", "receiving_agency")
        .order_by("-created_at", "-id")
    )


def my_dossiers(user, *, page: int = 1) -> tuple[list[Dossier], bool]:
    """One page of the citizen's dossiers and whether there is a next page (bounded)."""
    page = max(1, page)
    start = (page - 1) * MY_PAGE_SIZE
    rows = list(dossiers_of(user)[start : start + MY_PAGE_SIZE + 1])
    return rows[:MY_PAGE_SIZE], len(rows) > MY_PAGE_SIZE


def dossier_for(user, pk: int) -> Dossier | None:
    """A dossier the user may open as applicant or helper."""
    return dossiers_of(user).prefetch_related("attachments", "events").filter(pk=pk).first()


@dataclass(frozen=True)
class PublicStatus:
    code: str
    procedure_name: str
    procedure_code: str
    status: str
    status_label: str
    submitted_at: object
    due_at: object
    timeline: list[DossierEvent]
    agency_name: str


TRACK_FIELDS = (
    "code", "tracking_pin", "status", "submitted_at", "due_at", "procedure_version__name",
    "procedure_version__procedure__code", "receiving_agency__name",
)  # fmt: skip
TRACK_EVENT_FIELDS = ("dossier_id", "at", "action", "to_status")


def track(code: str, pin: str) -> PublicStatus | None:
    """Public lookup by dossier code and PIN: status and timeline, no personal data.

    The same answer (None) for an unknown code and a wrong PIN, compared in constant time.
    """
    code = (code or "").strip().upper()
    pin = (pin or "").strip()
    if not is_valid_code(code) or not pin.isdigit():
        return None
    # Only the columns the public answer shows: not the form data, nor the procedure's form
    # specification (kilobytes of JSON to decode on every lookup of the busiest public page).
    dossier = (
        Dossier.objects.select_related("procedure_version__procedure", "receiving_agency")
        .only(*TRACK_FIELDS)
        .filter(code=code)
        .exclude(status=Status.DRAFT)
        .first()
    )
    expected = dossier.tracking_pin if dossier else "000000"
    if not hmac.compare_digest(expected.encode(), pin.encode()) or dossier is None:
        return None
    return PublicStatus(
        code=dossier.code,
        procedure_name=dossier.procedure_version.name,
        procedure_code=dossier.procedure_version.procedure.code,
        status=dossier.status,
        status_label=dossier.get_status_display(),
        submitted_at=dossier.submitted_at,
        due_at=dossier.due_at,
        timeline=list(dossier.events.filter(public=True).only(*TRACK_EVENT_FIELDS).order_by("at", "id")),
        agency_name=dossier.receiving_agency.name if dossier.receiving_agency else "",
    )


def public_apologies(limit: int = 100) -> list[DossierEvent]:
    """Apologies (Form 04) published for transparency: code, procedure, reason, dates — no names."""
    return list(
        DossierEvent.objects.filter(action="apologise")
        .select_related("dossier__procedure_version__procedure", "dossier__competent_agency")
        .order_by("-at", "-id")[: max(1, min(limit, 500))]
    )
