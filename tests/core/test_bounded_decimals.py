"""`core.money.parse_decimal`: numbers from input are bounded by their digits and exponent before any
arithmetic (issue 12, items 9 and 11) — and the places that read numbers from input use it: imports,
appraisal weights, tiers and incentive amounts, approval amounts."""

import time
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from core.errors import InvalidInput
from core.rights import SYSTEM

D = Decimal
MONEY_MAX = D("9999999999999999.99")


def parse_decimal(value, **kwargs):
    from core.money import parse_decimal

    return parse_decimal(value, **kwargs)


def parse_weight(value, **kwargs):
    from core.money import parse_weight

    return parse_weight(value, **kwargs)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("100.00", D("100.00")),
        (" 12.5 ", D("12.5")),
        (7, D(7)),
        (0.1, D("0.1")),  # a float as written, not its binary expansion
        (D("9999999999999999.99"), MONEY_MAX),
        ("0e-4000000", D(0)),
        ("1.50000000000000000000", D("1.5")),
    ],
)
def test_accepted(value, expected):
    assert parse_decimal(value, field="x") == expected


@pytest.mark.parametrize(
    "value", ["1e-4000000", "1e4000000", "10000000000000000", "1.001", "abc", "NaN", "-Infinity", None, True, [], "1" * 65]
)
def test_refused_with_the_field_at_once(value):
    started = time.monotonic()
    with pytest.raises(InvalidInput) as caught:
        parse_decimal(value, field="amount")
    assert caught.value.field == "amount"
    assert time.monotonic() - started < 0.1


def test_weights_take_ten_places_and_sixteen_whole_digits():
    assert parse_weight("0.3333333333", field="shares") == D("0.3333333333")
    with pytest.raises(InvalidInput):
        parse_weight("0.00000000001", field="shares")
    with pytest.raises(InvalidInput):
        parse_weight("1e16", field="shares")


def test_the_refusal_is_in_the_users_language():
    with translation.override("zh-hans"), pytest.raises(InvalidInput) as caught:
        parse_decimal("1e-4000000", field="amount", label="金额")
    assert "小数" in caught.value.message


@pytest.mark.parametrize("text", ["1e4000000", "1e-4000000", "9" * 40])
def test_an_import_cell_with_a_wild_exponent_is_a_cell_error(text):
    from customers.imports import CellError, money_cell

    started = time.monotonic()
    with pytest.raises(CellError):
        money_cell(text)
    assert time.monotonic() - started < 0.1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("min_sales", "fixed"),
    [("1e20", "0"), ("0", "1e20"), ("0", "1e-4000000"), ("0", "10000000000000000")],
)
def test_incentive_amounts_beyond_an_amount_field_are_refused(min_sales, fixed):
    from appraisal import services

    classes = [
        {"name": "小", "min_sales": "0", "tiers": [{"min_attainment": "100", "bonus_rate": "1"}]},
        {"name": "大", "min_sales": min_sales, "tiers": [{"min_attainment": "100", "bonus_rate": "1", "fixed_amount": fixed}]},
    ]
    if min_sales == "0":
        classes = classes[:1]
        classes[0]["tiers"][0]["fixed_amount"] = fixed
    with pytest.raises(InvalidInput) as caught:
        services.incentive_scheme_create(name="激励", subject="district", valid_from=date(2025, 1, 1), classes=classes, by=SYSTEM)
    assert caught.value.field == "classes"


def test_an_approval_amount_beyond_the_column_is_refused():
    from approvals.services.transitions import clean_amount

    assert clean_amount("12.34") == D("12.34")
    # More than two decimals is refused like every amount (core.money.parse_money), no longer rounded.
    for value in ("12.345", "2e16", "1e4000000", "abc"):
        with pytest.raises(InvalidInput) as caught:
            clean_amount(value)
        assert caught.value.field == "amount"
