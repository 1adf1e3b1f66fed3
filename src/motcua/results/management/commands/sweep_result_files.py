"""``motcua sweep_result_files``: delete stored result PDFs that no result row refers to."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from motcua.results.services import sweep_orphan_files


class Command(BaseCommand):
    help = "Delete result files left by rolled-back transactions (older than --hours, default 1)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=float, default=1.0)

    def handle(self, *args, hours: float, **options):
        deleted = sweep_orphan_files(older_than=dt.timedelta(hours=hours))
        self.stdout.write(f"Deleted {len(deleted)} orphan result file(s).")
