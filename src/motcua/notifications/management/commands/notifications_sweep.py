"""``motcua notifications_sweep``: re-enqueue notifications whose delivery task was lost.

Run it every few minutes next to ``motcua worker`` (cron, a systemd timer, or ``--every 300``
as a service of its own). Safe to run from several machines at once.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from motcua.notifications import conf
from motcua.notifications.tasks import requeue_stale


class Command(BaseCommand):
    help = "Re-enqueue queued notifications whose task was lost and sends interrupted by a crashed worker."

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-after",
            type=float,
            default=None,
            help="seconds a notification may wait past its due time before it counts as lost "
            "(default: MOTCUA_NOTIFY_STALE_AFTER or 600)",
        )
        parser.add_argument("--limit", type=int, default=1000, help="most notifications to requeue per pass")
        parser.add_argument(
            "--every", type=float, default=0, help="keep running, one pass every this many seconds"
        )

    def handle(self, *args, stale_after, limit, every, **options):
        stale = conf.stale_after() if stale_after is None else stale_after
        while True:
            count = requeue_stale(stale_after=stale, limit=limit)
            if options["verbosity"] >= 1:
                self.stdout.write(f"requeued {count} notification(s)")
            if every <= 0:
                return
            time.sleep(every)
