"""Compliance-cost arithmetic (Circular 02/2017/TT-VPCP Art. 27): property and example tests."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.reform import cost

hours = st.decimals(min_value=0, max_value=500, places=2, allow_nan=False, allow_infinity=False)
money = st.integers(min_value=0, max_value=10**9)
lines = st.lists(st.builds(cost.Line, hours, money), max_size=8)
rate = st.integers(min_value=1, max_value=500_000)
frequency = st.decimals(min_value=0, max_value=52, places=2, allow_nan=False, allow_infinity=False)
subjects = st.integers(min_value=0, max_value=5_000_000)


def sheet(lines, rate, fees, freq, subjects):
    return cost.compute_sheet(
        lines=lines, hourly_value_vnd=rate, fees_vnd=fees, frequency=freq, subjects=subjects
    )


@given(lines, lines, rate, money, money, frequency, subjects)
def test_before_minus_after_is_the_saving(before_lines, after_lines, rate, fee_before, fee_after, freq, n):
    comparison = cost.Comparison(
        before=sheet(before_lines, rate, fee_before, freq, n),
        after=sheet(after_lines, rate, fee_after, freq, n),
    )
    assert (
        comparison.yearly_saving_vnd == comparison.before.yearly_cost_vnd - comparison.after.yearly_cost_vnd
    )
    assert comparison.unit_saving_vnd == comparison.before.unit_cost_vnd - comparison.after.unit_cost_vnd
    assert isinstance(comparison.yearly_saving_vnd, int)


@given(lines, rate, money, frequency, subjects)
def test_unit_cost_is_time_cost_plus_out_of_pocket_plus_fees(lines, rate, fees, freq, n):
    result = sheet(lines, rate, fees, freq, n)
    exact_time = sum((line.hours for line in lines), Decimal(0)) * rate
    assert abs(result.time_cost_vnd - exact_time) <= Decimal("0.5")
    assert result.unit_cost_vnd == result.time_cost_vnd + sum(line.out_of_pocket_vnd for line in lines) + fees


@given(lines, rate, money, frequency, subjects)
def test_yearly_total_is_unit_cost_times_frequency_times_people(lines, rate, fees, freq, n):
    result = sheet(lines, rate, fees, freq, n)
    exact = Decimal(result.unit_cost_vnd) * freq * n
    assert abs(result.yearly_cost_vnd - exact) <= Decimal("0.5")
    assert isinstance(result.yearly_cost_vnd, int)


@given(st.integers(min_value=1, max_value=10**9), subjects)
def test_yearly_total_with_whole_frequency_is_exact(unit, n):
    assert cost.yearly_cost(unit_cost_vnd=unit, frequency=Decimal(4), subjects=n) == unit * 4 * n


@given(st.lists(hours, min_size=1, max_size=30))
def test_lower_average_lies_between_the_minimum_and_the_mean(values):
    low = cost.lower_average(values)
    mean = sum(values, Decimal(0)) / len(values)
    assert min(values) <= low <= mean + Decimal("1e-20")


@given(st.lists(hours, min_size=1, max_size=30))
def test_lower_average_ignores_the_order_of_observations(values):
    assert cost.lower_average(values) == cost.lower_average(list(reversed(values)))


@given(st.lists(hours, min_size=1, max_size=30), hours)
def test_one_extreme_observation_does_not_raise_the_lower_average_above_the_old_median(values, extreme):
    # Adding a value above everything cannot push the result above the median of the rest.
    bigger = [*values, max(values) + extreme + 1]
    ordered = sorted(values)
    assert cost.lower_average(bigger) <= ordered[len(ordered) // 2] + Decimal("1e-20")


def test_lower_average_examples():
    assert cost.lower_average([Decimal(2)]) == 2
    assert cost.lower_average([1, 2, 3, 10]) == Decimal("1.5")  # median 2.5 → mean of 1 and 2
    assert cost.lower_average([4, 1, 6]) == Decimal("2.5")  # median 4 → mean of 1 and 4
    with pytest.raises(cost.CostInputError):
        cost.lower_average([])
    with pytest.raises(cost.CostInputError):
        cost.lower_average([Decimal(-1), 2])


def test_worked_example_from_the_research():
    """reform.md §2.4: 20 h → 4.5 h at 40,000 VND/h; 150,000 → 0 out of pocket; fee 200,000."""
    before = sheet([cost.Line(Decimal(20), 150_000)], 40_000, 200_000, Decimal(1), 1000)
    after = sheet([cost.Line(Decimal("4.5"), 0)], 40_000, 200_000, Decimal(1), 1000)
    assert before.unit_cost_vnd == 1_150_000
    assert after.unit_cost_vnd == 380_000
    comparison = cost.Comparison(before, after)
    assert comparison.yearly_saving_vnd == 770_000_000
    assert comparison.reduction_percent == Decimal("66.96")


def test_frequency_cut_example_from_tax_reporting():
    """12 reports/yr × 250,000 × 325,000 firms = 975 bn; at 4/yr the saving is 650 bn."""
    before = cost.yearly_cost(unit_cost_vnd=250_000, frequency=Decimal(12), subjects=325_000)
    after = cost.yearly_cost(unit_cost_vnd=250_000, frequency=Decimal(4), subjects=325_000)
    assert before == 975_000_000_000
    assert before - after == 650_000_000_000


def test_negative_inputs_are_refused():
    with pytest.raises(cost.CostInputError):
        sheet([cost.Line(Decimal(-1), 0)], 40_000, 0, Decimal(1), 1)
    with pytest.raises(cost.CostInputError):
        sheet([cost.Line(Decimal(1), -5)], 40_000, 0, Decimal(1), 1)
    with pytest.raises(cost.CostInputError):
        sheet([], 0, 0, Decimal(1), 1)


def test_percentages_have_two_decimals():
    assert cost.reduction_percent(2_306, 654) == Decimal("71.64")
    assert cost.reduction_percent(0, 0) == Decimal("0.00")
    assert cost.reduction_percent(3, 2) == Decimal("33.33")
