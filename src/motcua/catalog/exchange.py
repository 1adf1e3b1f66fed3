"""Import and export of the catalog exchange format (``docs/catalog-schema.md``).

Import validates the whole file first — structure, then references to the database — and
reports every problem with its path. Nothing is written when anything is wrong, and importing
the same file twice changes nothing the second time.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from pydantic import ValidationError as PydanticValidationError

from motcua.catalog import services
from motcua.catalog.models import (
    LifeEvent,
    LinkedGroup,
    LinkedGroupMember,
    Procedure,
    ProcedureVersion,
    Sector,
)
from motcua.catalog.schema import (
    CatalogFile,
    DocumentIn,
    FeeIn,
    FormSpecIn,
    LinkedGroupIn,
    LinkedMemberIn,
    ProcedureIn,
    StepIn,
)
from motcua.core import audit
from motcua.org.models import Agency


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a catalog file, with where it is (``procedures[3].fees[0].amount``)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '(file)'}: {self.message}"


class CatalogImportError(Exception):
    """The file was refused; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:5]))


@dataclass
class ImportReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()))

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {
            "created": dict(self.created),
            "updated": dict(self.updated),
            "unchanged": dict(self.unchanged),
        }


def _pydantic_path(loc: tuple) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + str(part)
    return path


def _message(err: dict) -> str:
    msg = err.get("msg", "")
    return msg.removeprefix("Value error, ")


def parse_catalog(raw: bytes | str | dict) -> CatalogFile:
    """Parse and structurally validate a catalog file; raise CatalogImportError with paths."""
    if isinstance(raw, bytes | str):
        try:
            data = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CatalogImportError([Problem("", f"not valid JSON: {exc}")]) from exc
    else:
        data = raw
    if not isinstance(data, dict):
        raise CatalogImportError([Problem("", "the file must hold a JSON object")])
    try:
        return CatalogFile.model_validate(data)
    except PydanticValidationError as exc:
        raise CatalogImportError(
            [Problem(_pydantic_path(err["loc"]), _message(err)) for err in exc.errors()]
        ) from exc


def check_references(catalog: CatalogFile) -> list[Problem]:
    """Problems that need the database: duplicates, unknown sectors, agencies, procedures."""
    problems: list[Problem] = []

    def duplicates(items, label):
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if item.code in seen:
                problems.append(
                    Problem(
                        f"{label}[{i}].code",
                        f"duplicate code {item.code} (also at {label}[{seen[item.code]}])",
                    )
                )
            else:
                seen[item.code] = i

    duplicates(catalog.sectors, "sectors")
    duplicates(catalog.life_events, "life_events")
    duplicates(catalog.procedures, "procedures")
    duplicates(catalog.linked_groups, "linked_groups")

    sector_codes = {s.code for s in catalog.sectors} | set(Sector.objects.values_list("code", flat=True))
    event_codes = {e.code for e in catalog.life_events} | set(
        LifeEvent.objects.values_list("code", flat=True)
    )
    wanted_agencies = {c for p in catalog.procedures for c in p.agencies} | {
        s.agency for p in catalog.procedures for s in p.steps if s.agency
    }
    known_agencies = set(
        Agency.objects.filter(code__in=wanted_agencies, is_active=True).values_list("code", flat=True)
    )
    procedure_codes = {p.code for p in catalog.procedures} | set(
        Procedure.objects.values_list("code", flat=True)
    )

    for i, proc in enumerate(catalog.procedures):
        base = f"procedures[{i}]"
        if proc.sector not in sector_codes:
            problems.append(Problem(f"{base}.sector", f"unknown sector {proc.sector}"))
        for j, event in enumerate(proc.life_events):
            if event not in event_codes:
                problems.append(Problem(f"{base}.life_events[{j}]", f"unknown life event {event}"))
        for j, code in enumerate(proc.agencies):
            if code not in known_agencies:
                problems.append(Problem(f"{base}.agencies[{j}]", f"unknown agency {code}"))
        for j, step in enumerate(proc.steps):
            if step.agency and step.agency not in known_agencies:
                problems.append(Problem(f"{base}.steps[{j}].agency", f"unknown agency {step.agency}"))
    for i, group in enumerate(catalog.linked_groups):
        if group.life_event and group.life_event not in event_codes:
            problems.append(
                Problem(f"linked_groups[{i}].life_event", f"unknown life event {group.life_event}")
            )
        if group.procedure and group.procedure not in procedure_codes:
            problems.append(Problem(f"linked_groups[{i}].procedure", f"unknown procedure {group.procedure}"))
        problems += _linked_field_problems(catalog, i, group)
        for j, member in enumerate(group.members):
            if member.procedure not in procedure_codes:
                problems.append(
                    Problem(
                        f"linked_groups[{i}].members[{j}].procedure", f"unknown procedure {member.procedure}"
                    )
                )
    return problems


