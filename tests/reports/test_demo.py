"""The demo loader: the last 3 monthly and the last quarterly report of every region and the company, one
submitted and one approved; a second call adds nothing."""

from datetime import date

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
    assert load_demo_reports(today=date(2026, 4, 15)) == {"reports": 0, "submitted": 0, "approved": 0}
    assert BusinessReport.objects.count() == units * 4
