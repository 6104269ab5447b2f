"""The salesperson's home (业务人员工作台): their own figures — sales, target and attainment, collections,
receivables, overdue customers, tasks due — equal independent sums of their invoices and payments, none
of a colleague's rows, the one formatting rule, and a constant number of queries."""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import formats
from core.money import ZERO
from core.rights import SYSTEM
from customers.models import Allocation, Customer, Invoice
from customers.services import customer_create, invoice_record, payment_record
from home.selectors import sales_home
from performance import services as performance_services
from plans.services import target_set
from tests.performance.facts import make_facts
from workflow.services import task_create

# A Monday inside the generated facts (2025-11 … 2026-04); the week ends on Sunday 2026-04-26.
TODAY = date(2026, 4, 20)
NOON = datetime(2026, 4, 20, 4, 0, tzinfo=UTC)  # 12:00 in Beijing
RATE = Decimal("0.0001")


@pytest.fixture
def world(units, personas):
    data = make_facts(units, personas)
    rep = personas["rep_hangzhou"].staff
    # A payment this month (allocated oldest first), so that "collected this month" is not zero.
    mine = next(c for c in data["customers"] if c.salesperson_id == rep.pk)
    payment_record(by=SYSTEM, customer=mine, received_on=date(2026, 4, 10), amount="3000.00", external_id="H-P1")
    performance_services.summaries_rebuild()
    colleague = personas["rep_hangzhou_2"].staff
    target_set(metric="sales_amount", period="2026-04", staff=rep, value="80000.00", by=SYSTEM)
    target_set(metric="sales_amount", period="2026", staff=rep, value="1200000.00", by=SYSTEM)
    target_set(metric="sales_amount", period="2026-04", staff=colleague, value="1.00", by=SYSTEM)
    with time_machine.travel(NOON, tick=False):
        tasks = {
            "overdue": task_create(title="催收甲公司尾款", owner=rep, due_on=TODAY - timedelta(days=5), by=SYSTEM),
            "today": task_create(title="拜访乙公司财务", owner=rep, due_on=TODAY, by=SYSTEM),
            "friday": task_create(title="提交周报", owner=rep, due_on=date(2026, 4, 24), by=SYSTEM),
            "next_week": task_create(title="下周的事", owner=rep, due_on=date(2026, 4, 28), by=SYSTEM),
            "colleague": task_create(title="同事的逾期任务", owner=colleague, due_on=TODAY - timedelta(days=3), by=SYSTEM),
        }
    return {**data, "rep": rep, "colleague": colleague, "tasks": tasks}


def _in_month(day, first):
    return (day.year, day.month) == (first.year, first.month)


def _independent(rep):
    """The rep's figures summed from the raw rows, without the selectors or the summaries."""
    invoices = list(Invoice.objects.unscoped().filter(salesperson=rep))
    sales_month = sum((i.amount for i in invoices if i.cancelled_on is None and _in_month(i.issue_date, TODAY)), ZERO)
    sales_year = sum((i.amount for i in invoices if i.cancelled_on is None and i.issue_date.year == TODAY.year), ZERO)
    allocations = list(Allocation.objects.unscoped().filter(invoice__salesperson=rep))
    collected_month = sum((a.amount for a in allocations if a.reversed_on is None and _in_month(a.allocated_on, TODAY)), ZERO)
    # Open and overdue as of TODAY: invoices issued by then and not cancelled by then, less what was
    # allocated to them by then and not reversed by then.
    open_by_invoice = {}
    for i in invoices:
        if i.issue_date <= TODAY and (i.cancelled_on is None or i.cancelled_on > TODAY):
            open_by_invoice[i.pk] = i.amount
    for a in allocations:
        if a.invoice_id in open_by_invoice and a.allocated_on <= TODAY and (a.reversed_on is None or a.reversed_on > TODAY):
            open_by_invoice[a.invoice_id] -= a.amount
    by_pk = {i.pk: i for i in invoices}
    overdue_by_customer = {}
    for pk, amount in open_by_invoice.items():
        if by_pk[pk].due_date < TODAY:
            overdue_by_customer[by_pk[pk].customer_id] = overdue_by_customer.get(by_pk[pk].customer_id, ZERO) + amount
    return {
        "sales_month": sales_month,
        "sales_year": sales_year,
        "collected_month": collected_month,
        "open": sum(open_by_invoice.values(), ZERO),
        "overdue": sum(overdue_by_customer.values(), ZERO),
        "overdue_by_customer": {k: v for k, v in overdue_by_customer.items() if v > 0},
    }


def _text(html, element_id):
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)<', html, re.S)
    assert match, element_id
    return match.group(1).strip()


