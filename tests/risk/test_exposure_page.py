"""The exposure page (/risk/credit/exposure/, issue 16): each unit one level down with its customers' open balance
against its cap in the credit policy in force — held to a recomputation from the raw invoices and allocations —,
the units over the cap and above 90 % marked, the customers on hold listed; a unit outside the reader's scope is
404; the page costs a fixed number of queries."""

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest
import time_machine
from django.urls import reverse

from core.rights import SYSTEM
from customers import services as ledger
from customers.models import Allocation, Invoice
from regions.models import OrgUnit
from risk import services
from risk.choices import CreditPolicyState
from risk.models import CreditHold, CreditPolicy
from risk.selectors.exposure import exposure_figures, exposure_state
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 16, 4, 0, tzinfo=UTC)  # 12:00 in Beijing
URL = "risk:credit_exposure"


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOON, tick=False):
        yield


def _invoice(customer, amount, issued=date(2026, 1, 10)):
    return ledger.invoice_record(
        by=SYSTEM, customer=customer, issue_date=issued, due_date=date(2026, 2, 10), amount=D(amount)
    ).invoice


def _pay(invoice, amount, on=date(2026, 2, 20)):
    return ledger.payment_record(
        by=SYSTEM,
        customer=invoice.customer,
        received_on=on,
        amount=D(amount),
        allocations=[{"invoice": invoice, "amount": D(amount)}],
    )


@pytest.fixture
def world(units, personas):
    """Two districts of Zhejiang: Hangzhou owes 1,300 against a cap of 1,000 (over), Ningbo 460 against 500 (92 %:
    near); the province's cap 5,000; Guangzhou owes without a cap. A payment reversed and an invoice cancelled, so
    the open balances are not just the invoiced sums; Hangzhou's first customer is on hold."""
    rep = personas["rep_hangzhou"].staff
    a = CustomerFactory(district=units["330100"], salesperson=rep)
    b = CustomerFactory(district=units["330100"])
    c = CustomerFactory(district=units["330200"])
    g = CustomerFactory(district=units["440100"])
    first = _invoice(a, "800.00")
    _pay(first, "300.00")
    _invoice(a, "200.00")
    second = _invoice(b, "600.00")
    payment = _pay(second, "600.00")
    ledger.payment_reverse(by=SYSTEM, payment=payment, reason="退票", on=date(2026, 3, 1))
    _invoice(c, "460.00")
    cancelled = _invoice(c, "999.00")
    ledger.invoice_cancel(by=SYSTEM, invoice=cancelled, reason="开错", on=date(2026, 3, 2))
    _invoice(g, "777.77")
    # The policy comes after the invoices: caps refuse new invoices beyond them, not the debts already there.
    caps = [{"unit": "330100", "cap": "1000"}, {"unit": "330200", "cap": "500"}, {"unit": "330000", "cap": "5000"}]
    policy = services.credit_policy_create(by=SYSTEM, name="敞口上限", at_limit_action="refuse", limits={}, caps=caps)
    CreditPolicy.objects.filter(pk=policy.pk).update(state=CreditPolicyState.APPROVED)
    hold = CreditHold.objects.create(
        customer=a, unit=units["330100"], owner=rep, rule="overdue", detail="发票逾期超过30天", placed_on=date(2026, 3, 12)
    )
    CreditHold.objects.create(customer=g, unit=units["440100"], rule="grade_d", detail="信用等级D", placed_on=date(2026, 3, 1))
    return {"a": a, "b": b, "c": c, "g": g, "hold": hold}


def _by_hand(code):
    """What the customers of a unit owe today, from each live invoice and each live allocation read one by one."""
    path = OrgUnit.objects.get(code=code).path
    owed = D("0.00")
    for invoice in Invoice.objects.unscoped().select_related("district"):
        if invoice.district.path.startswith(path) and invoice.cancelled_on is None:
            owed += invoice.amount
    for allocation in Allocation.objects.unscoped().select_related("invoice__district"):
        invoice = allocation.invoice
        if invoice.district.path.startswith(path) and invoice.cancelled_on is None and allocation.reversed_on is None:
            owed -= allocation.amount
    return owed


def _rows(page):
    return {row["code"]: row for row in page.context["report"].rows}


