"""The monthly market-information report (市场信息月报) as a kind of business report: requested and built by the
Celery job (eager in tests), its figures those of relations for the region, shown on its page, downloaded as Excel
and PDF, submitted to the Development Center through the approval subject, and listed on the center's status page
with the regions that have not submitted yet. A period that is not a finished month is refused."""

from datetime import UTC, date, datetime
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from approvals.models import ApprovalRequest
from core.errors import InvalidInput
from core.periods import Period
from relations.selectors.market import market_month_figures
from reports.choices import ReportKind, ReportState
from reports.exports import report_pdf_html
from reports.models import BusinessReport
from reports.services import report_request
from reports.tasks import build_market_monthly
from risk.services import event_raise_from_market_report
from tests.relations.market_factories import product, report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 4, 8, 4, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def market(units, personas):
    p = product()
    rep, dm = personas["rep_hangzhou"], personas["dm_hangzhou"]
    a = report(units["330100"], rep.staff, product=p, price_change="-6.00", observed_on=date(2026, 3, 3))
    report(units["330100"], dm.staff, product=p, price_change="2.50", competitor="中诚理财", observed_on=date(2026, 3, 20))
    report(units["330100"], dm.staff, kind="demand", competitor="", price_change=None, demand_signal="rising",
           observed_on=date(2026, 3, 21))  # fmt: skip
    report(units["330100"], dm.staff, observed_on=date(2026, 2, 27))  # the month before
    report(units["440100"], personas["dm_guangzhou"].staff, observed_on=date(2026, 3, 5))  # another region
    event = event_raise_from_market_report(by=dm.user, report=a)
    return {"raised": a, "event": event, "product": p}


def test_the_region_report_is_built_by_the_job_with_the_figures_of_relations(
    units, personas, market, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = report_request(unit=units["HD"], period="2026-03", kind=ReportKind.MARKET, by=personas["rm_east"].user)
    run.refresh_from_db()
    assert run.state == "succeeded", run.message
    built = BusinessReport.objects.get(unit=units["HD"], period="2026-03", kind=ReportKind.MARKET)
    data = built.data
    assert data["kind"] == "market" and data["totals"]["reports"] == 3 and data["totals"]["previous_reports"] == 1
    assert data["totals"]["raised"] == 1 and data["raised"][0]["event_id"] == market["event"].pk
    assert data["totals"]["ups"] == 1 and data["totals"]["downs"] == 1 and data["totals"]["average_change"] == "-1.75"
    # Stored as built: the same figures as relations' selector, as JSON text.
    fresh = market_month_figures(units["HD"], Period.parse("2026-03"))
    assert data["totals"]["reports"] == fresh["totals"]["reports"]
    assert {row["competitor"]: row["reports"] for row in data["by_competitor"]} == {"华信金融": 1, "中诚理财": 1}

    page = personas["rm_east"].web().get(reverse("reports:report_detail", kwargs={"pk": built.pk}))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="market-by-competitor"' in html and reverse("risk:event_detail", kwargs={"pk": market["event"].pk}) in html

    xlsx = personas["rm_east"].web().get(reverse("reports:report_xlsx", kwargs={"pk": built.pk}))
    assert xlsx.status_code == 200
    book = load_workbook(BytesIO(xlsx.content))
    competitors = book.worksheets[1]
    assert {row[0]: row[1] for row in competitors.iter_rows(min_row=2, values_only=True)} == {"华信金融": 1, "中诚理财": 1}
    assert "华信金融下调费率" in report_pdf_html(built)
    pdf = personas["rm_east"].web().get(reverse("reports:report_pdf", kwargs={"pk": built.pk}))
    assert pdf.status_code in (200, 503)  # 503 only where WeasyPrint's libraries are missing — never a 500

    # Out of scope: 404.
    assert personas["rm_south"].web().get(reverse("reports:report_detail", kwargs={"pk": built.pk})).status_code == 404
    assert personas["rm_south"].web().get(reverse("reports:report_xlsx", kwargs={"pk": built.pk})).status_code == 404


def test_submitted_for_approval_and_shown_on_the_centers_status_page(units, personas, market, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        build_market_monthly()  # the beat job: last month's report of every region and of the company
    reports = BusinessReport.objects.filter(period="2026-03", kind=ReportKind.MARKET)
    assert {r.unit.code for r in reports} >= {"HQ", "HD", "HN"}
    east = reports.get(unit=units["HD"])
    response = (
        personas["rm_east"]
        .web()
        .post(reverse("reports:report_submit", kwargs={"pk": east.pk}), {"analysis": "价格战加剧，已上报突发事件。"})
    )
    assert response.status_code == 302
    east.refresh_from_db()
    assert east.state == ReportState.SUBMITTED
    request = ApprovalRequest.objects.get(object_id=east.pk)
    assert request.kind == "report"
    review = personas["center"].web().get(f"/approvals/{request.pk}/")
    assert review.status_code == 200 and 'id="market-by-competitor"' in review.content.decode()

    status = personas["center"].web().get(reverse("reports:report_status"), {"period": "2026-03", "kind": "market"})
    assert status.status_code == 200
    missing = {unit.code for unit in status.context["missing"]}
    assert "HD" not in missing and {"HN", "HQ"} <= missing
    # The monthly business reports of the same month are another kind: none built, so every unit is missing there.
    status = personas["center"].web().get(reverse("reports:report_status"), {"period": "2026-03", "kind": "monthly"})
    assert "HD" in {unit.code for unit in status.context["missing"]}


def test_a_period_that_is_not_a_finished_month_is_refused(units, personas):
    for period in ("2026-Q1", "2026-04", "2026-13"):
        with pytest.raises(InvalidInput) as refused:
            report_request(unit=units["HD"], period=period, kind=ReportKind.MARKET, by=personas["rm_east"].user)
        assert refused.value.field == "period"
    assert not BusinessReport.objects.filter(kind=ReportKind.MARKET).exists()
    response = (
        personas["rm_east"]
        .api()
        .post(reverse("businessreport-build"), {"unit": units["HD"].pk, "period": "2026-04", "kind": "market"}, format="json")
    )
    assert response.status_code == 400
