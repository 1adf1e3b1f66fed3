"""``motcua periodic [--every SECONDS]``: the time-driven jobs of the one-stop office.

- refuse dossiers whose supplement deadline passed without an answer;
- re-queue notifications whose delivery task was lost;
- remove signed-result files no row refers to (left by a rolled-back transaction).

Run once (cron, systemd timer) or as a loop with ``--every`` (``motcua serve`` starts it).
"""

from __future__ import annotations

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the periodic jobs once, or every N seconds with --every."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="repeat every N seconds (0 = once)")

    def handle(self, *args, every: int, **options):
        while True:
            self.run_once()
            if every <= 0:
                return
            time.sleep(every)

    def run_once(self) -> None:
        from motcua.dossiers.backoffice import refuse_expired_supplements
        from motcua.notifications.tasks import requeue_stale

        refused = refuse_expired_supplements()
        requeued = requeue_stale()
        from django.conf import settings
        from django.utils.module_loading import import_string

        # Jobs of apps that build on dossiers (named in settings, so imports keep pointing one way).
        extra = [
            f"{path.rsplit('.', 1)[-1]}: {import_string(path)()}" for path in settings.MOTCUA_PERIODIC_JOBS
        ]
        call_command("sweep_result_files", verbosity=0)
        self.stdout.write(
            "; ".join(
                [
                    f"refused after the supplement deadline: {refused}",
                    f"notifications re-queued: {requeued}",
                    *extra,
                ]
            )
        )
