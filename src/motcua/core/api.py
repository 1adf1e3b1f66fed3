"""Core endpoints: the working-day calendar (``GET /api/v1/calendar/due-date``)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from ninja import Router, Schema

from motcua.core.calendar import FIRST_YEAR, LAST_YEAR, OFFICE_TZ, format_moment, get_calendar
from motcua.core.problem import problem_response

router = Router(tags=["calendar"])

UNITS = ("working_days", "working_hours")
MAX_DAYS = 365
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}
_DATE_PREFIX = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
# An unencoded "+07:00" in a query string arrives as " 07:00"; put the plus sign back.
_LOST_PLUS = re.compile(r"^(.*\d) (\d{2}(?::?\d{2})?)$")


class DueDateOut(Schema):
    start: str
    amount: int | float
    unit: str
    cutoff: bool
    due_at: str
    due_date: str
    due_display: str


_PARAMETERS = [
    {
        "in": "query",
        "name": "start",
        "required": True,
        "schema": {"type": "string", "format": "date-time"},
        "description": "ISO 8601 date and time the clock starts (e.g. valid receipt). "
        "Without an offset it is read as Asia/Ho_Chi_Minh local time.",
        "example": "2026-02-13T10:00:00+07:00",
    },
    {
        "in": "query",
        "name": "amount",
        "required": True,
        "schema": {"type": "number", "minimum": 0},
        "description": f"How many working days (at most {MAX_DAYS}) or working hours "
        f"(at most {MAX_DAYS} days' worth). Fractions of a day count as office hours.",
        "example": 1,
    },
    {
        "in": "query",
        "name": "unit",
        "required": True,
        "schema": {"type": "string", "enum": list(UNITS)},
    },
    {
        "in": "query",
        "name": "cutoff",
        "required": False,
        "schema": {"type": "boolean", "default": False},
        "description": "working_days only: a start after the cut-off time (15:00) counts from the next working day.",
    },
]


def _parse_start(raw: str) -> tuple[dt.datetime | None, str]:
    text = raw.strip()
    fixed = _LOST_PLUS.match(text)
    if fixed and "T" in text.upper():
        text = f"{fixed.group(1)}+{fixed.group(2)}"
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        prefix = _DATE_PREFIX.match(text)
        if prefix:
            try:
                dt.date(*(int(part) for part in prefix.groups()))
            except ValueError:
                return None, _("%(value)s is not a valid date: check the day and the month.") % {
                    "value": prefix.group(0)
                }
        return None, _("Enter a date and time in ISO 8601 format, for example 2026-02-13T10:00:00+07:00.")
    if value.tzinfo is None:
        value = value.replace(tzinfo=OFFICE_TZ)
    try:
        local = value.astimezone(OFFICE_TZ)
    except (OverflowError, ValueError):
        local = None
    if local is None or not FIRST_YEAR <= local.year <= LAST_YEAR - 2:
        return None, _("The calendar supports start dates from %(first)s to %(last)s.") % {
            "first": FIRST_YEAR,
            "last": LAST_YEAR - 2,
        }
    return local, ""


def _parse_amount(raw: str) -> tuple[Decimal | None, str]:
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        return None, _("Enter a number, for example 3 or 0.5.")
    if not value.is_finite():
        return None, _("Enter a number, for example 3 or 0.5.")
    if value < 0:
        return None, _("The amount cannot be negative.")
    return value, ""


@router.get(
    "calendar/due-date",
    response={200: DueDateOut},
    summary="Deadline after a number of working days or working hours",
    description=(
        "Counts working days (Mon–Fri minus Viet Nam's public holidays, with the yearly schedule of swapped "
        "days off and compensating working Saturdays) and office hours (07:00–11:30, 13:30–17:00). "
        "Whole working days are due at the afternoon closing time (17:00) of the last day; day 0 is the "
        "start's day when that is a working day and the start is before closing (before the 15:00 cut-off "
        "when `cutoff=true`), otherwise the next working day. Errors are application/problem+json."
    ),
    openapi_extra={"parameters": _PARAMETERS, "responses": {"422": {"description": "Invalid parameters"}}},
)
def due_date(
    request,
    start: str | None = None,
    amount: str | None = None,
    unit: str | None = None,
    cutoff: str | None = None,
):
    errors: list[dict[str, str]] = []

    def fail(path: str, message: str, code: str = "invalid") -> None:
        errors.append({"path": path, "message": message, "code": code})

    start_at = amount_value = None
    if not start or not start.strip():
        fail("start", _("This parameter is required."), "missing")
    else:
        start_at, message = _parse_start(start)
        if message:
            fail("start", message)
    if amount is None or not amount.strip():
        fail("amount", _("This parameter is required."), "missing")
    else:
        amount_value, message = _parse_amount(amount)
        if message:
            fail("amount", message)
    unit = (unit or "").strip()
    if not unit:
        fail("unit", _("This parameter is required."), "missing")
    elif unit not in UNITS:
        fail("unit", _("Use working_days or working_hours."))
    use_cutoff = False
    flag = (cutoff or "").strip().lower()
    if flag in _TRUE:
        use_cutoff = True
    elif flag not in _FALSE:
        fail("cutoff", _("Use true or false."))
    if use_cutoff and unit == "working_hours":
        fail("cutoff", _("The cut-off applies only to working days."))

    calendar = None
    if amount_value is not None and unit in UNITS:
        calendar = get_calendar()
        if unit == "working_days" and amount_value > MAX_DAYS:
            fail("amount", _("The amount cannot exceed %(max)s working days.") % {"max": MAX_DAYS})
        elif unit == "working_hours":
            max_hours = MAX_DAYS * Decimal(calendar.hours.day_length.total_seconds()) / 3600
            if amount_value > max_hours:
                fail(
                    "amount", _("The amount cannot exceed %(max)s working hours.") % {"max": f"{max_hours:g}"}
                )

    due_at = None
    if not errors:
        try:
            if unit == "working_days":
                due_at = calendar.add_working_days(start_at, amount_value, cutoff=use_cutoff)
            else:
                due_at = calendar.add_working_hours(start_at, amount_value)
        except ValueError:
            fail("start", _("The deadline falls outside the years the calendar supports."))

    if errors:
        return problem_response(
            status=422,
            title=_("The request has invalid values"),
            detail="; ".join(f"{error['path']}: {error['message'].rstrip('.')}" for error in errors),
            type_="/problems/validation",
            errors=errors,
        )

    due_local = due_at.astimezone(OFFICE_TZ)
    integral = amount_value == amount_value.to_integral_value()
    return {
        "start": start_at.isoformat(),
        "amount": int(amount_value) if integral else float(amount_value),
        "unit": unit,
        "cutoff": use_cutoff,
        "due_at": due_local.isoformat(),
        "due_date": due_local.date().isoformat(),
        "due_display": format_moment(due_local),
    }
