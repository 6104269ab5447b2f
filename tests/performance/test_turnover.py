"""Receivable turnover (performance.turnover): the month-end open receivable kept in the district month
summaries equals the ageing at that day to the cent, and every turnover figure equals an independent
computation from the raw invoices and allocations."""

import calendar
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
import time_machine
from django.db import connection, transaction
from django.db.models import Sum
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.periods import Period
from core.rights import SYSTEM
from customers.models import Invoice
from customers.selectors import ageing_for_unit, receivable_summary
from customers.services import customer_create, invoice_cancel, invoice_record, payment_record, payment_reverse
from performance import services
from performance.models import DistrictMonthFact
from performance.turnover import turnover, turnover_by_child
from tests.performance.facts import MONTHS, make_facts

D = Decimal
UNIT_CODES = ["HQ", "HD", "HN", "330000", "440000", "330100", "330200", "440100", "440300", "110000"]
# The facts' months, the month after them and one before them.
CHECKED = [Period.parse("2025-10"), *(Period.of(m, "month") for m in MONTHS), Period.parse("2026-05")]


@pytest.fixture(autouse=True)
def _today():
    """Today is after every month checked: a full rebuild carries open receivables through this month."""
    with time_machine.travel(date(2026, 7, 20), tick=False):
        yield


def _end(month):
    return month.end


# ------------------------------------------------------------------ independent figures, raw facts


def _raw_sales(unit, month):
    """Invoiced in the month, cancelled invoices excluded (plans.selectors.actual's definition)."""
    total = (
        Invoice.objects.unscoped()
        .filter(district__path__startswith=unit.path, issue_date__range=(month.start, month.end))
        .exclude(status="cancelled")
        .aggregate(s=Sum("amount"))["s"]
    )
    return Fraction(total or 0)


def _raw_open(unit, day):
    """Open receivable of the unit's invoices on a day, straight from the invoices and allocations."""
    invoices = Invoice.objects.unscoped().filter(district__path__startswith=unit.path)
    return Fraction(receivable_summary(scope_qs=invoices, as_of=day)["open"])


def _round(value):
    if value is None:
        return None
    return (D(value.numerator) / D(value.denominator)).quantize(D("0.01"), rounding=ROUND_HALF_UP)


def _expected(unit, month):
    days = calendar.monthrange(month.year, month.index)[1]
    sales = _raw_sales(unit, month)
    r_end, r_start = _raw_open(unit, _end(month)), _raw_open(unit, _end(month.previous()))
    average = (r_start + r_end) / 2
    window = [month, month.previous(), month.previous().previous()]
    sales_3m = sum((_raw_sales(unit, m) for m in window), Fraction(0))
    days_3m = sum(calendar.monthrange(m.year, m.index)[1] for m in window)
    return {
        "sales": sales,
        "open_at_end": r_end,
        "open_at_start": r_start,
        "turnover_times": _round(sales * 12 / average) if average else None,
        "turnover_days": _round(days * average / sales) if sales else None,
        "dso": _round(r_end / sales_3m * days_3m) if sales_3m else None,
    }


def _check(figure, expected):
    assert figure["sales"] == expected["sales"]
    assert figure["open_at_end"] == expected["open_at_end"]
    assert figure["open_at_start"] == expected["open_at_start"]
    for key in ("turnover_times", "turnover_days", "dso"):
        assert figure[key] == expected[key], key


# ------------------------------------------------------------------------------- generated facts


def test_every_figure_equals_the_raw_computation_for_every_unit_and_month(facts, units, personas):
    director = personas["director"].user
    nonzero = 0
    for code in UNIT_CODES:
        unit = units[code]
        rows = turnover(user=director, unit=unit, months=CHECKED)
        assert [row["month"] for row in rows] == CHECKED
        for row in rows:
            _check(row, _expected(unit, row["month"]))
            nonzero += row["dso"] is not None and row["dso"] > 0
    assert nonzero > 20  # the data set is not trivial


def test_open_at_end_equals_the_ageing_total_at_each_month_end(facts, units, personas):
    director = personas["director"].user
    for code in ["HQ", "HD", "330100", "440300"]:
        unit = units[code]
        for month in CHECKED:
            kept = DistrictMonthFact.objects.unscoped().filter(district__path__startswith=unit.path, month=month.start)
            kept = kept.aggregate(r=Sum("open_at_end"))["r"] or D(0)
            report = ageing_for_unit(user=director, unit=unit, as_of=month.end)
            assert kept == report.totals["total"], (code, month)


