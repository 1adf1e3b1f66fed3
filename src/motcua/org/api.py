"""Public API for administrative units: ``GET /units`` and ``GET /units/{code}/children``."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Router, Schema

from motcua.core.problem import problem_response
from motcua.org import selectors

router = Router(tags=["units"])


class UnitOut(Schema):
    code: str
    name: str
    division_type: str
    level: str


class ProblemOut(Schema):
    type: str
    title: str
    status: int
    detail: str = ""


def _lookup_codes(code: str) -> list[str]:
    """The stored spellings a caller may mean: ``"1"`` → ``"01"`` (province), ``"4"`` → ``"00004"``."""
    code = code.strip()
    candidates = [code]
    if code.isdigit():
        for width in (2, 5):
            padded = code.zfill(width)
            if padded not in candidates and len(code) <= width:
                candidates.append(padded)
    return candidates


def _out(unit) -> dict:
    return {"code": unit.code, "name": unit.name, "division_type": unit.division_type, "level": unit.level}


@router.get("/units", response=list[UnitOut], summary="Provinces in force today")
def list_provinces(request):
    """The provinces and centrally-run cities in force today, by GSO code (34 since 1 July 2025)."""
    return [_out(u) for u in selectors.current_provinces().only("code", "name", "division_type", "level")]


@router.get(
    "/units/{code}/children",
    response={200: list[UnitOut], 404: ProblemOut},
    summary="Units directly under a unit",
)
def unit_children(request, code: str):
    """Current units directly under the current unit with GSO ``code`` — a province's communes
    and wards (``80`` → the 96 of Tây Ninh), by code. A commune has none."""
    unit = None
    for candidate in _lookup_codes(code):
        unit = selectors.current_unit(candidate)
        if unit is not None:
            break
    if unit is None:
        return problem_response(
            status=404,
            title=_("Administrative unit not found"),
            detail=_(
                "No administrative unit in force has the code %(code)s. Use a GSO code such as 80 for a "
                "province or 25522 for a commune; GET /api/v1/units lists the provinces."
            )
            % {"code": code},
            type_="/problems/not-found",
        )
    children = selectors.current_children(unit).only("code", "name", "division_type", "level")
    return 200, [_out(u) for u in children]
