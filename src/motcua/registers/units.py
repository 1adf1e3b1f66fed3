"""Names of administrative units for register addresses.

The register stores GSO codes only; names come from ``org``'s effective-dated units (read-only,
the one place this app looks at ``org``). A code with no unit in force today — an address
written before a merger — is named after the latest unit that had the code.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from motcua.org.models import AdministrativeUnit
from motcua.org.selectors import current_units

Level = AdministrativeUnit.Level


def unit_names(*, provinces: Iterable[str] = (), communes: Iterable[str] = ()) -> dict[tuple[str, str], str]:
    """``{(level, code): name}`` for the given codes (one query; unknown codes are left out)."""
    provinces, communes = set(filter(None, provinces)), set(filter(None, communes))
    if not provinces and not communes:
        return {}
    rows = (
        AdministrativeUnit.objects.filter(level=Level.PROVINCE, code__in=provinces)
        | AdministrativeUnit.objects.filter(level=Level.COMMUNE, code__in=communes)
    ).order_by("valid_from")
    names: dict[tuple[str, str], str] = {}
    for level, code, name in rows.values_list("level", "code", "name"):
        names[(level, code)] = name  # ordered by valid_from: the latest unit wins
    return names


def address_value(
    province: str, commune: str, detail: str, names: dict[tuple[str, str], str]
) -> dict[str, Any] | None:
    """The port's address format: ``{"province", "commune", "detail", "text"}``; ``None`` when
    the address is empty. ``text`` is "detail, commune name, province name"."""
    if not (province or commune or detail):
        return None
    parts = [
        detail.strip(),
        names.get((Level.COMMUNE, commune), commune),
        names.get((Level.PROVINCE, province), province),
    ]
    return {
        "province": province,
        "commune": commune,
        "detail": detail,
        "text": ", ".join(part for part in parts if part),
    }


def current_communes(province_code: str | None = None) -> dict[str, str]:
    """``{commune code: province code}`` of the communes in force today (optionally of one
    province) — what the CSV import accepts."""
    qs = current_units().filter(level=Level.COMMUNE, parent__isnull=False)
    if province_code:
        qs = qs.filter(parent__code=province_code)
    return dict(qs.values_list("code", "parent__code"))


def current_province_codes() -> set[str]:
    return set(current_units().filter(level=Level.PROVINCE).values_list("code", flat=True))
