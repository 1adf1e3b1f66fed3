"""The demo population: consistent families, valid unique IDs, the fixed people, idempotence."""

from __future__ import annotations

import datetime
import time
from collections import Counter

import pytest
from django.utils import timezone

from motcua.accounts.personal_id import FEMALE, MALE, parse_personal_id
from motcua.registers.demo import RANDOM_PREFIX, build_demo_population
from motcua.registers.models import Household, Resident

pytestmark = pytest.mark.django_db


def _years_between(older: datetime.date, younger: datetime.date) -> int:
    """Full years from ``older`` to ``younger``."""
    return younger.year - older.year - ((younger.month, younger.day) < (older.month, older.day))


@pytest.fixture
def population(units):
    counts = build_demo_population(n=300, seed=7)
    people = {r.pk: r for r in Resident.objects.select_related("household")}
    return counts, people


def test_counts(population):
    counts, people = population
    assert counts.residents >= 300
    assert counts.households > 50
    assert counts.fixed_created == 4
    assert not counts.skipped
    assert len(people) == counts.residents + 4


def test_children_have_parents_18_to_45_years_older_in_the_same_household(population):
    _counts, people = population
    children = [p for p in people.values() if p.father_id or p.mother_id]
    assert len(children) > 100
    for child in children:
        for parent_id in (child.father_id, child.mother_id):
            if parent_id is None:
                continue
            parent = people[parent_id]
            assert 18 <= _years_between(parent.birth_date, child.birth_date) <= 45, (parent, child)
            assert parent.household_id == child.household_id
        if child.father_id and child.mother_id:
            # The child's parents are the household's couple.
            assert people[child.father_id].spouse_id == child.mother_id
            assert people[child.mother_id].spouse_id == child.father_id
        if child.father_id:
            assert people[child.father_id].sex == "nam"
        if child.mother_id:
            assert people[child.mother_id].sex == "nu"


def test_spouses_are_mutual_adults_of_opposite_sex(population):
    _counts, people = population
    today = timezone.localdate()
    married = [p for p in people.values() if p.spouse_id]
    assert len(married) > 100
    for person in married:
        spouse = people[person.spouse_id]
        assert spouse.spouse_id == person.pk
        assert {person.sex, spouse.sex} == {"nam", "nu"}
        assert _years_between(person.birth_date, today) >= 18
        assert person.household_id == spouse.household_id


def test_personal_ids_are_valid_unique_and_match_the_person(population):
    _counts, people = population
    ids = [p.personal_id for p in people.values()]
    assert len(ids) == len(set(ids))
    serials = Counter(pid[6:] for pid in ids)
    assert max(serials.values()) == 1
    provinces = Counter(pid[:3] for pid in ids)
    assert provinces["072"] + provinces["080"] >= 0.8 * len(ids)
    for person in people.values():
        info = parse_personal_id(person.personal_id)
        assert info.valid, (person.personal_id, info.reasons)
        assert info.birth_year == person.birth_date.year
        assert info.sex == (MALE if person.sex == "nam" else FEMALE)


def test_everybody_lives_at_the_household_address_with_a_head(population):
    _counts, people = population
    today = timezone.localdate()
    households = Household.objects.filter(code__startswith=RANDOM_PREFIX)
    assert households.filter(head__isnull=True).count() == 0
    communes = set(households.values_list("commune_code", flat=True))
    assert len(communes) == min(96, households.count())  # spread over the communes
    for person in people.values():
        household = person.household
        assert household is not None
        assert (person.permanent_province, person.permanent_commune, person.permanent_detail) == (
            household.province_code,
            household.commune_code,
            household.address_detail,
        )
        assert person.birth_date < today
        assert person.relation_to_head
    heads = Counter(p.household_id for p in people.values() if p.relation_to_head == "Chủ hộ")
    assert set(heads.values()) == {1}


def test_ethnicities_are_mostly_kinh(population):
    _counts, people = population
    ethnicities = Counter(p.ethnicity for p in people.values())
    assert ethnicities["Kinh"] >= 0.8 * len(people)
    assert set(ethnicities) <= {"Kinh", "Khmer", "Hoa", "Chăm", "Xtiêng"}


def test_running_again_adds_nothing(population):
    counts, people = population
    again = build_demo_population(n=300, seed=7)
    assert again.skipped and again.residents == 0 and again.fixed_created == 0
    assert Resident.objects.count() == len(people)


def test_the_fixed_people(population):
    binh = Resident.objects.get(personal_id="080195000002")
    cuong = Resident.objects.get(personal_id="072093000003")
    diep = Resident.objects.get(personal_id="080318000004")
    an = Resident.objects.get(personal_id="072090000001")
    assert (binh.full_name, binh.sex, binh.birth_date, binh.ethnicity, binh.phone, binh.relation_to_head) == (
        "Trần Thị Bình",
        "nu",
        datetime.date(1995, 3, 12),
        "Kinh",
        "0912345678",
        "Vợ",
    )
    assert (cuong.full_name, cuong.sex, cuong.birth_date, cuong.relation_to_head) == (
        "Lê Văn Cường",
        "nam",
        datetime.date(1993, 7, 21),
        "Chủ hộ",
    )
    assert (diep.full_name, diep.sex, diep.birth_date, diep.relation_to_head) == (
        "Lê Ngọc Diệp",
        "nu",
        datetime.date(2018, 9, 2),
        "Con",
    )
    assert binh.spouse == cuong and cuong.spouse == binh
    assert diep.father == cuong and diep.mother == binh
    household = binh.household
    assert household == cuong.household == diep.household
    assert household.head == cuong
    assert household.address_detail == "Ấp Thạnh Hiệp"
    assert household.commune_code == "25522"  # Xã Tân Đông
    assert an.full_name == "Nguyễn Văn An" and an.birth_date == datetime.date(1990, 5, 5) and an.sex == "nam"
    assert an.household != household and an.household.head == an
    assert an.household.commune_code == "25516"  # Xã Tân Châu


def test_ten_thousand_residents_in_well_under_30_seconds(units):
    started = time.monotonic()
    counts = build_demo_population()
    elapsed = time.monotonic() - started
    assert counts.residents >= 10_000
    assert elapsed < 30
    assert (
        Household.objects.filter(code__startswith=RANDOM_PREFIX).values("commune_code").distinct().count()
        == 96
    )
