"""Money and dates as Vietnamese readers expect them."""

from hypothesis import given
from hypothesis import strategies as st

from motcua.core.templatetags.motcua import amount, format_vnd


def test_vnd_examples():
    assert format_vnd(1_000_000) == "1.000.000 đ"
    assert format_vnd(50_000) == "50.000 đ"
    assert format_vnd(500) == "500 đ"


@given(st.integers(min_value=1, max_value=10**12))
def test_vnd_round_trips(value):
    text = format_vnd(value)
    assert text.endswith(" đ")
    assert int(text.removesuffix(" đ").replace(".", "")) == value
    groups = text.removesuffix(" đ").split(".")
    assert all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3


def test_amount_drops_useless_decimals():
    from decimal import Decimal

    assert amount(Decimal("3.0")) == "3"
    assert amount(Decimal("0.5")) == "0,5"
