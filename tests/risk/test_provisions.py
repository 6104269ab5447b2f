"""The provision for doubtful debts (坏账准备) as of any month end: held to an independent computation from the
raw invoices and allocations (read one by one here), for several month ends, with payments, reversals and a
cancellation dated after some of them; the movement reconciles (opening + change = closing) to the cent at
every level; the page, the API and the panels read it through the scope."""

from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from approvals.services import request_approve
from core.periods import Period
from core.rights import SYSTEM
from customers import services as ledger
from customers.models import Allocation, Customer, Invoice
from risk import services
from risk.selectors.provisions import provision_report, provision_total
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 16, 4, 0, tzinfo=UTC)  # 12:00 in Beijing
# Odd rates, so that rounding per customer matters.
RATES = {
    "not_due": "0.5",
    "d1_30": "1.25",
    "d31_60": "7.33",
    "d61_90": "12.5",
    "d91_180": "33.33",
    "d181_365": "66.67",
    "over_365": "100",
}
MONTHS = ["2025-08", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02"]


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def policy(personas):
    policy = services.provision_policy_create(by=personas["center"].user, name="账龄分析法", rates=RATES)
    request = services.provision_policy_submit(by=personas["center"].user, policy=policy)
    request_approve(request=request, by=personas["director"].user)
    policy.refresh_from_db()
    return policy


def _invoice(customer, issued, due, amount):
    return ledger.invoice_record(by=SYSTEM, customer=customer, issue_date=issued, due_date=due, amount=D(amount)).invoice


def _pay(invoice, on, amount):
    return ledger.payment_record(
        by=SYSTEM,
        customer=invoice.customer,
        received_on=on,
        amount=D(amount),
        allocations=[{"invoice": invoice, "amount": D(amount)}],
    )


@pytest.fixture
def ledger_facts(units, personas):
    """Customers in two districts of Zhejiang and one of Guangdong; invoices of every age; payments before and
    after the month ends, a payment reversed later, an invoice cancelled later."""
    rep = personas["rep_hangzhou"].staff
    a = CustomerFactory(district=units["330100"], salesperson=rep)
    b = CustomerFactory(district=units["330100"])
    c = CustomerFactory(district=units["330200"])
    d = CustomerFactory(district=units["440100"])
    day = date(2024, 9, 3)
    amounts = ["1000.10", "333.33", "77.77", "2500.01", "19.99", "640.05", "1234.56"]
    invoices = []
    for n in range(28):
        customer = (a, b, c, d)[n % 4]
        issued = day + timedelta(days=17 * n)
        invoices.append(_invoice(customer, issued, issued + timedelta(days=(30, 60, 15)[n % 3]), amounts[n % len(amounts)]))
    # Payments: part before a month end, part after it (2025-12-31 → paid 2026-01-05), one reversed later.
    _pay(invoices[0], date(2024, 11, 20), "500.00")
    _pay(invoices[1], date(2026, 1, 5), "333.33")
    _pay(invoices[2], date(2025, 11, 30), "77.77")
    _pay(invoices[5], date(2025, 12, 31), "100.05")
    payment = _pay(invoices[6], date(2025, 10, 15), "1000.00")
    ledger.payment_reverse(by=SYSTEM, payment=payment, reason="退票", on=date(2025, 12, 2))
    _pay(invoices[9], date(2026, 2, 1), "50.00")
    _pay(invoices[13], date(2026, 3, 10), "1234.56")
    ledger.invoice_cancel(by=SYSTEM, invoice=invoices[26], reason="开错", on=date(2026, 1, 20))
    return {"a": a, "b": b, "c": c, "d": d}


def _bucket_rate(days):
    for key, first, last in settings.AGEING_BUCKETS:
        if (first is None or days >= first) and (last is None or days <= last):
            return D(RATES[key])
    raise AssertionError(days)


def _by_hand(on, customers=None):
    """{customer id: provision} on `on`, from each invoice and allocation read one by one."""
    exact = {}
    for invoice in Invoice.objects.order_by("id"):
        if customers is not None and invoice.customer_id not in customers:
            continue
        if invoice.issue_date > on or (invoice.cancelled_on is not None and invoice.cancelled_on <= on):
            continue
        paid = sum(
            (
                a.amount
                for a in Allocation.objects.filter(invoice=invoice)
                if a.allocated_on <= on and (a.reversed_on is None or a.reversed_on > on)
            ),
            D("0"),
        )
        open_amount = invoice.amount - paid
        weighted = open_amount * _bucket_rate((on - invoice.due_date).days) / 100
        exact[invoice.customer_id] = exact.get(invoice.customer_id, D("0")) + weighted
    return {key: value.quantize(D("0.01"), rounding=ROUND_HALF_UP) for key, value in exact.items()}


def _sum(values):
    return sum(values, D("0.00"))


def test_the_provision_equals_a_computation_from_the_raw_ledger_at_every_month_end(personas, units, policy, ledger_facts):
    center = personas["center"].user
    company = units["HQ"]
    for text in MONTHS:
        month = Period.parse(text)
        hand_closing, hand_opening = _by_hand(month.end), _by_hand(month.previous().end)
        report = provision_report(user=center, unit=company, month=month)
        assert (report.as_of, report.opening_as_of, report.level) == (month.end, month.previous().end, "region")
        assert report.totals["closing"] == _sum(hand_closing.values()) > 0, text
        assert report.totals["opening"] == _sum(hand_opening.values()), text
        assert report.totals["opening"] + report.totals["change"] == report.totals["closing"]
        assert provision_total(user=center, unit=company, as_of=month.end) == report.totals["closing"]
        # Every level down to the customers: each row is the sum of its customers' provisions, to the cent.
        for code, level in (("HD", "province"), ("330000", "district"), ("330100", "customer"), ("440100", "customer")):
            unit = units[code]
            inside = set(Customer.objects.filter(district__path__startswith=unit.path).values_list("pk", flat=True))
            part = provision_report(user=center, unit=unit, month=month)
            assert part.level == level
            assert part.totals["closing"] == _sum(v for k, v in hand_closing.items() if k in inside), (text, code)
            assert part.totals["opening"] == _sum(v for k, v in hand_opening.items() if k in inside), (text, code)
            assert _sum(row["closing"] for row in part.rows) == part.totals["closing"]
            for row in part.rows:
                assert row["opening"] + row["change"] == row["closing"]
                if level == "customer":
                    assert row["closing"] == hand_closing.get(row["key"], D("0.00"))
                    assert row["opening"] == hand_opening.get(row["key"], D("0.00"))
        regions = {row["key"]: row["closing"] for row in report.rows}
        assert _sum(regions.values()) == report.totals["closing"]


def test_payments_after_the_month_end_do_not_lower_its_provision(personas, units, policy, ledger_facts):
    """The invoice paid on 2026-01-05 is still provided for as of 2025-12-31, and no longer as of 2026-01-31."""
    b = ledger_facts["b"]
    center = personas["center"].user
    december = provision_report(user=center, unit=units["330100"], month=Period.parse("2025-12"))
    january = provision_report(user=center, unit=units["330100"], month=Period.parse("2026-01"))
    row_dec = next(row for row in december.rows if row["key"] == b.pk)
    row_jan = next(row for row in january.rows if row["key"] == b.pk)
    assert row_dec["closing"] == _by_hand(date(2025, 12, 31), {b.pk})[b.pk]
    assert row_jan["opening"] == row_dec["closing"]
    assert row_jan["closing"] == _by_hand(date(2026, 1, 31), {b.pk})[b.pk]
    assert row_jan["closing"] != row_dec["closing"]


def test_without_a_policy_in_force_there_is_no_provision(personas, units, ledger_facts):
    report = provision_report(user=personas["center"].user, unit=units["HQ"], month=Period.parse("2026-01"))
    assert report.policy is None and report.rows == [] and report.totals["closing"] == D("0.00")


def test_the_page_drills_down_and_keeps_to_the_scope(personas, units, policy, ledger_facts):
    url = reverse("risk:provisions")
    center = personas["center"].web()
    page = center.get(url, {"month": "2026-01"})
    assert page.status_code == 200
    report = page.context["report"]
    assert report.unit == units["HQ"] and report.totals["closing"] == _sum(_by_hand(date(2026, 1, 31)).values())
    east = next(row for row in report.rows if row["key"] == units["HD"].pk)
    assert f"unit={units['HD'].pk}" in east["url"] and "month=2026-01" in east["url"]
    assert center.get(url, {"month": "2026-13"}).status_code == 400
    assert center.get(url, {"month": "2026-Q1"}).status_code == 400
    assert center.get(url, {"month": "2027-01"}).status_code == 400  # not begun
    # Default: the last complete month (February 2026 on 2026-03-16).
    assert center.get(url).context["report"].month == Period.parse("2026-02")

    dm = personas["dm_hangzhou"].web()
    mine = dm.get(url, {"month": "2026-01"}).context["report"]
    inside = set(Customer.objects.filter(district=units["330100"]).values_list("pk", flat=True))
    assert {row["key"] for row in mine.rows} <= inside
    assert mine.totals["closing"] == _sum(v for k, v in _by_hand(date(2026, 1, 31)).items() if k in inside)
    assert dm.get(url, {"unit": units["440100"].pk, "month": "2026-01"}).status_code == 404
    assert dm.get(url, {"unit": units["HQ"].pk, "month": "2026-01"}).status_code == 404

    rep = personas["rep_hangzhou"].web()
    own = rep.get(url, {"month": "2026-01"}).context["report"]
    assert {row["key"] for row in own.rows} == {ledger_facts["a"].pk}


def test_the_api_answers_the_same_figures_in_scope(personas, units, policy, ledger_facts):
    url = reverse("risk-provisions")
    api = personas["pm_zhejiang"].api()
    response = api.get(url, {"month": "2025-12"})
    assert response.status_code == 200
    body = response.json()
    inside = set(Customer.objects.filter(district__path__startswith=units["330000"].path).values_list("pk", flat=True))
    assert D(body["totals"]["closing"]) == _sum(v for k, v in _by_hand(date(2025, 12, 31)).items() if k in inside)
    assert D(body["totals"]["opening"]) + D(body["totals"]["change"]) == D(body["totals"]["closing"])
    assert body["unit_code"] == "330000" and body["level"] == "district" and body["as_of"] == "2025-12-31"
    assert {row["code"] for row in body["rows"]} == {"330100", "330200"}
    assert api.get(url, {"unit": units["440100"].pk}).status_code == 404
    bad = api.get(url, {"month": "abc"})
    assert bad.status_code == 400 and "month" in bad.json()["errors"]


def test_the_risk_overview_links_to_the_provisions_without_computing_them(personas, units, policy, ledger_facts):
    """The daily overview only links: a provision as of two month ends is seconds of work at national scale."""
    page = personas["pm_zhejiang"].web().get(reverse("risk:home"))
    assert page.status_code == 200 and reverse("risk:provisions") in page.content.decode()
    assert "provision" not in page.context


def test_the_monthly_report_has_a_provisions_section(personas, units, policy, ledger_facts):
    from reports.choices import ReportKind
    from reports.presenters import report_tables
    from reports.selectors import report_figures

    data = report_figures(units["HD"], "2026-01", ReportKind.MONTHLY)
    section = data["provisions"]
    inside = set(Customer.objects.filter(district__path__startswith=units["HD"].path).values_list("pk", flat=True))
    assert (section["as_of"], section["opening_as_of"], section["policy"]["version"]) == ("2026-01-31", "2025-12-31", 1)
    assert D(section["head"]["closing"]) == _sum(v for k, v in _by_hand(date(2026, 1, 31)).items() if k in inside)
    assert D(section["head"]["opening"]) == _sum(v for k, v in _by_hand(date(2025, 12, 31)).items() if k in inside)
    assert {row["code"] for row in section["rows"]} == {"330000"}
    tables = report_tables(data)
    assert tables["provisions"]["head"]["closing"] == D(section["head"]["closing"])
    # A quarterly report reads the quarter's last month end.
    quarter = report_figures(units["HD"], "2025-Q4", ReportKind.QUARTERLY)["provisions"]
    assert quarter["as_of"] == "2025-12-31"
