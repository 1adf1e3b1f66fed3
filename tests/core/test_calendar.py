"""The working-day calendar: worked examples, including the official 2026 schedule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from motcua.core import calendar as cal
from motcua.core.calendar import OFFICE_TZ, OfficeHours, WorkingCalendar
from motcua.core.calendar_models import CalendarSettings, DayOverride

# The official 2025–2026 swaps (the data migration loads the same rows).
OFFICIAL = {
    dt.date(2025, 4, 26): "working_day",
    dt.date(2025, 5, 2): "day_off",
    dt.date(2026, 1, 2): "day_off",
    dt.date(2026, 1, 10): "working_day",
    dt.date(2026, 8, 22): "working_day",
    dt.date(2026, 8, 31): "day_off",
}


def vn(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=OFFICE_TZ)


@pytest.fixture
def calendar() -> WorkingCalendar:
    return WorkingCalendar(OFFICIAL)


# --- Working days ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (dt.date(2026, 1, 1), False),  # New Year
        (dt.date(2026, 1, 2), False),  # swapped day off (12729/VPCP-KGVX)
        (dt.date(2026, 1, 5), True),
        (dt.date(2026, 1, 10), True),  # compensating Saturday
        (dt.date(2026, 2, 13), True),  # Friday before Tết
        *[(dt.date(2026, 2, d), False) for d in range(14, 23)],  # Tết Bính Ngọ 14–22/02
        (dt.date(2026, 2, 23), True),
        (dt.date(2026, 4, 26), False),  # Hùng Kings (Sunday)
        (dt.date(2026, 4, 27), False),  # Hùng Kings observed
        (dt.date(2026, 4, 30), False),
        (dt.date(2026, 5, 1), False),
        (dt.date(2026, 8, 22), True),  # Saturday worked for Monday 31/08
        (dt.date(2026, 8, 29), False),
        (dt.date(2026, 8, 31), False),
        (dt.date(2026, 9, 1), False),
        (dt.date(2026, 9, 2), False),
        (dt.date(2026, 9, 3), True),
        (dt.date(2026, 11, 24), False),  # Vietnamese Culture Day
        (dt.date(2025, 4, 26), True),
        (dt.date(2025, 5, 2), False),
        (dt.date(2026, 3, 7), False),  # an ordinary Saturday
        (dt.date(2026, 3, 8), False),  # an ordinary Sunday
    ],
)
def test_working_days_2025_2026(calendar, day, working):
    assert calendar.is_working_day(day) is working


def test_overrides_win_over_weekend_and_holidays():
    christmas_sat = dt.date(2027, 12, 25)
    new_year = dt.date(2027, 1, 1)
    ordinary_tuesday = dt.date(2027, 3, 2)
    calendar = WorkingCalendar(
        {christmas_sat: "working_day", new_year: "working_day", ordinary_tuesday: "day_off"}
    )
    assert calendar.is_working_day(christmas_sat)
    assert calendar.is_working_day(new_year)
    assert not calendar.is_working_day(ordinary_tuesday)
    assert WorkingCalendar.default_is_working_day(ordinary_tuesday)


def test_next_working_day_and_count(calendar):
    assert calendar.next_working_day(dt.date(2026, 2, 13)) == dt.date(2026, 2, 23)
    assert calendar.next_working_day(dt.date(2026, 8, 21)) == dt.date(2026, 8, 22)
    assert calendar.next_working_day(dt.date(2026, 8, 28)) == dt.date(2026, 9, 3)
    assert calendar.working_days_between(dt.date(2026, 2, 13), dt.date(2026, 2, 23)) == 1
    assert calendar.working_days_between(dt.date(2026, 2, 23), dt.date(2026, 2, 13)) == -1
    assert calendar.working_days_between(dt.date(2026, 3, 2), dt.date(2026, 3, 2)) == 0
    # August 2026: 21 weekdays, minus Monday 31/08, plus Saturday 22/08.
    assert calendar.working_days_between(dt.date(2026, 7, 31), dt.date(2026, 8, 31)) == 21


# --- Working days added to a moment -----------------------------------------------------------


def test_tet_2026_one_working_day(calendar):
    """Received Friday 13/02/2026 10:00, one working day: Monday 23/02/2026 17:00."""
    assert calendar.add_working_days(vn(2026, 2, 13, 10), 1) == vn(2026, 2, 23, 17)


def test_national_day_2026_one_working_day(calendar):
    """Received Friday 28/08/2026, one working day: Thursday 03/09/2026 (31/08, 01/09, 02/09 off)."""
    due = calendar.add_working_days(vn(2026, 8, 28, 9, 15), 1)
    assert due == vn(2026, 9, 3, 17)
    assert due.date().weekday() == 3


def test_compensating_saturday_counts(calendar):
    """Received Friday 21/08/2026: Saturday 22/08 is worked, so one working day ends there."""
    assert calendar.add_working_days(vn(2026, 8, 21, 10), 1) == vn(2026, 8, 22, 17)
    assert calendar.add_working_days(vn(2026, 8, 22, 8), 0) == vn(2026, 8, 22, 17)


def test_hung_kings_and_culture_day(calendar):
    assert calendar.add_working_days(vn(2026, 4, 24, 10), 1) == vn(2026, 4, 28, 17)
    assert calendar.add_working_days(vn(2026, 11, 23, 10), 1) == vn(2026, 11, 25, 17)


def test_same_day_and_cutoff(calendar):
    tuesday = dt.date(2026, 3, 3)
    # Same working day …
    assert calendar.add_working_days(vn(2026, 3, 3, 14, 59), 0, cutoff=True) == vn(2026, 3, 3, 17)
    assert calendar.add_working_days(vn(2026, 3, 3, 15, 0), 0, cutoff=True) == vn(2026, 3, 3, 17)
    # … after 15:00 the next working day.
    assert calendar.add_working_days(vn(2026, 3, 3, 15, 30), 0, cutoff=True) == vn(2026, 3, 4, 17)
    assert calendar.add_working_days(vn(2026, 3, 3, 15, 0, 1), 0, cutoff=True) == vn(2026, 3, 4, 17)
    # Without the cut-off rule the day counts until closing time.
    assert calendar.add_working_days(vn(2026, 3, 3, 15, 30), 0) == vn(2026, 3, 3, 17)
    assert calendar.add_working_days(vn(2026, 3, 3, 17, 0), 0) == vn(2026, 3, 4, 17)
    assert calendar.first_working_day(vn(2026, 3, 3, 6, 0)) == tuesday
    # A Friday afternoon after the cut-off, before Tết: day 0 is Monday 23/02.
    assert calendar.add_working_days(vn(2026, 2, 13, 15, 30), 0, cutoff=True) == vn(2026, 2, 23, 17)


def test_start_on_a_day_off(calendar):
    # Saturday 14/02/2026: day 0 is Monday 23/02, one working day → Tuesday 24/02.
    assert calendar.add_working_days(vn(2026, 2, 14, 9), 1) == vn(2026, 2, 24, 17)


def test_other_time_zones_are_converted(calendar):
    # 13/02/2026 03:00 UTC is 10:00 in Viet Nam.
    start = dt.datetime(2026, 2, 13, 3, 0, tzinfo=dt.UTC)
    due = calendar.add_working_days(start, 1)
    assert due == vn(2026, 2, 23, 17)
    assert due.utcoffset() == dt.timedelta(hours=7)
    # 13/02/2026 09:00 UTC is 16:00 local, after the cut-off.
    late = dt.datetime(2026, 2, 13, 9, 0, tzinfo=dt.UTC)
    assert calendar.add_working_days(late, 0, cutoff=True) == vn(2026, 2, 23, 17)


def test_fractional_days_are_office_hours(calendar):
    assert calendar.add_working_days(vn(2026, 3, 3, 8, 0), Decimal("0.5")) == vn(2026, 3, 3, 14, 0)
    # After the cut-off, counting starts at the next working day's opening.
    assert calendar.add_working_days(vn(2026, 3, 3, 16, 0), Decimal("0.5"), cutoff=True) == vn(
        2026, 3, 4, 11, 0
    )
    # Friday before Tết, 16:00 + 4 office hours: 1 hour on Friday, 3 hours on Monday 23/02.
    assert calendar.add_working_days(vn(2026, 2, 13, 16, 0), Decimal("0.5")) == vn(2026, 2, 23, 10, 0)
    assert calendar.add_working_days(vn(2026, 3, 3, 8, 0), 1.5) == vn(2026, 3, 4, 14, 0)


def test_a_fraction_can_end_before_the_whole_days_below_it(calendar):
    """Documented consequence of the rules: whole days end at closing time, fractions are hours.

    1 working day from Tuesday 08:00 is Wednesday 17:00, but 1.5 days (12 office hours) is
    Wednesday 14:00. Fractions are monotone among themselves and never later than the next
    whole number of days (see test_calendar_properties.py).
    """
    start = vn(2026, 3, 3, 8, 0)
    assert calendar.add_working_days(start, 1) == vn(2026, 3, 4, 17, 0)
    assert calendar.add_working_days(start, Decimal("1.5")) == vn(2026, 3, 4, 14, 0)
    assert calendar.add_working_days(start, Decimal("1.5")) <= calendar.add_working_days(start, 2)


def test_large_amount(calendar):
    due = calendar.add_working_days(vn(2026, 1, 5, 8), 365)
    assert calendar.working_days_between(dt.date(2026, 1, 5), due.date()) == 365


# --- Working hours -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (vn(2026, 3, 3, 8, 0), 3, vn(2026, 3, 3, 11, 0)),
        (vn(2026, 3, 3, 8, 0), Decimal("3.5"), vn(2026, 3, 3, 11, 30)),  # ends on an interval end
        (vn(2026, 3, 3, 8, 0), 4, vn(2026, 3, 3, 14, 0)),
        (vn(2026, 3, 3, 12, 0), 1, vn(2026, 3, 3, 14, 30)),  # lunch → afternoon
        (vn(2026, 3, 3, 6, 0), 1, vn(2026, 3, 3, 8, 0)),  # before opening
        (vn(2026, 3, 3, 13, 30), Decimal("3.5"), vn(2026, 3, 3, 17, 0)),
        (vn(2026, 3, 3, 18, 0), 1, vn(2026, 3, 4, 8, 0)),  # after closing → next morning
        (vn(2026, 2, 13, 16, 0), 2, vn(2026, 2, 23, 8, 0)),  # across Tết
        (vn(2026, 3, 3, 8, 0), 8, vn(2026, 3, 4, 8, 0)),
        (vn(2026, 3, 3, 11, 30), 0, vn(2026, 3, 3, 13, 30)),  # normalised start
        (vn(2026, 3, 3, 10, 0), Decimal("0.25"), vn(2026, 3, 3, 10, 15)),
    ],
)
def test_add_working_hours(calendar, start, hours, expected):
    assert calendar.add_working_hours(start, hours) == expected


def test_working_hours_between(calendar):
    assert calendar.working_hours_between(vn(2026, 3, 3, 10), vn(2026, 3, 5, 10)) == dt.timedelta(hours=16)
    assert calendar.working_hours_between(vn(2026, 3, 3, 11), vn(2026, 3, 3, 14)) == dt.timedelta(hours=1)
    assert calendar.working_hours_between(vn(2026, 2, 13, 16), vn(2026, 2, 23, 8)) == dt.timedelta(hours=2)
    assert calendar.working_hours_between(vn(2026, 3, 5, 10), vn(2026, 3, 3, 10)) == -dt.timedelta(hours=16)
    assert calendar.working_hours_between(vn(2026, 3, 7, 8), vn(2026, 3, 8, 16)) == dt.timedelta(0)


def test_custom_office_hours():
    hours = OfficeHours(
        morning_start=dt.time(7, 30),
        morning_end=dt.time(11, 30),
        afternoon_start=dt.time(13, 0),
        afternoon_end=dt.time(16, 30),
        cutoff=dt.time(16, 0),
    )
    calendar = WorkingCalendar({}, hours)
    assert hours.day_length == dt.timedelta(hours=7, minutes=30)
    assert calendar.add_working_days(vn(2027, 3, 2, 9), 1) == vn(2027, 3, 3, 16, 30)
    assert calendar.add_working_days(vn(2027, 3, 2, 15, 59), 0, cutoff=True) == vn(2027, 3, 2, 16, 30)
    assert calendar.add_working_days(vn(2027, 3, 2, 16, 1), 0, cutoff=True) == vn(2027, 3, 3, 16, 30)
    assert calendar.add_working_days(vn(2027, 3, 2, 7, 30), 1.0) == vn(2027, 3, 3, 16, 30)
    assert calendar.add_working_days(vn(2027, 3, 2, 7, 30), Decimal("0.5")) == vn(2027, 3, 2, 11, 15)


# --- Bad input ---------------------------------------------------------------------------------


def test_naive_datetimes_are_refused(calendar):
    naive = dt.datetime(2026, 3, 3, 10)
    with pytest.raises(ValueError, match="aware"):
        calendar.add_working_days(naive, 1)
    with pytest.raises(ValueError, match="aware"):
        calendar.add_working_hours(naive, 1)
    with pytest.raises(ValueError, match="aware"):
        calendar.working_hours_between(naive, vn(2026, 3, 4))


def test_negative_and_bad_amounts_are_refused(calendar):
    with pytest.raises(ValueError, match="negative"):
        calendar.add_working_days(vn(2026, 3, 3, 10), -1)
    with pytest.raises(ValueError, match="negative"):
        calendar.add_working_hours(vn(2026, 3, 3, 10), Decimal("-0.5"))
    with pytest.raises(ValueError, match="finite"):
        calendar.add_working_days(vn(2026, 3, 3, 10), Decimal("NaN"))
    with pytest.raises(TypeError):
        calendar.add_working_days(vn(2026, 3, 3, 10), True)
    with pytest.raises(TypeError):
        calendar.add_working_days(vn(2026, 3, 3, 10), "1")
    with pytest.raises(TypeError):
        calendar.is_working_day(vn(2026, 3, 3, 10))


def test_runaway_searches_stop():
    # Every day for twelve years declared off: the search gives up instead of looping.
    start = dt.date(2030, 1, 1)
    everything_off = {start + dt.timedelta(days=i): "day_off" for i in range(4400)}
    calendar = WorkingCalendar(everything_off)
    with pytest.raises(ValueError, match="no working day"):
        calendar.next_working_day(start)
    with pytest.raises(ValueError):
        WorkingCalendar().add_working_days(vn(2026, 3, 3, 10), 10**9)
    with pytest.raises(ValueError):
        WorkingCalendar().add_working_hours(vn(2026, 3, 3, 10), 10**9)
    with pytest.raises(ValueError, match="supports"):
        WorkingCalendar().is_working_day(dt.date(2200, 1, 1))


def test_office_hours_are_checked():
    with pytest.raises(ValueError):
        OfficeHours(morning_start=dt.time(12), morning_end=dt.time(11))
    with pytest.raises(ValueError):
        OfficeHours(cutoff=dt.time(18))
    with pytest.raises(ValueError):
        WorkingCalendar({dt.date(2026, 1, 1): "holiday"})


def test_format_moment():
    with translation.override("en"):
        assert cal.format_moment(vn(2026, 2, 23, 17)) == "17:00 on 23/02/2026"
        assert cal.format_moment(dt.datetime(2026, 2, 23, 10, tzinfo=dt.UTC)) == "17:00 on 23/02/2026"


def test_statutory_holiday_names():
    assert cal.statutory_holiday_name(dt.date(2026, 9, 2), "vi") == "Quốc khánh"
    assert "Hung Kings" in cal.statutory_holiday_name(dt.date(2026, 4, 27), "en")
    assert cal.statutory_holiday_name(dt.date(2026, 3, 3), "en") is None


# --- From the database -------------------------------------------------------------------------


@pytest.mark.django_db
def test_migration_loads_the_official_schedule_and_settings():
    rows = dict(DayOverride.objects.values_list("date", "kind"))
    for day, kind in OFFICIAL.items():
        assert rows[day] == kind
    assert all(row.source for row in DayOverride.objects.all())
    settings_row = CalendarSettings.objects.get()
    assert (settings_row.morning_start, settings_row.afternoon_end, settings_row.cutoff) == (
        dt.time(7),
        dt.time(17),
        dt.time(15),
    )


@pytest.mark.django_db
def test_get_calendar_uses_two_queries_and_none_while_counting(django_assert_num_queries):
    with django_assert_num_queries(2):
        calendar = cal.get_calendar()
    with django_assert_num_queries(0):
        assert calendar.add_working_days(vn(2026, 2, 13, 10), 1) == vn(2026, 2, 23, 17)
        assert calendar.add_working_days(vn(2026, 8, 28, 10), 1) == vn(2026, 9, 3, 17)
        calendar.add_working_days(vn(2026, 1, 5, 8), 200)
        calendar.working_hours_between(vn(2026, 1, 5, 8), vn(2026, 12, 31, 17))


@pytest.mark.django_db
def test_module_functions_see_admin_edits_at_once():
    assert cal.is_working_day(dt.date(2026, 8, 22))
    assert cal.add_working_days(vn(2026, 8, 28, 10), 1) == vn(2026, 9, 3, 17)
    assert cal.next_working_day(dt.date(2026, 8, 28)) == dt.date(2026, 9, 3)
    assert cal.working_days_between(dt.date(2026, 2, 13), dt.date(2026, 2, 23)) == 1
    DayOverride.objects.create(date=dt.date(2026, 9, 3), kind="day_off", reason="test")
    assert cal.add_working_days(vn(2026, 8, 28, 10), 1) == vn(2026, 9, 4, 17)
    CalendarSettings.objects.update(afternoon_end=dt.time(16, 30), cutoff=dt.time(16, 0))
    assert cal.add_working_days(vn(2026, 8, 28, 10), 1) == vn(2026, 9, 4, 16, 30)
    assert cal.add_working_hours(vn(2026, 3, 3, 16), 1) == vn(2026, 3, 4, 7, 30)
    assert cal.working_hours_between(vn(2026, 3, 3, 7), vn(2026, 3, 3, 17)) == dt.timedelta(
        hours=7, minutes=30
    )


@pytest.mark.django_db
def test_get_calendar_without_settings_row_uses_defaults():
    CalendarSettings.objects.all().delete()
    assert cal.get_calendar().hours == OfficeHours()
