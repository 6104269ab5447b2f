"""Targets and their decomposition: the rounding rule (property-tested), versions, the splits to units,
staff and months, the add-up check, seasonal distributions, actuals and attainment, and the scope."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import Conflict, InvalidInput, Unprocessable
from core.money import allocate
from core.rights import SYSTEM
from customers import services as ledger
from customers.models import Customer
from plans import selectors, services
from plans.choices import DistributionKind, Metric, SplitMethod
from plans.models import SeasonalDistribution, Target
from regions.models import OrgUnit
from tests.customers.factories import CustomerFactory, StaffFactory


@pytest.fixture
def english():
    """These tests read the wording of messages, written in English; the UI default is Chinese."""
    with translation.override("en"):
        yield


D = Decimal
EAST_PROVINCES = ["310000", "320000", "330000", "340000", "350000", "360000", "370000"]


# --- the rounding rule ----------------------------------------------------------------------------
def test_allocate_gives_the_remainder_to_the_largest_fractions_then_by_order():
    assert allocate(D("1.00"), [1, 1, 1]) == [D("0.34"), D("0.33"), D("0.33")]
    assert allocate(D("0.02"), [1, 1, 1]) == [D("0.01"), D("0.01"), D("0.00")]
    # 10 × 1/6 = 1.666…, 10 × 2/6 = 3.333…, 10 × 3/6 = 5: the largest fraction (.666) takes the cent.
    assert allocate(D("10.00"), [1, 2, 3]) == [D("1.67"), D("3.33"), D("5.00")]
    assert allocate(D("7"), [1, 1], places=0) == [D("4"), D("3")]
    assert allocate(D("5.00"), [0, 3]) == [D("0.00"), D("5.00")]


@pytest.mark.parametrize(
    ("total", "weights", "places"),
    [
        (D("-1.00"), [1], 2),
        (D("1.001"), [1], 2),
        (D("1.5"), [1, 1], 0),
        (D("1.00"), [], 2),
        (D("1.00"), [0, 0], 2),
        (D("1"), [1, -1], 2),
    ],
)
def test_allocate_refuses_what_it_cannot_split(total, weights, places):
    with pytest.raises(ValueError):
        allocate(total, weights, places=places)


@settings(max_examples=300, deadline=None)
@given(
    places=st.sampled_from([0, 2]),
    units=st.integers(min_value=0, max_value=10**15),
    weights=st.lists(
        st.one_of(
            st.integers(min_value=1, max_value=10**9).map(D),
            st.decimals(min_value=D("0.0001"), max_value=D("1000000"), places=4),
        ),
        min_size=2,
        max_size=40,
    ),
)
def test_allocate_parts_sum_exactly_and_stay_within_one_unit(places, units, weights):
    total = D(units).scaleb(-places)
    parts = allocate(total, weights, places=places)
    unit = D(1).scaleb(-places)
    assert len(parts) == len(weights)
    assert sum(parts) == total
    assert all(part >= 0 for part in parts)
    assert all(part == part.quantize(unit) for part in parts)
    weight_sum = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = Fraction(total) * Fraction(weight) / Fraction(weight_sum)
        assert abs(Fraction(part) - exact) < Fraction(unit)
    assert allocate(total, list(weights), places=places) == parts


# --- setting targets and versions -----------------------------------------------------------------
def test_target_set_versions_never_edit_in_place(units, personas):
    first = services.target_set(
        metric=Metric.SALES_AMOUNT, period="2026", unit=units["HD"], value="1000", by=personas["rm_east"].user
    )
    assert (first.version, first.is_current, first.value, str(first.period)) == (1, True, D("1000.00"), "2026")
    assert first.owner_unit == units["HD"] and first.created_by == personas["rm_east"].user
    # The same value again changes nothing.
    assert services.target_set(metric="sales_amount", period="2026", unit=units["HD"], value=D("1000.00"), by=SYSTEM) == first
    second = services.target_set(metric="sales_amount", period="2026", unit=units["HD"], value="1200.50", by=SYSTEM)
    first.refresh_from_db()
    assert (second.version, second.is_current, second.value) == (2, True, D("1200.50"))
    assert first.is_current is False and first.value == D("1000.00")
    assert Target.objects.filter(unit=units["HD"]).count() == 2
    # Another period or metric is another target.
    other = services.target_set(metric="collections", period="2026", unit=units["HD"], value="5", by=SYSTEM)
    assert other.version == 1


def test_staff_target_is_owned_by_the_persons_district(units, personas):
    target = services.target_set(
        metric="new_customers", period="2026-07", staff=personas["rep_hangzhou"].staff, value=3, by=SYSTEM
    )
    assert target.unit is None and target.owner_unit == units["330100"] and target.value == D("3.00")


@pytest.mark.parametrize(
    ("kwargs", "field", "text"),
    [
        ({"value": "-1"}, "value", "negative"),
        ({"value": "abc"}, "value", "number"),
        ({"value": "1.005"}, "value", "two decimal places"),
        ({"metric": "new_customers", "value": "2.5"}, "value", "whole number"),
        ({"period": "2026-13"}, "period", "not a period"),
        ({"metric": "profit"}, "metric", "Unknown metric"),
        ({"staff": "rep"}, "unit", "exactly one"),
    ],
)
@pytest.mark.usefixtures("english")
def test_target_set_refuses_bad_input(units, personas, kwargs, field, text):
    args = {"metric": "sales_amount", "period": "2026", "unit": units["HD"], "value": "10", "by": SYSTEM}
    if kwargs.get("staff") == "rep":
        kwargs = {"staff": personas["rep_hangzhou"].staff}
    args.update(kwargs)
    with pytest.raises(InvalidInput, match=text) as caught:
        services.target_set(**args)
    assert caught.value.field == field
    assert not Target.objects.exists()


@pytest.mark.usefixtures("english")
def test_closed_unit_takes_no_target(units):
    OrgUnit.objects.filter(pk=units["330100"].pk).update(is_active=False, closed_on=date(2026, 1, 1))
    with pytest.raises(InvalidInput, match="closed") as caught:
        services.target_set(metric="sales_amount", period="2026", unit=OrgUnit.objects.get(code="330100"), value="1", by=SYSTEM)
    assert caught.value.field == "unit"


def test_database_refuses_two_current_versions_and_bad_rows(units, personas):
    target = services.target_set(metric="sales_amount", period="2026", unit=units["HD"], value="10", by=SYSTEM)
    base = {"metric": "sales_amount", "period": "2026", "owner_unit": units["HD"], "value": D("1")}
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(unit=units["HD"], version=2, is_current=True, **base)
    with pytest.raises(IntegrityError), transaction.atomic():  # same version twice, even when not current
        Target.objects.create(unit=units["HD"], version=1, is_current=False, **base)
    rep = personas["rep_hangzhou"].staff
    services.target_set(metric="sales_amount", period="2026", staff=rep, value="10", by=SYSTEM)
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(staff=rep, version=2, is_current=True, **{**base, "owner_unit": units["330100"]})
    with pytest.raises(IntegrityError), transaction.atomic():  # both a unit and a person
        Target.objects.create(unit=units["HN"], staff=rep, **base)
    with pytest.raises(IntegrityError), transaction.atomic():  # a fractional count
        Target.objects.create(unit=units["HN"], **{**base, "metric": "new_customers", "value": D("1.50")})
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(unit=units["HN"], **{**base, "value": D("-1.00")})
    # An older version beside the current one is fine.
    Target.objects.filter(pk=target.pk).update(is_current=False)
    Target.objects.create(unit=units["HD"], version=2, is_current=True, **base)
    assert Target.objects.filter(unit=units["HD"], is_current=True).count() == 1


# --- splitting to units ---------------------------------------------------------------------------
def _east_target(units, value="1000.00", metric="sales_amount", period="2026"):
    return services.target_set(metric=metric, period=period, unit=units["HD"], value=value, by=SYSTEM)


def _by_code(result):
    return {t.unit.code: t.value for t in result.targets}


def test_split_by_shares_normalises_and_adds_up(units):
    target = _east_target(units, "1000.00")
    shares = {units[code].pk: weight for code, weight in zip(EAST_PROVINCES, [1, 1, 1, 1, 1, 1, 1], strict=True)}
    result = services.split_to_units(target=target, method="shares", shares=shares, by=SYSTEM)
    values = _by_code(result)
    assert list(values) == EAST_PROVINCES  # code order
    # 1000 / 7 = 142.857…: floors of 142.85 make 999.95; the five cents left go, on equal fractions, to
    # the first five codes.
    assert values == {"310000": D("142.86"), "320000": D("142.86"), "330000": D("142.86"), "340000": D("142.86"),
                      "350000": D("142.86"), "360000": D("142.85"), "370000": D("142.85")}  # fmt: skip
    assert sum(values.values()) == D("1000.00") == result.total
    assert all(t.parent == target and t.split_method == SplitMethod.SHARES and t.version == 1 for t in result.targets)
    assert services.check_decomposition(target=target) == []

    weighted = services.split_to_units(
        target=target,
        method="shares",
        shares={str(units[c].pk): w for c, w in zip(EAST_PROVINCES, [3, 1, 0, 0, 0, 0, 0], strict=True)},
        by=SYSTEM,
    )
    assert _by_code(weighted)["310000"] == D("750.00") and _by_code(weighted)["320000"] == D("250.00")
    assert all(t.version == 2 for t in weighted.targets)
    assert Target.objects.filter(unit=units["310000"], is_current=True).get().value == D("750.00")
    assert Target.objects.filter(unit=units["310000"], is_current=False).get().value == D("142.86")


@pytest.mark.usefixtures("english")
def test_split_by_shares_refuses_bad_shares(units):
    target = _east_target(units)
    some = {units["330000"].pk: 1}
    with pytest.raises(InvalidInput, match="missing") as caught:
        services.split_to_units(target=target, method="shares", shares=some, by=SYSTEM)
    assert caught.value.field == "shares"
    every = {units[c].pk: 1 for c in EAST_PROVINCES}
    with pytest.raises(InvalidInput, match="not children") as caught:
        services.split_to_units(target=target, method="shares", shares={**every, units["440000"].pk: 1}, by=SYSTEM)
    with pytest.raises(InvalidInput, match="negative"):
        services.split_to_units(target=target, method="shares", shares={**every, units["330000"].pk: -1}, by=SYSTEM)
    with pytest.raises(InvalidInput, match="positive"):
        services.split_to_units(target=target, method="shares", shares={k: 0 for k in every}, by=SYSTEM)
    with pytest.raises(InvalidInput) as caught:
        services.split_to_units(target=target, method="seasonal", shares=every, by=SYSTEM)
    assert caught.value.field == "method"
    assert not Target.objects.filter(parent=target).exists()


def _invoice(customer, issued, amount):
    return ledger.invoice_record(by=SYSTEM, customer=customer, issue_date=issued, due_date=issued, amount=D(amount)).invoice


def test_split_by_last_year_uses_the_childrens_actuals(units):
    hangzhou = CustomerFactory(district=units["330100"])
    ningbo = CustomerFactory(district=units["330200"])
    nanjing = CustomerFactory(district=units["320100"])
    _invoice(hangzhou, date(2025, 3, 1), "200.00")
    _invoice(ningbo, date(2025, 12, 31), "100.00")
    _invoice(nanjing, date(2025, 1, 1), "100.00")
    ledger.invoice_cancel(
        by=SYSTEM, invoice=_invoice(nanjing, date(2025, 6, 1), "5000.00"), reason="录入错误", on=date(2025, 6, 2)
    )
    _invoice(nanjing, date(2026, 1, 1), "9000.00")  # this year: not a weight
    target = _east_target(units, "1000.00")
    result = services.split_to_units(target=target, method="last_year", by=SYSTEM)
    assert result.fell_back_to_equal is False
    assert result.weights[units["330000"].pk] == D("300.00")
    assert result.weights[units["320000"].pk] == D("100.00")
    assert result.weights[units["310000"].pk] == D("0.00")
    values = _by_code(result)
    assert values["330000"] == D("750.00") and values["320000"] == D("250.00")
    assert sum(values.values()) == D("1000.00")
    assert all(values[c] == 0 for c in EAST_PROVINCES if c not in ("330000", "320000"))


def test_split_by_last_year_falls_back_to_equal_and_says_so(units):
    target = _east_target(units, "7.00", metric="collections")
    result = services.split_to_units(target=target, method="last_year", by=SYSTEM)
    assert result.fell_back_to_equal is True and "2025" in result.note
    assert set(_by_code(result).values()) == {D("1.00")}


def test_split_by_last_year_refused_for_a_metric_without_facts(units):
    target = _east_target(units, "7", metric="key_customer_contracts")
    with pytest.raises(Unprocessable) as caught:
        services.split_to_units(target=target, method="last_year", by=SYSTEM)
    assert caught.value.field == "method"


@pytest.mark.usefixtures("english")
def test_manual_split_must_add_up_exactly(units):
    target = services.target_set(metric="sales_amount", period="2026", unit=units["330000"], value="1000.00", by=SYSTEM)
    districts = list(OrgUnit.objects.filter(parent=units["330000"], is_active=True).order_by("code"))
    values = {d.pk: D("90.00") for d in districts}  # 11 × 90 = 990
    with pytest.raises(InvalidInput) as caught:
        services.split_to_units(target=target, method="manual", values=values, by=SYSTEM)
    error = caught.value
    assert error.field == "values"
    assert "990.00" in str(error.message) and "10.00" in str(error.message) and "too little" in str(error.message)
    assert "杭州市" in str(error.message)
    assert not Target.objects.filter(parent=target).exists()

    values[districts[0].pk] = D("100.00")
    result = services.split_to_units(target=target, method="manual", values=values, by=SYSTEM)
    assert result.total == D("1000.00") and result.targets[0].value == D("100.00")
    assert {t.split_method for t in result.targets} == {SplitMethod.MANUAL}


def test_split_of_a_superseded_or_staff_target_is_refused(units, personas):
    old = _east_target(units, "10.00")
    _east_target(units, "20.00")
    with pytest.raises(Conflict):
        services.split_to_units(target=old, method="last_year", by=SYSTEM)
    staff_target = services.target_set(
        metric="sales_amount", period="2026", staff=personas["rep_hangzhou"].staff, value="1", by=SYSTEM
    )
    with pytest.raises(InvalidInput):
        services.split_to_units(target=staff_target, method="last_year", by=SYSTEM)
    district = services.target_set(metric="sales_amount", period="2026", unit=units["330100"], value="1", by=SYSTEM)
    with pytest.raises(Unprocessable):
        services.split_to_units(target=district, method="last_year", by=SYSTEM)


def test_split_to_staff_over_the_districts_active_reps(units, personas):
    left = StaffFactory(unit=units["330100"], is_active=False)
    target = services.target_set(metric="new_customers", period="2026-Q3", unit=units["330100"], value="10", by=SYSTEM)
    reps = [personas["rep_hangzhou"].staff, personas["rep_hangzhou_2"].staff]
    result = services.split_to_staff(target=target, method="shares", shares={r.pk: 1 for r in reps}, by=SYSTEM)
    assert [t.staff for t in result.targets] == sorted(reps, key=lambda r: r.employee_no)
    assert [t.value for t in result.targets] == [D("5.00"), D("5.00")]
    assert left.pk not in result.weights
    assert all(t.owner_unit == units["330100"] and t.unit is None for t in result.targets)
    odd = services.target_set(metric="new_customers", period="2026-Q3", unit=units["330100"], value="3", by=SYSTEM)
    values = [
        t.value for t in services.split_to_staff(target=odd, method="shares", shares={r.pk: 1 for r in reps}, by=SYSTEM).targets
    ]
    assert sorted(values) == [D("1.00"), D("2.00")] and sum(values) == 3
    with pytest.raises(InvalidInput):
        services.split_to_staff(target=_east_target(units), method="last_year", by=SYSTEM)


# --- months and distributions ---------------------------------------------------------------------
PERCENT = ["5", "5", "8", "8", "8", "8", "8", "8", "8", "10", "12", "12"]


def test_split_to_months_with_a_percentage_distribution(units):
    distribution = services.distribution_save(name="旺季在年末", kind=DistributionKind.PERCENTAGES, values=PERCENT, by=SYSTEM)
    target = _east_target(units, "12345.67")
    result = services.split_to_months(target=target, distribution=distribution, by=SYSTEM)
    values = {str(t.period): t.value for t in result.targets}
    assert list(values) == [f"2026-{m:02d}" for m in range(1, 13)]
    assert sum(values.values()) == D("12345.67")
    assert values["2026-01"] == D("617.28") and values["2026-12"] == D("1481.48")
    assert all(t.unit == units["HD"] and t.distribution == distribution and t.parent == target for t in result.targets)
    assert services.check_decomposition(target=target) == []

    quarter = _east_target(units, "100.00", period="2026-Q4")
    months = services.split_to_months(target=quarter, distribution=distribution, by=SYSTEM).targets
    # October, November, December weigh 10 : 12 : 12 → 29.411…, 35.294…, 35.294…: the cent left goes to
    # the largest fraction, November's (tied with December's, and November comes first).
    assert [t.value for t in months] == [D("29.41"), D("35.30"), D("35.29")]
    # The quarter's months replaced the year's last three: the year no longer adds up, and says where;
    # a quarter's target now exists too, so the quarter level is checked and names the missing ones.
    expected_actual = sum(values[f"2026-{m:02d}"] for m in range(1, 10)) + D("100.00")
    report = services.check_decomposition(target=target)
    assert report == [
        {
            "level": "quarters",
            "expected": D("12345.67"),
            "actual": D("100.00"),
            "difference": D("-12245.67"),
            "missing": ["2026-Q1", "2026-Q2", "2026-Q3"],
        },
        {
            "level": "months",
            "expected": D("12345.67"),
            "actual": expected_actual,
            "difference": expected_actual - D("12345.67"),
            "missing": [],
        },
    ]


def test_split_to_months_equal_without_distribution_and_counts_whole(units):
    target = _east_target(units, "14", metric="new_customers")
    values = [t.value for t in services.split_to_months(target=target, by=SYSTEM).targets]
    assert values == [D("2")] * 2 + [D("1")] * 10
    with pytest.raises(InvalidInput):
        services.split_to_months(target=_east_target(units, "1", period="2026-07"), by=SYSTEM)


def test_distribution_of_another_unit_cannot_be_used(units):
    south = services.distribution_save(name="华南节奏", kind="amounts", values=[1] * 12, unit=units["HN"], by=SYSTEM)
    with pytest.raises(InvalidInput) as caught:
        services.split_to_months(target=_east_target(units), distribution=south, by=SYSTEM)
    assert caught.value.field == "distribution"
    services.split_to_months(
        target=services.target_set(metric="sales_amount", period="2026", unit=units["440000"], value="12", by=SYSTEM),
        distribution=south,
        by=SYSTEM,
    )


@pytest.mark.usefixtures("english")
def test_distribution_save_checks_values_and_replaces_them(units):
    with pytest.raises(InvalidInput, match="99.99") as caught:
        services.distribution_save(name="x", kind="percentages", values=["8.33"] * 11 + ["8.36"], by=SYSTEM)
    assert caught.value.field == "values"
    with pytest.raises(InvalidInput, match="12 months"):
        services.distribution_save(name="x", kind="percentages", values=["10"] * 10, by=SYSTEM)
    with pytest.raises(InvalidInput, match="above zero"):
        services.distribution_save(name="x", kind="amounts", values=[0] * 12, by=SYSTEM)
    with pytest.raises(InvalidInput, match="negative"):
        services.distribution_save(name="x", kind="amounts", values=[-1] + [1] * 11, by=SYSTEM)
    with pytest.raises(InvalidInput) as caught:
        services.distribution_save(name="x", kind="weights", values=[1] * 12, by=SYSTEM)
    assert caught.value.field == "kind"
    saved = services.distribution_save(
        name="平均", kind="percentages", values={m: "8.33" if m > 4 else "8.34" for m in range(1, 13)}, by=SYSTEM
    )
    again = services.distribution_save(name="平均", kind="amounts", values=[m for m in range(1, 13)], by=SYSTEM)
    assert again.pk == saved.pk and again.kind == "amounts"
    assert again.weights() == {m: D(m) for m in range(1, 13)}


# --- versions on re-split and the add-up check ----------------------------------------------------
def test_resplit_creates_new_versions_and_the_check_finds_mismatches(units):
    target = _east_target(units, "700.00")
    every = {units[c].pk: 1 for c in EAST_PROVINCES}
    services.split_to_units(target=target, method="shares", shares=every, by=SYSTEM)
    services.split_to_units(target=target, method="shares", shares=every, by=SYSTEM)
    zhejiang = Target.objects.filter(unit=units["330000"], metric="sales_amount", period="2026")
    assert [(t.version, t.is_current) for t in zhejiang.order_by("version")] == [(1, False), (2, True)]
    assert services.check_decomposition(target=target) == []

    # A province's target is set apart from the split: the region no longer adds up.
    services.target_set(metric="sales_amount", period="2026", unit=units["330000"], value="150.00", by=SYSTEM)
    assert services.check_decomposition(target=target) == [
        {"level": "units", "expected": D("700.00"), "actual": D("750.00"), "difference": D("50.00"), "missing": []}
    ]
    # Re-setting the region makes a new version whose children are the same current ones.
    new = _east_target(units, "750.00")
    assert services.check_decomposition(target=new) == []


# --- actuals and attainment -----------------------------------------------------------------------
def test_actual_and_attainment_against_hand_computed_numbers(units, personas):
    rep = personas["rep_hangzhou"].staff
    mine = CustomerFactory(district=units["330100"], salesperson=rep)
    other = CustomerFactory(district=units["330100"])
    guangzhou = CustomerFactory(district=units["440100"])
    a = _invoice(mine, date(2026, 7, 5), "1000.00")
    _invoice(other, date(2026, 8, 1), "500.00")
    _invoice(guangzhou, date(2026, 7, 1), "700.00")
    _invoice(mine, date(2026, 10, 1), "50.00")  # next quarter
    ledger.invoice_cancel(by=SYSTEM, invoice=_invoice(other, date(2026, 9, 1), "80.00"), reason="作废", on=date(2026, 9, 2))
    ledger.payment_record(by=SYSTEM, customer=mine, received_on=date(2026, 7, 20), amount=D("400.00"))  # → invoice a
    reversed_payment = ledger.payment_record(by=SYSTEM, customer=mine, received_on=date(2026, 8, 20), amount=D("100.00"))
    ledger.payment_reverse(by=SYSTEM, payment=reversed_payment, reason="退票", on=date(2026, 8, 25))
    ledger.payment_record(by=SYSTEM, customer=guangzhou, received_on=date(2026, 9, 1), amount=D("300.00"))
    assert a.allocations.filter(reversed_on__isnull=True).count() == 1
    Customer.objects.filter(pk__in=[mine.pk, other.pk]).update(created_at="2026-07-10T09:00:00+08:00")
    Customer.objects.filter(pk=guangzhou.pk).update(created_at="2025-05-01T00:30:00+08:00")  # 2025-04-30 in UTC

    q3 = "2026-Q3"
    assert selectors.actual(metric="sales_amount", period=q3, unit=units["330100"]) == D("1500.00")
    assert selectors.actual(metric="sales_amount", period=q3, unit=units["HD"]) == D("1500.00")
    assert selectors.actual(metric="sales_amount", period=q3, staff=rep) == D("1000.00")
    assert selectors.actual(metric="sales_amount", period=q3) == D("2200.00")
    assert selectors.actual(metric="sales_amount", period="2026-07", unit=units["330100"]) == D("1000.00")
    assert selectors.actual(metric="collections", period=q3, unit=units["330000"]) == D("400.00")
    assert selectors.actual(metric="collections", period=q3) == D("700.00")
    assert selectors.actual(metric="collections", period="2026-09", unit=units["HN"]) == D("300.00")

    # New customers are counted by their first invoice, not by when their archive was opened: guangzhou's
    # archive dates from 2025-05 but its first invoice is of 2026-07.
    assert selectors.actual(metric="new_customers", period="2026", unit=units["440100"]) == 1
    assert selectors.actual(metric="new_customers", period="2025-05", unit=units["HN"]) == 0
    assert selectors.actual(metric="new_customers", period="2026-08", unit=units["330100"]) == 1  # other: 08-01
    assert selectors.actual(metric="new_customers", period="2026", unit=units["330100"]) == 2
    assert selectors.actual(metric="new_customers", period="2026", staff=rep) == 1

    target = services.target_set(metric="sales_amount", period=q3, unit=units["330100"], value="1200.00", by=SYSTEM)
    assert selectors.attainment(target=target) == {"target": D("1200.00"), "actual": D("1500.00"), "rate": D("1.2500")}
    third = services.target_set(metric="collections", period=q3, staff=rep, value="1200.00", by=SYSTEM)
    assert selectors.attainment(target=third)["rate"] == D("0.3333")
    zero = services.target_set(metric="sales_amount", period="2026-Q4", unit=units["330100"], value="0", by=SYSTEM)
    assert selectors.attainment(target=zero) == {"target": D("0.00"), "actual": D("50.00"), "rate": None}
    channels = services.target_set(metric="new_channels", period=q3, unit=units["330100"], value="2", by=SYSTEM)
    # New channels are counted from the channels' history (channels.metrics): none contracted here.
    assert selectors.attainment(target=channels) == {"target": D("2.00"), "actual": D("0.00"), "rate": D("0.0000")}
    contracts = services.target_set(metric="key_customer_contracts", period=q3, unit=units["330100"], value="2", by=SYSTEM)
    assert selectors.attainment(target=contracts) == {"target": D("2.00"), "actual": None, "rate": None}


# --- scope ----------------------------------------------------------------------------------------
def test_district_manager_sees_own_subtree_only(units, personas):
    hangzhou = services.target_set(metric="sales_amount", period="2026", unit=units["330100"], value="10", by=SYSTEM)
    rep_target = services.target_set(
        metric="sales_amount", period="2026", staff=personas["rep_hangzhou"].staff, value="4", by=SYSTEM
    )
    other_rep = services.target_set(
        metric="sales_amount", period="2026", staff=personas["rep_hangzhou_2"].staff, value="6", by=SYSTEM
    )
    guangzhou = services.target_set(metric="sales_amount", period="2026", unit=units["440100"], value="10", by=SYSTEM)
    zhejiang = services.target_set(metric="sales_amount", period="2026", unit=units["330000"], value="10", by=SYSTEM)

    seen = set(Target.objects.for_user(personas["dm_hangzhou"].user))
    assert seen == {hangzhou, rep_target, other_rep}
    assert guangzhou in set(Target.objects.for_user(personas["dm_guangzhou"].user))
    assert set(Target.objects.for_user(personas["rep_hangzhou"].user)) == {rep_target}
    assert set(Target.objects.for_user(personas["pm_zhejiang"].user)) == {hangzhou, rep_target, other_rep, zhejiang}
    assert Target.objects.for_user(personas["rm_south"].user).get() == guangzhou
    assert Target.objects.for_user(personas["director"].user).count() == 5


# --- the property: decomposition adds up at every level and month -------------------------------
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    total=st.integers(min_value=0, max_value=10**12),
    province_weights=st.lists(st.integers(min_value=0, max_value=1000), min_size=7, max_size=7).filter(any),
    months=st.lists(st.integers(min_value=0, max_value=10_000), min_size=12, max_size=12).filter(any),
    count=st.booleans(),
)
def test_decomposition_always_adds_up(units, total, province_weights, months, count):
    with transaction.atomic():
        metric = "new_customers" if count else "sales_amount"
        value = D(total) if count else D(total).scaleb(-2)
        region = services.target_set(metric=metric, period="2026", unit=units["HD"], value=value, by=SYSTEM)
        shares = {units[c].pk: w for c, w in zip(EAST_PROVINCES, province_weights, strict=True)}
        provinces = services.split_to_units(target=region, method="shares", shares=shares, by=SYSTEM).targets
        assert sum(t.value for t in provinces) == value
        zhejiang = next(t for t in provinces if t.unit.code == "330000")
        districts = services.split_to_units(target=zhejiang, method="last_year", by=SYSTEM).targets
        assert sum(t.value for t in districts) == zhejiang.value
        distribution = services.distribution_save(name="p", kind="amounts", values=months, by=SYSTEM)
        for target in (region, zhejiang, districts[0]):
            parts = services.split_to_months(target=target, distribution=distribution, by=SYSTEM).targets
            assert sum(t.value for t in parts) == target.value
            assert all(t.value >= 0 for t in parts)
        for target in (region, zhejiang, districts[0]):
            assert services.check_decomposition(target=target) == []
        transaction.set_rollback(True)


# --- admin ----------------------------------------------------------------------------------------
def test_admin_lists_targets_read_only_and_checks_distribution_months(admin_client, units):
    target = _east_target(units, "10.00")
    assert admin_client.get("/admin/plans/target/").status_code == 200
    assert admin_client.get(f"/admin/plans/target/{target.pk}/change/").status_code == 200
    assert admin_client.get("/admin/plans/target/add/").status_code == 403
    form = {
        "name": "后台分布",
        "unit": "",
        "kind": "percentages",
        "months-TOTAL_FORMS": "12",
        "months-INITIAL_FORMS": "0",
        "months-MIN_NUM_FORMS": "0",
        "months-MAX_NUM_FORMS": "12",
    }
    for n in range(12):
        form[f"months-{n}-month"] = str(n + 1)
        form[f"months-{n}-value"] = "8.33"
    response = admin_client.post("/admin/plans/seasonaldistribution/add/", form)
    assert response.status_code == 200 and "99.96" in response.content.decode()
    form["months-11-value"] = "8.37"
    response = admin_client.post("/admin/plans/seasonaldistribution/add/", form)
    assert response.status_code == 302
    assert sum(SeasonalDistribution.objects.get(name="后台分布").weights().values()) == D("100.00")


def test_attainments_of_many_targets_equal_one_by_one_with_few_queries(units, personas, django_assert_max_num_queries):
    rep = personas["rep_hangzhou"].staff
    mine = CustomerFactory(district=units["330100"], salesperson=rep)
    other = CustomerFactory(district=units["330100"])
    guangzhou = CustomerFactory(district=units["440100"])
    _invoice(mine, date(2026, 7, 5), "1000.00")
    _invoice(other, date(2026, 8, 1), "500.00")
    _invoice(guangzhou, date(2026, 7, 1), "700.00")
    _invoice(mine, date(2026, 10, 1), "50.00")
    ledger.invoice_cancel(by=SYSTEM, invoice=_invoice(other, date(2026, 9, 1), "80.00"), reason="作废", on=date(2026, 9, 2))
    ledger.payment_record(by=SYSTEM, customer=mine, received_on=date(2026, 7, 20), amount=D("400.00"))
    reversed_payment = ledger.payment_record(by=SYSTEM, customer=mine, received_on=date(2026, 8, 20), amount=D("100.00"))
    ledger.payment_reverse(by=SYSTEM, payment=reversed_payment, reason="退票", on=date(2026, 8, 25))
    ledger.payment_record(by=SYSTEM, customer=guangzhou, received_on=date(2026, 9, 1), amount=D("300.00"))
    Customer.objects.filter(pk__in=[mine.pk, other.pk]).update(created_at="2026-07-10T09:00:00+08:00")
    Customer.objects.filter(pk=guangzhou.pk).update(created_at="2026-05-01T00:30:00+08:00")  # 2026-04-30 in UTC
    targets = []
    for metric in ("sales_amount", "collections", "new_customers", "new_channels"):
        for period in ("2026", "2026-Q3", "2026-07", "2026-09", "2026-05", "2026-04", "2026-Q4"):
            for owner in ({"unit": units["330100"]}, {"unit": units["HD"]}, {"unit": units["HN"]}, {"staff": rep}):
                targets.append(services.target_set(metric=metric, period=period, value="300", by=SYSTEM, **owner))
    rows = list(Target.objects.filter(pk__in=[t.pk for t in targets]).select_related("unit", "staff"))
    with django_assert_max_num_queries(8):
        many = selectors.attainments(targets=rows)
    assert many == {t.pk: selectors.attainment(target=t) for t in rows}
    assert any(value["actual"] for value in many.values())


# --- who may set targets and keep distributions (plans/rights.py) ------------------------------------
@pytest.mark.usefixtures("english")
def test_setting_and_splitting_a_target_needs_the_right_on_its_unit(units, personas):
    from core.rights import NotAllowed

    hangzhou = units["330100"]
    with pytest.raises(NotAllowed, match="no right to set targets") as caught:
        services.target_set(metric="sales_amount", period="2026", unit=hangzhou, value="10", by=personas["rep_hangzhou"].user)
    assert caught.value.status_code == 403
    with pytest.raises(NotAllowed, match="outside your part") as caught:
        services.target_set(metric="sales_amount", period="2026", unit=hangzhou, value="10", by=personas["dm_guangzhou"].user)
    assert caught.value.field == "unit"
    assert not Target.objects.exists()
    dm = personas["dm_hangzhou"].user
    target = services.target_set(metric="sales_amount", period="2026", unit=hangzhou, value="10", by=dm)
    assert target.created_by == dm
    zhejiang = services.target_set(metric="sales_amount", period="2026", unit=units["330000"], value="10", by=SYSTEM)
    assert zhejiang.created_by is None  # the system alone is nobody
    for split in (
        lambda by: services.split_to_units(target=zhejiang, method="last_year", by=by),
        lambda by: services.split_to_months(target=zhejiang, by=by),
    ):
        with pytest.raises(NotAllowed):
            split(dm)  # a district manager does not split the province's target
    assert Target.objects.count() == 2
    months = services.split_to_months(target=target, by=dm)
    assert {t.created_by_id for t in months.targets} == {dm.pk}


@pytest.mark.usefixtures("english")
def test_keeping_a_seasonal_distribution_needs_the_right_on_its_unit(units, personas):
    from core.rights import NotAllowed

    pm = personas["pm_zhejiang"].user
    with pytest.raises(NotAllowed, match="Only the Development Center") as caught:
        services.distribution_save(name="全公司", kind="amounts", values=[1] * 12, by=pm)
    assert caught.value.field == "unit"
    with pytest.raises(NotAllowed, match="outside your part"):
        services.distribution_save(name="广东", kind="amounts", values=[1] * 12, unit=units["440000"], by=pm)
    with pytest.raises(NotAllowed, match="no right to change seasonal distributions"):
        services.distribution_save(
            name="杭州", kind="amounts", values=[1] * 12, unit=units["330100"], by=personas["rep_hangzhou"].user
        )
    assert not SeasonalDistribution.objects.exists()
    services.distribution_save(name="浙江", kind="amounts", values=[1] * 12, unit=units["330000"], by=pm)
    services.distribution_save(name="全公司", kind="amounts", values=[1] * 12, by=personas["center"].user)
    assert SeasonalDistribution.objects.count() == 2
