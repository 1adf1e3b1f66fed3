"""Import residents and households into the built-in register from CSV (docs/registers.md).

Two phases: every row is checked first and each problem is reported with its line number and
column; only a file without any problem is written, in one transaction. Rows are matched on the
personal ID number, households on their code, so importing the same file again changes nothing.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.text import fold
from motcua.registers.models import Household, Resident, Sex
from motcua.registers.units import current_communes, current_province_codes

REQUIRED_COLUMNS = (
    "personal_id",
    "full_name",
    "birth_date",
    "sex",
    "permanent_province",
    "permanent_commune",
)
OPTIONAL_COLUMNS = (
    "permanent_detail",
    "ethnicity",
    "nationality",
    "current_province",
    "current_commune",
    "current_detail",
    "household_code",
    "relation_to_head",
    "father_id",
    "father_name",
    "mother_id",
    "mother_name",
    "spouse_id",
    "phone",
    "is_deceased",
    "death_date",
)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

HEAD = "Chủ hộ"
_HEAD_FOLDED = fold(HEAD)
_SCALARS = (
    "full_name",
    "birth_date",
    "sex",
    "ethnicity",
    "nationality",
    "permanent_province",
    "permanent_commune",
    "permanent_detail",
    "current_province",
    "current_commune",
    "current_detail",
    "father_name",
    "mother_name",
    "relation_to_head",
    "phone",
    "is_deceased",
    "death_date",
)
_LINKS = ("household_id", "father_id", "mother_id", "spouse_id")
_MAX_LENGTH = {
    "full_name": 150,
    "ethnicity": 40,
    "nationality": 60,
    "permanent_detail": 300,
    "current_detail": 300,
    "household_code": 30,
    "relation_to_head": 40,
    "father_name": 150,
    "mother_name": 150,
}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_VN_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_TRUE = {"1", "true", "yes", "co", "x"}
_FALSE = {"", "0", "false", "no", "khong"}
_CHUNK = 900  # SQLite's default limit of parameters is 999 on old builds


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("line %(line)d, column %(column)s: %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    households_created: int = 0
    households_updated: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Row:
    ok: bool
    line: int
    personal_id: str
    values: dict  # the model's scalar fields, cleaned
    household_code: str
    father_id: str
    mother_id: str
    spouse_id: str
    is_head: bool


# --- Cleaning single values ---------------------------------------------------------------------


def parse_date(text: str) -> datetime.date:
    """``YYYY-MM-DD`` or ``DD/MM/YYYY``. :class:`ValueError` with a message for the citizen."""
    match = _ISO_DATE.match(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = _VN_DATE.match(text)
        if not match:
            raise ValueError(
                _("%(value)s is not a date: write YYYY-MM-DD or DD/MM/YYYY, e.g. 1990-05-31 or 31/05/1990.")
                % {"value": text}
            )
        day, month, year = (int(part) for part in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueError(
            _("%(value)s is not a real date: that month has no such day.") % {"value": text}
        ) from None


def personal_id_problems(number: str, *, sex: str | None, birth_date: datetime.date | None) -> list[str]:
    """Why ``number`` cannot be the personal ID of a person of ``sex`` born on ``birth_date``
    (empty when it can). Structure only: there is no check digit."""
    if len(number) != 12 or not (number.isascii() and number.isdigit()):
        return [_("A personal ID number is 12 digits 0–9 (got %(value)s).") % {"value": number}]
    problems = []
    if not 1 <= int(number[:3]) <= 96:
        problems.append(
            _("The first three digits %(code)s are not a province code of birth registration (001–096).")
            % {"code": number[:3]}
        )
    if birth_date is not None and sex in (Sex.MALE, Sex.FEMALE):
        century_index = birth_date.year // 100 - 19
        expected = (
            str(century_index * 2 + (1 if sex == Sex.FEMALE else 0)) if 0 <= century_index <= 4 else "?"
        )
        if number[3] != expected:
            problems.append(
                _(
                    "The fourth digit (%(digit)s) does not match the sex and the century of birth: "
                    "it is %(expected)s for this person."
                )
                % {"digit": number[3], "expected": expected}
            )
        if number[4:6] != f"{birth_date.year % 100:02d}":
            problems.append(
                _("Digits 5–6 (%(digits)s) must be the last two digits of the year of birth, %(year)d.")
                % {"digits": number[4:6], "year": birth_date.year}
            )
    return problems


def _sex(text: str) -> str | None:
    folded = fold(text)
    return {"nam": Sex.MALE, "nu": Sex.FEMALE}.get(folded)


def _phone(text: str) -> str | None:
    digits = re.sub(r"[\s.\-()]", "", text)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if len(digits) == 10 and digits.startswith("0") and digits.isdigit():
        return digits
    return None


def _code(text: str, width: int) -> str:
    """``"80"`` stays, ``"080"`` → ``"80"`` for provinces; commune codes keep five digits."""
    return f"{int(text):0{width}d}" if text.isdigit() and len(text) <= width + 1 else text


# --- Reading ------------------------------------------------------------------------------------


def _read(source: str | Path | bytes | io.IOBase) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """Rows as ``(line number, {column: stripped text})`` and the problems of the file's shape."""
    if isinstance(source, (str, Path)):
        data = Path(source).read_bytes()
    elif isinstance(source, bytes):
        data = source
    else:
        data = source.read()
        data = data.encode() if isinstance(data, str) else data
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return [], [Problem(line, "", _("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."))]

    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header or not any(cell.strip() for cell in header):
        return [], [Problem(1, "", _("The file is empty: its first line must name the columns."))]
    header = [cell.strip() for cell in header]
    problems = []
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(Problem(1, name, _("This column appears twice.")))
        elif name not in COLUMNS:
            problems.append(
                Problem(1, name, _("Unknown column; the columns are listed in docs/registers.md."))
            )
        seen.add(name)
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            problems.append(Problem(1, name, _("This column is missing.")))
    if problems:
        return [], problems

    rows = []
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                Problem(
                    line,
                    "",
                    _("This line has %(found)d values but the first line names %(expected)d columns.")
                    % {"found": len(cells), "expected": len(header)},
                )
            )
            continue
        rows.append((line, {name: cell.strip() for name, cell in zip(header, cells, strict=True)}))
    return rows, problems


