"""The working-day calendar: every deadline in motcua goes through here (design.md §5 rule 3).

A date is a **working day** when it is Monday–Friday and not a statutory public holiday of
Viet Nam (the ``holidays`` package, country ``VN``: lunar Tết, Hùng Kings, observed and
substituted days), unless an administrator's :class:`~motcua.core.calendar_models.DayOverride`
says otherwise — overrides win over both the weekend and the holidays (swapped days off,
compensating working Saturdays of the yearly schedule).

Office hours are two half-open intervals per working day, ``[morning_start, morning_end)`` and
``[afternoon_start, afternoon_end)`` (07:00–11:30 and 13:30–17:00 by default), plus the afternoon
cut-off (15:00) used by procedures that say "same day; after 15:00, next working day".

:class:`WorkingCalendar` is pure: it is built from the overrides and the office hours and never
touches the database. :func:`get_calendar` loads one from the database (two small queries) and
the module-level functions are conveniences that do exactly that on every call — code that
computes many deadlines should call :func:`get_calendar` once and reuse it.

The rules, with examples, are in ``docs/calendar.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holidays_lib
from django.utils.translation import get_language
from django.utils.translation import gettext as _

__all__ = [
    "DAY_OFF",
    "MAX_SPAN_DAYS",
    "OFFICE_TZ",
    "WORKING_DAY",
    "OfficeHours",
    "WorkingCalendar",
    "add_working_days",
    "add_working_hours",
    "format_moment",
    "get_calendar",
    "is_working_day",
    "next_working_day",
    "statutory_holiday_name",
    "working_days_between",
    "working_hours_between",
]

#: Offices work in Viet Nam's time; the zone has had no daylight saving since 1975.
OFFICE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

#: No computation looks further than this many calendar days (about ten years) from its start.
MAX_SPAN_DAYS = 3660

DAY_OFF = "day_off"
WORKING_DAY = "working_day"
_KINDS = frozenset({DAY_OFF, WORKING_DAY})

#: Years the ``holidays`` package knows Viet Nam's (lunar) holidays for.
FIRST_YEAR = max(holidays_lib.VN.start_year, dt.MINYEAR)
LAST_YEAR = min(getattr(holidays_lib.VN, "end_year", 2100), dt.MAXYEAR)

_ONE_DAY = dt.timedelta(days=1)
_UTC = dt.UTC
_MICROSECOND = Decimal("0.000001")


# --- Statutory holidays ------------------------------------------------------------------------


@lru_cache(maxsize=512)
def _statutory(year: int, language: str = "en_US") -> Mapping[dt.date, str]:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"the working-day calendar supports the years {FIRST_YEAR}–{LAST_YEAR}, not {year}")
    return dict(holidays_lib.VN(years=year, language=language))


def statutory_holiday_name(day: dt.date, language: str | None = None) -> str | None:
    """Name of the statutory public holiday on ``day`` (in the active language), or ``None``."""
    _check_date(day)
    if language is None:
        language = get_language() or "vi"
    language = "vi" if language.lower().startswith("vi") else "en_US"
    return _statutory(day.year, language).get(day)


# --- Office hours ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficeHours:
    """Giờ hành chính: the morning and afternoon intervals and the afternoon cut-off."""

    morning_start: dt.time = dt.time(7, 0)
    morning_end: dt.time = dt.time(11, 30)
    afternoon_start: dt.time = dt.time(13, 30)
    afternoon_end: dt.time = dt.time(17, 0)
    cutoff: dt.time = dt.time(15, 0)

    def __post_init__(self) -> None:
        for name in ("morning_start", "morning_end", "afternoon_start", "afternoon_end", "cutoff"):
            value = getattr(self, name)
            if not isinstance(value, dt.time):
                raise TypeError(f"{name} must be a datetime.time")
            if value.tzinfo is not None:
                object.__setattr__(self, name, value.replace(tzinfo=None))
        if not self.morning_start < self.morning_end <= self.afternoon_start < self.afternoon_end:
            raise ValueError(
                "office hours must satisfy morning opens < morning closes <= afternoon opens < afternoon closes"
            )
        if not self.morning_start <= self.cutoff <= self.afternoon_end:
            raise ValueError("the cut-off must lie between the morning opening and the afternoon closing")

    @classmethod
    def from_settings(cls, row) -> OfficeHours:
        """Build from a :class:`~motcua.core.calendar_models.CalendarSettings` row."""
        return cls(
            morning_start=row.morning_start,
            morning_end=row.morning_end,
            afternoon_start=row.afternoon_start,
            afternoon_end=row.afternoon_end,
            cutoff=row.cutoff,
        )

    @property
    def intervals(self) -> tuple[tuple[dt.time, dt.time], tuple[dt.time, dt.time]]:
        return ((self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end))

    @property
    def day_length(self) -> dt.timedelta:
        """Office time in one working day (8 hours by default) — the length of one working day."""
        anchor = dt.date(2000, 1, 1)
        return sum(
            (
                dt.datetime.combine(anchor, end) - dt.datetime.combine(anchor, start)
                for start, end in self.intervals
            ),
            dt.timedelta(0),
        )


# --- Argument checks ---------------------------------------------------------------------------


def _check_date(day: dt.date) -> None:
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise TypeError("expected a datetime.date (not a datetime)")


def _check_moment(moment: dt.datetime, name: str = "start") -> None:
    if not isinstance(moment, dt.datetime):
        raise TypeError(f"{name} must be a datetime.datetime")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime (naive datetimes are ambiguous)")


def _amount(value: int | Decimal | float, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal | float):
        raise TypeError(f"{name} must be an int or a Decimal")
    amount = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not amount.is_finite():
        raise ValueError(f"{name} must be a finite number")
    if amount < 0:
        raise ValueError(f"{name} cannot be negative")
    return amount


def _duration(hours: Decimal) -> dt.timedelta:
    micro = (hours * 3_600_000_000).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    limit = Decimal(MAX_SPAN_DAYS) * 86_400_000_000
    if micro > limit:
        raise ValueError(f"the amount reaches beyond {MAX_SPAN_DAYS} days")
    return dt.timedelta(microseconds=int(micro))


# --- The calendar ------------------------------------------------------------------------------


class WorkingCalendar:
    """Working days and office hours. Pure: built from data, never reads the database.

    ``overrides`` maps dates to ``"day_off"`` or ``"working_day"`` (or is an iterable of such
    pairs); ``hours`` defaults to 07:00–11:30, 13:30–17:00, cut-off 15:00.
    """

    def __init__(
        self,
        overrides: Mapping[dt.date, str] | Iterable[tuple[dt.date, str]] = (),
        hours: OfficeHours | None = None,
        *,
        tz: dt.tzinfo = OFFICE_TZ,
    ) -> None:
        items = overrides.items() if isinstance(overrides, Mapping) else overrides
        self._overrides: dict[dt.date, str] = {}
        for day, kind in items:
            _check_date(day)
            kind = str(kind)
            if kind not in _KINDS:
                raise ValueError(f"unknown override kind {kind!r} for {day}")
            self._overrides[day] = kind
        self.hours = hours or OfficeHours()
        self.tz = tz

    def __repr__(self) -> str:
        return f"<WorkingCalendar overrides={len(self._overrides)} hours={self.hours}>"

    @property
    def overrides(self) -> Mapping[dt.date, str]:
        return dict(self._overrides)

    def with_overrides(self, overrides: Mapping[dt.date, str]) -> WorkingCalendar:
        """A copy with ``overrides`` added to (and winning over) this calendar's own."""
        return WorkingCalendar({**self._overrides, **overrides}, self.hours, tz=self.tz)

    # -- days --

    @staticmethod
    def default_is_working_day(day: dt.date) -> bool:
        """Mon–Fri and not a statutory holiday — the status of ``day`` without any override."""
        _check_date(day)
        return day.weekday() < 5 and day not in _statutory(day.year)

    def is_working_day(self, day: dt.date) -> bool:
        _check_date(day)
        kind = self._overrides.get(day)
        if kind is not None:
            return kind == WORKING_DAY
        return self.default_is_working_day(day)

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        _check_date(day)
        candidate = day
        for _step in range(MAX_SPAN_DAYS):
            candidate = self._tomorrow(candidate)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError(f"no working day within {MAX_SPAN_DAYS} days after {day}")

    def working_day_on_or_after(self, day: dt.date) -> dt.date:
        return day if self.is_working_day(day) else self.next_working_day(day)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Number of working days ``d`` with ``start < d <= end`` (negated when ``end < start``).

        So ``working_days_between(day0, due_day) == n`` for a deadline of ``n`` working days.
        """
        _check_date(start)
        _check_date(end)
        if end < start:
            return -self.working_days_between(end, start)
        if (end - start).days > MAX_SPAN_DAYS:
            raise ValueError(f"the dates are more than {MAX_SPAN_DAYS} days apart")
        count = 0
        day = start
        while day < end:
            day = day + _ONE_DAY
            count += self.is_working_day(day)
        return count

    # -- moments --

    def local(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` in the office time zone (rejects naive datetimes)."""
        _check_moment(moment)
        return moment.astimezone(self.tz)

    def at(self, day: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=self.tz)

    def opening_time(self, day: dt.date) -> dt.datetime:
        return self.at(day, self.hours.morning_start)

    def closing_time(self, day: dt.date) -> dt.datetime:
        return self.at(day, self.hours.afternoon_end)

    def next_office_moment(self, moment: dt.datetime) -> dt.datetime:
        """The earliest moment at or after ``moment`` that lies inside office hours.

        Intervals are half-open: 11:30 becomes 13:30 and 17:00 the next working day's 07:00.
        """
        local = self.local(moment)
        day, time = local.date(), local.time()
        if self.is_working_day(day):
            for start, end in self.hours.intervals:
                if time < start:
                    return self.at(day, start)
                if time < end:
                    return local
        return self.opening_time(self.next_working_day(day))

    def first_working_day(self, start: dt.datetime, *, cutoff: bool = False) -> dt.date:
        """Day 0 of a deadline counted in working days from ``start``.

        The local date of ``start`` when that is a working day and ``start`` is before the
        afternoon closing time (and, with ``cutoff``, no later than the cut-off); otherwise the
        next working day.
        """
        local = self.local(start)
        day, time = local.date(), local.time()
        if (
            self.is_working_day(day)
            and time < self.hours.afternoon_end
            and (not cutoff or time <= self.hours.cutoff)
        ):
            return day
        return self.next_working_day(day)

    def add_working_days(
        self, start: dt.datetime, days: int | Decimal, *, cutoff: bool = False
    ) -> dt.datetime:
        """The deadline ``days`` working days after ``start``.

        Whole numbers: the afternoon closing time of the working day that comes ``days`` working
        days after day 0 (see :meth:`first_working_day`); ``days=0`` is the closing time of day 0.
        Fractions: ``days`` × the office time of one day, added with :meth:`add_working_hours`
        from the first office moment of day 0 at or after ``start``.
        """
        amount = _amount(days, "days")
        local = self.local(start)
        day0 = self.first_working_day(local, cutoff=cutoff)
        if amount == amount.to_integral_value():
            day = day0
            for _step in range(int(amount)):
                day = self.next_working_day(day)
                if (day - day0).days > MAX_SPAN_DAYS:
                    raise ValueError(f"the deadline lies more than {MAX_SPAN_DAYS} days ahead")
            return self.closing_time(day)
        begin = self.next_office_moment(local) if day0 == local.date() else self.opening_time(day0)
        hours_per_day = Decimal(self.hours.day_length.total_seconds()) / 3600
        return self._consume(begin, _duration(amount * hours_per_day))

    def add_working_hours(self, start: dt.datetime, hours: int | Decimal) -> dt.datetime:
        """The moment ``hours`` of office time after ``start``.

        ``start`` is first moved to :meth:`next_office_moment`; office intervals are then consumed
        in order. A result that falls exactly on the end of an interval stays there (11:30, 17:00).
        """
        amount = _amount(hours, "hours")
        return self._consume(self.next_office_moment(start), _duration(amount))

    def working_hours_between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Office time elapsed from ``start`` to ``end`` (negated when ``end`` is before ``start``)."""
        local_start, local_end = self.local(start), self.local(end)
        if local_end < local_start:
            return -self.working_hours_between(end, start)
        first, last = local_start.date(), local_end.date()
        if (last - first).days > MAX_SPAN_DAYS:
            raise ValueError(f"the moments are more than {MAX_SPAN_DAYS} days apart")
        start_utc, end_utc = local_start.astimezone(_UTC), local_end.astimezone(_UTC)
        total = dt.timedelta(0)
        day = first
        while day <= last:
            if self.is_working_day(day):
                for opens, closes in self.hours.intervals:
                    lo = max(self.at(day, opens).astimezone(_UTC), start_utc)
                    hi = min(self.at(day, closes).astimezone(_UTC), end_utc)
                    if hi > lo:
                        total += hi - lo
            day = self._tomorrow(day)
        return total

    # -- internals --

    @staticmethod
    def _tomorrow(day: dt.date) -> dt.date:
        try:
            return day + _ONE_DAY
        except OverflowError:
            raise ValueError("the calendar ran past the last supported date") from None

    def _consume(self, begin: dt.datetime, remaining: dt.timedelta) -> dt.datetime:
        """Walk office intervals from ``begin`` (inside office hours) for ``remaining`` office time."""
        current = begin
        origin = begin.date()
        while True:
            day, time = current.date(), current.time()
            end = next(
                self.at(day, closes) for opens, closes in self.hours.intervals if opens <= time < closes
            )
            available = end.astimezone(_UTC) - current.astimezone(_UTC)
            if remaining <= available:
                return (current.astimezone(_UTC) + remaining).astimezone(self.tz)
            remaining -= available
            current = self.next_office_moment(end)
            if (current.date() - origin).days > MAX_SPAN_DAYS:
                raise ValueError(f"the deadline lies more than {MAX_SPAN_DAYS} days ahead")


# --- Loading from the database -----------------------------------------------------------------


def get_calendar() -> WorkingCalendar:
    """The installation's calendar: all overrides and the office hours, in two queries.

    Loaded afresh on every call so that an administrator's edit is seen at once by every
    process; reuse the returned object for many computations within one request or task.
    """
    from motcua.core.calendar_models import CalendarSettings, DayOverride

    overrides = dict(DayOverride.objects.values_list("date", "kind"))
    row = CalendarSettings.objects.order_by("pk").first()
    hours = OfficeHours.from_settings(row) if row is not None else OfficeHours()
    return WorkingCalendar(overrides, hours)


def add_working_days(start: dt.datetime, days: int | Decimal, *, cutoff: bool = False) -> dt.datetime:
    return get_calendar().add_working_days(start, days, cutoff=cutoff)


def add_working_hours(start: dt.datetime, hours: int | Decimal) -> dt.datetime:
    return get_calendar().add_working_hours(start, hours)


def working_hours_between(start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    return get_calendar().working_hours_between(start, end)


def is_working_day(day: dt.date) -> bool:
    return get_calendar().is_working_day(day)


def next_working_day(day: dt.date) -> dt.date:
    return get_calendar().next_working_day(day)


def working_days_between(start: dt.date, end: dt.date) -> int:
    return get_calendar().working_days_between(start, end)


# --- Display -----------------------------------------------------------------------------------


def format_moment(moment: dt.datetime) -> str:
    """``"17:00 on 23/02/2026"`` (Vietnamese: ``"17:00 ngày 23/02/2026"``), in office time."""
    _check_moment(moment, "moment")
    local = moment.astimezone(OFFICE_TZ)
    return _("%(time)s on %(date)s") % {"time": f"{local:%H:%M}", "date": f"{local:%d/%m/%Y}"}