def _form_fields(proc) -> dict[str, Any]:
    from motcua.catalog.schema import walk

    return {f.name: f for step in proc.form.steps for f in walk(step.fields)} if proc.form else {}


def _linked_field_problems(catalog: CatalogFile, i: int, group: LinkedGroupIn) -> list[Problem]:
    """Field and document names a group hands on must exist in the forms of the file's procedures."""
    problems: list[Problem] = []
    in_file = {p.code: p for p in catalog.procedures}
    application = in_file.get(group.procedure)
    if application is None:
        return problems
    group_fields = _form_fields(application)
    group_documents = {d.code for d in application.documents}
    base = f"linked_groups[{i}]"
    if group.bundle_field:
        field = group_fields.get(group.bundle_field)
        if field is None:
            problems.append(
                Problem(f"{base}.bundle_field", f"no field {group.bundle_field} in {group.procedure}")
            )
        elif {c.value for c in field.choices} != {b.code for b in group.bundles}:
            problems.append(Problem(f"{base}.bundle_field", "the field's choices must be the bundles' codes"))
    for j, member in enumerate(group.members):
        target = in_file.get(member.procedure)
        target_fields = _form_fields(target) if target else {}
        target_documents = {d.code for d in target.documents} if target else set()
        for name, source in member.inputs.items():
            if target is not None and target.form.steps and name.split(".")[-1] not in target_fields:
                problems.append(
                    Problem(f"{base}.members[{j}].inputs.{name}", f"no field {name} in {member.procedure}")
                )
            if source.startswith("form.") and source[5:] not in group_fields:
                problems.append(
                    Problem(
                        f"{base}.members[{j}].inputs.{name}", f"no field {source[5:]} in {group.procedure}"
                    )
                )
        for name, source in member.documents.items():
            if target is not None and name not in target_documents:
                problems.append(
                    Problem(
                        f"{base}.members[{j}].documents.{name}", f"no document {name} in {member.procedure}"
                    )
                )
            if source not in group_documents:
                problems.append(
                    Problem(
                        f"{base}.members[{j}].documents.{name}", f"no document {source} in {group.procedure}"
                    )
                )
    return problems


def validate_catalog(raw: bytes | str | dict) -> CatalogFile:
    """Return the parsed file, or raise CatalogImportError listing every problem."""
    catalog = parse_catalog(raw)
    problems = check_references(catalog)
    if problems:
        raise CatalogImportError(problems)
    return catalog


def import_catalog(raw: bytes | str | dict, *, actor=None, publish: bool = True) -> ImportReport:
    """Import a catalog file in one transaction.

    A procedure whose content differs from its current published version gets a new version,
    published when ``publish`` (the default), otherwise left as the draft for review.
    """
    catalog = validate_catalog(raw)
    report = ImportReport()
    with transaction.atomic():
        for item in catalog.sectors:
            _upsert(Sector, item.code, {"name": item.name, "name_en": item.name_en}, report, "sectors")
        for position, item in enumerate(catalog.life_events):
            _upsert(
                LifeEvent,
                item.code,
                {
                    "name": item.name,
                    "name_en": item.name_en,
                    "description": item.description,
                    "position": position,
                },
                report,
                "life_events",
            )
        for item in catalog.procedures:
            _import_procedure(item, actor=actor, publish=publish, report=report)
        for item in catalog.linked_groups:
            _import_linked_group(item, report)
        if report.changed:
            audit.record(
                action="catalog.import", object_type="catalog", changes=report.as_dict(), actor=actor
            )
    return report


