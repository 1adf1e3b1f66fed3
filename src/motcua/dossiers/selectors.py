"""Reads of dossiers: a citizen's own, public tracking (no personal data)."""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import json
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from motcua.core.db import prepared_cursor
from motcua.dossiers.codes import is_valid_code
from motcua.dossiers.models import Dossier, DossierEvent, Status

MY_PAGE_SIZE = 20


def dossiers_of(user, *, with_stages: bool = True) -> QuerySet[Dossier]:
    """The dossiers a citizen filed, or helped file, newest first. ``with_stages=False`` leaves out
    the dossiers a linked application opened (they are listed on the application)."""
    from django.db.models import Q

    qs = Dossier.objects.filter(Q(applicant=user) | Q(helper=user))
    if not with_stages:
        qs = qs.filter(linked_parent__isnull=True)
    return qs.select_related("procedure_version__procedure", "receiving_agency").order_by(
        "-created_at", "-id"
    )


def my_dossiers(user, *, page: int = 1) -> tuple[list[Dossier], bool]:
    """One page of the citizen's dossiers and whether there is a next page (bounded)."""
    page = max(1, page)
    start = (page - 1) * MY_PAGE_SIZE
    rows = list(dossiers_of(user, with_stages=False)[start : start + MY_PAGE_SIZE + 1])
    return rows[:MY_PAGE_SIZE], len(rows) > MY_PAGE_SIZE


def dossier_for(user, pk: int) -> Dossier | None:
    """A dossier the user may open as applicant or helper."""
    return dossiers_of(user).prefetch_related("attachments", "events").filter(pk=pk).first()


@dataclass(frozen=True)
class PublicEvent:
    """One step on the public timeline: when, what, and the state it led to."""

    at: dt.datetime
    action: str
    to_status: str


@dataclass(frozen=True)
class PublicStatus:
    code: str
    procedure_name: str
    procedure_code: str
    status: str
    status_label: str
    submitted_at: object
    due_at: object
    timeline: list[PublicEvent]
    agency_name: str
    id: int = 0
    is_linked_application: bool = False  # its stages are shown too (linked_tags)


@functools.cache
def _track_sql() -> tuple[str, str, str]:
    """The statements of a lookup, written out: this is the busiest public page, and building
    the same ORM queries cost ~3.5 ms of Python per request against ~0.5 ms to run them
    (docs/performance.md). Only the columns shown — never form data or form specifications.

    Returns the dossier's statement, the public events' statement and, for PostgreSQL, both in
    one: the events as a JSON array in a last column, one round trip instead of two. (A known code
    with a wrong PIN thus also reads its events, some microseconds more than an unknown code; the
    PIN is still compared in constant time, and the rate limit bounds any probing.)
    """
    from motcua.catalog.models import Procedure, ProcedureVersion
    from motcua.org.models import Agency

    dossier, version = Dossier._meta.db_table, ProcedureVersion._meta.db_table
    procedure, agency = Procedure._meta.db_table, Agency._meta.db_table
    events = DossierEvent._meta.db_table
    columns = (
        "d.id, d.code, d.tracking_pin, d.status, d.submitted_at, d.due_at, v.name, p.code, a.name, "
        "d.is_linked_application"
    )
    source = (
        f"FROM {dossier} d JOIN {version} v ON v.id = d.procedure_version_id "
        f"JOIN {procedure} p ON p.id = v.procedure_id LEFT JOIN {agency} a ON a.id = d.receiving_agency_id "
        f"WHERE d.code = %s AND d.status <> %s"
    )
    timeline = (
        f"SELECT json_agg(json_build_array(e.at, e.action, e.to_status) ORDER BY e.at, e.id) "  # noqa: S608
        f"FROM {events} e WHERE e.dossier_id = d.id AND e.public"
    )
    return (
        f"SELECT {columns} {source}",  # noqa: S608 (table names from the models)
        f"SELECT at, action, to_status FROM {events} WHERE dossier_id = %s AND public = %s ORDER BY at, id",  # noqa: S608
        f"SELECT {columns}, ({timeline}) AS timeline {source}",  # noqa: S608
    )


def _aware(value):
    """Datetimes as the ORM returns them: aware (SQLite hands raw queries naive UTC values)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    return value


def track(code: str, pin: str) -> PublicStatus | None:
    """Public lookup by dossier code and PIN: status and timeline, no personal data.

    The same answer (None) for an unknown code and a wrong PIN, compared in constant time.
    """
    code = (code or "").strip().upper()
    pin = (pin or "").strip()
    if not is_valid_code(code) or not pin.isdigit():
        return None
    dossier_sql, events_sql, in_one = _track_sql()
    one_trip = connection.vendor == "postgresql"
    with prepared_cursor() as cursor:
        cursor.execute(in_one if one_trip else dossier_sql, [code, Status.DRAFT.value])
        row = cursor.fetchone()
        expected = row[2] if row else "000000"
        if not hmac.compare_digest(expected.encode(), pin.encode()) or row is None:
            return None
        pk, code, _pin, status, submitted_at, due_at, procedure_name, procedure_code, agency_name, linked = (
            row[:10]
        )
        if one_trip:
            events = row[10]
            if isinstance(events, str):  # a json column some drivers leave undecoded
                events = json.loads(events)
            events = events or []
        else:
            cursor.execute(events_sql, [pk, True])
            events = cursor.fetchall()
        timeline = [PublicEvent(at=_aware(at), action=a, to_status=t) for at, a, t in events]
    return PublicStatus(
        code=code,
        procedure_name=procedure_name,
        procedure_code=procedure_code,
        status=status,
        status_label=str(Status(status).label),
        submitted_at=_aware(submitted_at),
        due_at=_aware(due_at),
        timeline=timeline,
        agency_name=agency_name or "",
        id=pk,
        is_linked_application=bool(linked),
    )


def assignable_officers(dossier: Dossier) -> QuerySet:
    """Officers ``dossier`` may be given to: active officers holding a role other than auditor at
    its receiving or competent agency or at an agency above them, by name."""
    from django.contrib.auth import get_user_model

    from motcua.accounts.models import OfficerRole

    ids = {
        i
        for agency in (dossier.receiving_agency, dossier.competent_agency)
        if agency is not None
        for i in agency.ancestor_ids()
    }
    acting = [role for role in OfficerRole.Role.values if role != OfficerRole.Role.AUDITOR]
    return (
        get_user_model()
        .objects.filter(is_officer=True, is_active=True, roles__agency_id__in=ids, roles__role__in=acting)
        .distinct()
        .order_by("full_name", "pk")
    )


def public_apologies(limit: int = 100) -> list[DossierEvent]:
    """Apologies (Form 04) published for transparency: code, procedure, reason, dates — no names."""
    return list(
        DossierEvent.objects.filter(action="apologise")
        .select_related("dossier__procedure_version__procedure", "dossier__competent_agency")
        .order_by("-at", "-id")[: max(1, min(limit, 500))]
    )
