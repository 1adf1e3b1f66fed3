"""``motcua generate --dossiers N --seed S``: synthetic province data for load tests.

See :mod:`motcua.dossiers.synthetic`. A second run with the same seed skips when the database
already holds N dossiers of that seed; another seed in the same database is refused.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from motcua.dossiers import synthetic


class Command(BaseCommand):
    help = "Generate realistic synthetic province data (dossiers, events, citizens) for load tests."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dossiers", type=int, default=100_000, help="how many dossiers (default 100,000)"
        )
        parser.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same data)")
        parser.add_argument(
            "--procedures",
            type=int,
            default=synthetic.NATIONAL_PROCEDURES,
            help="top the catalog up to this many current procedures (default: the national count)",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="needed when DEBUG is off and the database is not named like a bench or test database",
        )

    def handle(self, *args, dossiers: int, seed: int, procedures: int, allow_production: bool, **options):
        if dossiers < 1:
            raise CommandError("--dossiers must be at least 1.")
        name = str(settings.DATABASES["default"].get("NAME") or "")
        if not (
            settings.DEBUG or allow_production or any(w in name for w in ("bench", "test", "dev", "demo"))
        ):
            raise CommandError(
                f"Refusing to write synthetic citizens into database {name!r}; "
                "use a bench database or pass --allow-production."
            )
        verbosity = options.get("verbosity", 1)

        def say(message: str) -> None:
            if verbosity >= 1:
                self.stdout.write(message)

        try:
            report = synthetic.generate(dossiers=dossiers, seed=seed, procedures=procedures, progress=say)
        except synthetic.MixedSeeds as exc:
            raise CommandError(str(exc)) from exc
        if report.skipped:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Already there: {report.dossiers:,} dossiers of seed {seed}; nothing to do."
                )
            )
            return
        made = ", ".join(f"{count:,} {what}" for what, count in report.created.items())
        self.stdout.write(self.style.SUCCESS(f"Generated {made} in {report.seconds:.0f} s (seed {seed})."))
