"""Writes to the catalog. Each public function is one transaction and is audited."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from motcua.catalog.models import (
    Fee,
    LifeEvent,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
    Sector,
)
from motcua.catalog.schema import ProcedureIn
from motcua.core import audit
from motcua.core.text import fold
from motcua.org.models import Agency


class CatalogRuleError(Exception):
    """A catalog rule was broken (e.g. editing a published version)."""


def search_text_for(version: ProcedureVersion) -> str:
    parts = [
        version.procedure.code,
        version.name,
        version.name_en,
        version.summary,
        version.sector.name if version.sector_id else "",
        version.result_type,
    ]
    return fold(" ".join(p for p in parts if p))


@transaction.atomic
def write_draft(*, procedure, data: ProcedureIn, actor=None) -> ProcedureVersion:
    """Write ``data`` into the procedure's draft version (creating the draft if needed).

    The draft is the only version that can change; its number follows the highest one so far.
    """
    draft = procedure.versions.select_for_update().filter(status=ProcedureVersion.Status.DRAFT).first()
    values = {
        "name": data.name,
        "name_folded": fold(data.name),
        "name_en": data.name_en,
        "summary": data.summary,
        "sector": Sector.objects.get(code=data.sector),
        "level": data.level,
        "agency_kinds": list(data.agency_kinds),
        "applicants": data.applicants,
        "where_to_submit": data.where_to_submit,
        "online_level": data.online_level,
        "processing_time": data.processing_time,
        "processing_time_unit": data.processing_time_unit,
        "online_processing_time": data.online_processing_time,
        "cutoff_applies": data.cutoff_applies,
        "processing_time_note": data.processing_time_note,
        "legal_basis": list(data.legal_basis),
        "result_type": data.result_type,
        "conditions": data.conditions,
        "min_assurance_level": data.min_assurance_level,
        "form_spec": data.form.model_dump(mode="json", exclude_defaults=True),
    }
    if draft is None:
        number = (procedure.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        draft = ProcedureVersion(procedure=procedure, number=number, status=ProcedureVersion.Status.DRAFT)
    for key, value in values.items():
        setattr(draft, key, value)
    draft.search_text = search_text_for(draft)
    draft.save()
    draft.life_events.set(LifeEvent.objects.filter(code__in=data.life_events))
    draft.agencies.set(Agency.objects.filter(code__in=data.agencies))
    draft.documents.all().delete()
    draft.fees.all().delete()
    draft.steps.all().delete()
    RequiredDocument.objects.bulk_create(
        RequiredDocument(version=draft, position=i, **d.model_dump()) for i, d in enumerate(data.documents)
    )
    Fee.objects.bulk_create(Fee(version=draft, position=i, **f.model_dump()) for i, f in enumerate(data.fees))
    agencies = {a.code: a for a in Agency.objects.filter(code__in=[s.agency for s in data.steps if s.agency])}
    ProcessStep.objects.bulk_create(
        ProcessStep(
            version=draft,
            position=i,
            code=s.code,
            name=s.name,
            role=s.role,
            agency_kind=s.agency_kind,
            agency=agencies.get(s.agency),
            hours=s.hours,
        )
        for i, s in enumerate(data.steps)
    )
    audit.record(action="catalog.write_draft", obj=draft, actor=actor)
    return draft


@transaction.atomic
def create_draft(*, procedure, actor=None) -> ProcedureVersion:
    """Start editing: copy the current published version into a new draft (or return the draft)."""
    from motcua.catalog.exchange import export_version

    existing = procedure.versions.filter(status=ProcedureVersion.Status.DRAFT).first()
    if existing:
        return existing
    current = procedure.versions.filter(is_current=True).first()
    if current is None:
        raise CatalogRuleError("the procedure has no published version to copy")
    return write_draft(procedure=procedure, data=export_version(current), actor=actor)


@transaction.atomic
def publish_version(*, version: ProcedureVersion, actor=None) -> ProcedureVersion:
    """Publish a draft: it becomes the current version and the previous one is retired.

    The draft is re-validated against the exchange schema first so that nothing invalid that
    came in through the admin can be published.
    """
    from motcua.catalog.exchange import CatalogImportError, Problem, export_version

    version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != ProcedureVersion.Status.DRAFT:
        raise CatalogRuleError("only a draft can be published")
    try:
        ProcedureIn.model_validate(export_version(version).model_dump())
    except Exception as exc:  # pydantic's errors become the import problems format
        raise CatalogImportError([Problem(f"version {version.number}", str(exc))]) from exc
    previous = ProcedureVersion.objects.select_for_update().filter(
        procedure=version.procedure, is_current=True
    )
    for old in previous:
        old.is_current = False
        old.status = ProcedureVersion.Status.RETIRED
        old.save(update_fields=["is_current", "status"])
    version.status = ProcedureVersion.Status.PUBLISHED
    version.is_current = True
    version.published_at = timezone.now()
    version.save(allow_published_change=True)
    audit.record(action="catalog.publish", obj=version, actor=actor, changes={"number": version.number})
    from motcua.catalog.selectors import catalog_changed

    transaction.on_commit(catalog_changed)
    return version