# --- Checking -----------------------------------------------------------------------------------


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.today = timezone.localdate()
        self.communes = current_communes()
        self.provinces = current_province_codes()

    def add(self, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(line, column, message))

    def row(self, line: int, raw: dict[str, str]) -> _Row:
        """The cleaned row; ``ok`` is false when it has a problem (then it only serves the
        checks across rows: a reference to it is not reported a second time)."""
        before = len(self.problems)
        get = raw.get

        def required(column: str) -> str:
            value = get(column, "")
            if not value:
                self.add(line, column, _("This column is required: enter a value."))
            return value

        for column, limit in _MAX_LENGTH.items():
            if len(get(column, "")) > limit:
                self.add(line, column, _("Too long: at most %(max)d characters.") % {"max": limit})

        personal_id = "".join(required("personal_id").split())
        full_name = " ".join(required("full_name").split())

        sex = None
        if sex_text := required("sex"):
            sex = _sex(sex_text)
            if sex is None:
                self.add(line, "sex", _("Write nam or nu (got %(value)s).") % {"value": sex_text})

        birth_date = self._date(line, "birth_date", required("birth_date"))
        if birth_date is not None and birth_date > self.today:
            self.add(line, "birth_date", _("The date of birth is in the future."))
            birth_date = None
        elif birth_date is not None and birth_date.year < 1900:
            self.add(line, "birth_date", _("The date of birth is before 1900."))
            birth_date = None

        if personal_id:
            for message in personal_id_problems(personal_id, sex=sex, birth_date=birth_date):
                self.add(line, "personal_id", message)

        permanent = self._address(line, "permanent", required=True, raw=raw)
        if any(get(f"current_{part}", "") for part in ("province", "commune", "detail")):
            current = self._address(line, "current", required=True, raw=raw)
        else:
            current = permanent

        death_date = self._date(line, "death_date", get("death_date", ""))
        deceased_text = fold(get("is_deceased", ""))
        if deceased_text in _TRUE:
            is_deceased = True
        elif deceased_text in _FALSE:
            is_deceased = death_date is not None
        else:
            self.add(
                line, "is_deceased", _("Write 1 or 0 (got %(value)s).") % {"value": get("is_deceased", "")}
            )
            is_deceased = False
        if death_date and birth_date and death_date < birth_date:
            self.add(line, "death_date", _("The date of death is before the date of birth."))

        phone = ""
        if phone_text := get("phone", ""):
            phone = _phone(phone_text) or ""
            if not phone:
                self.add(
                    line,
                    "phone",
                    _("A phone number is 10 digits starting with 0 (got %(value)s).") % {"value": phone_text},
                )

        household_code = get("household_code", "")
        relation = " ".join(get("relation_to_head", "").split())
        if household_code and not relation:
            self.add(
                line,
                "relation_to_head",
                _("Give the relation to the head of household, e.g. Chủ hộ, Vợ, Con."),
            )

        links = {}
        for column in ("father_id", "mother_id", "spouse_id"):
            value = "".join(get(column, "").split())
            if value and (len(value) != 12 or not value.isdigit()):
                self.add(
                    line,
                    column,
                    _("A personal ID number is 12 digits 0–9 (got %(value)s).") % {"value": value},
                )
                value = ""
            elif value and value == personal_id:
                self.add(line, column, _("A person cannot be their own father, mother or spouse."))
                value = ""
            links[column] = value

        return _Row(
            ok=len(self.problems) == before,
            line=line,
            personal_id=personal_id,
            values={
                "full_name": full_name,
                "birth_date": birth_date,
                "sex": sex,
                "ethnicity": get("ethnicity", "") or "Kinh",
                "nationality": get("nationality", "") or "Việt Nam",
                **{f"permanent_{key}": value for key, value in permanent.items()},
                **{f"current_{key}": value for key, value in current.items()},
                "father_name": " ".join(get("father_name", "").split()),
                "mother_name": " ".join(get("mother_name", "").split()),
                "relation_to_head": relation,
                "phone": phone,
                "is_deceased": is_deceased,
                "death_date": death_date,
            },
            household_code=household_code,
            father_id=links["father_id"],
            mother_id=links["mother_id"],
            spouse_id=links["spouse_id"],
            is_head=bool(household_code) and fold(relation) == _HEAD_FOLDED,
        )

    def _date(self, line: int, column: str, text: str) -> datetime.date | None:
        if not text:
            return None
        try:
            return parse_date(text)
        except ValueError as exc:
            self.add(line, column, str(exc))
            return None

    def _address(self, line: int, prefix: str, *, required: bool, raw: dict[str, str]) -> dict[str, str]:
        province = _code(raw.get(f"{prefix}_province", ""), 2)
        commune = _code(raw.get(f"{prefix}_commune", ""), 5)
        detail = " ".join(raw.get(f"{prefix}_detail", "").split())
        if not province:
            self.add(line, f"{prefix}_province", _("This column is required: enter a value."))
        elif province not in self.provinces:
            self.add(
                line,
                f"{prefix}_province",
                _("No province in force has the code %(value)s.") % {"value": province},
            )
        if not commune:
            self.add(line, f"{prefix}_commune", _("This column is required: enter a value."))
        elif commune not in self.communes:
            self.add(
                line,
                f"{prefix}_commune",
                _("No commune in force has the code %(value)s.") % {"value": commune},
            )
        elif province in self.provinces and self.communes[commune] != province:
            self.add(
                line,
                f"{prefix}_commune",
                _("Commune %(commune)s is not in province %(province)s.")
                % {"commune": commune, "province": province},
            )
        return {"province": province, "commune": commune, "detail": detail}