def test_the_figures_equal_a_recomputation_from_the_invoices_and_allocations(personas, units, world):
    assert (_by_hand("330100"), _by_hand("330200"), _by_hand("440100")) == (D("1300.00"), D("460.00"), D("777.77"))
    page = personas["pm_zhejiang"].web().get(reverse(URL))
    assert page.status_code == 200
    report = page.context["report"]
    assert report.unit == units["330000"]
    rows = _rows(page)
    hangzhou, ningbo = rows["330100"], rows["330200"]
    assert (hangzhou["open"], hangzhou["cap"], hangzhou["headroom"], hangzhou["used"], hangzhou["state"]) == (
        _by_hand("330100"),
        D("1000.00"),
        D("-300.00"),
        D("130.0"),
        "over",
    )
    assert (ningbo["open"], ningbo["cap"], ningbo["headroom"], ningbo["used"], ningbo["state"]) == (
        _by_hand("330200"),
        D("500.00"),
        D("40.00"),
        D("92.0"),
        "near",
    )
    assert [row["code"] for row in report.rows][:2] == ["330100", "330200"]  # the worst first
    assert report.head == exposure_figures(_by_hand("330000"), D("5000.00"))
    assert report.head["open"] == D("1760.00")
    body = page.content.decode()
    assert 'data-state="over" class="table-danger"' in body and 'data-state="near" class="table-warning"' in body
    # The customers on hold in the province: Hangzhou's, with why and since when, linked to the hold.
    assert report.holds == [world["hold"]] and report.holds_count == 1
    assert world["hold"].get_absolute_url() in body and "2026-03-12" in body


def test_each_level_reads_its_children_and_regions_have_no_cap(personas, units, world):
    center = personas["center"].web()
    company = center.get(reverse(URL)).context["report"]
    assert company.unit == units["HQ"] and company.head["open"] == D("2537.77")
    assert all(row["cap"] is None and row["state"] == "none" for row in company.rows)
    east = center.get(reverse(URL), {"unit": units["HD"].pk})
    zhejiang = _rows(east)["330000"]
    assert (zhejiang["open"], zhejiang["cap"], zhejiang["state"]) == (D("1760.00"), D("5000.00"), "ok")
    assert f"unit={units['330000'].pk}" in zhejiang["url"]
    district = center.get(reverse(URL), {"unit": units["330100"].pk}).context["report"]
    assert [row["code"] for row in district.rows] == ["330100"] and district.head["state"] == "over"
    assert len(company.holds) == 2 and company.holds[0].customer == world["g"]  # the oldest hold first


def test_a_unit_outside_the_scope_is_404_and_a_salesperson_reads_their_own(personas, units, world):
    dm = personas["dm_hangzhou"].web()
    mine = dm.get(reverse(URL))
    assert mine.status_code == 200 and mine.context["report"].head["open"] == D("1300.00")
    assert dm.get(reverse(URL), {"unit": units["330200"].pk}).status_code == 404
    assert dm.get(reverse(URL), {"unit": units["330000"].pk}).status_code == 404
    assert personas["pm_zhejiang"].web().get(reverse(URL), {"unit": units["440100"].pk}).status_code == 404
    assert dm.get(reverse(URL), {"unit": "x"}).status_code == 400
    page = personas["rep_hangzhou"].web().get(reverse(URL))
    rep = page.context["report"]
    assert rep.own_only and rep.head["open"] == D("700.00")  # only their own customer's …
    # … beside the district's cap, with nothing computed from a part of what the cap counts.
    assert (rep.head["cap"], rep.head["headroom"], rep.head["used"], rep.head["state"]) == (D("1000.00"), None, None, "none")
    assert "exposure-own-only" in page.content.decode()
    assert rep.holds == [world["hold"]]


def test_without_a_policy_nothing_has_a_cap(personas, units, world):
    CreditPolicy.objects.update(state=CreditPolicyState.RETIRED)
    page = personas["pm_zhejiang"].web().get(reverse(URL))
    assert page.context["report"].policy is None
    assert all(row["cap"] is None for row in page.context["report"].rows)
    assert "没有生效的信用政策" in page.content.decode()  # zh-hans, the default language


def test_the_page_costs_the_same_few_queries_whatever_the_size(personas, units, world, django_assert_max_num_queries):
    client = personas["center"].web()
    client.get(reverse(URL))  # warm the session and caches
    with django_assert_max_num_queries(16) as small:  # session, user, scope, units, policy, caps, sums, holds…
        client.get(reverse(URL), {"unit": units["330000"].pk})
    for n in range(12):
        customer = CustomerFactory(district=units["330200" if n % 2 else "440100"])
        _invoice(customer, "1.00")
        CreditHold.objects.create(
            customer=customer, unit=customer.district, rule="grade_d", detail="D", placed_on=date(2026, 3, 3)
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse(URL), {"unit": units["330000"].pk})
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse(URL))


def test_the_state_rule():
    assert exposure_state(D("1"), None) == "none"
    assert exposure_state(D("90"), D("100")) == "ok"
    assert exposure_state(D("90.01"), D("100")) == "near"
    assert exposure_state(D("100"), D("100")) == "near"
    assert exposure_state(D("100.01"), D("100")) == "over"
    assert exposure_state(D("0.01"), D("0")) == "over"
    assert exposure_figures(D("5"), D("0"))["used"] is None
