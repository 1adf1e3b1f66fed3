"""Reading a linked group's configuration (catalog data) and handing data from stage to stage.

Pure functions over plain dicts where possible, so the hand-off rules are easy to test.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from motcua.catalog.models import LinkedGroup, LinkedGroupMember, Procedure, ProcedureVersion

STAGE_SOURCE = re.compile(r"^stage\.(\d\.\d{6})\.([a-z][a-z0-9_]*)$")
NEW_PERSONAL_ID = re.compile(r"^register\.new_personal_id\(([a-z0-9_]+),([a-z0-9_]+),([a-z0-9_]+)\)$")


def group_of(procedure: Procedure) -> LinkedGroup | None:
    """The linked group whose application procedure is ``procedure``, if any."""
    return LinkedGroup.objects.filter(procedure=procedure).first()


def current_version(procedure: Procedure) -> ProcedureVersion | None:
    return ProcedureVersion.objects.filter(procedure=procedure, is_current=True).first()


def current_names(codes) -> dict[str, str]:
    """Procedure code → the legal name of its current version."""
    return dict(
        ProcedureVersion.objects.filter(procedure__code__in=list(codes), is_current=True).values_list(
            "procedure__code", "name"
        )
    )


def chosen_members(group: LinkedGroup, answers: Mapping[str, Any]) -> list[LinkedGroupMember]:
    """The member procedures the applicant chose: the bundle named by the bundle field, or, for a
    group without bundles, every member."""
    members = list(group.members.select_related("procedure").prefetch_related("depends_on__procedure"))
    if not group.bundle_field:
        return members
    choice = str(answers.get(group.bundle_field) or "")
    for bundle in group.bundles:
        if bundle["code"] == choice:
            wanted = set(bundle["members"])
            return [m for m in members if m.procedure.code in wanted]
    return [m for m in members if not m.optional]


def snapshot(member: LinkedGroupMember) -> dict[str, Any]:
    """What a stage keeps of its member's configuration when the application is filed."""
    return {
        "time_budget": str(member.time_budget),
        "time_budget_unit": member.time_budget_unit,
        "inputs": dict(member.inputs),
        "documents": dict(member.documents),
        "outputs": dict(member.outputs),
        "on_failure": member.on_failure,
    }


def budget(config: Mapping[str, Any]) -> tuple[Decimal, str]:
    return Decimal(str(config.get("time_budget", "0"))), str(config.get("time_budget_unit", "working_days"))


def set_path(data: dict, path: str, value: Any) -> None:
    """Set ``field`` or ``group.<row>.field`` (a row of a repeating group) in e-form answers."""
    parts = path.split(".")
    if len(parts) == 1:
        data[path] = value
        return
    group, row, field = parts[0], int(parts[1]), parts[2]
    rows = data.setdefault(group, [])
    if not isinstance(rows, list):
        rows = data[group] = []
    while len(rows) <= row:
        rows.append({})
    rows[row][field] = value


def resolve_inputs(
    inputs: Mapping[str, str], *, answers: Mapping[str, Any], outputs: Mapping[str, Mapping[str, Any]]
) -> tuple[dict[str, Any], list[str]]:
    """The member's e-form answers built from the group's answers and earlier stages' outputs.

    Returns ``(data, missing)``: ``missing`` lists the sources that had no value (an empty
    optional field is simply left out).
    """
    data: dict[str, Any] = {}
    missing: list[str] = []
    for target, source in inputs.items():
        if source.startswith("value:"):
            value: Any = source[len("value:") :]
        elif source.startswith("form."):
            value = answers.get(source[len("form.") :])
        else:
            match = STAGE_SOURCE.match(source)
            value = outputs.get(match.group(1), {}).get(match.group(2)) if match else None
            if value in (None, ""):
                missing.append(source)
                continue
        if value in (None, "", []):
            continue
        set_path(data, target, value)
    return data, missing


def form_sources(inputs: Mapping[str, str]) -> dict[str, str]:
    """member field → group field, for the inputs read straight from the group's e-form."""
    return {target: source[len("form.") :] for target, source in inputs.items() if source.startswith("form.")}
