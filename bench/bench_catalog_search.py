"""Catalog search with thousands of procedures: latency of search_procedures().

Builds a throw-away database (SQLite under var/bench/, or $BENCH_DATABASE_URL) holding
``--procedures`` current procedure versions with realistic Vietnamese names, then times typical
queries typed without accents. Prints a table; no pass/fail — targets are in docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

WORDS = (
    "đăng ký khai sinh kết hôn khai tử thường trú tạm trú cấp giấy chứng nhận quyền sử dụng đất "
    "chuyển nhượng xây dựng nhà ở riêng lẻ hộ kinh doanh doanh nghiệp bản sao chứng thực lý lịch "
    "tư pháp bảo hiểm y tế trẻ em mai táng phí trợ cấp xã hội giấy phép an toàn thực phẩm bán lẻ "
    "rượu thuốc lá điều chỉnh gia hạn cấp lại thu hồi xác nhận tình trạng hôn nhân"
).split()
QUERIES = [
    "dang ky khai sinh",
    "giay phep xay dung",
    "ho kinh doanh",
    "1.000123",
    "chung thuc ban sao",
    "xyz khong co",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--procedures", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    bench_dir = ROOT / "var" / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    db_file = bench_dir / "catalog_search.sqlite3"
    if db_file.exists():
        db_file.unlink()
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{db_file}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from motcua.catalog.models import Procedure, ProcedureVersion, Sector
    from motcua.catalog.selectors import search_procedures
    from motcua.core.text import fold

    rng = random.Random(7)
    ProcedureVersion.objects.all().delete()
    Procedure.objects.all().delete()
    sectors = [
        Sector.objects.get_or_create(code=f"s{i}", defaults={"name": f"Lĩnh vực {i}"})[0] for i in range(40)
    ]
    procedures = Procedure.objects.bulk_create(Procedure(code=f"1.{i:06d}") for i in range(args.procedures))
    versions = []
    for proc in procedures:
        name = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 10))).capitalize()
        sector = rng.choice(sectors)
        versions.append(
            ProcedureVersion(
                procedure=proc, number=1, status="published", is_current=True, name=name, name_folded=fold(name),
                sector=sector, level=rng.choice(["province", "commune"]), online_level="full",
                processing_time=rng.randint(0, 30), processing_time_unit="working_days",
                search_text=fold(f"{proc.code} {name} {sector.name}"),
            )
        )  # fmt: skip
    ProcedureVersion.objects.bulk_create(versions, batch_size=1000)

    print(f"database: {os.environ['DATABASE_URL'].split('@')[-1]}; procedures: {args.procedures}")
    print(f"{'query':<24}{'hits':>7}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for query in QUERIES:
        timings = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            result = search_procedures(q=query)
            [v.procedure.code for v in result.versions]
            timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
        print(
            f"{query:<24}{result.total:>7}{statistics.median(timings):>10.1f}{p95:>10.1f}{timings[-1]:>10.1f}"
        )


if __name__ == "__main__":
    main()
