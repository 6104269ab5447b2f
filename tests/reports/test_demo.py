"""The demo loader: the last 3 monthly and the last quarterly report of every region and the company, one
submitted and one approved; a second call adds nothing."""

from datetime import date
from decimal import Decimal

import pytest

from regions.choices import UnitKind
from regions.models import OrgUnit
from reports.choices import ReportState
from reports.demo import load_demo_reports
from reports.models import BusinessReport

pytestmark = pytest.mark.django_db


def test_the_demo_reports_load_once(facts, personas):
    counts = load_demo_reports(today=date(2026, 4, 15))
    units = OrgUnit.objects.filter(kind__in=[UnitKind.CENTER, UnitKind.REGION], is_active=True).count()
    assert counts == {"reports": units * 4, "submitted": 1, "approved": 1}
    assert BusinessReport.objects.count() == units * 4
    assert BusinessReport.objects.filter(state=ReportState.SUBMITTED).count() == 1
    assert BusinessReport.objects.filter(state=ReportState.APPROVED).count() == 1
    assert {str(p) for p in BusinessReport.objects.values_list("period", flat=True)} == {
        "2026-03",
        "2026-02",
        "2026-01",
        "2026-Q1",
    }
    # The manager's analysis states the report's own figures, not a canned claim.
    for report in BusinessReport.objects.exclude(state=ReportState.BUILT):
        figures = report.data["head"]["attainment"]
        sales = Decimal(str(figures["sales_amount"]["actual"])) / 10000
        assert f"销售额 {sales:,.2f} 万元" in report.analysis
        assert f"新增客户 {Decimal(str(figures['new_customers']['actual'])):,.0f} 家" in report.analysis
        assert "达标" not in report.analysis
    assert load_demo_reports(today=date(2026, 4, 15)) == {"reports": 0, "submitted": 0, "approved": 0}
    assert BusinessReport.objects.count() == units * 4
