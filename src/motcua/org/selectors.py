"""Reads for administrative units and agencies. All filters use indexed columns."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.core import generations
from motcua.org.models import AdministrativeUnit, Agency

Level = AdministrativeUnit.Level


UNITS_GENERATION_KEY = "org:units:generation"
UNITS_CACHE_TTL = 600  # seconds; loading or editing units starts a new generation at once


def units_changed() -> None:
    """Forget the cached lists of units in force (called when units are loaded, succeeded or
    edited)."""
    generations.bump(UNITS_GENERATION_KEY)


def cached_units(name: str, day: datetime.date, build):
    """A list of units in force on ``day`` shared by every form of every request: each e-form
    with an address reads the provinces and one province's communes, which change only when
    the units are reloaded or merged."""
    return generations.cached(UNITS_GENERATION_KEY, f"{day.isoformat()}:{name}", build, UNITS_CACHE_TTL)


def _valid_on(day: datetime.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def units_valid_on(day: datetime.date) -> QuerySet[AdministrativeUnit]:
    """Units that existed on ``day`` (``valid_from <= day <= valid_to``, open-ended ``valid_to``)."""
    return AdministrativeUnit.objects.filter(_valid_on(day))


def current_units(*, today: datetime.date | None = None) -> QuerySet[AdministrativeUnit]:
    """Units in force today (Asia/Ho_Chi_Minh): started, and ``valid_to`` empty or not passed."""
    return units_valid_on(today or timezone.localdate())


def current_provinces(*, today: datetime.date | None = None) -> QuerySet[AdministrativeUnit]:
    return current_units(today=today).filter(level=Level.PROVINCE).order_by("code")


def current_unit(code: str, *, level: str | None = None, today: datetime.date | None = None):
    """The unit in force today with GSO ``code`` (``None`` when there is none)."""
    return unit_as_of(code, today or timezone.localdate(), level=level)


def unit_as_of(code: str, day: datetime.date, *, level: str | None = None) -> AdministrativeUnit | None:
    """The unit that had GSO ``code`` on ``day`` — ``unit_as_of("80", date(2025, 1, 1))`` is the
    old Long An, ``unit_as_of("80", date(2025, 7, 1))`` the new Tây Ninh. ``None`` if none."""
    qs = units_valid_on(day).filter(code=code)
    if level:
        qs = qs.filter(level=level)
    # Codes are distinct per level by length (2 province, 3 district, 5 commune); prefer the
    # larger unit if a caller's data has a clash.
    return qs.order_by("-valid_from", "level").first()


def current_children(
    unit: AdministrativeUnit, *, today: datetime.date | None = None
) -> QuerySet[AdministrativeUnit]:
    """Units in force today directly under ``unit``, by code (uses the (parent, valid_to) index)."""
    return current_units(today=today).filter(parent=unit).order_by("code")


def successor_chain(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """Every unit that took over from ``unit``, generation by generation, without repeats —
    e.g. old Long An → [new Tây Ninh]. Empty when ``unit`` was never succeeded. One query per
    generation."""
    chain: list[AdministrativeUnit] = []
    seen = {unit.pk}
    frontier = [unit.pk]
    while frontier:
        generation = list(
            AdministrativeUnit.objects.filter(predecessors__in=frontier)
            .exclude(pk__in=seen)
            .distinct()
            .order_by("code")
        )
        chain.extend(generation)
        seen.update(u.pk for u in generation)
        frontier = [u.pk for u in generation]
    return chain


def current_successors(
    unit: AdministrativeUnit, *, today: datetime.date | None = None
) -> list[AdministrativeUnit]:
    """The units in force today that ``unit`` ended up in (``[unit]`` if it is still current)."""
    today = today or timezone.localdate()
    if unit.is_valid_on(today):
        return [unit]
    return [u for u in successor_chain(unit) if u.is_valid_on(today)]


# --- Agencies ---------------------------------------------------------------------------------


def agency_subtree(agency: Agency, *, include_self: bool = True) -> QuerySet[Agency]:
    """``agency`` and everything below it, in tree order — one prefix query on ``path``."""
    qs = Agency.objects.filter(path__startswith=agency.path)
    if not include_self:
        qs = qs.exclude(pk=agency.pk)
    return qs.order_by("path")


def agency_ancestors(agency: Agency, *, include_self: bool = False) -> QuerySet[Agency]:
    """The agencies above ``agency``, root first (ids read from ``path``; one query)."""
    ids = agency.ancestor_ids(include_self=include_self)
    return Agency.objects.filter(pk__in=ids).order_by("path")


def agencies_for_unit(
    unit: AdministrativeUnit, *, kinds: list[str] | tuple[str, ...] | None = None, active_only: bool = True
) -> QuerySet[Agency]:
    """Agencies whose administrative unit is ``unit``, optionally of the given kinds."""
    qs = Agency.objects.filter(unit=unit)
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("path")


def commune_agency(unit: AdministrativeUnit, kind: str) -> Agency | None:
    """The active agency of ``kind`` for commune ``unit`` — e.g. its People's Committee
    (``commune_pc``), one-stop centre (``commune_one_stop``) or police (``commune_police``)."""
    return Agency.objects.filter(unit=unit, kind=kind, is_active=True).order_by("path").first()


def agency_by_code(code: str) -> Agency | None:
    return Agency.objects.filter(code=code).first()