def test_a_rebuild_of_recent_months_continues_from_the_kept_month_before(facts):
    def rows():
        return list(
            DistrictMonthFact.objects.unscoped()
            .order_by("month", "district_id")
            .values_list("month", "district_id", "open_at_end")
        )

    full = rows()
    assert any(value for _m, _d, value in full)
    services.summaries_rebuild(months=["2026-03", "2026-04"])
    assert rows() == full
    services.summaries_rebuild(months=["2025-12", "2026-02"])
    assert rows() == full


def test_by_child_adds_up_children_and_gives_the_month_before(facts, units, personas):
    director = personas["director"].user
    month = Period.parse("2026-03")
    table = turnover_by_child(user=director, unit=units["HQ"], month=month)
    assert {child["code"] for child in table["children"]} >= {"HD", "HN"}
    for child in [table["head"], *table["children"]]:
        unit = units["HQ"] if child is table["head"] else child["unit"]
        _check(child["current"], _expected(unit, month))
        _check(child["previous"], _expected(unit, month.previous()))
    assert sum(child["current"]["open_at_end"] for child in table["children"]) == table["head"]["current"]["open_at_end"]
    district = turnover_by_child(user=director, unit=units["330100"], month="2026-03")
    assert district["children"] == []
    _check(district["head"]["current"], _expected(units["330100"], month))


# -------------------------------------------------------------------------- one district, by hand


@pytest.fixture
def customer(units):
    return customer_create(by=SYSTEM, name="周转客户有限公司", district=units["330100"], external_id="T-C1")


def _invoice(customer, issued, amount):
    return invoice_record(
        by=SYSTEM, customer=customer, issue_date=issued, due_date=issued + timedelta(days=30), amount=amount
    ).invoice


def test_postings_around_a_month_end(customer, units, personas):
    """A payment allocated after the month end to an invoice of the month does not reduce that month's
    receivable; a payment reversed after the month end does; a cancelled invoice counts until it is
    cancelled (not at all when cancelled within its month)."""
    a = _invoice(customer, date(2026, 3, 10), "1000.00")
    b = _invoice(customer, date(2026, 3, 15), "500.00")
    invoice_cancel(by=SYSTEM, invoice=b, reason="开错了", on=date(2026, 3, 20))
    c = _invoice(customer, date(2026, 2, 10), "300.00")
    early = payment_record(
        by=SYSTEM,
        customer=customer,
        received_on=date(2026, 3, 25),
        amount="200.00",
        allocations=[{"invoice": a, "amount": "200.00"}],
    )
    payment_reverse(by=SYSTEM, payment=early, reason="退票", on=date(2026, 4, 2))
    invoice_cancel(by=SYSTEM, invoice=c, reason="退货", on=date(2026, 4, 5))
    payment_record(
        by=SYSTEM,
        customer=customer,
        received_on=date(2026, 4, 3),
        amount="400.00",
        allocations=[{"invoice": a, "amount": "400.00"}],
    )
    services.summaries_rebuild()
    director = personas["director"].user
    rows = {row["month"]: row for row in turnover(user=director, unit=units["330100"], months="2026")}
    feb, mar, apr, may = (rows[Period.parse(f"2026-{m:02d}")] for m in (2, 3, 4, 5))
    assert feb["open_at_end"] == D("300.00")
    assert mar["open_at_end"] == D("1100.00")  # 300 + 1000 − 200; not the 400 of April, not the cancelled 500
    assert apr["open_at_end"] == D("600.00")  # the reversal gives back 200, the April payment takes 400, C is gone
    assert may["open_at_end"] == D("600.00")  # carried over a month without postings
    for month in (feb, mar, apr):
        report = ageing_for_unit(user=director, unit=units["330100"], as_of=month["month"].end)
        assert month["open_at_end"] == report.totals["total"]
    # March: sales 1000 (B cancelled), average (300 + 1100) / 2 = 700.
    assert mar["sales"] == D("1000.00") and mar["average_receivable"] == D("700.00")
    assert mar["turnover_times"] == D("17.14")  # 1000 × 12 / 700
    assert mar["turnover_days"] == D("21.70")  # 31 × 700 / 1000
    assert mar["dso"] == D("99.00")  # 1100 / (0 + 0 + 1000) × (31 + 28 + 31): C, cancelled, is no sale
    # February's invoice C was cancelled later: February's sales exclude it (a cancelled invoice counts
    # nowhere), its receivable still holds it.
    assert feb["sales"] == D("0.00") and feb["turnover_days"] is None and feb["dso"] is None
    assert feb["turnover_times"] == D("0.00")
    # April: no sales; May: nothing moves.
    assert apr["sales"] == D("0.00") and apr["turnover_days"] is None
    assert may["turnover_times"] == D("0.00") and may["dso"] == D("55.20")  # 600 / 1000 (March) × 92


