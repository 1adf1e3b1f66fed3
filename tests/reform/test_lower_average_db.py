"""The lower-average rule as the cost sheet applies it to stored observations (property test)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.reform import cost, selectors
from motcua.reform.models import Observation

hours = st.decimals(min_value=0, max_value=200, places=2, allow_nan=False, allow_infinity=False)
money = st.integers(min_value=0, max_value=5_000_000)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(hours, money), min_size=1, max_size=12))
def test_the_summary_is_the_lower_average_of_what_was_stored(team_assignment, people, rows):
    Observation.objects.all().delete()
    Observation.objects.bulk_create(
        Observation(
            assignment=team_assignment,
            procedure=team_assignment.procedure,
            activity="travel",
            hours=h,
            money_vnd=m,
            observed_on=dt.date(2026, 3, 1),
            observer=people["community"],
        )
        for h, m in rows
    )
    summary = selectors.observation_summary(team_assignment.procedure)["travel"]
    assert summary["count"] == len(rows)
    assert summary["hours"] == cost.to_hours(cost.lower_average([h for h, _m in rows]))
    assert summary["money"] == cost.to_vnd(cost.lower_average([m for _h, m in rows]))
    assert summary["hours"] <= max(h for h, _m in rows)
    assert summary["money"] <= cost.to_vnd(Decimal(sum(m for _h, m in rows)) / len(rows))
