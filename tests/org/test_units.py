"""Administrative units: loading from vietnam_provinces, effective dating, succession."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from motcua.core.models import AuditRecord
from motcua.org import selectors
from motcua.org.models import AdministrativeUnit
from motcua.org.services import REFORM_DATE, load_units, succeed_units
from tests.factories import AgencyFactory, ProvinceFactory, UnitFactory

pytestmark = pytest.mark.django_db

Level = AdministrativeUnit.Level
TODAY = dt.date(2026, 11, 28)


def test_load_units_creates_34_provinces_and_3321_communes(units):
    assert units.provinces_created == 34
    assert units.communes_created == 3321
    assert AdministrativeUnit.objects.filter(level=Level.PROVINCE).count() == 34
    assert AdministrativeUnit.objects.filter(level=Level.COMMUNE).count() == 3321
    assert not AdministrativeUnit.objects.exclude(valid_from=REFORM_DATE).exists()


def test_codes_are_strings_two_digits_for_provinces_five_for_communes(units):
    tay_ninh = AdministrativeUnit.objects.get(level=Level.PROVINCE, code="80")
    assert tay_ninh.name == "Tỉnh Tây Ninh"
    assert tay_ninh.division_type == "tỉnh"
    assert AdministrativeUnit.objects.get(level=Level.PROVINCE, code="01").name == "Thành phố Hà Nội"
    commune = AdministrativeUnit.objects.get(level=Level.COMMUNE, code="27727")
    assert commune.name == "Xã Hưng Điền"
    assert commune.division_type == "xã"
    assert commune.parent == tay_ninh
    commune_codes = AdministrativeUnit.objects.filter(level=Level.COMMUNE).values_list("code", flat=True)
    assert all(len(c) == 5 and c.isdigit() for c in commune_codes)
    province_codes = AdministrativeUnit.objects.filter(level=Level.PROVINCE).values_list("code", flat=True)
    assert all(len(c) == 2 and c.isdigit() for c in province_codes)
    assert tay_ninh.children.count() == 96


def test_division_types_and_folded_names(units):
    assert set(
        AdministrativeUnit.objects.filter(level=Level.COMMUNE).values_list("division_type", flat=True)
    ) == {
        "xã",
        "phường",
        "đặc khu",
    }
    tan_dong = AdministrativeUnit.objects.get(code="25522")
    assert tan_dong.name == "Xã Tân Đông"
    assert tan_dong.name_folded == "xa tan dong"


def test_load_units_twice_changes_nothing(units, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        again = load_units()
    assert again.created == 0
    assert again.updated == 0
    assert again.unchanged == 34 + 3321
    assert AdministrativeUnit.objects.count() == 34 + 3321


def test_load_units_repairs_a_changed_name(units):
    AdministrativeUnit.objects.filter(code="25522").update(name="Sai tên", name_folded="sai ten")
    counts = load_units()
    assert counts.updated == 1
    assert AdministrativeUnit.objects.get(code="25522").name_folded == "xa tan dong"


def test_load_units_with_another_valid_from_is_a_separate_period(units):
    counts = load_units(valid_from=dt.date(2030, 1, 1))
    assert counts.created == 34 + 3321
    assert AdministrativeUnit.objects.filter(code="80").count() == 2


def test_load_units_command(db, capsys):
    call_command("load_units")
    assert "34 provinces and 3321 communes created" in capsys.readouterr().out
    call_command("load_units")
    assert "0 provinces and 0 communes created" in capsys.readouterr().out


def test_load_units_command_rejects_a_bad_date(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("load_units", "--valid-from", "1/7/2025")


# --- Effective dating -------------------------------------------------------------------------


def test_current_units_excludes_ended_and_not_yet_started_units(db):
    current = ProvinceFactory(valid_from=dt.date(2025, 7, 1))
    ended = ProvinceFactory(valid_from=dt.date(1976, 1, 1), valid_to=dt.date(2025, 6, 30))
    ends_today = ProvinceFactory(valid_from=dt.date(2020, 1, 1), valid_to=TODAY)
    future = ProvinceFactory(valid_from=dt.date(2030, 1, 1))
    found = set(selectors.current_units(today=TODAY))
    assert current in found
    assert ends_today in found
    assert ended not in found
    assert future not in found


def test_current_units_defaults_to_today(db):
    unit = ProvinceFactory(valid_from=dt.date(2025, 7, 1))
    assert unit in selectors.current_units()


def test_unit_as_of_follows_the_period_of_a_reused_code(db):
    long_an = ProvinceFactory(
        code="80", name="Tỉnh Long An", valid_from=dt.date(1976, 1, 1), valid_to=dt.date(2025, 6, 30)
    )
    tay_ninh = ProvinceFactory(code="80", name="Tỉnh Tây Ninh", valid_from=dt.date(2025, 7, 1))
    assert selectors.unit_as_of("80", dt.date(2025, 6, 30)) == long_an
    assert selectors.unit_as_of("80", dt.date(2025, 7, 1)) == tay_ninh
    assert selectors.unit_as_of("80", dt.date(1970, 1, 1)) is None
    assert selectors.unit_as_of("99999", dt.date(2025, 7, 1)) is None


# --- Succession -------------------------------------------------------------------------------


@pytest.fixture
def merger(db):
    old_tay_ninh = ProvinceFactory(code="72", name="Tỉnh Tây Ninh", valid_from=dt.date(1976, 1, 1))
    old_long_an = ProvinceFactory(code="80", name="Tỉnh Long An", valid_from=dt.date(1976, 1, 1))
    new_tay_ninh = ProvinceFactory(code="80", name="Tỉnh Tây Ninh", valid_from=REFORM_DATE)
    return old_tay_ninh, old_long_an, new_tay_ninh


def test_succeed_units_closes_old_units_the_day_before_and_links_the_successor(merger):
    old_tay_ninh, old_long_an, new_tay_ninh = merger
    succeed_units(old_units=[old_tay_ninh, old_long_an], new_unit=new_tay_ninh, on_date=REFORM_DATE)
    for unit in (old_tay_ninh, old_long_an):
        unit.refresh_from_db()
        assert unit.valid_to == dt.date(2025, 6, 30)
        assert list(unit.successors.all()) == [new_tay_ninh]
    assert set(new_tay_ninh.predecessors.all()) == {old_tay_ninh, old_long_an}
    assert AuditRecord.objects.filter(action="org.unit_succeeded").count() == 2


def test_a_record_under_the_old_unit_keeps_it_and_finds_the_successor(merger):
    old_tay_ninh, old_long_an, new_tay_ninh = merger
    agency = AgencyFactory(unit=old_long_an)
    succeed_units(old_units=[old_tay_ninh, old_long_an], new_unit=new_tay_ninh, on_date=REFORM_DATE)
    agency.refresh_from_db()
    assert agency.unit == old_long_an
    assert selectors.successor_chain(agency.unit) == [new_tay_ninh]
    assert selectors.current_successors(agency.unit, today=TODAY) == [new_tay_ninh]
    assert selectors.current_successors(new_tay_ninh, today=TODAY) == [new_tay_ninh]


def test_succeed_units_twice_changes_nothing(merger):
    old_tay_ninh, old_long_an, new_tay_ninh = merger
    succeed_units(old_units=[old_tay_ninh, old_long_an], new_unit=new_tay_ninh, on_date=REFORM_DATE)
    succeed_units(old_units=[old_tay_ninh, old_long_an], new_unit=new_tay_ninh, on_date=REFORM_DATE)
    assert old_long_an.successors.count() == 1
    assert AuditRecord.objects.filter(action="org.unit_succeeded").count() == 2


def test_successor_chain_follows_several_generations_without_repeats(db):
    a = UnitFactory(valid_from=dt.date(2000, 1, 1))
    b = UnitFactory(valid_from=dt.date(2010, 1, 1))
    c = UnitFactory(valid_from=dt.date(2020, 1, 1))
    d = UnitFactory(valid_from=dt.date(2020, 1, 1))
    succeed_units(old_units=[a], new_unit=b, on_date=dt.date(2010, 1, 1))
    succeed_units(old_units=[b], new_unit=c, on_date=dt.date(2020, 1, 1))
    succeed_units(old_units=[b], new_unit=d, on_date=dt.date(2020, 1, 1))
    chain = selectors.successor_chain(a)
    assert chain[0] == b
    assert set(chain[1:]) == {c, d}
    assert len(chain) == 3
    assert selectors.successor_chain(d) == []
    assert set(selectors.current_successors(a, today=TODAY)) == {c, d}


def test_succeed_units_rejects_a_new_unit_that_starts_later(merger):
    old_tay_ninh, _, new_tay_ninh = merger
    with pytest.raises(ValidationError) as info:
        succeed_units(old_units=[old_tay_ninh], new_unit=new_tay_ninh, on_date=dt.date(2025, 1, 1))
    assert "new_unit" in info.value.message_dict
    old_tay_ninh.refresh_from_db()
    assert old_tay_ninh.valid_to is None


def test_succeed_units_rejects_a_unit_already_closed_on_another_day(merger):
    old_tay_ninh, _, new_tay_ninh = merger
    AdministrativeUnit.objects.filter(pk=old_tay_ninh.pk).update(valid_to=dt.date(2020, 1, 1))
    old_tay_ninh.refresh_from_db()
    with pytest.raises(ValidationError) as info:
        succeed_units(old_units=[old_tay_ninh], new_unit=new_tay_ninh, on_date=REFORM_DATE)
    assert info.value.error_dict["old_units"][0].code == "already_closed"


def test_succeed_units_rejects_an_old_unit_that_starts_after_the_date(merger):
    _, _, new_tay_ninh = merger
    late = ProvinceFactory(valid_from=dt.date(2025, 7, 1))
    with pytest.raises(ValidationError) as info:
        succeed_units(old_units=[late], new_unit=new_tay_ninh, on_date=REFORM_DATE)
    assert info.value.error_dict["old_units"][0].code == "ends_before_start"


def test_succeed_units_rejects_self_succession_and_no_old_units(merger):
    _, _, new_tay_ninh = merger
    with pytest.raises(ValidationError) as info:
        succeed_units(old_units=[new_tay_ninh], new_unit=new_tay_ninh, on_date=dt.date(2026, 1, 1))
    assert info.value.error_dict["old_units"][0].code == "self_succession"
    with pytest.raises(ValidationError) as info:
        succeed_units(old_units=[], new_unit=new_tay_ninh, on_date=REFORM_DATE)
    assert info.value.error_dict["old_units"][0].code == "no_old_units"


def test_failed_succession_leaves_nothing_half_written(merger):
    old_tay_ninh, old_long_an, new_tay_ninh = merger
    AdministrativeUnit.objects.filter(pk=old_long_an.pk).update(valid_to=dt.date(2020, 1, 1))
    old_long_an.refresh_from_db()
    with pytest.raises(ValidationError):
        succeed_units(old_units=[old_tay_ninh, old_long_an], new_unit=new_tay_ninh, on_date=REFORM_DATE)
    old_tay_ninh.refresh_from_db()
    assert old_tay_ninh.valid_to is None
    assert not old_tay_ninh.successors.exists()
