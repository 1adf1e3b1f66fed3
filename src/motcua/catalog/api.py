"""Public catalog API: search, procedure detail, sectors, life events, linked groups."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from motcua.catalog import selectors

router = Router(tags=["catalog"])


class ProcedureSummaryOut(Schema):
    code: str
    name: str
    name_en: str
    sector: str
    sector_name: str
    level: str
    online_level: str
    processing_time: Decimal
    processing_time_unit: str
    url: str


class ProcedureListOut(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[ProcedureSummaryOut]


class SearchParams(Schema):
    q: str = Field("", max_length=200)
    sector: str = ""
    level: Literal["", "province", "commune"] = ""
    agency: str = ""
    life_event: str = ""
    online_level: Literal["", "full", "partial", "none"] = ""
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=selectors.MAX_PAGE_SIZE)


class DocumentOut(Schema):
    code: str
    name: str
    originals: int
    copies: int
    requirement: str
    condition: str
    template_url: str


class FeeOut(Schema):
    name: str
    channel: str
    amount: int
    valid_from: dt.date | None
    valid_to: dt.date | None
    basis: str
    note: str


class StepOut(Schema):
    code: str
    name: str
    role: str
    agency_kind: str
    hours: Decimal


class AgencyRefOut(Schema):
    code: str
    name: str


class ProcedureDetailOut(ProcedureSummaryOut):
    version: int
    published_at: dt.datetime | None
    summary: str
    applicants: str
    where_to_submit: str
    agencies: list[AgencyRefOut]
    agency_kinds: list[str]
    cutoff_applies: bool
    processing_time_note: str
    legal_basis: list[str]
    result_type: str
    conditions: str
    min_assurance_level: int
    life_events: list[str]
    documents: list[DocumentOut]
    fees: list[FeeOut]
    fees_today: dict[str, list[FeeOut]]
    online_saving: int
    due_if_submitted_now: dt.datetime
    steps: list[StepOut]
    form: dict


def _summary(version) -> dict:
    return {
        "code": version.procedure.code,
        "name": version.name,
        "name_en": version.name_en,
        "sector": version.sector.code,
        "sector_name": version.sector.name,
        "level": version.level,
        "online_level": version.online_level,
        "processing_time": version.processing_time,
        "processing_time_unit": version.processing_time_unit,
        "url": f"/thu-tuc/{version.procedure.code}/",
    }


@router.get("/procedures", response=ProcedureListOut, summary="Search the procedure catalog")
def list_procedures(request, params: Query[SearchParams]):
    """Search without diacritics or case (``dang ky khai sinh`` finds ``Đăng ký khai sinh``)."""
    result = selectors.search_procedures(
        q=params.q,
        sector=params.sector,
        level=params.level,
        agency=params.agency,
        life_event=params.life_event,
        online_level=params.online_level,
        page=params.page,
        page_size=params.page_size,
    )
    return {
        "count": result.total,
        "page": result.page,
        "page_size": result.page_size,
        "pages": result.pages,
        "results": [_summary(v) for v in result.versions],
    }


@router.get("/procedures/{code}", response=ProcedureDetailOut, summary="One procedure, current version")
def get_procedure(request, code: str):
    version = selectors.get_current_version(code)
    if version is None:
        raise Http404(_("No procedure with code %(code)s.") % {"code": code})
    return {
        **_summary(version),
        "version": version.number,
        "published_at": version.published_at,
        "summary": version.summary,
        "applicants": version.applicants,
        "where_to_submit": version.where_to_submit,
        "agencies": [{"code": a.code, "name": a.name} for a in version.agencies.all()],
        "agency_kinds": version.agency_kinds,
        "cutoff_applies": version.cutoff_applies,
        "processing_time_note": version.processing_time_note,
        "legal_basis": version.legal_basis,
        "result_type": version.result_type,
        "conditions": version.conditions,
        "min_assurance_level": version.min_assurance_level,
        "life_events": [e.code for e in version.life_events.all()],
        "documents": list(version.documents.all()),
        "fees": list(version.fees.all()),
        "fees_today": selectors.fees_by_channel(version),
        "online_saving": selectors.online_saving(version),
        "due_if_submitted_now": selectors.due_if_submitted(version, online=True),
        "steps": list(version.steps.all()),
        "form": version.form_spec or {},
    }


class NamedOut(Schema):
    code: str
    name: str
    name_en: str
    count: int


@router.get("/sectors", response=list[NamedOut], summary="Sectors with their number of procedures")
def list_sectors(request):
    return selectors.sectors_with_counts()


@router.get("/life-events", response=list[NamedOut], summary="Life events with their number of procedures")
def list_life_events(request):
    return selectors.life_events_with_counts()


class LinkedMemberOut(Schema):
    procedure: str
    name: str
    agency_kind: str
    time_budget: Decimal
    time_budget_unit: str
    optional: bool


class LinkedGroupOut(Schema):
    code: str
    name: str
    description: str
    legal_basis: list[str]
    total_time: Decimal
    total_time_unit: str
    members: list[LinkedMemberOut]


@router.get(
    "/linked-groups", response=list[LinkedGroupOut], summary="Groups of linked procedures (Decree 63/2024)"
)
def list_linked_groups(request):
    names = {v.procedure_id: v.name for v in selectors.current_versions()}
    return [
        {
            "code": g.code,
            "name": g.name,
            "description": g.description,
            "legal_basis": g.legal_basis,
            "total_time": g.total_time,
            "total_time_unit": g.total_time_unit,
            "members": [
                {
                    "procedure": m.procedure.code,
                    "name": names.get(m.procedure_id, ""),
                    "agency_kind": m.agency_kind,
                    "time_budget": m.time_budget,
                    "time_budget_unit": m.time_budget_unit,
                    "optional": m.optional,
                }
                for m in g.members.all()
            ],
        }
        for g in selectors.linked_groups()
    ]
