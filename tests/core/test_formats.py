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


@pytest.mark.parametrize(
    "value, places, text",
    [
        (Decimal("1234.50"), 2, "1,234.5"),  # a quantity: grouped, trailing zeros dropped
        (Decimal("3.00"), 2, "3"),
        (Decimal("8.33335"), 4, "8.3334"),
        (Decimal("1000"), 2, "1,000"),
        (None, 2, ""),
    ],
)
def test_number(value, places, text):
    assert formats.number(value, places) == text


def test_figure_by_kind_of_metric():
    assert formats.figure(Decimal("1200"), "count") == "1,200"  # never 1,200.00
    assert formats.figure(Decimal("1200"), "money") == "1,200.00"
    template = Template("{% load money %}{{ a|figure:kind }}|{{ a|figure:'count' }}|{{ q|number }}|{{ w|number:4 }}")
    text = template.render(Context({"a": Decimal("8329550"), "kind": "money", "q": Decimal("1500.50"), "w": Decimal("0.1250")}))
    assert text == "8,329,550.00|8,329,550|1,500.5|0.125"