def test_no_sales_and_no_receivables_give_none(customer, units, personas):
    director = personas["director"].user
    # Invoiced and paid within the month: sales but no receivable at either month end.
    a = _invoice(customer, date(2026, 3, 10), "800.00")
    payment_record(
        by=SYSTEM,
        customer=customer,
        received_on=date(2026, 3, 12),
        amount="800.00",
        allocations=[{"invoice": a, "amount": "800.00"}],
    )
    services.summaries_rebuild()
    (mar,) = turnover(user=director, unit=units["330100"], months="2026-03")
    assert mar["sales"] == D("800.00") and mar["average_receivable"] == D("0.00")
    assert mar["turnover_times"] is None
    assert mar["turnover_days"] == D("0.00") and mar["dso"] == D("0.00")
    # A unit without any facts.
    (empty,) = turnover(user=director, unit=units["110000"], months="2026-03")
    assert (empty["turnover_times"], empty["turnover_days"], empty["dso"]) == (None, None, None)
    assert empty["sales"] == D("0.00") and empty["open_at_end"] == D("0.00")


# ------------------------------------------------------------------------------------------ scope


def test_a_unit_outside_the_scope_is_404(facts, units, personas):
    with pytest.raises(Http404):
        turnover(user=personas["rm_south"].user, unit=units["HD"], months="2026-03")
    with pytest.raises(Http404):
        turnover_by_child(user=personas["pm_zhejiang"].user, unit=units["440000"], month="2026-03")
    with pytest.raises(Http404):
        turnover(user=personas["dm_hangzhou"].user, unit=units["330200"], months="2026-03")
    # Inside: the regional manager reads their region.
    assert turnover(user=personas["rm_east"].user, unit=units["HD"], months="2026-03")[0]["sales"] > 0
    api = personas["rm_south"].api()
    assert api.get(reverse("report-turnover"), {"unit": units["HD"].pk, "period": "2026-03"}).status_code == 404
    answer = personas["rm_east"].api().get(reverse("report-turnover"), {"unit": units["HD"].pk, "period": "2026-Q1"})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert [row["month"] for row in body["months"]] == ["2026-01", "2026-02", "2026-03"]
    expected = turnover(user=personas["rm_east"].user, unit=units["HD"], months="2026-Q1")
    assert [D(row["dso"]) if row["dso"] is not None else None for row in body["months"]] == [row["dso"] for row in expected]
    assert "330000" in {child["code"] for child in body["children"]} and "440000" not in {c["code"] for c in body["children"]}
    bad = personas["rm_east"].api().get(reverse("report-turnover"), {"unit": units["HD"].pk, "period": "2026-7"})
    assert bad.status_code == 400 and "period" in bad.json()["errors"]


# ------------------------------------------------------------------------------------ query count


def test_queries_do_not_grow_with_the_data(units, personas):
    director = personas["director"].user
    counts = []
    for seed in (1, 2):
        make_facts(units, personas, seed=seed) if seed == 1 else _more_facts(units)
        services.summaries_rebuild()
        for code in ("HQ", "330100"):
            with CaptureQueriesContext(connection) as plain:
                turnover(user=director, unit=units[code], months="2026")
            with CaptureQueriesContext(connection) as by_child:
                turnover_by_child(user=director, unit=units[code], month="2026-03")
            counts.append((len(plain), len(by_child)))
    assert set(counts) == {(1, 2)}, counts


def _more_facts(units):
    for n in range(30):
        customer = customer_create(by=SYSTEM, name=f"加量客户{n}有限公司", district=units["440100"], external_id=f"T-M{n}")
        for k in range(3):
            _invoice(customer, date(2026, 1 + k, 5 + n % 20), f"{100 + n}.{k:02d}")


# ------------------------------------------------------------------------------ property (hypothesis)

