"""``motcua demo``: units, the Tây Ninh agency tree, the demo catalog and demo accounts.

Idempotent: running it again changes nothing and prints the logins again.
"""

from __future__ import annotations

from importlib import import_module

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load the demo province (Tây Ninh), its catalog and demo accounts; print the logins."

    def handle(self, *args, **options):
        from motcua.accounts.demo import build_demo_users
        from motcua.catalog.demo import load_demo_catalog
        from motcua.org.demo import build_demo_agencies, build_historical_units
        from motcua.org.services import load_units

        call_command("migrate", interactive=False, verbosity=0)
        with transaction.atomic():
            units = load_units()
            build_historical_units()
            build_demo_agencies()
        self.stdout.write(f"Administrative units: {units}")
        from motcua.registers.demo import build_demo_population

        population = build_demo_population()
        self.stdout.write(f"Population register: {population}")
        report = load_demo_catalog()
        self.stdout.write(f"Catalog: {report.as_dict()}")
        call_command("setup_signing")
        logins = build_demo_users()
        for app in ("linked", "meetings", "reform"):
            # Each app's demo module adds its own records and logins (before TOTP enrolment below).
            logins += import_module(f"motcua.{app}.demo").build_demo()
        from motcua.accounts.demo_otp import DEMO_TOTP_SECRET, ensure_demo_totp

        officers = ensure_demo_totp(usernames=[username for username, _, _ in logins])
        self.stdout.write(self.style.SUCCESS("\nDemo accounts (http://127.0.0.1:8000/):"))
        width = max(len(u) for u, _, _ in logins)
        for username, password, description in logins:
            self.stdout.write(f"  {username.ljust(width)}  {password:<14}  {description}")
        self.stdout.write(
            self.style.SUCCESS(
                "\nOfficers log in at http://127.0.0.1:8000/mot-cua/dang-nhap/: password, then a TOTP code"
            )
        )
        self.stdout.write(
            f"  TOTP setup key of the {len(officers)} demo officers: {DEMO_TOTP_SECRET} (time-based, 6 digits)"
        )
        self.stdout.write(
            '  Current code: .venv/bin/python -c "from motcua.accounts.demo_otp import demo_code; print(demo_code())"'
        )
        self.stdout.write(
            "  Demo VNeID (citizens): http://127.0.0.1:8001/, same personal IDs, password demo12345"
        )
