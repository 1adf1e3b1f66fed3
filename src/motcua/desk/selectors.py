"""Back-office reads: queues scoped to the officer's agencies, bounded and indexed."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from dataclasses import dataclass

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from motcua.accounts.selectors import visible_agencies
from motcua.dossiers.models import OPEN_STATES, Dossier, DossierEvent, Status

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
#: What a queue row shows (page, API) and how lateness is judged (backoffice.is_late).
ROW_FIELDS = (
    "code", "assisted", "status", "due_at", "original_due_at", "finished_at", "paused_at",
    "procedure_version__name", "procedure_version__procedure__code",
    "assigned_to__full_name", "assigned_to__username",
)  # fmt: skip
#: Every state that is neither a draft nor final (the partial indexes of open dossiers use it).
OPEN = sorted(OPEN_STATES)


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
        # Named states again (not "open but not submitted"): the index then skips the
        # reception's rows instead of reading and dropping them.
        "agency": Q(status__in=[s for s in OPEN if s != Status.SUBMITTED]),
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
    """One page of a queue in two short reads: the page's ids in queue order (from the agency
    indexes alone), then those rows with what a row shows. In one statement PostgreSQL joins the
    procedures of every matching dossier before sorting and cutting the page."""
    page = min(max(1, page), MAX_PAGE)
    start = (page - 1) * PAGE_SIZE
    ids = list(qs.values_list("pk", flat=True)[start : start + PAGE_SIZE + 1])
    # The ids come from the officer's scoped queue; the rows are read with only what a row shows
    # (a full dossier with its procedure, agency and people is ~300 objects per page).
    by_id = (
        Dossier.objects.select_related("procedure_version__procedure", "assigned_to")
        .only(*ROW_FIELDS)
        .in_bulk(ids[:PAGE_SIZE])
        if ids
        else {}
    )
    rows = [by_id[pk] for pk in ids[:PAGE_SIZE] if pk in by_id]
    return Page(rows=rows, page=page, has_next=len(ids) > PAGE_SIZE)


def counts(user, *, now: dt.datetime | None = None) -> dict[str, int]:
    """The number of dossiers in each queue, as :func:`queue` would list them, in two statements.

    Every queue holds open dossiers only, so the six numbers are counted in one pass over the
    open dossiers received by the officer's agencies and one over those transferred to them
    (received elsewhere). On PostgreSQL each pass is an index-only scan of a partial covering
    index of open dossiers (``dossier_open_by_receiving`` / ``…_by_competent``). Written out
    and prepared: the ORM spent longer composing the two statements than the database running
    them. Guarded by tests/desk/test_queue_performance.py (same numbers as the queues).
    """
    from motcua.core.db import prepared_cursor

    now = now or timezone.now()
    agencies = _visible_agency_ids(user)
    if not agencies:
        return dict.fromkeys(QUEUES, 0)
    ops = connection.ops
    at = ops.adapt_datetimefield_value(now)
    soon = ops.adapt_datetimefield_value(now + dt.timedelta(days=1))
    marks = ", ".join(["%s"] * len(agencies))
    totals = dict.fromkeys(QUEUES, 0)
    with prepared_cursor() as cursor:
        for where, extra in (
            (f"receiving_agency_id IN ({marks})", []),
            (
                f"competent_agency_id IN ({marks}) AND (receiving_agency_id IS NULL OR receiving_agency_id NOT IN ({marks}))",
                agencies,
            ),
        ):
            cursor.execute(
                f"{_COUNTS_SELECT} AND {where}", [getattr(user, "pk", None), at, soon, at, *agencies, *extra]
            )
            for name, number in zip(QUEUES, cursor.fetchone(), strict=True):
                totals[name] += number or 0
    return totals


# The states are written into the statement (constants, not input): PostgreSQL can then see that
# it asks only for open dossiers and use the partial indexes, even with a generic prepared plan.
_OPEN_SQL = ", ".join(f"'{state}'" for state in sorted(OPEN_STATES))
_COUNTS_SELECT = (
    "SELECT "  # noqa: S608 (constants only)
    f"COUNT(*) FILTER (WHERE status = '{Status.SUBMITTED.value}'), "
    "COUNT(*) FILTER (WHERE assigned_to_id = %s), "
    f"COUNT(*) FILTER (WHERE status <> '{Status.SUBMITTED.value}'), "
    "COUNT(*) FILTER (WHERE paused_at IS NULL AND due_at > %s AND due_at <= %s), "
    "COUNT(*) FILTER (WHERE paused_at IS NULL AND due_at < %s), "
    f"COUNT(*) FILTER (WHERE status = '{Status.SUPPLEMENT_REQUESTED.value}') "
    f"FROM {Dossier._meta.db_table} WHERE status IN ({_OPEN_SQL}) AND NOT is_linked_application"
)
# The columns follow QUEUES: reception, mine, agency, due_soon, late, supplement.


def dossier_for_officer(user, pk: int) -> Dossier | None:
    """One dossier as the officer's page shows it, if the officer may see it: both agencies, the
    files and the history with its actors (three queries after the visible agencies)."""
    return (
        scoped(user)
        .select_related("competent_agency")
        .prefetch_related(
            "attachments", Prefetch("events", queryset=DossierEvent.objects.select_related("actor"))
        )
        .filter(pk=pk)
        .first()
    )


def officer_choices(dossier: Dossier) -> list[tuple[int, str]]:
    """Whom the dossier may be given to, as (id, name) for the page's lists: kept a minute per
    pair of agencies (a DISTINCT join for every dossier opened otherwise); the assignment itself
    checks the officer chosen."""
    from django.core.cache import cache

    from motcua.dossiers.selectors import assignable_officers

    return cache.get_or_set(
        f"desk:assignable:{dossier.receiving_agency_id}:{dossier.competent_agency_id}",
        lambda: [(user.pk, str(user)) for user in assignable_officers(dossier)[:100]],
        60,
    )


def transfer_targets(dossier: Dossier) -> list:
    """Where the dossier may be sent: the version's agencies, or those of its kinds. Kept a minute
    per version (the list of 100-odd commune committees is read for every dossier opened; the
    transfer itself checks the agency chosen)."""
    from django.core.cache import cache

    from motcua.catalog.selectors import catalog_generation
    from motcua.org.models import Agency

    version = dossier.procedure_version
    return cache.get_or_set(
        f"desk:transfer-targets:{catalog_generation()}:{version.pk}",
        lambda: (
            list(version.agencies.filter(is_active=True))
            or list(
                Agency.objects.filter(kind__in=version.agency_kinds, is_active=True).order_by("name")[:200]
            )
        ),
        60,
    )


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
