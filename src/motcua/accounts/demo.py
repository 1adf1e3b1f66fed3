"""Demo accounts for Tây Ninh. Idempotent: existing usernames are left as they are (a
password changed since is not reset), missing roles are granted again.

The citizens' personal ID numbers are made up: structurally valid (province of birth
registration, sex, birth year) but not anybody's — there is no check digit to make them so.
"""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import transaction

from motcua.accounts import services
from motcua.accounts.models import OfficerRole, User
from motcua.org import demo as org_demo
from motcua.org.models import Agency

Role = OfficerRole.Role

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "motcua-admin"
DEMO_PASSWORD = "demo12345"

#: The demo commune (GSO 25522, the 8th of Tây Ninh in code order: agencies 000/001/002.08.40.H53).
TAN_DONG_NAME = "Xã Tân Đông"

#: (username = personal ID, full name, assurance level, description)
DEMO_CITIZENS = [
    (
        "072090000001",
        "Nguyễn Văn An",
        User.AssuranceLevel.SELF_REGISTERED,
        "citizen, self-registered (level 1)",
    ),
    (
        "080195000002",
        "Trần Thị Bình",
        User.AssuranceLevel.EID_VERIFIED,
        "citizen, verified with e-ID (level 2)",
    ),
]


def commune_codes(name: str) -> tuple[str, str]:
    """Codes of (People's Committee, one-stop centre) of the commune called ``name``."""
    communes = org_demo.demo_communes()
    for index, commune in enumerate(communes, start=1):
        if commune.name == name:
            return org_demo.commune_agency_code(index, "000"), org_demo.commune_agency_code(index, "001")
    raise LookupError(f"commune {name!r} not found among the demo communes")


def ensure_officer(
    username: str, full_name: str, agency: Agency, roles: list[str], *, demo_hash, is_staff: bool = False
) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        return services.create_officer(
            username=username,
            password=DEMO_PASSWORD,
            password_hash=demo_hash(),
            full_name=full_name,
            agency=agency,
            roles=roles,
            email=f"{username}@tayninh.example.org",
            is_staff=is_staff,
            check_password_strength=False,
        )
    for role in roles:
        services.grant_role(user=user, agency=agency, role=role)
    return user


def build_demo_users() -> list[tuple[str, str, str]]:
    """Create the demo logins and return ``[(username, password, description), …]``.

    Builds the agency tree first if it is missing (a no-op when it is there).
    """
    org_demo.build_demo_agencies()
    hashed: list[str] = []

    def demo_hash() -> str:
        # Hashing takes a third of a second: do it once, and only if an account is created.
        if not hashed:
            hashed.append(make_password(DEMO_PASSWORD))
        return hashed[0]

    by_code = {a.code: a for a in Agency.objects.filter(code__endswith=f".{org_demo.PROVINCE_LETTER}")}
    tan_dong_pc_code, tan_dong_centre_code = commune_codes(TAN_DONG_NAME)
    root = by_code[org_demo.PROVINCE_PC_CODE]
    centre = by_code[org_demo.SERVICE_CENTRE_CODE]
    justice = by_code["000.00.04.H53"]
    tan_dong_pc = by_code[tan_dong_pc_code]
    tan_dong_centre = by_code[tan_dong_centre_code]

    logins: list[tuple[str, str, str]] = []
    with transaction.atomic():
        admin = User.objects.filter(username=ADMIN_USERNAME).first()
        if admin is None:
            admin = User.objects.create_superuser(
                username=ADMIN_USERNAME,
                password=ADMIN_PASSWORD,
                email="admin@tayninh.example.org",
                full_name="Quản trị hệ thống",
                is_officer=True,
            )
        services.grant_role(user=admin, agency=root, role=Role.PROVINCE_ADMIN)
        logins.append((ADMIN_USERNAME, ADMIN_PASSWORD, f"superuser and province administrator ({root.name})"))

        officers = [
            ("canbo.tandong", "Lê Thị Cúc", tan_dong_centre, [Role.DESK_OFFICER], False, "desk officer"),
            ("chuyenvien.tandong", "Phạm Văn Dũng", tan_dong_pc, [Role.SPECIALIST], False, "specialist"),
            ("lanhdao.tandong", "Võ Thị Hạnh", tan_dong_pc, [Role.LEADER], False, "leader"),
            (
                "hotro.tandong",
                "Huỳnh Văn Tài",
                tan_dong_pc,
                [Role.COMMUNITY_HELPER],
                False,
                "community digital-technology team member (helps citizens submit online)",
            ),
            (
                "quantri.tandong",
                "Đặng Văn Khoa",
                tan_dong_pc,
                [Role.AGENCY_ADMIN],
                True,
                "agency administrator",
            ),
            ("canbo.tinh", "Huỳnh Thị Lan", centre, [Role.DESK_OFFICER], False, "desk officer"),
            ("canbo.sotuphap", "Bùi Văn Minh", justice, [Role.DESK_OFFICER], False, "desk officer"),
            (
                "kiemtra.tinh",
                "Ngô Thị Nga",
                root,
                [Role.AUDITOR],
                True,
                "auditor (sees everything, acts on nothing)",
            ),
        ]
        for username, full_name, agency, roles, is_staff, what in officers:
            ensure_officer(username, full_name, agency, roles, demo_hash=demo_hash, is_staff=is_staff)
            logins.append((username, DEMO_PASSWORD, f"{what} — {agency.name}"))

        for personal_id, full_name, level, what in DEMO_CITIZENS:
            user = User.objects.filter(username=personal_id).first()
            if user is None:
                services.create_citizen(
                    personal_id=personal_id,
                    password=DEMO_PASSWORD,
                    full_name=full_name,
                    phone="0900000000",
                    assurance_level=level,
                    password_hash=demo_hash(),
                )
            logins.append((personal_id, DEMO_PASSWORD, f"{what}: {full_name}"))
    return logins


# Older names, kept for callers written before the public ones.
_commune_codes = commune_codes
_officer = ensure_officer
