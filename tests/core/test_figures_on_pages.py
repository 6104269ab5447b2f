"""Figures on the pages follow the one rule (core/formats.py): money grouped with two decimals, counts
whole, rates with one decimal — on the ageing page, the invoice list, a customer, a plan, the budget list
and a budget, the attainment page and the approval queue, with amounts large enough to need separators.

The check reads the text of every table cell and definition (td, th, dd): an amount of four or more
digits before the decimals must carry separators (`1234567.89` is what the pages used to show in the
Chinese UI, whose locale has no thousands separator)."""

import re
from datetime import date, datetime
from html.parser import HTMLParser

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from budgets import services as budgets
from budgets.choices import AllocationMethod, AllocationTarget
from core.rights import SYSTEM
from performance import services as performance
from plans import services as plans
from plans.choices import Metric
from tests.customers.factories import CustomerFactory, InvoiceFactory, PaymentFactory

CST = timezone.get_fixed_timezone(8 * 60)
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=CST)
EAST_PROVINCES = ["310000", "320000", "330000", "340000", "350000", "360000", "370000"]

# An amount of 4+ digits without separators; not part of a longer number, a date or a code.
UNGROUPED_MONEY = re.compile(r"(?<![\d,.\-/])\d{4,}\.\d{2}(?![\d%])")
# A count written as money (1.00, 1,200.00) is searched for in count cells only.
COUNT_AS_MONEY = re.compile(r"\d\.00\b")


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


class _Cells(HTMLParser):
    """The text of each td/th/dd of a page, with its id and classes (cells nest no cells here)."""

    TAGS = {"td", "th", "dd"}

    def __init__(self):
        super().__init__()
        self.cells = []
        self._open = []

    def handle_starttag(self, tag, attrs):
        if tag in self.TAGS:
            self._open.append({"tag": tag, "attrs": dict(attrs), "text": []})

    def handle_endtag(self, tag):
        if tag in self.TAGS and self._open:
            cell = self._open.pop()
            text = " ".join("".join(cell["text"]).split())
            self.cells.append({**cell, "text": text})
            if self._open:  # a cell inside a cell: its text belongs to the outer one too
                self._open[-1]["text"].append(" " + text + " ")

    def handle_data(self, data):
        if self._open:
            self._open[-1]["text"].append(data)


def cells(response):
    assert response.status_code == 200, response.status_code
    parser = _Cells()
    parser.feed(response.content.decode())
    return parser.cells


def assert_grouped(response):
    """No money figure of 4+ digits without separators in any cell; returns the cells' texts."""
    texts = [cell["text"] for cell in cells(response)]
    bad = [text for text in texts if UNGROUPED_MONEY.search(text)]
    assert not bad, bad
    return texts


@pytest.fixture
def world(personas, units):
    """A 杭州 customer of rep_hangzhou with invoices of millions, part paid; a 2026 plan of 华东 with a
    money line split to provinces and months and a count line; budgets of 浙江 with an allocation and an
    expense beyond its budget waiting for approval; targets of 杭州 for the attainment page."""
    rep = personas["rep_hangzhou"].staff
    customer = CustomerFactory(
        name="杭州恒泰科技有限公司", district=units["330100"], salesperson=rep, credit_limit="5000000.00", external_id="HZ-FIG"
    )
    old = InvoiceFactory(customer=customer, issue_date=date(2025, 12, 1), due_date=date(2026, 1, 15), amount="1234567.89")
    InvoiceFactory(customer=customer, issue_date=date(2026, 6, 1), due_date=date(2026, 7, 1), amount="2345678.90")
    PaymentFactory(customer=customer, received_on=date(2026, 6, 5), amount="12345.67")

    # Targets of 杭州 in 2026-Q2: sales 2,000,000.00 (actual 2,345,678.90 → 117.3%) and 1,200 new customers.
    plans.target_set(metric=Metric.SALES_AMOUNT, period="2026-Q2", unit=units["330100"], value="2000000.00", by=SYSTEM)
    plans.target_set(metric=Metric.NEW_CUSTOMERS, period="2026-Q2", unit=units["330100"], value="1200", by=SYSTEM)
    performance.summaries_rebuild()

    budget = budgets.budget_set(unit=units["330000"], period="2026", category="travel", amount="1200000.00", by=SYSTEM)
    budgets.budget_allocate(budget=budget, to=AllocationTarget.QUARTERS, method=AllocationMethod.EQUAL, by=SYSTEM)
    budgets.budget_set(unit=units["330000"], period="2026-06", category="office", amount="10000.00", by=SYSTEM)
    expense = budgets.expense_record(
        category="office", spent_on=date(2026, 6, 10), amount="54321.09", by=personas["pm_zhejiang"].user
    )
    assert expense.approval_request is not None  # beyond the budget: waiting for approval
    return {"customer": customer, "old": old, "budget": budget, "expense": expense}


def test_ageing_page_groups_amounts_and_adds_up(personas, world, units):
    response = personas["pm_zhejiang"].web().get(reverse("customers:ageing"), {"by": "customer"})
    texts = assert_grouped(response)
    assert "1,222,222.22" in texts  # overdue since 2026-01-15, less the payment (oldest due first)
    assert "3,567,901.12" in texts  # the total row: 1,234,567.89 + 2,345,678.90 − 12,345.67
    html = response.content.decode()
    assert '<td class="num' in html and "<tfoot>" in html


