"""Reads of the catalog: search, browsing, fees in force, the live due date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Length
from django.utils import timezone

from motcua.catalog.models import Fee, LifeEvent, LinkedGroup, ProcedureVersion, Sector
from motcua.core import generations
from motcua.core.text import fold, tokens
from motcua.org.models import Agency

MAX_PAGE_SIZE = 100
# Official names begin with "Thủ tục …"; people search for what follows.
OFFICIAL_PREFIX = "thu tuc "


def current_versions() -> QuerySet[ProcedureVersion]:
    return ProcedureVersion.objects.filter(is_current=True).select_related("procedure", "sector")


def procedures_of_agency(agency: Agency) -> Q:
    """Procedures an agency handles: named explicitly, or by the agency's kind."""
    return Q(agencies=agency) | Q(agency_kinds__icontains=f'"{agency.kind}"')


@dataclass(frozen=True)
class SearchResult:
    versions: list[ProcedureVersion]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def search_procedures(
    *,
    q: str = "",
    sector: str = "",
    level: str = "",
    agency: str = "",
    life_event: str = "",
    online_level: str = "",
    page: int = 1,
    page_size: int = 20,
) -> SearchResult:
    """Search the current catalog, ignoring diacritics and case (``đ`` = ``d``).

    Every word must appear in the procedure's searchable text. Ranking: the exact national code,
    then the whole name, a name starting with the query (after an official "Thủ tục"), the query
    as a phrase in the name, all words in the name, and finally words only in the summary or
    sector; ties go to the shorter name.
    """
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    page = max(1, page)
    raw = q.strip()
    if not agency and not life_event:
        return _search_in_memory(
            words=tokens(raw),
            raw=raw,
            sector=sector,
            level=level,
            online_level=online_level,
            page=page,
            page_size=page_size,
        )
    return _search_in_sql(
        raw=raw,
        sector=sector,
        level=level,
        agency=agency,
        life_event=life_event,
        online_level=online_level,
        page=page,
        page_size=page_size,
    )


def _search_in_sql(
    *,
    raw: str,
    sector: str,
    level: str,
    agency: str,
    life_event: str,
    online_level: str,
    page: int,
    page_size: int,
) -> SearchResult:
    """:func:`search_procedures` in the database, for any filter; the same rules as the index."""
    qs = current_versions()
    if sector:
        qs = qs.filter(sector__code=sector)
    if level:
        qs = qs.filter(level=level)
    if online_level:
        qs = qs.filter(online_level=online_level)
    if life_event:
        qs = qs.filter(life_events__code=life_event)
    if agency:
        found = Agency.objects.filter(code=agency).first()
        qs = qs.filter(procedures_of_agency(found)).distinct() if found else qs.none()

    words = tokens(raw)
    if words:
        phrase = " ".join(words)
        for word in words:
            qs = qs.filter(search_text__contains=word)
        name_has_all = Q()
        for word in words:
            name_has_all &= Q(name_folded__contains=word)
        qs = qs.annotate(
            rank=Case(
                When(procedure__code=raw, then=Value(100)),
                When(Q(name_folded=phrase) | Q(name_folded=f"{OFFICIAL_PREFIX}{phrase}"), then=Value(90)),
                When(
                    Q(name_folded__startswith=phrase)
                    | Q(name_folded__startswith=f"{OFFICIAL_PREFIX}{phrase}"),
                    then=Value(80),
                ),
                When(name_folded__contains=phrase, then=Value(60)),
                When(name_has_all, then=Value(40)),
                default=Value(20),
                output_field=IntegerField(),
            )
        ).order_by("-rank", Length("name_folded"), "name_folded", "procedure__code")
    else:
        qs = qs.order_by("name_folded", "procedure__code")
    total = qs.count()
    start = (page - 1) * page_size
    return SearchResult(
        versions=list(qs[start : start + page_size]), total=total, page=page, page_size=page_size
    )


VERSION_RELATIONS = ("documents", "fees", "steps", "agencies", "life_events")


def _search_in_memory(
    *, words: list[str], raw: str, sector: str, level: str, online_level: str, page: int, page_size: int
) -> SearchResult:
    """:func:`search_procedures` without agency or life-event filters: matched and ranked by
    the process's index of the current catalog (``search_index``), the page read by key."""
    from motcua.catalog.search_index import current_index

    index = current_index(catalog_generation())
    found = index.search(words=words, raw=raw, sector=sector, level=level, online_level=online_level)
    start = (page - 1) * page_size
    ids = [entry.id for entry in found[start : start + page_size]]
    versions = index.versions(
        ids, lambda missing: current_versions().defer("form_spec", "search_text").in_bulk(missing)
    )
    return SearchResult(versions=versions, total=len(found), page=page, page_size=page_size)


def version_parts(version: ProcedureVersion) -> tuple[list, list, list]:
    """The version's required documents, process steps and fees, shared through the cache per
    catalog generation. A published version's rows never change (the models refuse it; a change
    is a new version, published with a new generation): the officer's dossier page and every
    submission read them for each dossier."""

    def read() -> tuple[list, list, list]:
        return list(version.documents.all()), list(version.steps.all()), list(version.fees.all())

    if not version.is_published:
        return read()
    return generations.cached(GENERATION_KEY, f"version-parts3:{version.pk}", read, FACETS_TTL)


