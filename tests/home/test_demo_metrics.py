"""The demo tells the truth: each figure the dashboard shows on the demo data, held against an independent
computation over the raw facts (invoices, allocations), with the definitions the README states
(Metric definitions · 指标口径) — and the targets it reads exist at every level and add up.

One load of a reduced demo (one salesperson per district, 300 customers over 24 months) with the clock
pinned; the checks share it."""

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from core.periods import Period
from core.roles import Role
from customers.demo import load_demo_customers
from customers.models import Allocation, Customer, Invoice
from dashboard.selectors import dashboard
from performance.demo import load_demo_performance
from plans.demo import load_demo_plans, target_grid
from plans.models import Plan, Target
from plans.selectors import actual
from plans.services import plan_period_conflicts
from regions.choices import UnitKind
from regions.demo import load_demo_company
from regions.models import OrgUnit, StaffProfile
from tests.conftest import module_data
from tests.first_invoices import first_invoices

TODAY = date(2026, 11, 27)
MONTH = Period.parse("2026-11")
METRICS = ("sales_amount", "collections", "new_customers")


def _user(username):
    return get_user_model().objects.get(username=username)


CLOCK = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    # Loaded once for the module (tests/conftest.py module_data), each test rolled back on its own.
    with time_machine.travel(CLOCK, tick=True), module_data(django_db_blocker):
        with django_db_blocker.unblock():
            load_demo_company(reps_per_district=1)
            load_demo_customers(customers=300, months=24, today=TODAY, plans=3)
            load_demo_plans(today=TODAY)
            load_demo_performance(today=TODAY)
        yield


@pytest.fixture
def demo(loaded, db):
    with time_machine.travel(CLOCK, tick=True):
        yield


def _board(username, code):
    unit = OrgUnit.objects.get(code=code)
    return dashboard(user=_user(username), unit=unit, today=TODAY)


def test_new_customers_are_customers_whose_first_invoice_is_in_the_period(demo):
    first = first_invoices()
    customers = Customer.objects.unscoped().count()
    this_month = [inv for inv in first.values() if MONTH.start <= inv.issue_date <= MONTH.end]
    this_year = [inv for inv in first.values() if inv.issue_date.year == 2026]
    # Not every customer (the bug this pins: all were "new" because their archives were created now).
    assert 0 < len(this_month) < len(this_year) < customers
    assert actual(metric="new_customers", period=str(MONTH)) == len(this_month)

    head = _board("director", "HQ")["head"]
    assert head["month"]["new_customers"]["actual"] == len(this_month)
    assert head["year"]["new_customers"]["actual"] == len(this_year)

    east = OrgUnit.objects.get(code="HD")
    in_east = [inv for inv in this_month if inv.district.path.startswith(east.path)]
    assert _board("rm_east", "HD")["head"]["month"]["new_customers"]["actual"] == len(in_east)
    assert len(in_east) < Customer.objects.unscoped().filter(district__path__startswith=east.path).count()


def test_a_demo_customers_archive_is_dated_by_its_first_invoice(demo):
    earliest = {}
    for customer_id, issued in Invoice.objects.unscoped().values_list("customer_id", "issue_date"):
        earliest[customer_id] = min(issued, earliest.get(customer_id, issued))
    customers = list(Customer.objects.unscoped().values_list("pk", "created_at"))
    assert customers and all(timezone.localtime(created).date() == earliest[pk] for pk, created in customers)


def test_sales_and_collections_of_the_month_are_the_sums_of_the_facts(demo):
    sales = sum(
        (
            inv.amount
            for inv in Invoice.objects.unscoped()
            if inv.status != "cancelled" and MONTH.start <= inv.issue_date <= MONTH.end
        ),
        Decimal(0),
    )
    collected = sum(
        (a.amount for a in Allocation.objects.unscoped() if a.reversed_on is None and MONTH.start <= a.allocated_on <= MONTH.end),
        Decimal(0),
    )
    assert sales > 0 and collected > 0
    head = _board("director", "HQ")["head"]["month"]
    assert head["sales_amount"]["actual"] == sales
    assert head["collections"]["actual"] == collected
    rate = head["sales_amount"]["rate"]
    assert rate == (sales / head["sales_amount"]["target"]).quantize(Decimal("0.0001"))