def _upsert(model, code: str, values: dict[str, Any], report: ImportReport, label: str):
    obj = model.objects.filter(code=code).first()
    if obj is None:
        report.created[label] += 1
        return model.objects.create(code=code, **values)
    if any(getattr(obj, k) != v for k, v in values.items()):
        for k, v in values.items():
            setattr(obj, k, v)
        obj.save()
        report.updated[label] += 1
    else:
        report.unchanged[label] += 1
    return obj


def _import_procedure(item: ProcedureIn, *, actor, publish: bool, report: ImportReport) -> None:
    procedure, created = Procedure.objects.get_or_create(code=item.code)
    wanted = canonical(item)
    if not created:
        compare_to = (
            procedure.versions.filter(status=ProcedureVersion.Status.DRAFT).first() if not publish else None
        )
        compare_to = compare_to or procedure.versions.filter(is_current=True).first()
        if compare_to is not None and canonical(export_version(compare_to)) == wanted:
            report.unchanged["procedures"] += 1
            return
    version = services.write_draft(procedure=procedure, data=item, actor=actor)
    if publish:
        services.publish_version(version=version, actor=actor)
    report.created["procedures" if created else "procedure_versions"] += 1
    if not created:
        report.updated["procedures"] += 1


def _import_linked_group(item: LinkedGroupIn, report: ImportReport) -> None:
    group = LinkedGroup.objects.filter(code=item.code).first()
    if group is not None and canonical(export_linked_group(group)) == canonical(item):
        report.unchanged["linked_groups"] += 1
        return
    life_event = LifeEvent.objects.filter(code=item.life_event).first() if item.life_event else None
    values = {
        "name": item.name,
        "name_en": item.name_en,
        "description": item.description,
        "legal_basis": item.legal_basis,
        "total_time": item.total_time,
        "total_time_unit": item.total_time_unit,
        "life_event": life_event,
        "procedure": Procedure.objects.filter(code=item.procedure).first() if item.procedure else None,
        "bundle_field": item.bundle_field,
        "bundles": [b.model_dump(mode="json") for b in item.bundles],
    }
    if group is None:
        group = LinkedGroup.objects.create(code=item.code, **values)
        report.created["linked_groups"] += 1
    else:
        for k, v in values.items():
            setattr(group, k, v)
        group.save()
        group.members.all().delete()
        report.updated["linked_groups"] += 1
    procedures = {p.code: p for p in Procedure.objects.filter(code__in=[m.procedure for m in item.members])}
    members = {}
    for position, member in enumerate(item.members):
        members[member.procedure] = LinkedGroupMember.objects.create(
            group=group,
            position=position,
            procedure=procedures[member.procedure],
            agency_kind=member.agency_kind,
            time_budget=member.time_budget,
            time_budget_unit=member.time_budget_unit,
            optional=member.optional,
            inputs=member.inputs,
            documents=member.documents,
            outputs=member.outputs,
            on_failure=member.on_failure,
        )
    for member in item.members:
        if member.depends_on:
            members[member.procedure].depends_on.set([members[c] for c in member.depends_on])


# --- export ---------------------------------------------------------------------------------


