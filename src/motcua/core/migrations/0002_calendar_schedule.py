"""The official schedules of swapped days off and compensating working Saturdays, 2025–2026,
and the installation's office hours.

Only the dates that differ from the statutory default (Mon–Fri, minus the holidays the
``holidays`` package knows: Tết, Hùng Kings, 30/4, 1/5, 2/9 and its adjacent day, observed
days) are stored, plus the swapped weekdays of each pair, so that each pair is visible in the
admin with its legal source. Later years are entered by administrators.
"""

import datetime

from django.db import migrations

SCHEDULE = [
    # 2025 — 30/4–1/5: five days off 30/4–4/5; Friday 2/5 swapped with Saturday 26/4.
    (
        datetime.date(2025, 4, 26),
        "working_day",
        "Làm bù cho thứ Sáu 02/5/2025 (nghỉ lễ 30/4–1/5/2025)",
        "Thông báo lịch nghỉ lễ 30/4–1/5/2025 của Bộ Nội vụ",
    ),
    (
        datetime.date(2025, 5, 2),
        "day_off",
        "Nghỉ hoán đổi, làm bù thứ Bảy 26/4/2025 (nghỉ lễ 30/4–1/5/2025)",
        "Thông báo lịch nghỉ lễ 30/4–1/5/2025 của Bộ Nội vụ",
    ),
    # 2026 — New Year: four days off 1–4/1; Friday 2/1 swapped with Saturday 10/1.
    (
        datetime.date(2026, 1, 2),
        "day_off",
        "Nghỉ hoán đổi Tết Dương lịch 2026, làm bù thứ Bảy 10/01/2026",
        "Công văn 12729/VPCP-KGVX ngày 25/12/2025",
    ),
    (
        datetime.date(2026, 1, 10),
        "working_day",
        "Làm bù cho thứ Sáu 02/01/2026 (Tết Dương lịch 2026)",
        "Công văn 12729/VPCP-KGVX ngày 25/12/2025",
    ),
    # 2026 — Tết Bính Ngọ 14–22/02/2026: the five weekdays 16–20/02 are statutory, no override needed.
    # 2026 — National Day: five days off 29/8–2/9; Monday 31/8 swapped with Saturday 22/8.
    (
        datetime.date(2026, 8, 22),
        "working_day",
        "Làm bù cho thứ Hai 31/8/2026 (nghỉ lễ Quốc khánh 2026)",
        "Công văn 9859/VPCP-KGVX (10/2025); thông báo của Bộ Nội vụ ngày 17/10/2025",
    ),
    (
        datetime.date(2026, 8, 31),
        "day_off",
        "Nghỉ hoán đổi dịp Quốc khánh 2026, làm bù thứ Bảy 22/8/2026",
        "Công văn 9859/VPCP-KGVX (10/2025); thông báo của Bộ Nội vụ ngày 17/10/2025",
    ),
]


def load(apps, schema_editor):
    DayOverride = apps.get_model("core", "DayOverride")
    CalendarSettings = apps.get_model("core", "CalendarSettings")
    for date, kind, reason, source in SCHEDULE:
        DayOverride.objects.get_or_create(
            date=date, defaults={"kind": kind, "reason": reason, "source": source}
        )
    if not CalendarSettings.objects.exists():
        CalendarSettings.objects.create(
            morning_start=datetime.time(7, 0),
            morning_end=datetime.time(11, 30),
            afternoon_start=datetime.time(13, 30),
            afternoon_end=datetime.time(17, 0),
            cutoff=datetime.time(15, 0),
        )


def unload(apps, schema_editor):
    DayOverride = apps.get_model("core", "DayOverride")
    for date, kind, reason, source in SCHEDULE:
        DayOverride.objects.filter(date=date, kind=kind, reason=reason, source=source).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load, unload),
    ]
