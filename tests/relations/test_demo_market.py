"""The demo market intelligence loads through the services once: about forty reports across regions and
competitors, last month's market incident raised as a special event, last month's market-information reports built
(the incident's region's submitted) — dates relative to the pinned today."""

from datetime import UTC, date, datetime

import time_machine

from customers.models import Product
from regions.demo import load_demo_company
from relations.demo_market import load_demo_market
from relations.models import MarketReport
from reports.choices import ReportKind, ReportState
from reports.demo_market import load_demo_market_reports
from reports.models import BusinessReport
from risk.models import SpecialEvent

TODAY = date(2026, 3, 16)


@time_machine.travel(datetime(2026, 3, 16, 4, 0, tzinfo=UTC), tick=False)
def test_demo_market_loads_once(db):
    load_demo_company(reps_per_district=1)
    for n in range(3):
        Product.objects.create(code=f"DM-{n}", name=f"演示产品{n}")
    counts = load_demo_market(today=TODAY)
    assert counts["market_reports"] == 41
    reports = MarketReport.objects.unscoped()
    assert reports.values("region").distinct().count() >= 3
    assert reports.exclude(competitor="").values("competitor").distinct().count() >= 4
    assert all(r.observed_on <= TODAY for r in reports)

    counts = load_demo_market_reports(today=TODAY)
    assert counts["raised"] == 1 and counts["market_reports_built"] >= 3 and counts["market_reports_submitted"] == 1
    raised = reports.get(special_event_id__isnull=False)
    assert SpecialEvent.objects.filter(pk=raised.special_event_id, kind="market_emergency").exists()
    submitted = BusinessReport.objects.get(kind=ReportKind.MARKET, state=ReportState.SUBMITTED)
    assert submitted.unit == raised.region and submitted.data["totals"]["raised"] == 1

    # Once: a second run adds nothing.
    assert load_demo_market(today=TODAY) == {"market_reports": 0}
    assert load_demo_market_reports(today=TODAY) == {"raised": 0, "market_reports_built": 0, "market_reports_submitted": 0}
    assert MarketReport.objects.unscoped().count() == 41
