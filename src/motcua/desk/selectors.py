"""Back-office reads: queues scoped to the officer's agencies, bounded and indexed."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.accounts.selectors import visible_agencies
from motcua.dossiers.backoffice import FINAL
from motcua.dossiers.models import Dossier, Status

PAGE_SIZE = 50
MAX_PAGE = 200
EXEMPT_AGE = int(os.environ.get("MOTCUA_ONLINE_ONLY_EXEMPT_AGE", "70"))
QUEUES = ("reception", "mine", "agency", "due_soon", "late", "supplement")
#: Columns a queue row never shows: the answers and the procedure's texts and form specification
#: (kilobytes of JSON per row, decoded 50 times per page).
LIST_DEFERRED = (
    "form_data", "prefilled_fields", "procedure_version__form_spec", "procedure_version__search_text",
    "procedure_version__summary", "procedure_version__legal_basis", "procedure_version__conditions",
    "procedure_version__applicants", "procedure_version__where_to_submit",
    "procedure_version__processing_time_note",
)  # fmt: skip
#: Every state that is neither a draft nor final.
OPEN = sorted(set(Status.values) - set(FINAL) - {Status.DRAFT})


def scoped(user) -> QuerySet[Dossier]:
    """Dossiers the officer may see: received by, or transferred to, an agency of their subtree.

    The agency ids are read first (one small query) and passed as a list: with two ``IN
    (subquery)`` joined by OR, PostgreSQL cannot combine the two agency indexes and scans the
    whole dossier table (~350 ms per query at a million dossiers, 6 counts per queue page); with
    constant lists it ORs two index scans (~1 ms). Guarded by tests/desk/test_queue_performance.py.
    """
    agencies = _visible_agency_ids(user)
    return (
        Dossier.objects.exclude(status=Status.DRAFT)
        .filter(is_linked_application=False)  # officers act on its stages, not on the application
        .filter(Q(receiving_agency_id__in=agencies) | Q(competent_agency_id__in=agencies))
        .select_related("procedure_version__procedure", "receiving_agency", "applicant", "assigned_to")
    )


def _visible_agency_ids(user) -> list[int]:
    # Kept on the user object: one request builds the page and six counts from one lookup.
    cached = getattr(user, "_desk_visible_agency_ids", None)
    if cached is None:
        cached = list(visible_agencies(user).values_list("id", flat=True))
        with contextlib.suppress(AttributeError):  # an object that takes no attributes: no cache
            user._desk_visible_agency_ids = cached
    return cached


def queue(user, name: str, *, now: dt.datetime | None = None, q: str = "") -> QuerySet[Dossier]:
    now = now or timezone.now()
    # The open states named (not "not final"): an IN list the (agency, status, due_at) indexes can use.
    active = Q(status__in=OPEN)
    base = scoped(user)
    filters = {
        "reception": Q(status=Status.SUBMITTED),
        "mine": Q(assigned_to=user) & active,
        "agency": active & ~Q(status=Status.SUBMITTED),
        "due_soon": active
        & Q(due_at__gt=now, due_at__lte=now + dt.timedelta(days=1), paused_at__isnull=True),
        "late": active & Q(due_at__lt=now, paused_at__isnull=True),
        "supplement": Q(status=Status.SUPPLEMENT_REQUESTED),
    }
    qs = base.filter(filters.get(name, filters["reception"]))
    q = q.strip()
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(procedure_version__procedure__code=q))
    return qs.defer(*LIST_DEFERRED).order_by("due_at", "id")


@dataclass(frozen=True)
class Page:
    rows: list[Dossier]
    page: int
    has_next: bool


def page_of(qs: QuerySet[Dossier], page: int) -> Page:
    page = min(max(1, page), MAX_PAGE)
    start = (page - 1) * PAGE_SIZE
    rows = list(qs[start : start + PAGE_SIZE + 1])
    return Page(rows=rows[:PAGE_SIZE], page=page, has_next=len(rows) > PAGE_SIZE)


def counts(user, *, now: dt.datetime | None = None) -> dict[str, int]:
    return {name: queue(user, name, now=now).count() for name in QUEUES}


def dossier_for_officer(user, pk: int) -> Dossier | None:
    return scoped(user).prefetch_related("attachments", "events__actor").filter(pk=pk).first()


def is_online_only_today(agency, *, today: dt.date | None = None) -> bool:
    from motcua.desk.models import OnlineOnlyDay

    today = today or timezone.localdate()
    ids = agency.ancestor_ids(include_self=True)
    return OnlineOnlyDay.objects.filter(agency_id__in=ids, weekday=today.weekday()).exists()


def is_exempt_from_online_only(personal_id: str, *, disabled: bool, today: dt.date | None = None) -> bool:
    """Elderly (from the birth year in the personal ID) and disabled citizens are still taken."""
    from motcua.accounts.personal_id import parse_personal_id

    if disabled:
        return True
    info = parse_personal_id(personal_id)
    today = today or timezone.localdate()
    return bool(info.valid and info.birth_year and today.year - info.birth_year >= EXEMPT_AGE)
