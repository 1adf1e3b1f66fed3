"""The demo province: the Tây Ninh agency tree with fixed codes and the historical example."""

import datetime as dt

import pytest

from motcua.org import selectors
from motcua.org.demo import build_demo_agencies, build_demo_units, build_historical_units
from motcua.org.models import AdministrativeUnit, Agency

pytestmark = pytest.mark.django_db

Kind = Agency.Kind


def test_the_tree_has_the_agreed_codes(demo_tree):
    assert demo_tree == {"agencies_created": 305, "agencies": 305}
    root = Agency.objects.get(code="000.00.00.H53")
    assert root.kind == Kind.PROVINCE_PC
    assert root.parent is None
    assert root.unit.code == "80"
    centre = Agency.objects.get(code="000.00.30.H53")
    assert (centre.kind, centre.parent) == (Kind.SERVICE_CENTRE, root)
    departments = Agency.objects.filter(kind=Kind.DEPARTMENT).order_by("code")
    assert [a.code for a in departments] == [f"000.00.{n:02d}.H53" for n in range(1, 14)]
    assert Agency.objects.get(code="000.00.04.H53").name == "Sở Tư pháp"
    assert Agency.objects.get(code="000.00.13.H53").name == "Thanh tra tỉnh"
    assert all(a.parent == root for a in departments)
    assert Agency.objects.get(code="000.00.20.H53").kind == Kind.PROVINCIAL_POLICE
    assert Agency.objects.get(code="000.00.21.H53").kind == Kind.SOCIAL_INSURANCE


def test_every_commune_has_its_committee_centre_and_police_in_code_order(demo_tree):
    province = selectors.current_unit("80", level="province")
    communes = list(selectors.current_children(province))
    assert len(communes) == 96
    assert [c.code for c in communes] == sorted(c.code for c in communes)
    for index, commune in enumerate(communes, start=1):
        pc = Agency.objects.get(code=f"000.{index:02d}.40.H53")
        assert (pc.kind, pc.unit, pc.parent.code) == (Kind.COMMUNE_PC, commune, "000.00.00.H53")
        centre = Agency.objects.get(code=f"001.{index:02d}.40.H53")
        police = Agency.objects.get(code=f"002.{index:02d}.40.H53")
        assert (centre.kind, centre.unit, centre.parent) == (Kind.COMMUNE_ONE_STOP, commune, pc)
        assert (police.kind, police.unit, police.parent) == (Kind.COMMUNE_POLICE, commune, pc)


def test_tan_dong_and_tan_chau_are_there(demo_tree):
    tan_dong = AdministrativeUnit.objects.get(code="25522")
    tan_chau = AdministrativeUnit.objects.get(code="25516")
    assert selectors.commune_agency(tan_dong, Kind.COMMUNE_PC).name == "UBND xã Tân Đông"
    assert selectors.commune_agency(tan_dong, Kind.COMMUNE_ONE_STOP).code == "001.08.40.H53"
    assert selectors.commune_agency(tan_chau, Kind.COMMUNE_PC).code == "000.07.40.H53"


def test_demo_contact_details_are_clearly_placeholders(demo_tree):
    agency = Agency.objects.get(code="000.08.40.H53")
    assert "minh họa" in agency.address
    assert agency.email.endswith(".example.org")
    assert agency.opening_hours


def test_paths_are_consistent_for_the_whole_tree(demo_tree):
    by_id = {a.pk: a for a in Agency.objects.all()}
    for agency in by_id.values():
        expected = f"{by_id[agency.parent_id].path if agency.parent_id else '/'}{agency.pk}/"
        assert agency.path == expected
    root = Agency.objects.get(code="000.00.00.H53")
    assert selectors.agency_subtree(root).count() == 305


def test_building_the_demo_again_creates_nothing(demo_tree, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert build_demo_agencies() == {"agencies_created": 0, "agencies": 305}
    assert build_historical_units() == 0
    assert build_demo_units()["historical_created"] == 0
    assert Agency.objects.count() == 305


def test_historical_example_old_long_an_and_tay_ninh_lead_to_the_new_tay_ninh(demo_tree):
    new = selectors.unit_as_of("80", dt.date(2025, 7, 1), level="province")
    assert new.name == "Tỉnh Tây Ninh"
    old_long_an = selectors.unit_as_of("80", dt.date(2025, 6, 30), level="province")
    old_tay_ninh = selectors.unit_as_of("72", dt.date(2025, 6, 30), level="province")
    assert old_long_an.name == "Tỉnh Long An"
    assert old_tay_ninh.name == "Tỉnh Tây Ninh"
    assert old_long_an.valid_to == old_tay_ninh.valid_to == dt.date(2025, 6, 30)
    assert selectors.successor_chain(old_long_an) == [new]
    assert selectors.successor_chain(old_tay_ninh) == [new]
    assert old_long_an not in selectors.current_units()
    assert selectors.current_provinces().count() == 34


def test_build_demo_agencies_loads_the_units_when_missing(db):
    result = build_demo_agencies()
    assert result["agencies_created"] == 305
