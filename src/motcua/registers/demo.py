"""A synthetic population of Tây Ninh for the built-in register (demo and load tests).

:func:`build_demo_population` makes households spread over the province's 96 communes — a head,
a spouse, children, sometimes grandparents — with consistent family links: a child's father and
mother are the household's couple and 18–45 years older; spouses are adults; everybody in a
household lives at its address. Personal ID numbers are structurally valid (birth-registration
province mostly 072 = old Tây Ninh and 080 = old Long An, century/sex digit and year matching
the birth date) with unique serials, and belong to nobody.

It also makes the fixed people other parts of the demo rely on (the e-ID provider's and the
demo accounts' citizens): see :data:`FIXED_HOUSEHOLDS`.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from faker import Faker

from motcua.accounts.personal_id import FEMALE, MALE, build_personal_id
from motcua.core.text import fold
from motcua.org.models import AdministrativeUnit
from motcua.registers.models import Household, Resident, Sex

PROVINCE_CODE = "80"
#: Household codes of the generated population start with this (the "already built" marker).
RANDOM_PREFIX = "DEMO-H"
HEAD = "Chủ hộ"

#: The fixed demo households: (code, commune name, address detail, members). A member is
#: (personal ID, full name, sex, birth date, relation to head, phone, father's name, mother's name).
FIXED_HOUSEHOLDS = [
    (
        "DEMO-TANDONG-01",
        "Xã Tân Đông",
        "Ấp Thạnh Hiệp",
        [
            (
                "072093000003",
                "Lê Văn Cường",
                Sex.MALE,
                "1993-07-21",
                HEAD,
                "0903456789",
                "Lê Văn Hùng",
                "Nguyễn Thị Lan",
            ),
            (
                "080195000002",
                "Trần Thị Bình",
                Sex.FEMALE,
                "1995-03-12",
                "Vợ",
                "0912345678",
                "Trần Văn Bảo",
                "Phạm Thị Mai",
            ),
            ("080318000004", "Lê Ngọc Diệp", Sex.FEMALE, "2018-09-02", "Con", "", "", ""),
        ],
    ),
    (
        "DEMO-TANCHAU-01",
        "Xã Tân Châu",
        "Ấp Thạnh Nam, Tổ 3",
        [
            (
                "072090000001",
                "Nguyễn Văn An",
                Sex.MALE,
                "1990-05-05",
                HEAD,
                "0900000000",
                "Nguyễn Văn Tâm",
                "Võ Thị Hạnh",
            ),
        ],
    ),
]

_ETHNICITIES = [("Kinh", 930), ("Khmer", 35), ("Hoa", 20), ("Chăm", 10), ("Xtiêng", 5)]
_SURNAMES = {
    "Kinh": [
        ("Nguyễn", 31),
        ("Trần", 11),
        ("Lê", 9),
        ("Phạm", 7),
        ("Huỳnh", 5),
        ("Võ", 5),
        ("Phan", 4),
        ("Trương", 2),
        ("Bùi", 2),
        ("Đặng", 2),
        ("Đỗ", 1),
        ("Ngô", 1),
        ("Hồ", 1),
        ("Dương", 1),
        ("Đinh", 1),
        ("Lý", 1),
        ("Mai", 1),
        ("Đoàn", 1),
        ("Lâm", 1),
        ("Châu", 1),
    ],
    "Khmer": [("Thạch", 3), ("Danh", 2), ("Sơn", 2), ("Kim", 1), ("Lâm", 1), ("Chau", 1)],
    "Hoa": [("Lâm", 2), ("Trương", 2), ("Quách", 1), ("Lý", 2), ("Mã", 1), ("Tăng", 1), ("Huỳnh", 1)],
    "Chăm": [("Mohamad", 2), ("Ysa", 1), ("Sa", 1), ("Ma", 1), ("Abdol", 1)],
    "Xtiêng": [("Điểu", 3), ("Thị", 1)],
}
_MIDDLE = {
    Sex.MALE: [
        "Văn",
        "Văn",
        "Văn",
        "Hữu",
        "Minh",
        "Quốc",
        "Đức",
        "Thanh",
        "Hoàng",
        "Công",
        "Tấn",
        "Thành",
        "Trọng",
    ],
    Sex.FEMALE: ["Thị", "Thị", "Thị", "Ngọc", "Thanh", "Thu", "Kim", "Mỹ", "Hồng", "Bích", "Phương", "Thùy"],
}
_MORE_GIVEN = {
    Sex.MALE: [
        "Phúc",
        "Lộc",
        "Tài",
        "Khang",
        "Bảo",
        "Hiếu",
        "Nghĩa",
        "Thiện",
        "Tín",
        "Vinh",
        "Sang",
        "Lợi",
        "Trí",
    ],
    Sex.FEMALE: [
        "Lan",
        "Hoa",
        "Trang",
        "Thảo",
        "Nhung",
        "Hằng",
        "Diễm",
        "Tuyết",
        "Loan",
        "Trinh",
        "Nhi",
        "Như",
    ],
}
_HAMLETS = [
    "Thạnh Hiệp",
    "Thạnh Nam",
    "Tân Lợi",
    "Tân Trung",
    "Bình Hòa",
    "Bình Thạnh",
    "Long Hiệp",
    "Long Thới",
    "Phước Lợi",
    "Phước Hòa",
    "Hòa Bình",
    "Hòa Thuận",
    "Suối Ngô",
    "Cầu Sắt",
    "Bàu Sen",
    "Trà Võ",
    "Xóm Mới",
    "Chánh",
    "Đông Hà",
    "Tây Bắc",
    "Ninh Phước",
    "An Lộc",
    "Lộc Tân",
    "Mỹ An",
    "Gò Chùa",
    "Rạch Tràm",
    "Bến Cừ",
    "Thuận Tây",
    "Trường Lưu",
    "Cây Me",
]
_STREETS = [
    "Cách Mạng Tháng Tám",
    "30 Tháng 4",
    "Trần Hưng Đạo",
    "Nguyễn Trãi",
    "Lê Lợi",
    "Hùng Vương",
    "Nguyễn Huệ",
    "Bời Lời",
    "Điện Biên Phủ",
    "Trưng Nữ Vương",
    "Hoàng Lê Kha",
    "Nguyễn Chí Thanh",
]
_BIRTH_PROVINCES = [
    ("072", 60),
    ("080", 30),
    ("079", 4),
    ("070", 2),
    ("074", 1),
    ("089", 1),
    ("087", 1),
    ("040", 1),
]
_PHONE_PREFIXES = [
    "090", "091", "093", "094", "096", "097", "098", "032", "033", "034", "035", "036", "037", "038",
    "039", "070", "076", "077", "078", "079", "081", "082", "083", "084", "085", "086", "088", "089",
]  # fmt: skip


@dataclass(frozen=True)
class DemoCounts:
    """What :func:`build_demo_population` did. ``skipped``: the population was already there."""

    households: int = 0
    residents: int = 0
    fixed_created: int = 0
    skipped: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(eq=False)
class _Person:
    sex: str
    birth_date: datetime.date
    full_name: str
    surname: str
    relation: str = ""
    household: int = 0
    ethnicity: str = "Kinh"
    phone: str = ""
    father: _Person | None = None
    mother: _Person | None = None
    father_name: str = ""
    mother_name: str = ""
    spouse_first: _Person | None = None  # set on the second spouse only: the one inserted earlier
    current: tuple[str, str] | None = None  # (commune code, detail) when not living at home
    personal_id: str = ""
    obj: Resident | None = None
    depth: int = field(default=-1)


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class _Generator:
    def __init__(self, seed: int, today: datetime.date, communes: list[tuple[str, str]]) -> None:
        self.rng = random.Random(seed)
        self.faker = Faker("vi_VN")
        self.faker.seed_instance(seed)
        self.today = today
        self.communes = communes[:]
        self.rng.shuffle(self.communes)
        self.hamlets = {code: self.rng.sample(_HAMLETS, 6) for code, _name in self.communes}
        self.households: list[tuple[str, str]] = []  # (commune code, detail)
        self.people: list[_Person] = []

    # -- small pieces ------------------------------------------------------------------------

    def weighted(self, pairs):
        values, weights = zip(*pairs, strict=True)
        return self.rng.choices(values, weights)[0]

    def given(self, sex: str) -> str:
        if self.rng.random() < 0.5:
            return self.faker.first_name_male() if sex == Sex.MALE else self.faker.first_name_female()
        return self.rng.choice(_MORE_GIVEN[sex])

    def name(self, sex: str, surname: str) -> str:
        middle = self.rng.choice(_MIDDLE[sex])
        given = self.given(sex)
        while given in (middle, surname):
            given = self.given(sex)
        return f"{surname} {middle} {given}"

    def surname(self, ethnicity: str) -> str:
        return self.weighted(_SURNAMES[ethnicity])

    def born_aged(self, age: int) -> datetime.date:
        """A birth date of somebody ``age`` full years old today."""
        latest = _add_years(self.today, -age)
        return latest - datetime.timedelta(days=self.rng.randint(1, 364))

    def phone(self) -> str:
        return self.rng.choice(_PHONE_PREFIXES) + f"{self.rng.randrange(10**7):07d}"

    def person(self, sex: str, birth: datetime.date, ethnicity: str, surname: str | None = None) -> _Person:
        surname = surname or self.surname(ethnicity)
        person = _Person(sex=sex, birth_date=birth, full_name=self.name(sex, surname), surname=surname)
        person.ethnicity = ethnicity
        person.household = len(self.households)
        age = (self.today - birth).days // 365
        if age >= 16 and self.rng.random() < 0.85:
            person.phone = self.phone()
        self.people.append(person)
        return person

    def outside_parents(self, person: _Person) -> None:
        """Names of parents who are not in the register."""
        person.father_name = self.name(Sex.MALE, person.surname)
        person.mother_name = self.name(Sex.FEMALE, self.surname(person.ethnicity))

    def spouse_for(self, partner: _Person, ethnicity: str) -> _Person:
        """The wife of ``partner`` (a man) or the husband of a woman, an adult of a plausible age."""
        partner_age = (self.today - partner.birth_date).days // 365
        if partner.sex == Sex.MALE:
            age = max(18, min(partner_age + 3, partner_age - self.rng.randint(-2, 7)))
            sex = Sex.FEMALE
        else:
            age = max(18, partner_age + self.rng.randint(-2, 7))
            sex = Sex.MALE
        spouse_ethnicity = ethnicity if self.rng.random() < 0.9 else "Kinh"
        spouse = self.person(sex, self.born_aged(age), spouse_ethnicity)
        spouse.spouse_first = partner
        return spouse

    def children(self, father: _Person, mother: _Person, count: int) -> list[_Person]:
        lo = _add_years(max(father.birth_date, mother.birth_date), 18)
        hi = min(
            _add_years(min(father.birth_date, mother.birth_date), 45), self.today - datetime.timedelta(days=1)
        )
        kids = []
        day = lo + datetime.timedelta(days=self.rng.randint(0, 8 * 365))
        while len(kids) < count and day <= hi:
            sex = self.rng.choice([Sex.MALE, Sex.FEMALE])
            child = self.person(sex, day, father.ethnicity, surname=father.surname)
            child.father, child.mother = father, mother
            kids.append(child)
            day += datetime.timedelta(days=self.rng.randint(400, 6 * 365))
        return kids

    def parents_of(self, person: _Person) -> tuple[_Person | None, _Person | None]:
        """Register entries for ``person``'s parents, both 18–45 years older; those who would be
        over 95 are left out (kept by name only)."""
        father_gap = self.rng.randint(22, 40)
        mother_gap = self.rng.randint(19, min(father_gap + 2, 40))
        father = mother = None
        father_birth = _add_years(person.birth_date, -father_gap) - datetime.timedelta(
            days=self.rng.randint(0, 300)
        )
        mother_birth = _add_years(person.birth_date, -mother_gap) - datetime.timedelta(
            days=self.rng.randint(0, 300)
        )
        if _add_years(father_birth, 95) > self.today and self.rng.random() < 0.8:
            father = self.person(Sex.MALE, father_birth, person.ethnicity, surname=person.surname)
            self.outside_parents(father)
        if _add_years(mother_birth, 95) > self.today and self.rng.random() < 0.9:
            mother = self.person(Sex.FEMALE, mother_birth, person.ethnicity)
            self.outside_parents(mother)
            if father is not None:
                mother.spouse_first = father
        person.father, person.mother = father, mother
        if father is None:
            person.father_name = self.name(Sex.MALE, person.surname)
        if mother is None:
            person.mother_name = self.name(Sex.FEMALE, self.surname(person.ethnicity))
        return father, mother

    # -- households --------------------------------------------------------------------------

    def household(self) -> None:
        index = len(self.households)
        commune_code, commune_name = self.communes[index % len(self.communes)]
        if commune_name.startswith("Phường"):
            detail = f"Khu phố {self.rng.randint(1, 12)}"
            if self.rng.random() < 0.6:
                detail = f"Số {self.rng.randint(1, 250)} đường {self.rng.choice(_STREETS)}, {detail}"
        else:
            detail = f"Ấp {self.rng.choice(self.hamlets[commune_code])}"
            if self.rng.random() < 0.4:
                detail = f"Tổ {self.rng.randint(1, 15)}, {detail}"
        first = len(self.people)
        ethnicity = self.weighted(_ETHNICITIES)
        kind = self.weighted([("single", 8), ("couple", 12), ("nuclear", 60), ("three", 20)])

        if kind == "single":
            sex = self.rng.choice([Sex.MALE, Sex.FEMALE])
            head = self.person(sex, self.born_aged(self.rng.randint(20, 85)), ethnicity)
            self.outside_parents(head)
            head.relation = HEAD
        else:
            husband_age = self.rng.randint(25, 55) if kind == "three" else self.rng.randint(20, 75)
            husband = self.person(Sex.MALE, self.born_aged(husband_age), ethnicity)
            wife = self.spouse_for(husband, ethnicity)
            count = 0 if kind == "couple" else self.weighted([(1, 30), (2, 40), (3, 20), (4, 10)])
            kids = self.children(husband, wife, count)
            grand_side = None
            if kind == "three":
                grand_side = husband if self.rng.random() < 0.7 else wife
                grandfather, grandmother = self.parents_of(grand_side)
            for spouse in (husband, wife):
                if spouse is not grand_side:
                    self.outside_parents(spouse)
            # Who heads the household, and everybody's relation to the head.
            elders = [p for p in (grand_side and grand_side.father, grand_side and grand_side.mother) if p]
            if elders and self.rng.random() < 0.4:
                head = elders[0]
                head.relation = HEAD
                for elder in elders[1:]:
                    elder.relation = "Vợ"
                grand_side.relation = "Con"
                other = wife if grand_side is husband else husband
                other.relation = "Con dâu" if other is wife else "Con rể"
                for kid in kids:
                    kid.relation = "Cháu"
            else:
                head = wife if self.rng.random() < 0.12 else husband
                other = husband if head is wife else wife
                head.relation, other.relation = HEAD, ("Chồng" if other is husband else "Vợ")
                for kid in kids:
                    kid.relation = "Con"
                for elder in elders:
                    parent = "Cha" if elder.sex == Sex.MALE else "Mẹ"
                    if grand_side is not head:
                        parent += " vợ" if grand_side is wife else " chồng"
                    elder.relation = parent

        # Most live at home; a few work elsewhere in the province (current address differs).
        for person in self.people[first:]:
            if (self.today - person.birth_date).days > 18 * 365 and self.rng.random() < 0.05:
                code, _name = self.rng.choice(self.communes)
                person.current = (code, f"Ấp {self.rng.choice(self.hamlets[code])}")
        self.households.append((commune_code, detail))

    def population(self, n: int) -> None:
        while len(self.people) < n:
            self.household()

    def assign_ids(self, taken: set[str]) -> None:
        serials = iter(self.rng.sample(range(100_000, 1_000_000), min(900_000, len(self.people) + 1000)))
        for person in self.people:
            while True:
                number = build_personal_id(
                    province_code=self.weighted(_BIRTH_PROVINCES),
                    sex=MALE if person.sex == Sex.MALE else FEMALE,
                    birth_year=person.birth_date.year,
                    serial=next(serials),
                )
                if number not in taken:
                    break
            person.personal_id = number


def _depth(person: _Person) -> int:
    if person.depth < 0:
        deps = [p for p in (person.father, person.mother, person.spouse_first) if p is not None]
        person.depth = 1 + max((_depth(p) for p in deps), default=-1)
    return person.depth


def _unit(name: str) -> AdministrativeUnit:
    # Names repeat across provinces ("Xã Tân Châu" is also in An Giang): look inside Tây Ninh.
    return AdministrativeUnit.objects.select_related("parent").get(
        name=name,
        level="commune",
        valid_to__isnull=True,
        parent__code=PROVINCE_CODE,
        parent__valid_to__isnull=True,
    )


def ensure_fixed_people() -> int:
    """Create the fixed demo households and people that are missing; link spouses, parents and
    heads where the links are missing. Returns how many residents were created."""
    created = 0
    people: dict[str, Resident] = {}
    for code, commune_name, detail, members in FIXED_HOUSEHOLDS:
        commune = _unit(commune_name)
        province = commune.parent.code
        household, _new = Household.objects.get_or_create(
            code=code,
            defaults={"province_code": province, "commune_code": commune.code, "address_detail": detail},
        )
        for pid, name, sex, born, relation, phone, father_name, mother_name in members:
            resident, new = Resident.objects.get_or_create(
                personal_id=pid,
                defaults={
                    "full_name": name,
                    "sex": sex,
                    "birth_date": datetime.date.fromisoformat(born),
                    "ethnicity": "Kinh",
                    "nationality": "Việt Nam",
                    "permanent_province": household.province_code,
                    "permanent_commune": household.commune_code,
                    "permanent_detail": household.address_detail,
                    "current_province": household.province_code,
                    "current_commune": household.commune_code,
                    "current_detail": household.address_detail,
                    "household": household,
                    "relation_to_head": relation,
                    "phone": phone,
                    "father_name": father_name,
                    "mother_name": mother_name,
                },
            )
            created += new
            people[pid] = resident
            if relation == HEAD and household.head_id is None:
                household.head = resident
                household.save(update_fields=["head"])

    def link(pid: str, **targets: str) -> None:
        person = people[pid]
        changed = [f for f, target in targets.items() if getattr(person, f"{f}_id") is None]
        for f in changed:
            setattr(person, f, people[targets[f]])
        if changed:
            person.save(update_fields=changed)

    link("072093000003", spouse="080195000002")
    link("080195000002", spouse="072093000003")
    link("080318000004", father="072093000003", mother="080195000002")
    return created


def build_demo_population(n: int = 10000, seed: int = 2026) -> DemoCounts:
    """Make at least ``n`` synthetic residents of Tây Ninh in households over its communes, and
    the fixed demo people. Idempotent: when the generated population is there (any household
    code starting ``DEMO-H``) only the fixed people are checked. Needs the administrative units
    (``motcua load_units``). About 1–2 s for 10,000 residents on SQLite."""
    with transaction.atomic():
        fixed = ensure_fixed_people()
        if Household.objects.filter(code__startswith=RANDOM_PREFIX).exists():
            return DemoCounts(fixed_created=fixed, skipped=True)

        communes = list(
            AdministrativeUnit.objects.filter(
                level="commune",
                parent__code=PROVINCE_CODE,
                parent__valid_to__isnull=True,
                valid_to__isnull=True,
            )
            .order_by("code")
            .values_list("code", "name")
        )
        if not communes:
            raise RuntimeError(
                "No communes of Tây Ninh: load the administrative units first (motcua load_units)."
            )

        generator = _Generator(seed, timezone.localdate(), communes)
        generator.population(n)
        taken = set(Resident.objects.values_list("personal_id", flat=True))
        generator.assign_ids(taken)

        households = [
            Household(
                code=f"{RANDOM_PREFIX}{index:06d}",
                province_code=PROVINCE_CODE,
                commune_code=code,
                address_detail=detail,
            )
            for index, (code, detail) in enumerate(generator.households, start=1)
        ]
        Household.objects.bulk_create(households, batch_size=1000)

        by_depth: dict[int, list[_Person]] = {}
        for person in generator.people:
            by_depth.setdefault(_depth(person), []).append(person)
        for depth in sorted(by_depth):
            batch = []
            for p in by_depth[depth]:
                household = households[p.household]
                current_commune, current_detail = p.current or (
                    household.commune_code,
                    household.address_detail,
                )
                p.obj = Resident(
                    personal_id=p.personal_id,
                    full_name=p.full_name,
                    full_name_folded=fold(p.full_name),
                    birth_date=p.birth_date,
                    sex=p.sex,
                    ethnicity=p.ethnicity,
                    nationality="Việt Nam",
                    permanent_province=PROVINCE_CODE,
                    permanent_commune=household.commune_code,
                    permanent_detail=household.address_detail,
                    current_province=PROVINCE_CODE,
                    current_commune=current_commune,
                    current_detail=current_detail,
                    father_id=p.father.obj.pk if p.father else None,
                    mother_id=p.mother.obj.pk if p.mother else None,
                    father_name=p.father_name,
                    mother_name=p.mother_name,
                    spouse_id=p.spouse_first.obj.pk if p.spouse_first else None,
                    household_id=household.pk,
                    relation_to_head=p.relation,
                    phone=p.phone,
                )
                batch.append(p.obj)
            Resident.objects.bulk_create(batch, batch_size=1000)

        # The spouse inserted first learns who married them; each household learns its head.
        demo = Resident.objects.filter(household__code__startswith=RANDOM_PREFIX)
        demo.filter(spouse__isnull=True).update(
            spouse_id=Subquery(Resident.objects.filter(spouse_id=OuterRef("pk")).values("pk")[:1])
        )
        Household.objects.filter(code__startswith=RANDOM_PREFIX).update(
            head_id=Subquery(
                Resident.objects.filter(household_id=OuterRef("pk"), relation_to_head=HEAD).values("pk")[:1]
            )
        )
        return DemoCounts(households=len(households), residents=len(generator.people), fixed_created=fixed)
