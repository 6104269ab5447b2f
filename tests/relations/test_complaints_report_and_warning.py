"""Complaints reach the center two more ways: the complaints section of the business monthly report (counts,
handling time, the share of results within the SLA, the top causes — on the page, in Excel and in the PDF's HTML),
and the early-warning rule `complaint_spike` (a district receiving more complaints in a window than the threshold)."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from core.rights import SYSTEM
from relations import services
from reports.choices import ReportKind
from reports.exports import report_pdf_html, report_xlsx
from reports.services import report_build
from risk.models import Warning
from risk.services import warning_rule_create, warnings_evaluate
from tests.relations.complaint_helpers import World, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(personas, units):
    with at(date(2025, 9, 1)):
        return World(personas, units)


def _complaint(w, day, *, cause="fees", severity="medium", customer=None, close_on=None, result_on=None):
    with at(day):
        complaint = services.complaint_create(
            by=SYSTEM,
            kind="product",
            product=w.product,
            customer=customer or w.customer,
            severity=severity,
            cause=cause,
            description="投诉",
            received_on=day,
        )
    if result_on:
        with at(result_on):
            services.complaint_resolve(by=SYSTEM, complaint=complaint, result="已处理")
    if close_on:
        with at(close_on):
            services.complaint_close(by=SYSTEM, complaint=complaint, confirmation="satisfied", result="已处理")
    return complaint


def test_the_monthly_report_has_a_complaints_section(w, units):
    # September 2025 in 杭州 (华东): three received (fees ×2, service), two closed in it, one received in August still
    # open at the month's end and past its SLA; one of 广州 (华南) elsewhere.
    _complaint(w, date(2025, 8, 20), cause="quality")  # medium: due 27 Aug, no result by 30 Sep
    _complaint(w, date(2025, 9, 1), close_on=date(2025, 9, 3))  # 2 working days, within SLA
    _complaint(w, date(2025, 9, 2), result_on=date(2025, 9, 15), close_on=date(2025, 9, 16))  # due 9 Sep: missed, 10 days
    _complaint(w, date(2025, 9, 10), cause="service", severity="low")  # due 24 Sep, no result: past SLA at the end
    _complaint(w, date(2025, 9, 10), customer=w.gz_customer)
    with at(date(2025, 10, 2)):
        report = report_build(unit=units["HD"], period="2025-09", kind=ReportKind.MONTHLY)
    section = report.data["complaints"]
    assert (section["received"], section["closed"], section["open_at_end"], section["breached_at_end"]) == (3, 2, 2, 2)
    assert section["handling_days_average"] == "6.0"  # (2 + 10) / 2
    assert section["met_rate"] == "0.5000"
    assert section["top_causes"] == [{"cause": "fees", "count": 2}, {"cause": "service", "count": 1}]
    assert section["by_kind"] == {"product": 3, "channel": 0}
    # On the page, in Excel and in the PDF.
    page = w.p["rm_east"].web().get(reverse("reports:report_detail", kwargs={"pk": report.pk}))
    assert 'id="report-complaints"' in page.content.decode()
    with translation.override("en"):
        workbook = load_workbook(BytesIO(report_xlsx(report)))
        sheet = workbook["Complaints"]
        rows = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
        assert rows["Received"] == 3 and rows["Closed"] == 2
        assert rows["Top causes: fees and charges"] == 2
        assert 'id="pdf-complaints"' in report_pdf_html(report)
    # A quarterly report has none (the section is the monthly report's).
    with at(date(2025, 10, 2)):
        quarterly = report_build(unit=units["HD"], period="2025-Q3", kind=ReportKind.QUARTERLY)
    assert "complaints" not in quarterly.data


def test_a_complaint_spike_raises_an_early_warning_for_the_district(w, units):
    rule = warning_rule_create(
        by=SYSTEM, name="投诉激增", kind="complaint_spike", threshold="2", window=7, severity="high", deadline_days=3
    )
    for day in (date(2025, 9, 1), date(2025, 9, 8), date(2025, 9, 9), date(2025, 9, 10)):
        _complaint(w, day)  # 杭州: three within the 7 days up to 10 Sep (the 1 Sep one is older)
    for day in (date(2025, 9, 9), date(2025, 9, 10)):
        _complaint(w, day, customer=w.gz_customer)  # 广州: two, not above the threshold
    with at(date(2025, 9, 10)):
        warnings_evaluate(as_of=date(2025, 9, 10), by=SYSTEM)
    warnings = list(Warning.objects.filter(rule=rule))
    assert [(x.unit.code, x.value) for x in warnings] == [("330100", 3)]
    # A week later the spike has passed: the warning closes as "condition cleared".
    with at(date(2025, 9, 18)):
        warnings_evaluate(as_of=date(2025, 9, 18), by=SYSTEM)
    assert Warning.objects.get(rule=rule).state == "closed"


def test_the_spike_rule_refuses_a_threshold_below_one_or_without_a_window(w):
    from core.errors import InvalidInput

    for threshold, window, field in (("0", 7, "threshold"), ("1.5", 7, "threshold"), ("3", None, "window")):
        with pytest.raises(InvalidInput) as error:
            warning_rule_create(
                by=SYSTEM,
                name="投诉",
                kind="complaint_spike",
                threshold=threshold,
                window=window,
                severity="low",
                deadline_days=3,
            )
        assert error.value.field == field
