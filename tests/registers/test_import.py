"""CSV import into the built-in register: everything checked first, problems with line and
column, nothing half-imported, idempotent re-import."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from motcua.accounts.personal_id import FEMALE, MALE, build_personal_id
from motcua.registers.importer import COLUMNS, import_residents, parse_date, personal_id_problems
from motcua.registers.models import Household, Resident

pytestmark = pytest.mark.django_db

HAI, HOA, KHOA, TU = "072085000101", "080187000102", "072212000103", "072050000104"


def _rows() -> list[dict[str, str]]:
    home = {
        "permanent_province": "80",
        "permanent_commune": "25522",
        "permanent_detail": "Ấp Thạnh Hiệp, Tổ 4",
    }
    return [
        {  # line 2
            "personal_id": HAI,
            "full_name": "Phạm Văn Hải",
            "birth_date": "1985-04-10",
            "sex": "nam",
            **home,
            "household_code": "HK-TD-1",
            "relation_to_head": "Chủ hộ",
            "father_id": TU,
            "mother_name": "Lê Thị Năm",
            "spouse_id": HOA,
            "phone": "0901 234 567",
        },
        {  # line 3
            "personal_id": HOA,
            "full_name": "Nguyễn Thị Hoa",
            "birth_date": "12/06/1987",
            "sex": "nữ",
            "ethnicity": "Khmer",
            **home,
            "current_province": "80",
            "current_commune": "25516",
            "current_detail": "Ấp Thạnh Nam",
            "household_code": "HK-TD-1",
            "relation_to_head": "Vợ",
            "father_name": "Nguyễn Văn Sáu",
            "mother_name": "Trần Thị Bảy",
            "spouse_id": HAI,
        },
        {  # line 4
            "personal_id": KHOA,
            "full_name": "Phạm Minh Khoa",
            "birth_date": "2012-01-15",
            "sex": "nam",
            **home,
            "household_code": "HK-TD-1",
            "relation_to_head": "Con",
            "father_id": HAI,
            "mother_id": HOA,
        },
        {  # line 5
            "personal_id": TU,
            "full_name": "Phạm Văn Tư",
            "birth_date": "1950-02-01",
            "sex": "nam",
            **home,
            "household_code": "HK-TD-1",
            "relation_to_head": "Cha",
            "is_deceased": "0",
        },
    ]


def _csv(rows: list[dict[str, str]], columns=COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: row.get(key, "") for key in columns})
    return out.getvalue().encode("utf-8")


def _with(line: int, **changes) -> bytes:
    rows = _rows()
    rows[line - 2].update(changes)
    return _csv(rows)


def _problems(report) -> list[tuple[int, str]]:
    return [(p.line, p.column) for p in report.problems]


def test_happy_path(units):
    report = import_residents(_csv(_rows()))
    assert report.ok, report.problems
    assert (report.created, report.updated, report.unchanged, report.households_created) == (4, 0, 0, 1)

    hai = Resident.objects.get(personal_id=HAI)
    hoa = Resident.objects.get(personal_id=HOA)
    khoa = Resident.objects.get(personal_id=KHOA)
    tu = Resident.objects.get(personal_id=TU)
    assert hai.spouse == hoa and hoa.spouse == hai
    assert khoa.father == hai and khoa.mother == hoa
    assert hai.father == tu and hai.mother is None and hai.mother_name == "Lê Thị Năm"
    assert hai.phone == "0901234567"
    assert hoa.birth_date == datetime.date(1987, 6, 12) and hoa.sex == "nu" and hoa.ethnicity == "Khmer"
    assert (hoa.current_commune, hoa.current_detail) == ("25516", "Ấp Thạnh Nam")
    assert (khoa.current_commune, khoa.current_detail) == ("25522", "Ấp Thạnh Hiệp, Tổ 4")  # as permanent
    assert khoa.full_name_folded == "pham minh khoa"
    household = Household.objects.get(code="HK-TD-1")
    assert household.head == hai
    assert (household.province_code, household.commune_code, household.address_detail) == (
        "80",
        "25522",
        "Ấp Thạnh Hiệp, Tổ 4",
    )
    assert household.members.count() == 4


def test_re_importing_the_same_file_changes_nothing(units):
    data = _csv(_rows())
    import_residents(data)
    before = list(Resident.objects.order_by("pk").values())
    report = import_residents(data)
    assert report.ok
    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)
    assert (report.households_created, report.households_updated) == (0, 0)
    assert list(Resident.objects.order_by("pk").values()) == before


def test_a_changed_row_is_updated(units):
    import_residents(_csv(_rows()))
    report = import_residents(_with(4, full_name="Phạm Minh Khôi", mother_id=""))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 3)
    khoa = Resident.objects.get(personal_id=KHOA)
    assert khoa.full_name == "Phạm Minh Khôi" and khoa.full_name_folded == "pham minh khoi"
    assert khoa.mother is None


def _assert_rejected(data: bytes, line: int, column: str, text: str = "") -> None:
    report = import_residents(data)
    assert (line, column) in _problems(report), report.problems
    if text:
        assert any(text in p.message for p in report.problems if (p.line, p.column) == (line, column))
    assert Resident.objects.count() == 0
    assert Household.objects.count() == 0


def test_bad_personal_id_is_reported_with_line_and_column(units):
    _assert_rejected(_with(3, personal_id="08018700010"), 3, "personal_id", "08018700010")


def test_personal_id_must_match_sex_and_birth_year(units):
    # 080 1 87… is a woman born in 1987: not a man born in 1985.
    _assert_rejected(_with(2, personal_id="080187000111"), 2, "personal_id")


def test_impossible_date_is_reported(units):
    _assert_rejected(_with(4, birth_date="31/02/1990"), 4, "birth_date", "31/02/1990")


def test_unknown_commune_code_is_reported(units):
    _assert_rejected(_with(3, permanent_commune="99999"), 3, "permanent_commune", "99999")


def test_commune_of_another_province_is_reported(units):
    _assert_rejected(_with(3, permanent_commune="00004"), 3, "permanent_commune")  # a ward of Hà Nội


def test_unknown_parent_reference_is_reported(units):
    _assert_rejected(_with(4, father_id="072080999999"), 4, "father_id", "072080999999")


def test_duplicate_personal_id_is_reported_on_the_second_line(units):
    rows = _rows()
    rows.append({**rows[1], "full_name": "Nguyễn Thị Hoa (bản trùng)"})
    report = import_residents(_csv(rows))
    assert (6, "personal_id") in _problems(report)
    assert any("3" in p.message for p in report.problems if p.line == 6)
    assert Resident.objects.count() == 0


def test_every_problem_is_reported_not_only_the_first(units):
    rows = _rows()
    rows[0]["birth_date"] = "31/02/1990"
    rows[2]["permanent_commune"] = "99999"
    rows[3]["sex"] = "x"
    report = import_residents(_csv(rows))
    assert {(2, "birth_date"), (4, "permanent_commune"), (5, "sex")} <= set(_problems(report))
    assert [p.line for p in report.problems] == sorted(p.line for p in report.problems)


def test_a_household_needs_a_head(units):
    _assert_rejected(_with(2, relation_to_head="Con"), 2, "relation_to_head")


def test_parents_must_have_the_right_sex(units):
    _assert_rejected(_with(4, father_id=HOA), 4, "father_id")


def test_header_problems(units):
    report = import_residents(
        _csv(_rows(), columns=[c for c in COLUMNS if c != "birth_date"] + ["nick_name"])
    )
    assert {(1, "birth_date"), (1, "nick_name")} <= set(_problems(report))
    assert Resident.objects.count() == 0


def test_not_utf8(units):
    report = import_residents(b"personal_id,full_name\n072085000101,Ph\xe1m\n")
    assert report.problems and report.problems[0].line == 2


def test_parents_already_in_the_register_may_be_referenced(units):
    import_residents(_csv(_rows()))
    baby = {
        "personal_id": "080325000105",
        "full_name": "Phạm Ngọc Hân",
        "birth_date": "2025-10-01",
        "sex": "nu",
        "permanent_province": "80",
        "permanent_commune": "25522",
        "household_code": "HK-TD-1",
        "relation_to_head": "Con",
        "father_id": HAI,
        "mother_id": HOA,
    }
    report = import_residents(_csv([baby]))
    assert report.ok, report.problems
    assert Resident.objects.get(personal_id="080325000105").mother.personal_id == HOA


def test_the_command_imports_and_reports(units, tmp_path, capsys):
    path = tmp_path / "residents.csv"
    path.write_bytes(_csv(_rows()))
    call_command("import_residents", str(path))
    assert Resident.objects.count() == 4


def test_the_command_lists_problems_and_imports_nothing(units, tmp_path):
    path = tmp_path / "residents.csv"
    path.write_bytes(_with(4, birth_date="31/02/1990"))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_residents", str(path), stderr=err)
    assert "4" in err.getvalue() and "birth_date" in err.getvalue()
    assert Resident.objects.count() == 0


def test_the_command_dry_run_writes_nothing(units, tmp_path):
    path = tmp_path / "residents.csv"
    path.write_bytes(_csv(_rows()))
    call_command("import_residents", str(path), "--dry-run")
    assert Resident.objects.count() == 0


@given(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2099, 12, 31)))
def test_both_date_formats_parse(day):
    assert parse_date(day.isoformat()) == day
    assert parse_date(day.strftime("%d/%m/%Y")) == day


@given(
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2099, 12, 31)),
    st.sampled_from(["nam", "nu"]),
    st.sampled_from(["001", "072", "080", "096"]),
    st.integers(0, 999_999),
)
def test_structurally_valid_ids_pass_and_the_opposite_sex_fails(day, sex, province, serial):
    number = build_personal_id(
        province_code=province, sex=MALE if sex == "nam" else FEMALE, birth_year=day.year, serial=serial
    )
    assert personal_id_problems(number, sex=sex, birth_date=day) == []
    other = "nu" if sex == "nam" else "nam"
    assert personal_id_problems(number, sex=other, birth_date=day) != []


def test_a_spouse_already_in_the_register_is_linked_both_ways(units):
    import_residents(_csv(_rows()))
    wife = {
        "personal_id": "080152000106",
        "full_name": "Lê Thị Năm",
        "birth_date": "1952-08-20",
        "sex": "nu",
        "permanent_province": "80",
        "permanent_commune": "25522",
        "household_code": "HK-TD-1",
        "relation_to_head": "Mẹ",
        "spouse_id": TU,
    }
    report = import_residents(_csv([wife]))
    assert report.ok, report.problems
    tu = Resident.objects.get(personal_id=TU)
    assert tu.spouse.personal_id == "080152000106"
    assert tu.spouse.spouse == tu