def test_invoice_list_and_customer_detail(personas, world):
    client = personas["rep_hangzhou"].web()
    texts = assert_grouped(client.get(reverse("customers:invoice_list")))
    assert "2,345,678.90" in texts
    assert "1,222,222.22" in texts  # the old invoice's open amount after the payment
    response = client.get(reverse("customers:customer_detail", kwargs={"pk": world["customer"].pk}))
    texts = assert_grouped(response)
    assert {"5,000,000.00", "3,580,246.79", "12,345.67", "3,567,901.12"} <= set(texts)
    assert "(2)" in response.content.decode()  # the invoice count, whole


def test_plan_detail_and_its_review_money_and_count_lines(personas, units):
    manager = personas["rm_east"]
    plan = plans.plan_create(kind="marketing", unit=units["HD"], period="2026", title="2026年华东营销计划", by=manager.user)
    months = {f"2026-{m:02d}": "583333.33" for m in range(1, 12)}
    months["2026-12"] = "583333.37"
    plans.plan_lines_save(
        plan=plan,
        by=manager.user,
        targets=[
            {
                "metric": "sales_amount",
                "value": "7000000.00",
                "split_method": "manual",
                "children": {units[code].pk: "1000000.00" for code in EAST_PROVINCES},
                "months": months,
            },
            {"metric": "new_customers", "value": "1200"},
        ],
        budget=[{"category": "市场推广", "amount": "1234567.80", "note": ""}],
    )
    response = manager.web().get(reverse("plans:plan_detail", kwargs={"pk": plan.pk}))
    texts = assert_grouped(response)
    html = response.content.decode()
    assert "7,000,000.00" in html and "1,200" in html
    assert "1,200.00" not in html and "1200.00" not in html  # the count line is whole
    assert {"1,000,000.00", "583,333.37", "1,234,567.80"} <= set(texts)
    assert "7,000,000.00" in texts  # the split's totals row

    request = plans.plan_submit(plan=plan, by=manager.user)
    response = personas["center"].web().get(reverse("approvals:detail", kwargs={"pk": request.pk}))
    texts = assert_grouped(response)
    assert "7,000,000.00" in texts and "1,200" in texts and "1,234,567.80" in texts
    assert "1,200.00" not in response.content.decode()


def test_budget_list_and_detail(personas, world):
    client = personas["pm_zhejiang"].web()
    texts = assert_grouped(client.get(reverse("budgets:budget_list")))
    assert {"1,200,000.00", "300,000.00", "10,000.00"} <= set(texts)
    response = client.get(reverse("budgets:budget_detail", kwargs={"pk": world["budget"].pk}))
    texts = assert_grouped(response)
    # The quarters' table adds up to the budget in its totals row.
    assert texts.count("300,000.00") >= 4 and texts.count("1,200,000.00") >= 2


def test_attainment_rates_one_decimal_and_counts_whole(personas, world, units):
    response = (
        personas["pm_zhejiang"].web().get(reverse("performance:attainment"), {"unit": units["330000"].pk, "period": "2026-Q2"})
    )
    all_cells = cells(response)
    texts = assert_grouped(response)
    assert "2,000,000.00" in texts and "2,345,678.90" in texts
    assert any(text.endswith("117.3%") for text in texts)  # 2,345,678.90 ÷ 2,000,000.00, one decimal
    assert not any(re.search(r"117\.28%", text) for text in texts)
    assert "1,200" in texts  # the new-customers target, whole
    figures = [cell["text"] for cell in all_cells if "num" in cell["attrs"].get("class", "").split()]
    assert "1,200" in figures  # in a right-aligned figure column
    assert not [text for text in texts if COUNT_AS_MONEY.search(text) and text.startswith("1,200")]


def test_approval_queue_and_decision_screen_amounts(personas, units, world):
    from approvals.choices import ApprovalKind
    from tests.approvals.helpers import submit

    submit(personas, units, by="rm_east", kind=ApprovalKind.PLAN_MARKETING, unit="HD", title="华东营销", amount="2345678.90")
    texts = assert_grouped(personas["center"].web().get(reverse("approvals:queue")))
    assert "2,345,678.90" in texts
    # The expense beyond its budget, on its decision screen.
    request = world["expense"].approval_request
    response = personas["pm_zhejiang"].web().get(reverse("approvals:detail", kwargs={"pk": request.pk}))
    assert "54,321.09" in assert_grouped(response)


def test_appraisal_export_writes_scores_and_ranks_by_the_rule():
    """Scores are figures to the hundredth (grouped, two decimals), ranks whole numbers — core.formats."""
    from decimal import Decimal
    from io import BytesIO
    from types import SimpleNamespace as NS

    from openpyxl import load_workbook

    from appraisal.exports import scores_xlsx
    from core.formats import COUNT_FORMAT, MONEY_FORMAT

    class Many(list):
        def all(self):
            return self

    items = Many([NS(pk=1, display_label="销售达成", weight=Decimal("60")), NS(pk=2, display_label="回款", weight=Decimal("40"))])
    run = NS(scheme=NS(name="月度考核", items=items), period="2026-05", unit=NS(name="杭州市"))
    score = NS(
        staff=NS(employee_no="T0009", name="rep"),
        unit=NS(name="杭州市"),
        items=Many([NS(item_id=1, item_score=Decimal("1234.50")), NS(item_id=2, item_score=Decimal("80.00"))]),
        total=Decimal("1314.50"),
        rank_peers=1,
        rank_company=12,
    )
    sheet = load_workbook(BytesIO(scores_xlsx(run, [score]))).active
    row = [cell for cell in sheet[4]]
    assert [cell.value for cell in row[3:]] == [1234.5, 80, 1314.5, 1, 12]
    assert [cell.number_format for cell in row[3:6]] == [MONEY_FORMAT] * 3
    assert [cell.number_format for cell in row[6:]] == [COUNT_FORMAT] * 2
