"""Demo data for the organisation: the units, a historical succession example and the agency
tree of the new Tây Ninh province (in its borders since 1 July 2025).

Everything here is idempotent: running it again creates nothing new. Agency codes are fixed —
other apps' demo data (the catalog) refers to them. Addresses, phones and e-mails are
placeholders, not the agencies' real contact details.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction

from motcua.core.text import fold
from motcua.org import selectors, services
from motcua.org.models import AdministrativeUnit, Agency

Kind = Agency.Kind
Level = AdministrativeUnit.Level

PROVINCE_CODE = "80"  # GSO code of the new Tây Ninh (the old Long An's code, kept by the merger)
PROVINCE_LETTER = "H53"  # the province part of Tây Ninh's unit identifier codes in this demo

PROVINCE_PC_CODE = "000.00.00.H53"
SERVICE_CENTRE_CODE = "000.00.30.H53"
PROVINCIAL_POLICE_CODE = "000.00.20.H53"
SOCIAL_INSURANCE_CODE = "000.00.21.H53"

#: (two-digit number, name, short name) of the provincial departments: code 000.00.NN.H53.
DEPARTMENTS = [
    ("01", "Văn phòng UBND tỉnh", "VP UBND tỉnh"),
    ("02", "Sở Nội vụ", "Sở NV"),
    ("03", "Sở Tài chính", "Sở TC"),
    ("04", "Sở Tư pháp", "Sở TP"),
    ("05", "Sở Công Thương", "Sở CT"),
    ("06", "Sở Xây dựng", "Sở XD"),
    ("07", "Sở Nông nghiệp và Môi trường", "Sở NN&MT"),
    ("08", "Sở Y tế", "Sở YT"),
    ("09", "Sở Giáo dục và Đào tạo", "Sở GD&ĐT"),
    ("10", "Sở Văn hóa, Thể thao và Du lịch", "Sở VHTTDL"),
    ("11", "Sở Khoa học và Công nghệ", "Sở KH&CN"),
    ("12", "Sở Dân tộc và Tôn giáo", "Sở DT&TG"),
    ("13", "Thanh tra tỉnh", "Thanh tra tỉnh"),
]

OPENING_HOURS = "Thứ Hai – Thứ Sáu: " + settings.MOTCUA_OFFICE_HOURS

# --- Historical example (clearly a demo of succession, not a full history) --------------------
#: Before 1 July 2025 GSO code 72 was Tây Ninh and 80 was Long An; the two merged into the new
#: Tây Ninh, which kept code 80. Only the end date matters for the demo; the start date is a
#: placeholder (the provinces were re-established in 1976).
HISTORICAL_VALID_FROM = datetime.date(1976, 1, 1)
HISTORICAL_PROVINCES = [("72", "Tỉnh Tây Ninh"), ("80", "Tỉnh Long An")]


def commune_agency_code(index: int, prefix: str = "000") -> str:
    """Code of the ``index``-th commune (1-based, GSO-code order): ``000.08.40.H53`` for its
    People's Committee, ``001.…`` its one-stop centre, ``002.…`` its police."""
    return f"{prefix}.{index:02d}.40.{PROVINCE_LETTER}"


def _lower_type(name: str) -> str:
    """ "Xã Tân Đông" → "xã Tân Đông", as it reads inside "UBND xã Tân Đông"."""
    return name[:1].lower() + name[1:]


def _slug(name: str) -> str:
    return fold(name).replace(" ", "-")


def build_historical_units() -> int:
    """The historical succession example: old Tây Ninh (72) and old Long An (80), in force until
    30 June 2025, both succeeded by the new Tây Ninh (80) from 1 July 2025. Returns how many
    historical units were created (0 on a re-run). Loads the current units first if needed."""
    new_province = AdministrativeUnit.objects.filter(
        level=Level.PROVINCE, code=PROVINCE_CODE, valid_from=services.REFORM_DATE
    ).first()
    if new_province is None:
        services.load_units(valid_from=services.REFORM_DATE)
        new_province = AdministrativeUnit.objects.get(
            level=Level.PROVINCE, code=PROVINCE_CODE, valid_from=services.REFORM_DATE
        )
    last_day = services.REFORM_DATE - datetime.timedelta(days=1)
    created_count = 0
    with transaction.atomic():
        old = []
        for code, name in HISTORICAL_PROVINCES:
            unit, created = AdministrativeUnit.objects.get_or_create(
                level=Level.PROVINCE,
                code=code,
                valid_from=HISTORICAL_VALID_FROM,
                defaults={"name": name, "division_type": "tỉnh", "valid_to": last_day},
            )
            created_count += int(created)
            old.append(unit)
        services.succeed_units(old_units=old, new_unit=new_province, on_date=services.REFORM_DATE)
    return created_count


def build_demo_units() -> dict[str, int]:
    """All current units (:func:`services.load_units`) and the historical example."""
    counts = services.load_units(valid_from=services.REFORM_DATE).as_dict()
    counts["historical_created"] = build_historical_units()
    return counts


def demo_communes() -> list[AdministrativeUnit]:
    """The 96 current communes and wards of Tây Ninh in GSO-code order (index 1 = first)."""
    province = selectors.current_unit(PROVINCE_CODE, level=Level.PROVINCE)
    return list(selectors.current_children(province))