def test_every_unit_and_salesperson_has_targets_that_add_up(demo):
    periods = ["2026", *(str(q) for q in Period.parse("2026").children()), *(str(m) for m in Period.parse("2026").months())]
    values = defaultdict(dict)  # (kind, id, metric) → {period: value}
    for unit_id, staff_id, metric, period, value in Target.objects.filter(
        is_current=True, period__in=periods, metric__in=METRICS
    ).values_list("unit_id", "staff_id", "metric", "period", "value"):
        values[("staff", staff_id, metric) if staff_id else ("unit", unit_id, metric)][str(period)] = value
    units = list(OrgUnit.objects.filter(is_active=True).exclude(kind=UnitKind.CENTER))
    reps = list(StaffProfile.objects.filter(role=Role.SALES_REP, is_active=True))
    assert reps
    owners = [("unit", u.pk) for u in units] + [("staff", p.pk) for p in reps]
    for kind, pk in owners:
        for metric in METRICS:
            row = values[(kind, pk, metric)]
            assert set(row) == set(periods), (kind, pk, metric, sorted(set(periods) - set(row)))
            for quarter in Period.parse("2026").children():
                assert row[str(quarter)] == sum(row[str(m)] for m in quarter.months()), (kind, pk, metric, quarter)
            assert row["2026"] == sum(row[str(q)] for q in Period.parse("2026").children())
    # At every level the children's month (and year) targets add up to their parent's.
    children = defaultdict(list)
    for unit in units:
        if unit.parent and unit.parent.kind != UnitKind.CENTER:
            children[unit.parent_id].append(("unit", unit.pk))
    for person in reps:
        children[person.unit_id].append(("staff", person.pk))
    assert any(kind == "staff" for kids in children.values() for kind, _pk in kids)
    for parent_id, kids in children.items():
        for metric in METRICS:
            for period in (str(MONTH), "2026"):
                total = sum(values[(kind, pk, metric)][period] for kind, pk in kids)
                assert total == values[("unit", parent_id, metric)][period], (parent_id, metric, period)

    # What the persons see: no "targets not set" below the region.
    board = _board("pm_zhejiang", "330000")
    assert board["head"]["month"]["sales_amount"]["target"] is not None
    assert board["children"] and all(child["month"]["sales_amount"]["target"] is not None for child in board["children"])


def test_the_waiting_province_plans_agree_with_the_targets_set(demo):
    plans = Plan.objects.filter(unit__code__in=["330000", "440000"], kind="marketing", period="2026")
    assert plans.count() == 2
    for plan in plans:
        version = plan.versions.order_by("-number").first()
        assert version.lines["targets"], plan
        assert plan_period_conflicts(plan=plan, rows=version.lines["targets"]) == []


@pytest.mark.parametrize(
    "rows, columns, quantum",
    [
        ([Decimal("100.01"), Decimal("0.02"), Decimal("33.33")], [Decimal("50.00"), Decimal("83.36")], Decimal("0.01")),
        ([Decimal(1), Decimal(0), Decimal(2)], [Decimal(0), Decimal(1), Decimal(1), Decimal(1)], Decimal(1)),
    ],
)
def test_the_grid_adds_up_both_ways_and_is_never_negative(rows, columns, quantum):
    grid = target_grid(rows, columns, quantum)
    assert [sum(row) for row in grid] == rows
    assert [sum(row[j] for row in grid) for j in range(len(columns))] == columns
    assert all(cell >= 0 and cell % quantum == 0 for row in grid for cell in row)


def test_the_grid_refuses_totals_that_differ():
    with pytest.raises(ValueError):
        target_grid([Decimal("1.00")], [Decimal("0.99")], Decimal("0.01"))
