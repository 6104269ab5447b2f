"""Every figure of a built report against an independent computation from the raw facts."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.periods import Period
from regions.models import OrgUnit
from reports.choices import ReportKind
from reports.selectors import HIGH_OVERDUE_SHARE, LOW_ATTAINMENT, OVER_LIMIT_SHOWN, RANKED, report_figures
from reports.services import report_build
from tests.reports import raw
from tests.reports.conftest import MONTH, QUARTER

pytestmark = pytest.mark.django_db

METRICS = ("sales_amount", "collections", "new_customers")


def _d(value):
    return None if value is None else Decimal(value)


def _check_unit_row(row, unit, period):
    period = Period.parse(period)
    compared = {"current": period, "previous": period.previous(), "last_year": period.same_period_last_year()}
    for metric in METRICS:
        actual = raw.ACTUALS[metric](unit, period)
        target = raw.target(unit, period, metric)
        figure = row["attainment"][metric]
        assert _d(figure["actual"]) == actual, (unit.code, metric)
        assert _d(figure["target"]) == target, (unit.code, metric)
        assert _d(figure["rate"]) == raw.rate(actual, target), (unit.code, metric)
        for key, other in compared.items():
            assert _d(row["comparison"][metric][key]) == raw.ACTUALS[metric](unit, other), (unit.code, metric, key)
        previous = raw.ACTUALS[metric](unit, compared["previous"])
        expected_change = None if previous == 0 else ((actual - previous) / previous).quantize(raw.RATE)
        assert _d(row["comparison"][metric]["change"]) == expected_change


@pytest.mark.parametrize(
    ("code", "period", "kind", "child_depths"),
    [
        ("HD", MONTH, ReportKind.MONTHLY, (2, 3)),
        ("HD", QUARTER, ReportKind.QUARTERLY, (2, 3)),
        ("HN", QUARTER, ReportKind.QUARTERLY, (2, 3)),
        ("HQ", MONTH, ReportKind.MONTHLY, (1,)),
    ],
)
def test_every_figure_equals_the_raw_facts(facts, units, code, period, kind, child_depths):
    unit = units[code]
    data = report_build(unit=unit, period=period, kind=kind).data
    as_of = Period.parse(period).end
    assert data["as_of"] == as_of.isoformat()
    assert data["unit"]["code"] == code

    # Attainment and comparisons: the unit and every active unit below it at the listed depths.
    _check_unit_row(data["head"], unit, period)
    expected_children = list(
        OrgUnit.objects.filter(path__startswith=unit.path, depth__in=child_depths, is_active=True).order_by("path")
    )
    assert [row["code"] for row in data["children"]] == [u.code for u in expected_children]
    for row, child in zip(data["children"], expected_children, strict=True):
        _check_unit_row(row, child, period)
    assert any(Decimal(row["attainment"]["sales_amount"]["actual"]) > 0 for row in data["children"])

    # Ageing by child unit as of the period's last day.
    expected = raw.ageing_by(unit, unit.depth + 1, as_of)
    got = {row["code"]: row for row in data["ageing"]["rows"]}
    assert set(got) == set(expected)
    for child_code, row in expected.items():
        for key, value in row.items():
            if key in ("total", "overdue"):
                assert _d(got[child_code][key]) == value
            else:
                assert _d(got[child_code]["buckets"][key]) == value
        assert _d(got[child_code]["overdue_share"]) == raw.rate(row["overdue"], row["total"])
    assert _d(data["ageing"]["total"]["total"]) == sum((row["total"] for row in expected.values()), Decimal(0))

    # New customers (head) and new channels (counted from the channels' history: none in this data set).
    assert _d(data["new_customers"]["current"]) == raw.new_customers(unit, period)
    assert data["new_channels"]["recorded"] is True
    assert [_d(data["new_channels"][key]) for key in ("current", "previous", "last_year")] == [Decimal(0)] * 3

    # Ranking: the lowest listed level, by sales attainment.
    ranked_depth = child_depths[-1]
    rated = []
    for child in expected_children:
        if child.depth != ranked_depth:
            continue
        value = raw.rate(raw.sales(child, period), raw.target(child, period, "sales_amount"))
        if value is not None:
            rated.append((-value, child.code))
    rated.sort()
    assert [row["code"] for row in data["ranking"]["top"]] == [code for _r, code in rated[:RANKED]]
    assert [row["code"] for row in data["ranking"]["bottom"]] == [code for _r, code in reversed(rated[-RANKED:])]

    # Exceptions with the named thresholds.
    below = []
    for child in expected_children:
        value = raw.rate(raw.sales(child, period), raw.target(child, period, "sales_amount"))
        if value is not None and value < LOW_ATTAINMENT:
            below.append(child.code)
    assert [row["code"] for row in data["exceptions"]["below_target"]] == below
    high = sorted(
        c for c, row in expected.items() if row["total"] > 0 and raw.rate(row["overdue"], row["total"]) > HIGH_OVERDUE_SHARE
    )
    assert sorted(row["code"] for row in data["exceptions"]["high_overdue"]) == high
    over = raw.over_credit_limit(unit, as_of)
    assert data["exceptions"]["over_credit_limit"]["count"] == len(over)
    assert [row["customer_id"] for row in data["exceptions"]["over_credit_limit"]["top"]] == [
        c.pk for c, _open in over[:OVER_LIMIT_SHOWN]
    ]
    for row, (customer, open_amount) in zip(data["exceptions"]["over_credit_limit"]["top"], over, strict=False):
        assert _d(row["open"]) == open_amount
        assert _d(row["excess"]) == open_amount - customer.credit_limit

    # What the report was built from.
    assert data["source"]["summary_rows"]["current"] > 0
    assert data["source"]["built_at"]


def test_the_data_set_has_exceptions_of_every_kind(facts, units):
    data = report_build(unit=units["HD"], period=QUARTER, kind=ReportKind.QUARTERLY).data
    assert data["exceptions"]["below_target"]
    assert data["exceptions"]["over_credit_limit"]["count"] > 0
    company = report_build(unit=units["HQ"], period=QUARTER, kind=ReportKind.QUARTERLY).data
    assert company["ranking"]["top"]


def test_figures_take_a_constant_number_of_queries(facts, units):
    with CaptureQueriesContext(connection) as small:
        report_figures(units["HD"], MONTH, ReportKind.MONTHLY)
    with CaptureQueriesContext(connection) as company:
        report_figures(units["HQ"], MONTH, ReportKind.MONTHLY)
    # 12, and one for the provision policy in force (none here; with one, the provisions section reads a fixed
    # number more: tests/risk/test_provisions.py), and one for the complaints section (issue 18).
    assert len(small) <= 14
    assert len(company) <= 14


def test_decimals_are_strings(facts, units):
    data = report_figures(units["HD"], MONTH, ReportKind.MONTHLY)
    assert isinstance(data["head"]["attainment"]["sales_amount"]["actual"], str)
    assert isinstance(data["ageing"]["total"]["total"], str)
