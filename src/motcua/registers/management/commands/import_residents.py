"""``motcua import_residents FILE``: load residents and households into the built-in register.

Every row is checked first; each problem is printed as "line N, column C: …" and nothing is
imported while any remains. Re-importing the same file changes nothing. Format: docs/registers.md.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.registers.importer import import_residents


class Command(BaseCommand):
    help = "Import residents and households from a CSV file into the built-in population register."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file, UTF-8, comma-separated, columns as in docs/registers.md.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file only; import nothing.")

    def handle(self, *args, file: str, dry_run: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": file})
        started = time.monotonic()
        report = import_residents(path, dry_run=dry_run)
        if report.problems:
            for problem in report.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                _(
                    "%(count)d problem(s) found; nothing was imported. Correct the file and run the import again."
                )
                % {"count": len(report.problems)}
            )
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(_("The file has no problems (nothing imported: --dry-run)."))
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Residents: %(created)d created, %(updated)d updated, %(unchanged)d unchanged; "
                    "households: %(h_created)d created, %(h_updated)d updated (%(seconds).1f s)."
                )
                % {
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "h_created": report.households_created,
                    "h_updated": report.households_updated,
                    "seconds": time.monotonic() - started,
                }
            )
        )