def export_version(version: ProcedureVersion) -> ProcedureIn:
    """The exchange-format view of one stored version."""
    return ProcedureIn(
        code=version.procedure.code,
        name=version.name,
        name_en=version.name_en,
        summary=version.summary,
        sector=version.sector.code,
        life_events=sorted(e.code for e in version.life_events.all()),
        level=version.level,
        agencies=sorted(a.code for a in version.agencies.all()),
        agency_kinds=list(version.agency_kinds),
        applicants=version.applicants,
        where_to_submit=version.where_to_submit,
        online_level=version.online_level,
        processing_time=version.processing_time,
        processing_time_unit=version.processing_time_unit,
        online_processing_time=version.online_processing_time,
        cutoff_applies=version.cutoff_applies,
        processing_time_note=version.processing_time_note,
        legal_basis=list(version.legal_basis),
        result_type=version.result_type,
        conditions=version.conditions,
        min_assurance_level=version.min_assurance_level,
        documents=[
            DocumentIn(
                code=d.code,
                name=d.name,
                originals=d.originals,
                copies=d.copies,
                requirement=d.requirement,
                condition=d.condition,
                template_url=d.template_url,
                note=d.note,
            )
            for d in version.documents.all()
        ],
        fees=[
            FeeIn(
                name=f.name,
                channel=f.channel,
                amount=f.amount,
                quantity_field=f.quantity_field,
                valid_from=f.valid_from,
                valid_to=f.valid_to,
                basis=f.basis,
                note=f.note,
            )
            for f in version.fees.all()
        ],
        steps=[
            StepIn(
                code=s.code,
                name=s.name,
                role=s.role,
                agency_kind=s.agency_kind,
                agency=s.agency.code if s.agency_id else "",
                hours=s.hours,
            )
            for s in version.steps.select_related("agency")
        ],
        form=FormSpecIn.model_validate(version.form_spec or {}),
    )


def export_linked_group(group: LinkedGroup) -> LinkedGroupIn:
    members = list(group.members.select_related("procedure").prefetch_related("depends_on__procedure"))
    return LinkedGroupIn(
        code=group.code,
        name=group.name,
        name_en=group.name_en,
        description=group.description,
        legal_basis=list(group.legal_basis),
        total_time=group.total_time,
        total_time_unit=group.total_time_unit,
        life_event=group.life_event.code if group.life_event_id else "",
        procedure=group.procedure.code if group.procedure_id else "",
        bundle_field=group.bundle_field,
        bundles=list(group.bundles),
        members=[
            LinkedMemberIn(
                procedure=m.procedure.code,
                agency_kind=m.agency_kind,
                time_budget=m.time_budget,
                time_budget_unit=m.time_budget_unit,
                optional=m.optional,
                depends_on=[d.procedure.code for d in m.depends_on.all()],
                inputs=dict(m.inputs),
                documents=dict(m.documents),
                outputs=dict(m.outputs),
                on_failure=m.on_failure,
            )
            for m in members
        ],
    )


def export_catalog() -> dict[str, Any]:
    """The whole current catalog (current published versions) as an exchange-format dict."""
    versions = (
        ProcedureVersion.objects.filter(is_current=True)
        .select_related("procedure", "sector")
        .prefetch_related("life_events", "agencies", "documents", "fees", "steps__agency")
        .order_by("procedure__code")
    )
    catalog = CatalogFile(
        sectors=[
            {"code": s.code, "name": s.name, "name_en": s.name_en} for s in Sector.objects.order_by("code")
        ],
        life_events=[
            {"code": e.code, "name": e.name, "name_en": e.name_en, "description": e.description}
            for e in LifeEvent.objects.all()
        ],
        procedures=[export_version(v) for v in versions],
        linked_groups=[export_linked_group(g) for g in LinkedGroup.objects.all()],
    )
    return catalog.model_dump(mode="json")


def canonical(item) -> Any:
    """A comparable form: decimals to one place, sets of codes sorted, defaults filled in."""

    def norm(value):
        if isinstance(value, Decimal):
            return str(value.quantize(Decimal("0.1")))
        if isinstance(value, dict):
            return {k: norm(v) for k, v in value.items()}
        if isinstance(value, list):
            return [norm(v) for v in value]
        return value

    data = item.model_dump(mode="python")
    for key in ("life_events", "agencies"):
        if key in data:
            data[key] = sorted(data[key])
    data = norm(data)
    return json.loads(json.dumps(data, default=str, sort_keys=True))
