"""The monthly market-information report's figures (relations.selectors.market.market_month_figures) equal an
independent computation from the raw records on generated data sets (hypothesis): counts by kind, reliability,
demand, competitor, product and unit one level down, price moves (rises, cuts, averages, extremes), the largest
single moves, the major problems raised — for a region and for the company, in the month and not outside it."""

from collections import Counter
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.periods import Period
from customers.models import Product
from regions.models import OrgUnit
from relations.choices_market import DemandSignal, MarketReportKind, Reliability
from relations.models import MarketReport
from relations.selectors.market import LISTED_MOVES, market_month_figures
from relations.services.market import region_of

MONTH = Period.parse("2026-03")
CODES = ["330100", "330200", "440100", "330000", "HD"]
COMPETITORS = ["", "华信金融", "中诚理财", "安盛财富"]
CENT = Decimal("0.01")

record = st.fixed_dictionaries(
    {
        "unit": st.sampled_from(CODES),
        "competitor": st.sampled_from(COMPETITORS),
        "product": st.sampled_from([None, 0, 1]),
        "change": st.one_of(st.none(), st.just(Decimal("0")), st.integers(-9999, 10000).map(lambda n: Decimal(n) / 100)),
        # Mostly in March 2026; some in February (the month before) and April (outside).
        "day": st.one_of(
            st.integers(0, 30).map(lambda n: date(2026, 3, 1 + n)), st.sampled_from([date(2026, 2, 28), date(2026, 4, 1)])
        ),
        "kind": st.sampled_from(MarketReportKind.values),
        "reliability": st.sampled_from(Reliability.values),
        "demand": st.sampled_from(["", *DemandSignal.values]),
        "major": st.booleans(),
        "raised": st.booleans(),
    }
)


def _avg(values):
    return (sum(values) / len(values)).quantize(CENT, rounding=ROUND_HALF_UP) if values else None


def _price_figures(rows):
    changes = [r["change"] for r in rows if r["change"] is not None]
    rises = [c for c in changes if c > 0]
    cuts = [c for c in changes if c < 0]
    return {
        "reports": len(rows),
        "price_moves": len(changes),
        "ups": len(rises),
        "downs": len(cuts),
        "average_change": _avg(changes),
        "biggest_rise": max(rises) if rises else None,
        "biggest_cut": min(cuts) if cuts else None,
        "major": sum(1 for r in rows if r["major"]),
    }


def expected(unit, rows, units_by_code):
    inside = [r for r in rows if units_by_code[r["unit"]].path.startswith(unit.path)]
    month = [r for r in inside if MONTH.start <= r["day"] <= MONTH.end]
    previous = [r for r in inside if r["day"].month == 2]
    changes = [r["change"] for r in month if r["change"] is not None]
    totals = {
        "reports": len(month),
        "major": sum(1 for r in month if r["major"]),
        "raised": sum(1 for r in month if r["raised"]),
        "price_moves": len(changes),
        "ups": sum(1 for c in changes if c > 0),
        "downs": sum(1 for c in changes if c < 0),
        "average_change": _avg(changes),
        "competitors": len({r["competitor"] for r in month if r["competitor"]}),
        "previous_reports": len(previous),
    }
    by_competitor = {
        name: _price_figures([r for r in month if r["competitor"] == name]) for name in {r["competitor"] for r in month} if name
    }
    by_product = {
        pid: _price_figures([r for r in month if r["product_id"] == pid]) for pid in {r["product_id"] for r in month} if pid
    }
    children = OrgUnit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1, is_active=True).exclude(pk=unit.pk)
    by_unit = {
        c.code: (
            sum(1 for r in month if units_by_code[r["unit"]].path.startswith(c.path)),
            sum(1 for r in month if r["major"] and units_by_code[r["unit"]].path.startswith(c.path)),
        )
        for c in children
    }
    moves = sorted((r for r in month if r["change"] not in (None, Decimal("0"))), key=lambda r: (-abs(r["change"]), r["id"]))
    raised = sorted((r for r in month if r["raised"]), key=lambda r: (r["day"], r["id"]))
    return {
        "totals": totals,
        "by_kind": Counter(r["kind"] for r in month),
        "by_reliability": Counter(r["reliability"] for r in month),
        "by_demand": Counter(r["demand"] for r in month if r["demand"]),
        "by_competitor": by_competitor,
        "by_product": by_product,
        "by_unit": by_unit,
        "moves": [r["id"] for r in moves[:LISTED_MOVES]],
        "raised": [r["id"] for r in raised],
    }


def _row_figures(row):
    return {
        key: row[key]
        for key in ("reports", "price_moves", "ups", "downs", "average_change", "biggest_rise", "biggest_cut", "major")
    }


def check(unit, rows, units_by_code):
    want = expected(unit, rows, units_by_code)
    got = market_month_figures(unit, MONTH)
    assert got["totals"] == want["totals"]
    assert {row["key"]: row["reports"] for row in got["by_kind"] if row["reports"]} == dict(want["by_kind"])
    assert {row["key"]: row["reports"] for row in got["by_reliability"] if row["reports"]} == dict(want["by_reliability"])
    assert {row["key"]: row["reports"] for row in got["by_demand"] if row["reports"]} == dict(want["by_demand"])
    assert {row["competitor"]: _row_figures(row) for row in got["by_competitor"]} == want["by_competitor"]
    assert {row["product_id"]: _row_figures(row) for row in got["by_product"]} == want["by_product"]
    assert {row["code"]: (row["reports"], row["major"]) for row in got["by_unit"]} == want["by_unit"]
    assert [row["report_id"] for row in got["price_moves"]] == want["moves"]
    assert [row["report_id"] for row in got["raised"]] == want["raised"]


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(record, max_size=30))
def test_market_report_figures_equal_an_independent_computation(units, personas, records):
    staff = personas["dm_hangzhou"].staff
    units_by_code = {code: units[code] for code in CODES}
    with transaction.atomic():
        products = [Product.objects.create(code=f"MF-{n}", name=f"产品{n}") for n in range(2)]
        rows = []
        for n, r in enumerate(records):
            unit = units_by_code[r["unit"]]
            report = MarketReport.objects.create(
                kind=r["kind"],
                title=f"记录{n}",
                unit=unit,
                region=region_of(unit),
                reporter=staff,
                observed_on=r["day"],
                competitor=r["competitor"],
                product=products[r["product"]] if r["product"] is not None else None,
                price_change=r["change"],
                demand_signal=r["demand"],
                description="生成的记录",
                source="visit",
                reliability=r["reliability"],
                is_major=r["major"],
                special_event_id=10_000 + n if r["raised"] else None,
                raised_at=datetime(2026, 3, 31, tzinfo=UTC) if r["raised"] else None,
            )
            rows.append({**r, "id": report.pk, "product_id": report.product_id})
        check(units["HD"], rows, units_by_code)
        check(units["HQ"], rows, units_by_code)
        check(units["440100"], rows, units_by_code)
        transaction.set_rollback(True)
