"""Compliance-cost arithmetic — chi phí tuân thủ TTHC (Circular 02/2017/TT-VPCP Art. 27).

Pure functions, no database. Money is whole VND: every product with hours or a frequency is
rounded once, half up, to the đồng; percentages are rounded half up to two decimals. No
floats, and no opportunity cost (Art. 27 cl. 2b).

- cost of one procedure = Σ activity hours × hourly value + out-of-pocket costs + fees (cl. 3a)
- yearly cost = cost of one procedure × times per year × subjects per year (cl. 3b)
- saving = yearly cost before − yearly cost after (cl. 1c)
- where observations disagree, the lower-average value is taken (cl. 2a)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
UNIT = Decimal("1")


class CostInputError(ValueError):
    """A negative amount, hours or count."""


def to_vnd(value: Decimal | int) -> int:
    """Round to the whole đồng, half up."""
    return int(Decimal(value).quantize(UNIT, rounding=ROUND_HALF_UP))


def to_hours(value: Decimal | int) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def lower_average(values: Iterable[Decimal | int]) -> Decimal:
    """The "lower-average" level (mức trung bình thấp) of disagreeing observations.

    Our operational reading of Art. 27 cl. 2a (see docs/reform.md): the mean of the values at
    or below the median. One value gives itself; no value is an error. Not rounded: callers
    round hours to two decimals and money to the đồng.
    """
    ordered = sorted(Decimal(v) for v in values)
    if not ordered:
        raise CostInputError("no observations")
    if any(v < 0 for v in ordered):
        raise CostInputError("negative observation")
    n = len(ordered)
    median = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    low = [v for v in ordered if v <= median]
    return sum(low, Decimal(0)) / len(low)


@dataclass(frozen=True)
class Line:
    hours: Decimal
    out_of_pocket_vnd: int


@dataclass(frozen=True)
class SheetResult:
    hours: Decimal
    time_cost_vnd: int
    out_of_pocket_vnd: int
    fees_vnd: int
    unit_cost_vnd: int
    frequency: Decimal
    subjects: int
    yearly_cost_vnd: int
    yearly_hours: Decimal


def compute_sheet(
    *, lines: Iterable[Line], hourly_value_vnd: int, fees_vnd: int, frequency: Decimal, subjects: int
) -> SheetResult:
    """Cost of one procedure and per year for one sheet."""
    lines = list(lines)
    for line in lines:
        if Decimal(line.hours) < 0 or line.out_of_pocket_vnd < 0:
            raise CostInputError("negative hours or money")
    if hourly_value_vnd <= 0 or fees_vnd < 0 or Decimal(frequency) < 0 or subjects < 0:
        raise CostInputError("negative hourly value, fee, frequency or subjects")
    hours = sum((Decimal(line.hours) for line in lines), Decimal(0))
    time_cost = to_vnd(hours * hourly_value_vnd)
    out_of_pocket = sum(line.out_of_pocket_vnd for line in lines)
    unit = time_cost + out_of_pocket + fees_vnd
    return SheetResult(
        hours=to_hours(hours),
        time_cost_vnd=time_cost,
        out_of_pocket_vnd=out_of_pocket,
        fees_vnd=fees_vnd,
        unit_cost_vnd=unit,
        frequency=Decimal(frequency),
        subjects=subjects,
        yearly_cost_vnd=yearly_cost(unit_cost_vnd=unit, frequency=Decimal(frequency), subjects=subjects),
        yearly_hours=to_hours(hours * Decimal(frequency) * subjects),
    )


def yearly_cost(*, unit_cost_vnd: int, frequency: Decimal, subjects: int) -> int:
    return to_vnd(Decimal(unit_cost_vnd) * Decimal(frequency) * subjects)


def reduction_percent(before: int | Decimal, after: int | Decimal) -> Decimal:
    """(before − after) / before × 100, two decimals; 0 when there was nothing to reduce."""
    before, after = Decimal(before), Decimal(after)
    if before == 0:
        return Decimal("0.00")
    return ((before - after) * 100 / before).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Comparison:
    before: SheetResult
    after: SheetResult

    @property
    def unit_saving_vnd(self) -> int:
        return self.before.unit_cost_vnd - self.after.unit_cost_vnd

    @property
    def yearly_saving_vnd(self) -> int:
        return self.before.yearly_cost_vnd - self.after.yearly_cost_vnd

    @property
    def hours_saved(self) -> Decimal:
        return self.before.hours - self.after.hours

    @property
    def yearly_hours_saved(self) -> Decimal:
        return self.before.yearly_hours - self.after.yearly_hours

    @property
    def reduction_percent(self) -> Decimal:
        return reduction_percent(self.before.yearly_cost_vnd, self.after.yearly_cost_vnd)
