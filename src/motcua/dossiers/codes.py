"""Dossier codes: ``<agency identifier code>-YYMMDD-XXXX`` (Circular 01/2018/TT-VPCP Art. 19).

The daily sequence per agency is one atomic ``INSERT … ON CONFLICT DO UPDATE … RETURNING``,
which SQLite (≥ 3.35) and PostgreSQL both run as a single statement: concurrent submissions
never get the same number and never wait on an application-level lock.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.db import connection

from motcua.dossiers.models import DossierCodeSequence
from motcua.org.models import Agency

MAX_PER_DAY = 9999
# ASCII digits only: ``\d`` alone also matches other scripts' digits (Arabic-Indic, Thai…).
CODE_PATTERN = re.compile(
    r"^(?P<agency>\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})-(?P<day>\d{6})-(?P<seq>\d{4})$", re.ASCII
)


class SequenceExhausted(Exception):
    """An agency used all 9,999 codes of one day."""


def next_sequence(agency: Agency, day: dt.date) -> int:
    table = DossierCodeSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, 1) "  # noqa: S608 (table name is ours)
            f"ON CONFLICT (agency_id, day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [agency.pk, day],
        )
        (value,) = cursor.fetchone()
    if value > MAX_PER_DAY:
        raise SequenceExhausted(agency.code)
    return value


def format_code(agency: Agency, day: dt.date, sequence: int) -> str:
    return f"{agency.code}-{day:%y%m%d}-{sequence:04d}"


def new_code(agency: Agency, day: dt.date) -> str:
    """The next dossier code of ``agency`` on ``day`` (local date of reception)."""
    return format_code(agency, day, next_sequence(agency, day))


def new_pin() -> str:
    """A 6-digit PIN printed on the receipt for public tracking."""
    return f"{secrets.randbelow(10**6):06d}"


def is_valid_code(code: str) -> bool:
    match = CODE_PATTERN.fullmatch(code or "")  # not match: "$" also matches before a final newline
    if not match:
        return False
    day = match["day"]
    try:
        # A real calendar day. Not strptime: it costs more than the rest of a tracking lookup's
        # Python. A leap year is the same in 19yy and 20yy for every two-digit year strptime reads.
        dt.date(2000 + int(day[:2]), int(day[2:4]), int(day[4:]))
    except ValueError:
        return False
    return 1 <= int(match["seq"]) <= MAX_PER_DAY
