"""Writes for administrative units and agencies. Keyword-only, one transaction each."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core import audit
from motcua.core.text import fold
from motcua.org import selectors
from motcua.org.models import AdministrativeUnit, Agency
from motcua.org.validators import validate_unit_identifier_code

#: The day the two-tier local government (34 provinces, no districts) took effect.
REFORM_DATE = datetime.date(2025, 7, 1)

Level = AdministrativeUnit.Level


# --- Administrative units ---------------------------------------------------------------------


@dataclass(frozen=True)
class LoadCounts:
    """What :func:`load_units` did. A second run reports only ``unchanged``."""

    provinces_created: int = 0
    communes_created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @property
    def created(self) -> int:
        return self.provinces_created + self.communes_created


def province_code(value: int | str) -> str:
    """GSO province code as stored: two digits (``1`` → ``"01"``, ``80`` → ``"80"``)."""
    return f"{int(value):02d}"


def commune_code(value: int | str) -> str:
    """GSO commune code as stored: five digits (``27727`` → ``"27727"``, ``4`` → ``"00004"``)."""
    return f"{int(value):05d}"


def _province_name(name: str, division_type: str) -> str:
    # The package names provinces without "Tỉnh" but centrally-run cities with "Thành phố";
    # communes always carry their type ("Xã …", "Phường …"). Store full names at both levels.
    if division_type == "tỉnh" and not name.lower().startswith("tỉnh "):
        return f"Tỉnh {name}"
    return name


def _source_units():
    """Rows from the ``vietnam_provinces`` package: (provinces, communes) as plain dicts."""
    from vietnam_provinces import Province, Ward

    provinces = [
        {
            "code": province_code(p.code.value),
            "name": _province_name(p.name, p.division_type.value),
            "division_type": p.division_type.value,
        }
        for p in Province.iter_all()
    ]
    communes = [
        {
            "code": commune_code(w.code.value),
            "name": w.name,
            "division_type": w.division_type.value,
            "province": province_code(getattr(w.province_code, "value", w.province_code)),
        }
        for w in Ward.iter_all()
    ]
    return provinces, communes


def load_units(*, valid_from: datetime.date = REFORM_DATE) -> LoadCounts:
    """Load the 34 provinces and 3,321 communes of the installed ``vietnam_provinces`` package
    as units valid from ``valid_from``.

    Idempotent: rows are matched on (level, code, valid_from); missing rows are bulk-created,
    rows whose name, type or parent differ are bulk-updated, nothing else is written. One
    transaction, a handful of queries.
    """
    provinces, communes = _source_units()
    created_p = created_c = updated = unchanged = 0
    with transaction.atomic():
        transaction.on_commit(selectors.units_changed)
        existing = {
            (u.level, u.code): u
            for u in AdministrativeUnit.objects.filter(
                valid_from=valid_from, level__in=[Level.PROVINCE, Level.COMMUNE]
            ).only("id", "code", "level", "name", "name_folded", "division_type", "parent_id")
        }

        to_create, to_update = [], []
        for row in provinces:
            unit = existing.get((Level.PROVINCE, row["code"]))
            if unit is None:
                to_create.append(
                    AdministrativeUnit(
                        code=row["code"],
                        name=row["name"],
                        name_folded=fold(row["name"]),
                        division_type=row["division_type"],
                        level=Level.PROVINCE,
                        valid_from=valid_from,
                    )
                )
            elif (unit.name, unit.division_type, unit.parent_id) != (row["name"], row["division_type"], None):
                unit.name, unit.name_folded = row["name"], fold(row["name"])
                unit.division_type, unit.parent_id = row["division_type"], None
                to_update.append(unit)
            else:
                unchanged += 1
        AdministrativeUnit.objects.bulk_create(to_create, batch_size=500)
        created_p = len(to_create)

        province_ids = dict(
            AdministrativeUnit.objects.filter(level=Level.PROVINCE, valid_from=valid_from).values_list(
                "code", "id"
            )
        )
        to_create = []
        for row in communes:
            parent_id = province_ids[row["province"]]
            unit = existing.get((Level.COMMUNE, row["code"]))
            if unit is None:
                to_create.append(
                    AdministrativeUnit(
                        code=row["code"],
                        name=row["name"],
                        name_folded=fold(row["name"]),
                        division_type=row["division_type"],
                        level=Level.COMMUNE,
                        parent_id=parent_id,
                        valid_from=valid_from,
                    )
                )
            elif (unit.name, unit.division_type, unit.parent_id) != (
                row["name"],
                row["division_type"],
                parent_id,
            ):
                unit.name, unit.name_folded = row["name"], fold(row["name"])
                unit.division_type, unit.parent_id = row["division_type"], parent_id
                to_update.append(unit)
            else:
                unchanged += 1
        AdministrativeUnit.objects.bulk_create(to_create, batch_size=500)
        created_c = len(to_create)
        if to_update:
            AdministrativeUnit.objects.bulk_update(
                to_update, ["name", "name_folded", "division_type", "parent"], batch_size=500
            )
        updated = len(to_update)
    return LoadCounts(
        provinces_created=created_p, communes_created=created_c, updated=updated, unchanged=unchanged
    )


def succeed_units(
    *,
    old_units: Iterable[AdministrativeUnit],
    new_unit: AdministrativeUnit,
    on_date: datetime.date,
    actor=None,
) -> list[AdministrativeUnit]:
    """Record that ``old_units`` ceased on ``on_date`` and ``new_unit`` took over from that day.

    Each old unit gets ``valid_to = on_date - 1 day`` and ``new_unit`` among its successors.
    Records that point at an old unit keep pointing at it; :func:`selectors.successor_chain`
    finds where it went. Re-running with the same arguments changes nothing.
    """
    old_units = list(old_units)
    last_day = on_date - datetime.timedelta(days=1)
    if not old_units:
        raise ValidationError(
            {
                "old_units": ValidationError(
                    _("Choose at least one unit that ceases to exist."), code="no_old_units"
                )
            }
        )
    if new_unit.valid_from > on_date:
        raise ValidationError(
            {
                "new_unit": ValidationError(
                    _(
                        "The new unit %(name)s is valid only from %(valid_from)s; it cannot take over on %(date)s. Choose a succession date on or after the day the new unit starts."
                    )
                    % {
                        "name": new_unit.name,
                        "valid_from": new_unit.valid_from.isoformat(),
                        "date": on_date.isoformat(),
                    },
                    code="new_unit_not_valid",
                )
            }
        )
    with transaction.atomic():
        closed = []
        for unit in old_units:
            if unit.pk == new_unit.pk:
                raise ValidationError(
                    {
                        "old_units": ValidationError(
                            _("A unit cannot succeed itself. Remove %(name)s from the old units.")
                            % {"name": unit.name},
                            code="self_succession",
                        )
                    }
                )
            if unit.valid_from > last_day:
                raise ValidationError(
                    {
                        "old_units": ValidationError(
                            _(
                                "%(name)s starts on %(valid_from)s, so it cannot end before %(date)s. Check the succession date."
                            )
                            % {
                                "name": unit.name,
                                "valid_from": unit.valid_from.isoformat(),
                                "date": on_date.isoformat(),
                            },
                            code="ends_before_start",
                        )
                    }
                )
            if unit.valid_to is not None and unit.valid_to != last_day:
                raise ValidationError(
                    {
                        "old_units": ValidationError(
                            _(
                                "%(name)s already ended on %(valid_to)s. Correct its end date before linking a successor."
                            )
                            % {"name": unit.name, "valid_to": unit.valid_to.isoformat()},
                            code="already_closed",
                        )
                    }
                )
            changed = unit.valid_to is None or not unit.successors.filter(pk=new_unit.pk).exists()
            if unit.valid_to is None:
                unit.valid_to = last_day
                unit.save(update_fields=["valid_to"])
            unit.successors.add(new_unit)
            if changed:
                audit.record(
                    action="org.unit_succeeded",
                    obj=unit,
                    changes={"valid_to": last_day.isoformat(), "successor": new_unit.code},
                    actor=actor,
                )
            closed.append(unit)
    return closed


# --- Agencies ---------------------------------------------------------------------------------


def _check_code(code: str, *, exclude_pk: int | None = None) -> None:
    try:
        validate_unit_identifier_code(code)
    except ValidationError as exc:
        raise ValidationError({"code": exc.error_list}) from None
    clash = Agency.objects.filter(code=code)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(
            {
                "code": ValidationError(
                    _(
                        "Another agency already uses the unit identifier code %(code)s. Enter the code assigned to this agency, or edit the existing one."
                    )
                    % {"code": code},
                    code="duplicate_code",
                )
            }
        )


def create_agency(
    *,
    code: str,
    name: str,
    kind: str,
    unit: AdministrativeUnit,
    parent: Agency | None = None,
    short_name: str = "",
    address: str = "",
    phone: str = "",
    email: str = "",
    opening_hours: str = "",
    is_active: bool = True,
    actor=None,
) -> Agency:
    """Create an agency under ``parent`` (a root when ``None``) with a correct ``path``.

    Raises :class:`ValidationError` keyed by field: a malformed or already used ``code``, an
    unknown ``kind``, a missing name, a bad e-mail address.
    """
    code = (code or "").strip()
    _check_code(code)
    if kind not in Agency.Kind.values:
        raise ValidationError(
            {"kind": ValidationError(_("Choose the kind of agency from the list."), code="kind")}
        )
    agency = Agency(
        code=code,
        name=(name or "").strip(),
        short_name=short_name,
        kind=kind,
        unit=unit,
        parent=parent,
        address=address,
        phone=phone,
        email=email,
        opening_hours=opening_hours,
        is_active=is_active,
    )
    agency.full_clean(exclude=["path", "name_folded"], validate_unique=False)
    with transaction.atomic():
        agency.save()
        audit.record(
            action="org.agency_created",
            obj=agency,
            changes={"code": code, "kind": kind, "parent": parent.code if parent else None},
            actor=actor,
        )
    return agency


def move_agency(*, agency: Agency, new_parent: Agency | None, actor=None) -> Agency:
    """Put ``agency`` (and its whole subtree) under ``new_parent`` (a root when ``None``);
    the paths of all descendants follow in the same transaction."""
    agency.refresh_from_db()
    old_parent_code = agency.parent.code if agency.parent_id else None
    if new_parent is not None:
        new_parent.refresh_from_db(fields=["path"])
        if new_parent.pk == agency.pk or new_parent.path.startswith(agency.path):
            raise ValidationError(
                {
                    "parent": ValidationError(
                        _(
                            "An agency cannot be placed under itself or under one of its own sub-agencies. Choose another parent agency."
                        ),
                        code="cycle",
                    )
                }
            )
    if agency.parent_id == (new_parent.pk if new_parent else None):
        return agency
    with transaction.atomic():
        agency.parent = new_parent
        agency.save()
        audit.record(
            action="org.agency_moved",
            obj=agency,
            changes={"parent": [old_parent_code, new_parent.code if new_parent else None]},
            actor=actor,
        )
    return agency


def create_agencies(*, rows: Iterable[dict], actor=None) -> list[Agency]:
    """Create many agencies at once (a province's initial tree, an import), all or nothing.

    Each row has the keyword arguments of :func:`create_agency` except ``parent``, plus
    ``parent_code``: the code of an existing agency or of an earlier row (``None`` for a root).
    Rows are checked first (code format and uniqueness, kind, name, parent), then created
    level by level with ``bulk_create`` — a few queries for hundreds of agencies — and one
    audit record lists the created codes.
    """
    rows = [dict(row) for row in rows]
    if not rows:
        return []
    codes = [(row.get("code") or "").strip() for row in rows]
    errors: dict[str, list] = {}
    seen: set[str] = set()
    for index, (row, code) in enumerate(zip(rows, codes, strict=True)):
        row["code"] = code
        try:
            validate_unit_identifier_code(code)
        except ValidationError as exc:
            errors.setdefault(f"rows.{index}.code", []).extend(exc.error_list)
        if code in seen:
            errors.setdefault(f"rows.{index}.code", []).append(
                ValidationError(
                    _("The unit identifier code %(code)s appears twice. Give each agency its own code.")
                    % {"code": code},
                    code="duplicate_code",
                )
            )
        seen.add(code)
        if row.get("kind") not in Agency.Kind.values:
            errors.setdefault(f"rows.{index}.kind", []).append(
                ValidationError(_("Choose the kind of agency from the list."), code="kind")
            )
        if not (row.get("name") or "").strip():
            errors.setdefault(f"rows.{index}.name", []).append(
                ValidationError(_("Enter the agency's name."), code="name")
            )
        if not isinstance(row.get("unit"), AdministrativeUnit):
            errors.setdefault(f"rows.{index}.unit", []).append(
                ValidationError(_("Choose the administrative unit the agency serves."), code="unit")
            )
    for code in Agency.objects.filter(code__in=codes).values_list("code", flat=True):
        index = codes.index(code)
        errors.setdefault(f"rows.{index}.code", []).append(
            ValidationError(
                _(
                    "Another agency already uses the unit identifier code %(code)s. "
                    "Enter the code assigned to this agency, or edit the existing one."
                )
                % {"code": code},
                code="duplicate_code",
            )
        )
    parent_codes = {row.get("parent_code") for row in rows} - {None, ""}
    existing_parents = {a.code: a for a in Agency.objects.filter(code__in=parent_codes - seen)}
    for index, row in enumerate(rows):
        parent_code = row.get("parent_code")
        if parent_code and parent_code not in existing_parents and parent_code not in seen:
            errors.setdefault(f"rows.{index}.parent_code", []).append(
                ValidationError(
                    _("No agency has the code %(code)s. Enter the code of an existing parent agency.")
                    % {"code": parent_code},
                    code="parent",
                )
            )
    if errors:
        raise ValidationError(errors)

    created: dict[str, Agency] = {}
    pending = list(rows)
    with transaction.atomic():
        while pending:
            ready = [
                row
                for row in pending
                if not row.get("parent_code")
                or row["parent_code"] in existing_parents
                or row["parent_code"] in created
            ]
            if not ready:  # the remaining rows only point at each other
                raise ValidationError(
                    {
                        "rows": ValidationError(
                            _("Some agencies are their own ancestors. Check the parent codes."), code="cycle"
                        )
                    }
                )
            batch = []
            for row in ready:
                parent_code = row.get("parent_code")
                parent = (
                    created.get(parent_code) or existing_parents.get(parent_code) if parent_code else None
                )
                fields = {k: v for k, v in row.items() if k != "parent_code"}
                fields["name"] = fields["name"].strip()
                batch.append(Agency(**fields, parent=parent, name_folded=fold(fields["name"])))
            Agency.objects.bulk_create(batch, batch_size=500)
            if any(agency.pk is None for agency in batch):  # a database that returns no ids
                ids = dict(Agency.objects.filter(code__in=[a.code for a in batch]).values_list("code", "id"))
                for agency in batch:
                    agency.pk = ids[agency.code]
            for agency in batch:
                agency.path = f"{agency.parent.path if agency.parent else '/'}{agency.pk}/"
                created[agency.code] = agency
            Agency.objects.bulk_update(batch, ["path"], batch_size=500)
            done = {row["code"] for row in ready}
            pending = [row for row in pending if row["code"] not in done]
        audit.record(
            action="org.agencies_created",
            object_type=Agency._meta.label_lower,
            object_repr=_("%(count)d agencies") % {"count": len(created)},
            changes={"codes": list(created)},
            actor=actor,
        )
    return [created[code] for code in codes]
