"""The summaries give exactly the raw-facts figures of plans.selectors.actual, and rebuilding is
repeatable."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from core.periods import Period
from core.rights import SYSTEM
from performance import services
from performance.models import DistrictMonthFact, MonthlyFact
from performance.selectors import actual_from_summary
from plans.choices import Metric
from plans.selectors import actual
from tests.performance.facts import MONTHS

METRICS = [Metric.SALES_AMOUNT, Metric.COLLECTIONS, Metric.NEW_CUSTOMERS]
UNIT_CODES = ["HQ", "HD", "HN", "330000", "440000", "330100", "330200", "440100", "440300", "110000"]


def _periods():
    months = [Period.of(month, "month") for month in MONTHS]
    quarters = sorted({month.parent() for month in months})
    years = sorted({quarter.parent() for quarter in quarters})
    return [*months, Period.parse("2026-05"), *quarters, *years]


def _rows():
    return list(
        MonthlyFact.objects.unscoped()
        .order_by("month", "district_id", "salesperson_id", "product_id")
        .values_list(
            "month", "district_id", "salesperson_id", "product_id", "invoiced", "invoice_count", "collected", "new_customers"
        )
    )


def test_summaries_equal_raw_facts_for_every_metric_level_and_period(facts, units):
    assert MonthlyFact.objects.unscoped().filter(product__isnull=False).exists()
    staff = [person for people in facts["reps"].values() for person in people]
    checked = 0
    for period in _periods():
        for metric in METRICS:
            assert actual_from_summary(metric=metric, period=period) == actual(metric=metric, period=period)
            for code in UNIT_CODES:
                unit = units[code]
                assert actual_from_summary(metric=metric, period=period, unit=unit) == actual(
                    metric=metric, period=period, unit=unit
                ), (metric, period, code)
                checked += 1
            for person in staff:
                assert actual_from_summary(metric=metric, period=period, staff=person) == actual(
                    metric=metric, period=period, staff=person
                ), (metric, period, person)
    # The data set is not trivial: every metric has figures.
    for metric in METRICS:
        assert actual(metric=metric, period="2026") > 0
    assert checked > 100


def test_product_rows_split_invoices_by_line_and_other_measures_sit_on_product_null(facts):
    rows = MonthlyFact.objects.unscoped()
    with_product = rows.filter(product__isnull=False)
    assert with_product.aggregate(c=Sum("collected"), n=Sum("invoice_count"), k=Sum("new_customers")) == {"c": 0, "n": 0, "k": 0}
    from customers.models import InvoiceLine

    lines = InvoiceLine.objects.exclude(invoice__status="cancelled").aggregate(s=Sum("amount"))["s"]
    assert with_product.aggregate(s=Sum("invoiced"))["s"] == lines
    invoices = [i for i in facts["invoices"]]
    from customers.models import Invoice

    live = Invoice.objects.unscoped().exclude(status="cancelled")
    assert rows.aggregate(n=Sum("invoice_count"))["n"] == live.count()
    assert len(invoices) > live.count()  # some were cancelled


def test_rebuild_twice_gives_identical_rows_and_months_rebuild_like_all(facts):
    first = _rows()
    assert first
    services.summaries_rebuild()
    assert _rows() == first
    services.summaries_rebuild(months=["2026-01", "2025-Q4"])
    assert _rows() == first
    MonthlyFact.objects.unscoped().filter(month=date(2026, 2, 1)).delete()
    call_command("rebuild_summaries", "--month", "2026-02", stdout=open("/dev/null", "w"))
    assert _rows() == first
    services.summaries_rebuild(months=[])
    assert _rows() == first


def _district_rows():
    """The district rows that hold facts; the others (a district with only an open receivable at the
    month end, performance.turnover) must hold nothing else."""
    rows = DistrictMonthFact.objects.unscoped().order_by("month", "district_id")
    quiet = rows.filter(invoiced=0, invoice_count=0, collected=0, new_customers=0, new_channels=0)
    assert not quiet.filter(open_at_end=0).exists()
    keys = set(MonthlyFact.objects.unscoped().values_list("month", "district_id").distinct())
    return [
        row
        for row in rows.values_list("month", "district_id", "invoiced", "invoice_count", "collected", "new_customers")
        if row[:2] in keys
    ]


def test_district_rollup_is_the_sum_of_the_summaries_after_every_rebuild(facts):
    def expected():
        return [
            (row["month"], row["district_id"], row["i"], row["n"], row["c"], row["k"])
            for row in MonthlyFact.objects.unscoped()
            .values("month", "district_id")
            .annotate(i=Sum("invoiced"), n=Sum("invoice_count"), c=Sum("collected"), k=Sum("new_customers"))
            .order_by("month", "district_id")
        ]

    first = _district_rows()
    assert first and first == expected()
    services.summaries_rebuild(months=["2026-01"])
    assert _district_rows() == first
    # A month rebuilt after a change moves both tables together.
    MonthlyFact.objects.unscoped().filter(month=date(2026, 2, 1)).delete()
    DistrictMonthFact.objects.unscoped().filter(month=date(2026, 2, 1)).delete()
    services.summaries_rebuild(months=["2026-02"])
    assert _district_rows() == first == expected()


def test_rebuilding_a_month_picks_up_a_later_reversal(facts):
    from customers.models import Payment
    from customers.services import payment_reverse

    payment = Payment.objects.unscoped().filter(status="posted", allocations__isnull=False).order_by("received_on").first()
    month = Period.of(payment.received_on, "month")
    before = actual_from_summary(metric=Metric.COLLECTIONS, period=month)
    payment_reverse(by=SYSTEM, payment=payment, reason="退票", on=payment.received_on)
    assert actual_from_summary(metric=Metric.COLLECTIONS, period=month) == before  # stale until rebuilt
    services.summaries_rebuild(months=[month])
    assert actual_from_summary(metric=Metric.COLLECTIONS, period=month) == actual(metric=Metric.COLLECTIONS, period=month)
    assert actual(metric=Metric.COLLECTIONS, period=month) < before


def test_refresh_recent_rebuilds_current_and_previous_month(db, units):
    from customers.services import customer_create, invoice_record
    from performance.tasks import refresh_recent

    customer = customer_create(by=SYSTEM, name="近期客户有限公司", district=units["330100"], external_id="R-1")
    invoice_record(by=SYSTEM, customer=customer, issue_date=date(2026, 6, 30), due_date=date(2026, 7, 30), amount="100.00")
    invoice_record(by=SYSTEM, customer=customer, issue_date=date(2026, 7, 2), due_date=date(2026, 8, 2), amount="250.00")
    invoice_record(by=SYSTEM, customer=customer, issue_date=date(2026, 5, 31), due_date=date(2026, 6, 30), amount="999.00")
    assert services.recent_months(today=date(2026, 7, 15)) == [Period.parse("2026-06"), Period.parse("2026-07")]
    refresh_recent("2026-07-15")
    refresh_recent("2026-07-15")  # safe to run twice
    invoiced = dict(MonthlyFact.objects.unscoped().values_list("month").annotate(s=Sum("invoiced")))
    assert invoiced == {date(2026, 6, 1): Decimal("100.00"), date(2026, 7, 1): Decimal("250.00")}


def test_bad_months_are_refused(db):
    from django.core.management.base import CommandError

    from core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        services.summaries_rebuild(months=["2026-13"])
    with pytest.raises(CommandError):
        call_command("rebuild_summaries", "--month", "2026-Q3")
    with pytest.raises(CommandError):
        call_command("rebuild_summaries", "--month", "july")


def test_tasks_are_registered_under_their_beat_names_with_time_limits():
    from performance.tasks import rebuild_summaries, refresh_recent

    assert refresh_recent.name == "performance.refresh_recent"
    assert rebuild_summaries.name == "performance.rebuild_summaries"
    assert refresh_recent.soft_time_limit < refresh_recent.time_limit <= 300
    assert rebuild_summaries.soft_time_limit < rebuild_summaries.time_limit


def test_rebuild_task_takes_month_texts(facts):
    from performance.tasks import rebuild_summaries

    first = _rows()
    assert rebuild_summaries(["2026-01", "2026-02"]) > 0
    assert _rows() == first