@time_machine.travel(NOON, tick=False)
def test_figures_equal_independent_sums(world, personas):
    rep = world["rep"]
    raw = _independent(rep)
    assert raw["sales_month"] > 0 and raw["overdue"] > 0 and raw["collected_month"] > 0  # the data exercises it

    data = sales_home(user=personas["rep_hangzhou"].user)
    month, year = data["performance"]["month"], data["performance"]["year"]
    assert month["sales_amount"]["actual"] == raw["sales_month"]
    assert month["sales_amount"]["target"] == Decimal("80000.00")
    assert month["sales_amount"]["rate"] == (raw["sales_month"] / Decimal("80000")).quantize(RATE)
    assert year["sales_amount"]["actual"] == raw["sales_year"]
    assert year["sales_amount"]["rate"] == (raw["sales_year"] / Decimal("1200000")).quantize(RATE)
    assert month["collections"]["actual"] == raw["collected_month"]
    assert month["collections"]["target"] is None and month["collections"]["rate"] is None

    rec = data["receivables"]
    assert rec["as_of"] == TODAY
    assert rec["total"] == raw["open"]
    assert rec["overdue"] == raw["overdue"]
    worst = sorted(raw["overdue_by_customer"].items(), key=lambda kv: -kv[1])[:5]
    assert [(c["id"], c["overdue"]) for c in rec["overdue_customers"]] == worst
    assert rec["overdue_customer_count"] == len(raw["overdue_by_customer"])

    # The page says the same, in the one formatting rule.
    html = personas["rep_hangzhou"].web().get(reverse("home")).content.decode()
    assert _text(html, "home-month-sales") == formats.money_short(raw["sales_month"])
    assert _text(html, "home-year-sales") == formats.money_short(raw["sales_year"])
    assert _text(html, "home-month-target") == formats.money_short(Decimal("80000.00"))
    assert _text(html, "home-month-rate") == formats.fraction_rate(month["sales_amount"]["rate"])
    assert _text(html, "home-year-rate") == formats.fraction_rate(year["sales_amount"]["rate"])
    assert _text(html, "home-month-collected") == formats.money_short(raw["collected_month"])
    assert _text(html, "home-open") == formats.money_short(raw["open"])
    assert _text(html, "home-overdue") == formats.money_short(raw["overdue"])
    names = dict(Customer.objects.unscoped().filter(pk__in=raw["overdue_by_customer"]).values_list("pk", "name"))
    for customer_id, amount in worst:
        assert names[customer_id] in html
        assert formats.money(amount) in html
        assert reverse("customers:customer_detail", kwargs={"pk": customer_id}) in html
        assert f"{reverse('customers:invoice_list')}?customer={customer_id}&amp;overdue=true" in html
    assert f"{reverse('customers:ageing')}?by=customer&amp;salesperson={rep.pk}" in html


@time_machine.travel(NOON, tick=False)
def test_none_of_a_colleagues_rows(world, personas):
    colleague = world["colleague"]
    html = personas["rep_hangzhou"].web().get(reverse("home")).content.decode()
    colleague_customers = Customer.objects.unscoped().filter(salesperson=colleague)
    assert colleague_customers.exists()
    for name in colleague_customers.values_list("name", flat=True):
        assert name not in html
    assert "同事的逾期任务" not in html
    # The colleague's own home shows their (tiny) target, not this rep's.
    other = sales_home(user=personas["rep_hangzhou_2"].user)
    assert other["performance"]["month"]["sales_amount"]["target"] == Decimal("1.00")
    assert other["performance"]["month"]["sales_amount"]["actual"] == _independent(colleague)["sales_month"]


@time_machine.travel(NOON, tick=False)
def test_tasks_overdue_and_due_this_week(world, personas):
    data = sales_home(user=personas["rep_hangzhou"].user)
    tasks = data["tasks"]
    assert tasks["week_end"] == date(2026, 4, 26)
    assert (tasks["overdue"], tasks["this_week"]) == (1, 2)
    assert [row["title"] for row in tasks["rows"]] == ["催收甲公司尾款", "拜访乙公司财务", "提交周报"]
    assert tasks["rows"][0]["days_late"] == 5
    html = personas["rep_hangzhou"].web().get(reverse("home")).content.decode()
    assert "下周的事" not in html
    assert reverse("workflow:task_detail", kwargs={"pk": world["tasks"]["overdue"].pk}) in html
    assert "逾期 5 天" in html
    assert "今天到期" in html


@time_machine.travel(NOON, tick=False)
def test_empty_states_say_who_sets_what(personas):
    """No invoices, no targets, no tasks: the page says what is missing and who provides it."""
    html = personas["rep_hangzhou"].web().get(reverse("home")).content.decode()
    assert "本月目标尚未设定，由地办经理在 计划 → 目标 中设定" in html
    assert "本年目标尚未设定" in html
    assert 'id="home-no-receivables"' in html
    assert 'id="home-no-tasks"' in html
    assert ">0.00<" in html  # sales of the month: zero, formatted, not empty


def _count_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


@time_machine.travel(NOON, tick=False)
def test_constant_number_of_queries(world, personas, units, django_assert_max_num_queries):
    client = personas["rep_hangzhou"].web()
    client.get(reverse("home"))  # warm the per-process caches (the working calendar, content types)
    # 22 before early warnings: the session and the person (4), the figures (10), the worklist (6, with the
    # special events the person owns), the bar's badges (2); early warnings add one each to the worklist (the
    # open warnings the person owns) and to the figures (the dashboard's alerts: the gravest open warnings); issue 18
    # adds three to the worklist: overdue visits (the visit rules, then one count) and complaints (one aggregate).
    with django_assert_max_num_queries(29):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    before = _count_queries(client)
    # Many more customers and overdue invoices: the same number of queries.
    rep = world["rep"]
    for n in range(12):
        customer = customer_create(
            by=SYSTEM, name=f"加量客户{n}", district=units["330100"], salesperson=rep, external_id=f"X-C{n}"
        )
        invoice_record(
            by=SYSTEM,
            customer=customer,
            issue_date=date(2026, 1, 5),
            due_date=date(2026, 2, 5),
            amount="1234.56",
            external_id=f"X-I{n}",
        )
    performance_services.summaries_rebuild(months=["2026-01"])
    assert _count_queries(client) == before