def _chunks(items: list, size: int = _CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _existing_people(ids: Iterable[str]) -> dict[str, Resident]:
    ids = sorted(set(ids))
    found: dict[str, Resident] = {}
    for chunk in _chunks(ids):
        found.update((r.personal_id, r) for r in Resident.objects.filter(personal_id__in=chunk))
    return found


def _check_relations(rows: list[_Row], checker: _Checker) -> dict[str, Resident]:
    """Cross-row rules: unique IDs, parents and spouses exist, one head per household."""
    by_id: dict[str, _Row] = {}
    for row in rows:
        if not row.personal_id:
            continue
        first = by_id.get(row.personal_id)
        if first is not None:
            checker.add(
                row.line,
                "personal_id",
                _("The personal ID %(value)s is already on line %(line)d.")
                % {"value": row.personal_id, "line": first.line},
            )
        else:
            by_id[row.personal_id] = row

    referenced = {pid for row in rows for pid in (row.father_id, row.mother_id, row.spouse_id) if pid}
    existing = _existing_people(set(by_id) | referenced)

    def sex_of(pid: str) -> str | None:
        if pid in by_id:
            return by_id[pid].values["sex"]
        return existing[pid].sex if pid in existing else None

    for row in rows:
        for column, pid in (
            ("father_id", row.father_id),
            ("mother_id", row.mother_id),
            ("spouse_id", row.spouse_id),
        ):
            if not pid:
                continue
            if pid not in by_id and pid not in existing:
                checker.add(
                    row.line,
                    column,
                    _("Nobody with the personal ID %(value)s is in this file or in the register.")
                    % {"value": pid},
                )
                continue
            if column == "father_id" and sex_of(pid) == Sex.FEMALE:
                checker.add(row.line, column, _("The father must be a man (sex nam)."))
            if column == "mother_id" and sex_of(pid) == Sex.MALE:
                checker.add(row.line, column, _("The mother must be a woman (sex nu)."))
        if row.spouse_id and row.spouse_id in by_id:
            other = by_id[row.spouse_id]
            if other.spouse_id and other.spouse_id != row.personal_id:
                checker.add(
                    row.line,
                    "spouse_id",
                    _("Line %(line)d gives another spouse for %(value)s.")
                    % {"line": other.line, "value": row.spouse_id},
                )

    heads: dict[str, _Row] = {}
    first_member: dict[str, _Row] = {}
    for row in rows:
        if not row.household_code:
            continue
        first_member.setdefault(row.household_code, row)
        if row.is_head:
            if row.household_code in heads:
                checker.add(
                    row.line,
                    "relation_to_head",
                    _("Household %(code)s already has its head on line %(line)d.")
                    % {"code": row.household_code, "line": heads[row.household_code].line},
                )
            else:
                heads[row.household_code] = row
    known_households = set(
        Household.objects.filter(code__in=list(first_member), head__isnull=False).values_list(
            "code", flat=True
        )
    )
    for code, row in first_member.items():
        if code not in heads and code not in known_households:
            checker.add(
                row.line,
                "relation_to_head",
                _("Household %(code)s has no head: one of its lines needs the relation Chủ hộ.")
                % {"code": code},
            )
    return existing


# --- Writing ------------------------------------------------------------------------------------


def _write(rows: list[_Row], existing: dict[str, Resident], report: ImportReport) -> None:
    heads = {row.household_code: row for row in rows if row.is_head}
    codes = sorted({row.household_code for row in rows if row.household_code})
    households = {h.code: h for h in Household.objects.filter(code__in=codes)}
    new_households, changed_households = [], []
    for code in codes:
        head_row = heads.get(code)
        address = (
            {
                "province_code": head_row.values["permanent_province"],
                "commune_code": head_row.values["permanent_commune"],
                "address_detail": head_row.values["permanent_detail"],
            }
            if head_row
            else None
        )
        household = households.get(code)
        if household is None:
            household = Household(code=code, **address)
            new_households.append(household)
            households[code] = household
        elif address and any(getattr(household, k) != v for k, v in address.items()):
            for key, value in address.items():
                setattr(household, key, value)
            changed_households.append(household)
    Household.objects.bulk_create(new_households, batch_size=500)
    report.households_created = len(new_households)

    people: dict[str, Resident] = {}
    created, changed = [], []
    for row in rows:
        household_id = households[row.household_code].pk if row.household_code else None
        person = existing.get(row.personal_id)
        if person is None:
            person = Resident(
                personal_id=row.personal_id,
                full_name_folded=fold(row.values["full_name"]),
                household_id=household_id,
                **row.values,
            )
            created.append(person)
        else:
            if any(getattr(person, key) != value for key, value in row.values.items()) or (
                person.household_id != household_id
            ):
                for key, value in row.values.items():
                    setattr(person, key, value)
                person.full_name_folded = fold(person.full_name)
                person.household_id = household_id
                changed.append(person)
        people[row.personal_id] = person
    Resident.objects.bulk_create(created, batch_size=500)

    def pk_of(pid: str) -> int | None:
        if not pid:
            return None
        return (people.get(pid) or existing[pid]).pk

    changed_ids = {id(p) for p in changed}
    created_ids = {id(p) for p in created}
    link_updates: list[Resident] = []
    for row in rows:
        person = people[row.personal_id]
        wanted = {
            "father_id": pk_of(row.father_id),
            "mother_id": pk_of(row.mother_id),
            "spouse_id": pk_of(row.spouse_id),
        }
        if any(getattr(person, key) != value for key, value in wanted.items()):
            for key, value in wanted.items():
                setattr(person, key, value)
            if id(person) not in changed_ids and id(person) not in created_ids:
                changed.append(person)
                changed_ids.add(id(person))
            elif id(person) in created_ids:
                link_updates.append(person)
    # Spouses outside the file learn who married them.
    for row in rows:
        if row.spouse_id and row.spouse_id not in people:
            spouse = existing[row.spouse_id]
            if spouse.spouse_id != people[row.personal_id].pk:
                spouse.spouse_id = people[row.personal_id].pk
                changed.append(spouse)

    Resident.objects.bulk_update(changed, [*_SCALARS, "full_name_folded", *_LINKS], batch_size=500)
    Resident.objects.bulk_update(link_updates, ["father_id", "mother_id", "spouse_id"], batch_size=500)

    to_save = {h.code: h for h in [*new_households, *changed_households]}
    for code, head_row in heads.items():
        household = households[code]
        head_pk = people[head_row.personal_id].pk
        if household.head_id != head_pk:
            household.head_id = head_pk
            if household.code not in to_save:
                changed_households.append(household)
            to_save[household.code] = household
    Household.objects.bulk_update(
        list(to_save.values()), ["head", "province_code", "commune_code", "address_detail"], batch_size=500
    )
    report.households_updated = len(changed_households)
    report.created = len(created)
    report.updated = len(changed)
    report.unchanged = len(rows) - len(created) - len({id(p) for p in changed if p.personal_id in people})


def import_residents(source: str | Path | bytes | io.IOBase, *, dry_run: bool = False) -> ImportReport:
    """Check every row of the CSV ``source`` (a path, bytes or a file object) and, when no row
    has a problem and ``dry_run`` is false, import them all in one transaction.

    Returns an :class:`ImportReport`; ``problems`` lists every problem with its line (the header
    is line 1) and column, and then nothing has been written.
    """
    report = ImportReport()
    raw_rows, problems = _read(source)
    if problems:
        report.problems = problems
        return report
    checker = _Checker()
    rows = [checker.row(line, raw) for line, raw in raw_rows]
    existing = _check_relations(rows, checker)
    if checker.problems:
        report.problems = sorted(
            checker.problems, key=lambda p: (p.line, COLUMNS.index(p.column) if p.column in COLUMNS else -1)
        )
        return report
    if dry_run:
        return report
    with transaction.atomic():
        _write(rows, existing, report)
    return report
