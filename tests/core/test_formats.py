"""The one rule for writing figures (core/formats.py): money, 万/亿, counts and rates."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from core import formats


@pytest.mark.parametrize(
    "value, text",
    [
        (Decimal("8329550"), "8,329,550.00"),
        ("12345.675", "12,345.68"),  # half up
        (Decimal("-1234.5"), "-1,234.50"),
        (0, "0.00"),
        (None, ""),
        ("abc", ""),
        ("NaN", ""),
        ("Infinity", ""),
    ],
)
def test_money(value, text):
    assert formats.money(value) == text


@pytest.mark.parametrize(
    "value, text",
    [
        (Decimal("9999.99"), "9,999.99"),
        (Decimal("10000"), "1.00 万"),
        (Decimal("8329550"), "832.96 万"),
        (Decimal("123456789"), "1.23 亿"),
        (Decimal("-250000"), "-25.00 万"),
    ],
)
def test_money_short(value, text):
    assert formats.money_short(value) == text


@pytest.mark.parametrize("value, text", [(Decimal("1.00"), "1"), (0, "0"), (12345, "12,345"), ("2000.00", "2,000")])
def test_count_is_whole(value, text):
    assert formats.count(value) == text


@pytest.mark.parametrize(
    "value, text",
    [(Decimal("43.75"), "43.8%"), (Decimal("49.8"), "49.8%"), (50, "50.0%"), (None, "—"), (Decimal("0.04"), "0.0%")],
)
def test_rate_one_decimal(value, text):
    assert formats.rate(value) == text


def test_fraction_rate():
    assert formats.fraction_rate(Decimal("0.4375")) == "43.8%"


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2))
def test_money_reads_back(value):
    """The text is the amount: removing the grouping gives the same Decimal."""
    assert Decimal(formats.money(value).replace(",", "")) == value


def test_filters():
    template = Template("{% load money %}{{ a|money }}|{{ a|wan }}|{{ n|count }}|{{ r|rate }}|{{ f|frac_rate }}|{{ r|pct1 }}")
    text = template.render(Context({"a": Decimal("8329550"), "n": Decimal("3.00"), "r": Decimal("43.75"), "f": 0.5}))
    assert text == "8,329,550.00|832.96 万|3|43.8%|50.0%|43.8"
