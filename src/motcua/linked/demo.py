"""Demo officers for the agencies of the linked groups (Decree 63/2024): the commune police of
Tân Đông (residence) and the provincial social insurance (health-insurance card, allowances).
The commune's People's Committee officers are the ordinary demo officers."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import transaction

from motcua.accounts import demo as accounts_demo
from motcua.accounts.models import OfficerRole
from motcua.org import demo as org_demo
from motcua.org.models import Agency

Role = OfficerRole.Role


def build_demo() -> list[tuple[str, str, str]]:
    """Officers who act on the stages of the linked groups; idempotent."""
    pc_code, _centre = accounts_demo.commune_codes(accounts_demo.TAN_DONG_NAME)
    police_code = "002" + pc_code[3:]
    agencies = {
        a.code: a for a in Agency.objects.filter(code__in=[police_code, org_demo.SOCIAL_INSURANCE_CODE])
    }
    hashed: list[str] = []

    def demo_hash() -> str:
        if not hashed:
            hashed.append(make_password(accounts_demo.DEMO_PASSWORD))
        return hashed[0]

    officers = [
        (
            "congan.tandong",
            "Trịnh Văn Phúc",
            agencies[police_code],
            [Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER],
            "residence officer (receives, appraises and signs)",
        ),
        (
            "bhxh.tinh",
            "Mai Thị Quỳnh",
            agencies[org_demo.SOCIAL_INSURANCE_CODE],
            [Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER],
            "social insurance officer (health-insurance cards, allowances)",
        ),
    ]
    logins = []
    with transaction.atomic():
        for username, full_name, agency, roles, what in officers:
            accounts_demo.ensure_officer(username, full_name, agency, roles, demo_hash=demo_hash)
            logins.append((username, accounts_demo.DEMO_PASSWORD, f"{what} — {agency.name}"))
    return logins
