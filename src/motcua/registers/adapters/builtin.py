"""The built-in register: answers from the ``Resident`` and ``Household`` tables.

At most four queries per lookup (the person with parents, spouse, household and head in one;
the unit names of the addresses; the household members), and only for the fields asked.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import DatabaseError
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from motcua.registers.db import savepoint
from motcua.registers.models import Resident, Sex
from motcua.registers.ports import PopulationRegister, RegisterUnavailable, check_fields, registry
from motcua.registers.units import address_value, unit_names

_RELATED = {
    "father.": "father",
    "mother.": "mother",
    "spouse.": "spouse",
    "household.head_name": "household__head",
    "household.members": "household",
}


def _iso(day) -> str | None:
    return day.isoformat() if day else None


@registry("builtin")
class BuiltinRegister(PopulationRegister):
    label = _("Built-in population register (demo and tests)")

    def lookup(self, personal_id: str, fields: Collection[str]) -> dict[str, Any] | None:
        wanted = check_fields(fields)
        try:
            with savepoint():
                return self._lookup(personal_id, wanted)
        except DatabaseError as exc:
            raise RegisterUnavailable("the built-in register's database did not answer") from exc

    def register_birth(self, *, full_name: str, birth_date: str, sex: str, province_code: str) -> str:
        import datetime as dt
        import secrets

        from motcua.accounts.personal_id import FEMALE, MALE, build_personal_id

        born = dt.date.fromisoformat(birth_date)
        female = sex.lower() in ("nu", "f", "female", "nữ")
        try:
            with savepoint():
                for _attempt in range(50):
                    number = build_personal_id(
                        province_code=province_code,
                        sex=FEMALE if female else MALE,
                        birth_year=born.year,
                        serial=secrets.randbelow(1_000_000),
                    )
                    if not Resident.objects.filter(personal_id=number).exists():
                        Resident.objects.create(
                            personal_id=number,
                            full_name=full_name,
                            birth_date=born,
                            sex=Sex.FEMALE if female else Sex.MALE,
                        )
                        return number
        except DatabaseError as exc:
            raise RegisterUnavailable("the built-in register's database did not answer") from exc
        raise RegisterUnavailable("no free personal ID number found")

    def _lookup(self, personal_id: str, wanted: list[str]) -> dict[str, Any] | None:
        related = sorted(
            {rel for prefix, rel in _RELATED.items() for key in wanted if key.startswith(prefix)}
        )
        person = Resident.objects.select_related(*related).filter(personal_id=personal_id).first()
        if person is None:
            return None

        names: dict[tuple[str, str], str] = {}
        if "permanent_address" in wanted or "current_address" in wanted:
            names = unit_names(
                provinces=[person.permanent_province, person.current_province],
                communes=[person.permanent_commune, person.current_commune],
            )

        values: dict[str, Any] = {}
        for key in wanted:
            value = self._value(person, key, names)
            if value not in (None, "", []):
                values[key] = value
        return values

    def _value(self, person: Resident, key: str, names: dict[tuple[str, str], str]) -> Any:
        match key:
            case "full_name" | "ethnicity" | "nationality" | "personal_id" | "sex" | "phone":
                return getattr(person, key)
            case "birth_date":
                return _iso(person.birth_date)
            case "permanent_address":
                return address_value(
                    person.permanent_province, person.permanent_commune, person.permanent_detail, names
                )
            case "current_address":
                return address_value(
                    person.current_province, person.current_commune, person.current_detail, names
                )
            case "father.full_name":
                return person.father.full_name if person.father else person.father_name
            case "mother.full_name":
                return person.mother.full_name if person.mother else person.mother_name
            case "father.personal_id":
                return person.father.personal_id if person.father else None
            case "mother.personal_id":
                return person.mother.personal_id if person.mother else None
            case "spouse.full_name":
                return person.spouse.full_name if person.spouse else None
            case "spouse.personal_id":
                return person.spouse.personal_id if person.spouse else None
            case "household.head_name":
                head = person.household.head if person.household else None
                return head.full_name if head else None
            case "household.members":
                return self._members(person)
        raise ValueError(f"unknown register field: {key}")  # pragma: no cover - check_fields

    def _members(self, person: Resident) -> list[dict[str, str]] | None:
        if person.household is None:
            return None
        head_id = person.household.head_id
        members = (
            Resident.objects.filter(household_id=person.household_id, is_deceased=False)
            .annotate(
                head_first=Case(
                    When(pk=head_id, then=Value(0)), default=Value(1), output_field=IntegerField()
                )
            )
            .order_by("head_first", "birth_date", "personal_id")
            .values_list("full_name", "personal_id", "birth_date", "sex", "relation_to_head")
        )
        return [
            {
                "full_name": name,
                "personal_id": pid,
                "birth_date": _iso(born),
                "sex": sex,
                "relation": relation,
            }
            for name, pid, born, sex, relation in members
        ]
