"""``motcua load_units``: load the 34 provinces and 3,321 communes (idempotent)."""

from __future__ import annotations

import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from motcua.org.services import REFORM_DATE, load_units


class Command(BaseCommand):
    help = "Load the provinces and communes of the installed vietnam_provinces package (safe to re-run)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--valid-from",
            default=REFORM_DATE.isoformat(),
            help="First day the units are in force, YYYY-MM-DD (default: %(default)s).",
        )

    def handle(self, *args, valid_from: str, **options):
        try:
            day = datetime.date.fromisoformat(valid_from)
        except ValueError:
            raise CommandError(
                f"--valid-from must be a date written YYYY-MM-DD, e.g. 2025-07-01 (got {valid_from!r})."
            ) from None
        started = time.monotonic()
        counts = load_units(valid_from=day)
        self.stdout.write(
            self.style.SUCCESS(
                f"Units valid from {day}: {counts.provinces_created} provinces and "
                f"{counts.communes_created} communes created, {counts.updated} updated, "
                f"{counts.unchanged} unchanged ({time.monotonic() - started:.2f} s)."
            )
        )