EVENT_DAYS = [date(2026, 1, 1) + timedelta(days=n) for n in range(0, 120)]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    invoices=st.lists(
        st.tuples(
            st.sampled_from(EVENT_DAYS),
            st.integers(min_value=1, max_value=10**7),
            st.one_of(st.none(), st.integers(min_value=0, max_value=70)),
        ),
        min_size=1,
        max_size=8,
    ),
    payments=st.lists(
        st.tuples(
            st.sampled_from(EVENT_DAYS),
            st.integers(min_value=1, max_value=10**7),
            st.one_of(st.none(), st.integers(min_value=0, max_value=70)),
        ),
        max_size=6,
    ),
)
def test_kept_open_receivable_equals_the_raw_one_for_any_postings(units, personas, invoices, payments):
    """Random invoices (some cancelled days later), payments allocated oldest first (some reversed days
    later): after a full rebuild, and after a rebuild of the last two months on top of it, the kept
    month-end receivable and every figure equal the raw computation."""
    district = units["330100"]
    director = personas["director"].user
    months = [Period.parse(f"2026-{m:02d}") for m in range(1, 7)]
    with transaction.atomic():
        customer = customer_create(by=SYSTEM, name="性质客户有限公司", district=district)
        made = []
        for issued, cents, cancel_after in invoices:
            made.append((_invoice(customer, issued, str(D(cents).scaleb(-2))), cancel_after))
        # Cancelled before any payment (a cancellation is refused while payments are allocated).
        for invoice, cancel_after in made:
            if cancel_after is not None:
                invoice_cancel(by=SYSTEM, invoice=invoice, reason="退货", on=invoice.issue_date + timedelta(days=cancel_after))
        for received, cents, reverse_after in sorted(payments):
            payment = payment_record(by=SYSTEM, customer=customer, received_on=received, amount=str(D(cents).scaleb(-2)))
            if reverse_after is not None:
                payment_reverse(by=SYSTEM, payment=payment, reason="退票", on=received + timedelta(days=reverse_after))
        services.summaries_rebuild()
        for rebuild in (None, ["2026-05", "2026-06"]):
            if rebuild:
                services.summaries_rebuild(months=rebuild)
            for row in turnover(user=director, unit=district, months=months):
                _check(row, _expected(district, row["month"]))
        transaction.set_rollback(True)


# ------------------------------------------------------------------------ dashboard and report


def test_the_dashboard_shows_the_last_complete_month_against_the_one_before(facts, units, personas):
    from dashboard import selectors as dashboard_selectors

    director = personas["director"].user
    data = dashboard_selectors.dashboard(user=director, unit=units["HD"], today=date(2026, 4, 20))
    block = data["turnover"]
    assert block["month"] == "2026-03" and len(block["months"]) == 12
    assert str(block["months"][0]["month"]) == "2025-04"
    _check(block["last"], _expected(units["HD"], Period.parse("2026-03")))
    _check(block["before"], _expected(units["HD"], Period.parse("2026-02")))
    assert block["dso_change"] == block["last"]["dso"] - block["before"]["dso"]
    # A salesperson's dashboard has none: receivables are kept per district month.
    rep = personas["rep_hangzhou"]
    assert (
        dashboard_selectors.dashboard(user=rep.user, unit=units["330100"], staff=rep.staff, today=date(2026, 4, 20))["turnover"]
        is None
    )
    # The page, in Chinese: the cards and the chart's data.
    with time_machine.travel(date(2026, 4, 20), tick=False):
        page = personas["rm_east"].web().get(reverse("dashboard:dashboard"), HTTP_ACCEPT_LANGUAGE="zh-hans")
        api = personas["rm_east"].api().get(reverse("dashboard-api"))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="kpi-dso"' in text and "销售回款天数(DSO)" in text and "应收账款周转天数" in text
    assert '"turnover": [{"month": "2025-04"' in text
    assert api.json()["turnover"]["month"] == "2026-03"


def test_the_report_lists_turnover_per_unit_for_the_month_and_the_one_before(facts, units):
    from reports.choices import ReportKind
    from reports.presenters import report_tables
    from reports.selectors import report_figures

    data = report_figures(units["HD"], "2026-Q1", ReportKind.QUARTERLY)
    section = data["turnover"]
    assert (section["month"], section["previous_month"]) == ("2026-03", "2026-02")
    codes = [row["code"] for row in section["rows"]]
    assert codes[0] == "HD" and {"330000", "330100", "330200"} <= set(codes)
    for row in section["rows"]:
        unit = units[row["code"]]
        for key, month in (("current", Period.parse("2026-03")), ("previous", Period.parse("2026-02"))):
            expected = _expected(unit, month)
            for name in ("turnover_times", "turnover_days", "dso"):
                value = row[key][name]
                assert (D(value) if value is not None else None) == expected[name], (row["code"], key, name)
    tables = report_tables(data)
    assert tables["turnover"]["rows"][0]["is_head"]
    # A report built before the section existed shows none.
    assert report_tables({**data, "turnover": None})["turnover"] is None
