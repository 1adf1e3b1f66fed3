"""Back-office queues with a million dossiers: latency of the officer's queue pages.

Builds a throw-away database (SQLite under var/bench/, or $BENCH_DATABASE_URL) with the demo
province (96 communes) and ``--dossiers`` dossiers spread over the communes' centres and states,
then times the queries behind /mot-cua/ for a commune desk officer. Prints a table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    bench_dir = ROOT / "var" / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    db_file = bench_dir / "desk_queues.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db_file) + suffix).unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{db_file}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    call_command("migrate", verbosity=0, interactive=False)
    from motcua.accounts.models import OfficerRole, User
    from motcua.catalog.demo import load_demo_catalog
    from motcua.catalog.models import ProcedureVersion
    from motcua.desk import selectors
    from motcua.dossiers.models import Dossier, Status
    from motcua.org.demo import build_demo_agencies
    from motcua.org.models import Agency
    from motcua.org.services import load_units

    if Dossier.objects.count() < args.dossiers:
        Dossier.objects.all().delete()
        load_units()
        build_demo_agencies()
        load_demo_catalog()
        versions = list(
            ProcedureVersion.objects.filter(is_current=True, level="commune").values_list("pk", flat=True)
        )
        centres = list(Agency.objects.filter(kind="commune_one_stop").select_related("parent"))
        applicant = User.objects.create(username="bench-citizen", personal_id="072090999999")
        rng = random.Random(2026)
        statuses = (
            [Status.SUBMITTED] * 2
            + [Status.RECEIVED, Status.IN_PROGRESS] * 3
            + [Status.RETURNED] * 12
            + [
                Status.SUPPLEMENT_REQUESTED,
                Status.REFUSED,
            ]
        )
        now = timezone.now()
        started = time.perf_counter()
        batch = []
        for i in range(args.dossiers):
            centre = rng.choice(centres)
            submitted = now - dt.timedelta(minutes=rng.randint(0, 60 * 24 * 365))
            batch.append(
                Dossier(
                    code=f"{centre.code}-{submitted:%y%m%d}-{i % 10000:04d}-{i}",
                    procedure_version_id=rng.choice(versions),
                    applicant=applicant,
                    receiving_agency=centre,
                    competent_agency_id=centre.parent_id,
                    status=rng.choice(statuses),
                    submitted_at=submitted,
                    due_at=submitted + dt.timedelta(days=rng.randint(0, 15)),
                )
            )
            if len(batch) == 20_000:
                with transaction.atomic():
                    Dossier.objects.bulk_create(batch)
                batch = []
        if batch:
            with transaction.atomic():
                Dossier.objects.bulk_create(batch)
        print(f"generated {args.dossiers:,} dossiers in {time.perf_counter() - started:.0f} s")

    centre = Agency.objects.get(code="001.08.40.H53")
    officer, _ = User.objects.get_or_create(username="bench-officer", defaults={"is_officer": True})
    OfficerRole.objects.get_or_create(user=officer, agency=centre, role="desk_officer")
    print(f"database: {connection.vendor}; dossiers: {Dossier.objects.count():,}; officer at {centre.code}")
    print(f"{'query':<28}{'rows':>7}{'p50 ms':>10}{'p95 ms':>10}")

    def timed(label, fn):
        timings = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            rows = fn()
            timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        print(
            f"{label:<28}{rows:>7}{statistics.median(timings):>10.1f}{timings[int(len(timings) * 0.95) - 1]:>10.1f}"
        )

    for name in selectors.QUEUES:
        timed(
            f"queue {name} (page 1)",
            lambda n=name: len(selectors.page_of(selectors.queue(officer, n), 1).rows),
        )
    timed("all queue counts", lambda: sum(selectors.counts(officer).values()))
    sample = Dossier.objects.filter(receiving_agency=centre).values_list("pk", flat=True).first()
    timed("dossier page lookup", lambda: int(selectors.dossier_for_officer(officer, sample) is not None))


if __name__ == "__main__":
    main()
