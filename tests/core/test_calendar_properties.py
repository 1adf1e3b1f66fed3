"""Properties of the working-day calendar (hypothesis).

What holds, precisely (see docs/calendar.md):

* a deadline in whole working days is the closing time of a working day; a deadline in hours is
  a working day's office time (interval ends included);
* whole days chain from closing time: ``D(D(s, n), m) == D(s, n + m + 1)`` — a deadline is
  itself at closing time, so the next count starts the following working day — and
  ``working_days_between(day0, D(s, n).date()) == n``;
* hours chain exactly: ``H(H(s, a), b) == H(s, a + b)`` for ``b > 0``;
* monotone: in the start (days, with or without cut-off, and hours), in whole days, in hours,
  and a fraction of a day is never later than the next whole number of days;
* ``working_hours_between(next_office_moment(s), H(s, h)) == h``;
* an extra day off never brings a deadline forward.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.core.calendar import OFFICE_TZ, WorkingCalendar

OFFICIAL = {
    dt.date(2025, 4, 26): "working_day",
    dt.date(2025, 5, 2): "day_off",
    dt.date(2026, 1, 2): "day_off",
    dt.date(2026, 1, 10): "working_day",
    dt.date(2026, 8, 22): "working_day",
    dt.date(2026, 8, 31): "day_off",
}
CAL = WorkingCalendar(OFFICIAL)
HOURS = CAL.hours

# The autouse language fixture is function-scoped but harmless across examples.
props = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

zones = st.sampled_from([OFFICE_TZ, dt.UTC, dt.timezone(dt.timedelta(hours=9))])
starts = st.datetimes(min_value=dt.datetime(2024, 12, 1), max_value=dt.datetime(2027, 6, 30), timezones=zones)
# Office-relevant times more often: on the minute around openings, closings and the cut-off.
starts_on_the_minute = st.builds(
    lambda day, hour, minute: dt.datetime.combine(day, dt.time(hour, minute), tzinfo=OFFICE_TZ),
    st.dates(min_value=dt.date(2024, 12, 1), max_value=dt.date(2027, 6, 30)),
    st.sampled_from([6, 7, 11, 12, 13, 14, 15, 16, 17, 18]),
    st.sampled_from([0, 1, 29, 30, 31, 59]),
)
any_start = st.one_of(starts, starts_on_the_minute)
whole_days = st.integers(min_value=0, max_value=40)
hours = st.decimals(min_value=0, max_value=200, places=2)
fractions = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("20.99"), places=2).filter(
    lambda d: d != d.to_integral_value()
)


def in_office_time(moment: dt.datetime) -> bool:
    local = moment.astimezone(OFFICE_TZ)
    time = local.time()
    return CAL.is_working_day(local.date()) and any(start <= time <= end for start, end in HOURS.intervals)


def as_hours(amount: Decimal) -> dt.timedelta:
    return dt.timedelta(microseconds=int(amount * 3_600_000_000))


@props
@given(any_start, whole_days, st.booleans())
def test_whole_days_end_at_closing_time_of_a_working_day(start, days, cutoff):
    due = CAL.add_working_days(start, days, cutoff=cutoff)
    assert due.tzinfo is not None
    assert CAL.is_working_day(due.date())
    assert due.time() == HOURS.afternoon_end
    assert due > start
    assert CAL.working_days_between(CAL.first_working_day(start, cutoff=cutoff), due.date()) == days


@props
@given(any_start, st.one_of(hours, fractions))
def test_hours_and_fractions_end_in_office_time(start, amount):
    due = CAL.add_working_hours(start, amount)
    assert in_office_time(due)
    assert due >= start
    assert in_office_time(CAL.add_working_days(start, amount))


@props
@given(any_start, whole_days, whole_days, st.booleans())
def test_whole_days_chain_from_closing_time(start, n, m, cutoff):
    first = CAL.add_working_days(start, n, cutoff=cutoff)
    assert CAL.add_working_days(first, m, cutoff=cutoff) == CAL.add_working_days(
        start, n + m + 1, cutoff=cutoff
    )
    later = CAL.add_working_days(start, n + m, cutoff=cutoff)
    assert CAL.working_days_between(first.date(), later.date()) == m


@props
@given(any_start, hours, hours.filter(lambda h: h > 0))
def test_hours_chain(start, a, b):
    assert CAL.add_working_hours(CAL.add_working_hours(start, a), b) == CAL.add_working_hours(start, a + b)


@props
@given(any_start, whole_days, whole_days, st.booleans())
def test_monotone_in_whole_days(start, a, b, cutoff):
    low, high = sorted((a, b))
    assert CAL.add_working_days(start, low, cutoff=cutoff) <= CAL.add_working_days(start, high, cutoff=cutoff)
    if low < high:
        assert CAL.add_working_days(start, low, cutoff=cutoff) < CAL.add_working_days(
            start, high, cutoff=cutoff
        )


@props
@given(any_start, hours, hours)
def test_monotone_in_hours(start, a, b):
    low, high = sorted((a, b))
    assert CAL.add_working_hours(start, low) <= CAL.add_working_hours(start, high)


@props
@given(any_start, fractions, st.booleans())
def test_a_fraction_is_never_later_than_the_next_whole_day(start, amount, cutoff):
    ceiling = math.ceil(amount)
    assert CAL.add_working_days(start, amount, cutoff=cutoff) <= CAL.add_working_days(
        start, ceiling, cutoff=cutoff
    )
    assert CAL.add_working_days(start, amount, cutoff=cutoff) >= CAL.add_working_days(
        start, amount - math.floor(amount), cutoff=cutoff
    )


@props
@given(any_start, any_start, st.one_of(whole_days.map(Decimal), fractions), st.booleans())
def test_monotone_in_start(a, b, amount, cutoff):
    early, late = sorted((a, b))
    assert CAL.add_working_days(early, amount, cutoff=cutoff) <= CAL.add_working_days(
        late, amount, cutoff=cutoff
    )
    assert CAL.add_working_hours(early, amount) <= CAL.add_working_hours(late, amount)


@props
@given(any_start, hours)
def test_hours_round_trip(start, amount):
    due = CAL.add_working_hours(start, amount)
    assert CAL.working_hours_between(CAL.next_office_moment(start), due) == as_hours(amount)
    assert CAL.working_hours_between(start, due) == as_hours(amount)


@props
@given(any_start, any_start, any_start)
def test_working_hours_between_adds_up(a, b, c):
    assert CAL.working_hours_between(a, b) + CAL.working_hours_between(b, c) == CAL.working_hours_between(
        a, c
    )
    assert CAL.working_hours_between(a, b) == -CAL.working_hours_between(b, a)


@props
@given(
    any_start,
    whole_days,
    hours,
    st.dates(min_value=dt.date(2024, 12, 1), max_value=dt.date(2027, 8, 31)),
    st.booleans(),
)
def test_an_extra_day_off_never_brings_a_deadline_forward(start, days, amount, extra, cutoff):
    if CAL.is_working_day(extra):
        stricter, looser = CAL.with_overrides({extra: "day_off"}), CAL
    else:  # an extra working day (a compensating Saturday) never pushes a deadline back
        stricter, looser = CAL, CAL.with_overrides({extra: "working_day"})
    assert not stricter.is_working_day(extra)
    assert looser.is_working_day(extra)
    assert stricter.add_working_days(start, days, cutoff=cutoff) >= looser.add_working_days(
        start, days, cutoff=cutoff
    )
    assert stricter.add_working_hours(start, amount) >= looser.add_working_hours(start, amount)


@props
@given(any_start, whole_days)
def test_cutoff_never_brings_a_deadline_forward(start, days):
    assert CAL.add_working_days(start, days, cutoff=True) >= CAL.add_working_days(start, days)


@props
@given(st.dates(min_value=dt.date(2024, 12, 1), max_value=dt.date(2027, 6, 30)))
def test_next_working_day(day):
    following = CAL.next_working_day(day)
    assert following > day
    assert CAL.is_working_day(following)
    assert CAL.working_days_between(day, following) == 1