def build_demo_agencies() -> dict[str, int]:
    """Create the agency tree of Tây Ninh (idempotent; existing codes are left as they are).

    - UBND tỉnh Tây Ninh ``000.00.00.H53`` (root), with the provincial service centre
      ``000.00.30.H53``, departments ``000.00.01–13.H53``, police ``000.00.20.H53`` and social
      insurance ``000.00.21.H53``;
    - for the i-th commune (GSO-code order): UBND ``000.ii.40.H53`` with its one-stop centre
      ``001.ii.40.H53`` and police ``002.ii.40.H53``.
    """
    province = selectors.current_unit(PROVINCE_CODE, level=Level.PROVINCE)
    if province is None or not selectors.current_children(province).exists():
        services.load_units(valid_from=services.REFORM_DATE)
        province = selectors.current_unit(PROVINCE_CODE, level=Level.PROVINCE)
    communes = list(selectors.current_children(province))
    rows: list[dict] = []

    def add(code: str, parent: str | None = None, **fields) -> str:
        rows.append({"code": code, "parent_code": parent, **fields})
        return code

    hotline = settings.MOTCUA_HOTLINE
    root = add(
        PROVINCE_PC_CODE,
        name="UBND tỉnh Tây Ninh",
        short_name="UBND tỉnh",
        kind=Kind.PROVINCE_PC,
        unit=province,
        address="Trụ sở UBND tỉnh Tây Ninh (địa chỉ minh họa)",
        phone=hotline,
        email="ubnd@tayninh.example.org",
        opening_hours=OPENING_HOURS,
    )
    add(
        SERVICE_CENTRE_CODE,
        name="Trung tâm Phục vụ hành chính công tỉnh",
        short_name="TTPVHCC tỉnh",
        kind=Kind.SERVICE_CENTRE,
        unit=province,
        parent=root,
        address="Trụ sở Trung tâm Phục vụ hành chính công tỉnh Tây Ninh (địa chỉ minh họa)",
        phone=hotline,
        email="ttpvhcc@tayninh.example.org",
        opening_hours=OPENING_HOURS + "; sáng thứ Bảy: 07:00–11:30",
    )
    for number, name, short in DEPARTMENTS:
        add(
            f"000.00.{number}.{PROVINCE_LETTER}",
            name=name,
            short_name=short,
            kind=Kind.DEPARTMENT,
            unit=province,
            parent=root,
            address=f"Trụ sở {name} tỉnh Tây Ninh (địa chỉ minh họa)",
            phone=hotline,
            email=f"{_slug(short)}@tayninh.example.org",
            opening_hours=OPENING_HOURS,
        )
    add(
        PROVINCIAL_POLICE_CODE,
        name="Công an tỉnh Tây Ninh",
        short_name="CA tỉnh",
        kind=Kind.PROVINCIAL_POLICE,
        unit=province,
        parent=root,
        address="Trụ sở Công an tỉnh Tây Ninh (địa chỉ minh họa)",
        phone=hotline,
        email="congan@tayninh.example.org",
        opening_hours=OPENING_HOURS,
    )
    add(
        SOCIAL_INSURANCE_CODE,
        name="Bảo hiểm xã hội tỉnh Tây Ninh",
        short_name="BHXH tỉnh",
        kind=Kind.SOCIAL_INSURANCE,
        unit=province,
        parent=root,
        address="Trụ sở Bảo hiểm xã hội tỉnh Tây Ninh (địa chỉ minh họa)",
        phone=hotline,
        email="bhxh@tayninh.example.org",
        opening_hours=OPENING_HOURS,
    )
    for index, commune in enumerate(communes, start=1):
        label = _lower_type(commune.name)  # "xã Tân Đông"
        prefix = f"{commune.division_type} "
        bare = commune.name[len(prefix) :] if label.startswith(prefix) else commune.name
        slug = _slug(commune.name)
        pc = add(
            commune_agency_code(index, "000"),
            name=f"UBND {label}",
            short_name=f"UBND {bare}",
            kind=Kind.COMMUNE_PC,
            unit=commune,
            parent=root,
            address=f"Trụ sở UBND {label}, tỉnh Tây Ninh (địa chỉ minh họa)",
            phone=hotline,
            email=f"ubnd.{slug}@tayninh.example.org",
            opening_hours=OPENING_HOURS,
        )
        add(
            commune_agency_code(index, "001"),
            name=f"Trung tâm Phục vụ hành chính công {label}",
            short_name=f"TTPVHCC {bare}",
            kind=Kind.COMMUNE_ONE_STOP,
            unit=commune,
            parent=pc,
            address=f"Trụ sở UBND {label}, tỉnh Tây Ninh (địa chỉ minh họa)",
            phone=hotline,
            email=f"motcua.{slug}@tayninh.example.org",
            opening_hours=OPENING_HOURS + "; sáng thứ Bảy: 07:00–11:30",
        )
        add(
            commune_agency_code(index, "002"),
            name=f"Công an {label}",
            short_name=f"CA {bare}",
            kind=Kind.COMMUNE_POLICE,
            unit=commune,
            parent=pc,
            address=f"Trụ sở Công an {label}, tỉnh Tây Ninh (địa chỉ minh họa)",
            phone=hotline,
            email=f"congan.{slug}@tayninh.example.org",
            opening_hours=OPENING_HOURS,
        )
    existing = set(
        Agency.objects.filter(code__in=[row["code"] for row in rows]).values_list("code", flat=True)
    )
    missing = [row for row in rows if row["code"] not in existing]
    services.create_agencies(rows=missing)
    return {"agencies_created": len(missing), "agencies": len(rows)}


def build_demo() -> dict[str, int]:
    """Units, the historical example and the agency tree."""
    counts = build_demo_units()
    counts.update(build_demo_agencies())
    return counts