def with_parts(version: ProcedureVersion) -> ProcedureVersion:
    """``version`` with its documents, steps and fees in place (``version.documents.all()`` and
    the fee functions then read no database)."""
    documents, steps, fees = version_parts(version)
    cache = getattr(version, "_prefetched_objects_cache", None)
    if cache is None:
        cache = version._prefetched_objects_cache = {}
    cache.update({"documents": documents, "steps": steps, "fees": fees})
    return version


def get_current_version(
    code: str, *, related: tuple[str, ...] = VERSION_RELATIONS
) -> ProcedureVersion | None:
    """The version in force of procedure ``code``, with ``related`` read in advance (a write
    that needs only the documents and fees asks for just those)."""
    return current_versions().prefetch_related(*related).filter(procedure__code=code).first()


def fees_in_force(version: ProcedureVersion, on: dt.date | None = None) -> dict[str, list[Fee]]:
    """Fees valid on ``on`` (today by default), grouped by channel."""
    on = on or timezone.localdate()
    result: dict[str, list[Fee]] = {}
    for fee in version.fees.all():
        if (fee.valid_from is None or fee.valid_from <= on) and (fee.valid_to is None or on <= fee.valid_to):
            result.setdefault(fee.channel, []).append(fee)
    return result


def fees_by_channel(version: ProcedureVersion, on: dt.date | None = None) -> dict[str, list[Fee]]:
    """Fees a citizen pays on ``on`` per channel: online and post pay the desk's fees unless
    the procedure lists fees of their own for that channel (e.g. a reduced online fee)."""
    fees = fees_in_force(version, on)
    desk = fees.get("in_person", [])
    return {channel: fees.get(channel, desk) for channel in ("online", "in_person", "post")}


def online_saving(version: ProcedureVersion, on: dt.date | None = None) -> int:
    """How much less the online channel costs than the desk, when the two list the same fees."""
    fees = fees_by_channel(version, on)
    online, desk = fees["online"], fees["in_person"]
    if len(online) != len(desk):
        return 0
    return max(0, sum(f.amount for f in desk) - sum(f.amount for f in online))


def due_if_submitted(
    version: ProcedureVersion, at: dt.datetime | None = None, *, online: bool = False
) -> dt.datetime:
    """When the result would be due if the dossier were received at ``at`` (now by default).

    ``online`` uses the shorter time the province decided for online dossiers, if any.
    """
    from motcua.core.calendar import get_calendar

    at = at or timezone.now()
    amount = version.processing_time
    if online and version.online_processing_time is not None:
        amount = version.online_processing_time
    calendar = get_calendar()
    if version.processing_time_unit == ProcedureVersion.TimeUnit.WORKING_HOURS:
        return calendar.add_working_hours(at, amount)
    return calendar.add_working_days(at, amount, cutoff=version.cutoff_applies)


FACETS_TTL = 300  # seconds; publishing a version starts a new generation at once
GENERATION_KEY = "catalog:generation"


def catalog_changed() -> None:
    """Start a new catalog generation: cached facets and the search index are renewed (called
    when a version is published)."""
    generations.bump(GENERATION_KEY)


def catalog_generation() -> int:
    """The current catalog generation (see ``core.generations``)."""
    return generations.current(GENERATION_KEY)


def _facet(name: str, build):
    """Browse facets (counts per sector, life event, agency) change only when a version is
    published, yet cost three grouped joins per catalog page: cache them per generation."""
    return generations.cached(GENERATION_KEY, f"facets:{name}", build, FACETS_TTL)


def sectors_with_counts() -> list[Sector]:
    return _facet("sectors", _sectors_with_counts)


def life_events_with_counts() -> list[LifeEvent]:
    return _facet("life_events", _life_events_with_counts)


def browsable_agencies() -> list[Agency]:
    """Provincial agencies that handle at least one current procedure, with ``count``.

    Commune-level procedures are browsed by level: every commune handles the same ones.
    """
    return _facet("agencies", _browsable_agencies)


def _sectors_with_counts() -> list[Sector]:
    from django.db.models import Count

    return list(
        Sector.objects.annotate(count=Count("versions", filter=Q(versions__is_current=True)))
        .filter(count__gt=0)
        .order_by("name")
    )


def _life_events_with_counts() -> list[LifeEvent]:
    from django.db.models import Count

    return list(
        LifeEvent.objects.annotate(count=Count("versions", filter=Q(versions__is_current=True))).order_by(
            "position", "name"
        )
    )


def _browsable_agencies() -> list[Agency]:
    from django.db.models import Count

    return list(
        Agency.objects.annotate(
            count=Count("procedure_versions", filter=Q(procedure_versions__is_current=True))
        )
        .filter(count__gt=0)
        .order_by("name")
    )


def commune_procedure_count() -> int:
    return current_versions().filter(level=ProcedureVersion.Level.COMMUNE).count()


def linked_groups() -> list[LinkedGroup]:
    return list(LinkedGroup.objects.select_related("procedure").prefetch_related("members__procedure").all())


def search_fold(text: str) -> str:
    return fold(text)
