"""Collection forecast (回款预测): open invoices expected on their due date plus their customer's own average
payment delay (the average of all customers for one without history), three months ahead per unit, and the
accuracy of past months' forecasts against what was collected — checked against figures worked out by hand."""

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest
import time_machine
from django.urls import reverse

from core.rights import SYSTEM
from customers import services as ledger
from risk.selectors.collection_forecast import collection_forecast
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 16, 4, 0, tzinfo=UTC)  # 12:00 in Beijing


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOON, tick=False):
        yield


def _invoice(customer, issued, due, amount):
    return ledger.invoice_record(by=SYSTEM, customer=customer, issue_date=issued, due_date=due, amount=D(amount)).invoice


def _pay(invoice, on):
    ledger.payment_record(
        by=SYSTEM,
        customer=invoice.customer,
        received_on=on,
        amount=invoice.amount,
        allocations=[{"invoice": invoice, "amount": invoice.amount}],
    )


@pytest.fixture
def facts(units):
    a = CustomerFactory(district=units["330100"])  # pays 20 days late
    b = CustomerFactory(district=units["330200"])  # no payments: the average delay
    c = CustomerFactory(district=units["440100"])  # pays on time
    _pay(_invoice(a, date(2025, 5, 1), date(2025, 6, 1), "1000.00"), date(2025, 6, 21))
    _pay(_invoice(a, date(2025, 12, 20), date(2026, 1, 20), "400.00"), date(2026, 2, 9))
    _pay(_invoice(c, date(2025, 8, 10), date(2025, 9, 10), "400.00"), date(2025, 9, 10))
    _invoice(a, date(2026, 1, 10), date(2026, 2, 10), "100.00")
    _invoice(a, date(2026, 2, 5), date(2026, 3, 5), "500.00")
    _invoice(a, date(2026, 2, 18), date(2026, 3, 20), "300.00")
    _invoice(a, date(2026, 2, 14), date(2026, 5, 15), "200.00")  # expected 2026-06-04: beyond the horizon
    _invoice(b, date(2025, 9, 1), date(2025, 10, 1), "50.00")  # expected 2025-10-17: over 90 days late, doubtful
    _invoice(b, date(2026, 2, 20), date(2026, 4, 20), "700.00")  # + 16 days (the average) → May
    _invoice(c, date(2026, 1, 25), date(2026, 2, 25), "250.00")  # 4 days late at the forecast → March
    _invoice(a, date(2026, 3, 2), date(2026, 3, 20), "999.00")  # issued after the forecast was made
    return {"a": a, "b": b, "c": c}


def test_the_forecast_shifts_due_dates_by_each_customers_delay(personas, units, facts):
    report = collection_forecast(user=personas["center"].user, unit=units["HQ"], today=date(2026, 3, 16))
    assert report.made_on == date(2026, 3, 1) and report.months == ["2026-03", "2026-04", "2026-05"]
    rows = {row["key"]: row["months"] for row in report.rows}
    # 华东: a's 100 (2026-02-10 + 20) and 500 (2026-03-05 + 20) in March, 300 in April; b's 700 (+16) in May.
    assert rows[units["HD"].pk] == [D("600.00"), D("300.00"), D("700.00")]
    assert rows[units["HN"].pk] == [D("250.00"), D("0.00"), D("0.00")]
    assert report.totals == {"months": [D("850.00"), D("300.00"), D("700.00")], "total": D("1850.00")}


def test_the_accuracy_table_compares_each_months_forecast_with_its_collections(personas, units, facts):
    report = collection_forecast(user=personas["center"].user, unit=units["HQ"], today=date(2026, 3, 16))
    february = report.accuracy[0]
    # Made on 2026-02-01: a's 400 (2026-01-20 + 20) and c's 250; collected: a's 400 on 2026-02-09.
    assert february == {
        "month": "2026-02",
        "forecast": D("650.00"),
        "collected": D("400.00"),
        "difference": D("-250.00"),
        "accuracy": D("0.3750"),
    }
    assert [row["month"] for row in report.accuracy] == ["2026-02", "2026-01", "2025-12", "2025-11", "2025-10", "2025-09"]
    september = report.accuracy[-1]
    assert september["collected"] == D("400.00")  # c's invoice paid on its due date


def test_the_page_keeps_to_the_scope(personas, units, facts):
    url = reverse("risk:collection_forecast")
    page = personas["dm_guangzhou"].web().get(url)
    assert page.status_code == 200
    report = page.context["report"]
    assert report.unit == units["440100"] and report.totals["months"] == [D("250.00"), D("0.00"), D("0.00")]
    assert personas["dm_guangzhou"].web().get(url, {"unit": units["330100"].pk}).status_code == 404
    center = personas["center"].web().get(url, {"unit": units["HD"].pk})
    assert center.status_code == 200 and center.context["report"].totals["total"] == D("1600.00")
    assert personas["center"].web().get(url, {"unit": "x"}).status_code == 400
