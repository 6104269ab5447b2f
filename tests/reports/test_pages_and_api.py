"""Pages, API and downloads of business reports: persona by persona on real region and company reports,
the build endpoint (202, 409, 404, 403), submission to the center, the status page, the exports' content
and failure paths, and constant query counts of the lists."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import exports
from reports.choices import ReportKind, ReportState, RunState
from reports.models import BusinessReport, ReportRun
from reports.services import report_build
from tests.reports.conftest import MONTH, QUARTER

pytestmark = pytest.mark.django_db

PERSONAS = ["director", "center", "rm_east", "rm_south", "pm_zhejiang", "pm_guangdong", "dm_hangzhou", "rep_hangzhou"]
# Who reads the report of 华东 (HD) and of the company (HQ): whoever's scope covers the unit.
READS = {"HD": {"director", "center", "rm_east"}, "HQ": {"director", "center"}}
PAGES = ["reports:report_detail", "reports:report_progress", "reports:report_xlsx", "reports:report_pdf"]


@pytest.fixture
def reports(facts, units):
    return {code: report_build(unit=units[code], period=MONTH, kind=ReportKind.MONTHLY) for code in ("HD", "HN", "HQ")}


@pytest.mark.parametrize("code", ["HD", "HQ"])
def test_every_page_endpoint_and_export_is_scoped(reports, personas, code):
    report = reports[code]
    for persona in PERSONAS:
        expected = 200 if persona in READS[code] else 404
        web = personas[persona].web()
        for name in PAGES:
            response = web.get(reverse(name, kwargs={"pk": report.pk}))
            assert response.status_code == expected, (persona, name, response.status_code)
        api = personas[persona].api()
        response = api.get(reverse("businessreport-detail", kwargs={"pk": report.pk}))
        assert response.status_code == expected, persona
        listed = {row["id"] for row in api.get(reverse("businessreport-list"), {"page_size": 1000}).json()["results"]}
        assert (report.pk in listed) == (expected == 200), persona
        response = web.get(reverse("reports:report_list"))
        assert response.status_code == 200
        visible = response.context["paginator"].object_list.filter(pk=report.pk).exists()
        assert visible == (expected == 200), persona


def test_a_run_is_read_inside_the_scope_of_its_unit(facts, units, personas):
    run = ReportRun.objects.create(unit=units["HD"], period=MONTH, kind="monthly")
    for persona in PERSONAS:
        response = personas[persona].api().get(reverse("reportrun-detail", kwargs={"pk": run.pk}))
        assert response.status_code == (200 if persona in READS["HD"] else 404), persona


def test_the_build_endpoint(facts, units, personas, django_capture_on_commit_callbacks):
    url = reverse("businessreport-build")
    rm_east = personas["rm_east"].api()
    with django_capture_on_commit_callbacks(execute=True):
        response = rm_east.post(url, {"unit": units["HD"].pk, "period": MONTH, "kind": "monthly"}, format="json")
    assert response.status_code == 202, response.content
    run = response.json()
    assert run["state"] in (RunState.QUEUED, RunState.SUCCEEDED) and run["unit"] == units["HD"].pk
    polled = rm_east.get(reverse("reportrun-detail", kwargs={"pk": run["id"]})).json()
    assert polled["state"] == RunState.SUCCEEDED and polled["progress"] == 100 and polled["report"]

    # Out of scope → 404; in scope without the right → 403; bad period → 400 naming the field.
    assert rm_east.post(url, {"unit": units["HN"].pk, "period": MONTH, "kind": "monthly"}, format="json").status_code == 404
    response = (
        personas["pm_zhejiang"].api().post(url, {"unit": units["330000"].pk, "period": MONTH, "kind": "monthly"}, format="json")
    )
    assert response.status_code == 403
    response = (
        personas["rep_hangzhou"].api().post(url, {"unit": units["330100"].pk, "period": MONTH, "kind": "monthly"}, format="json")
    )
    assert response.status_code == 403
    response = rm_east.post(url, {"unit": units["HD"].pk, "period": "2099-01", "kind": "monthly"}, format="json")
    assert response.status_code == 400 and "period" in response.json()["errors"]
    response = rm_east.post(url, {"unit": units["HD"].pk, "period": "2026-3", "kind": "monthly"}, format="json")
    assert response.status_code == 400 and "period" in response.json()["errors"]
    response = rm_east.post(url, {"unit": units["HD"].pk, "period": MONTH, "kind": "weekly"}, format="json")
    assert response.status_code == 400

    # Requested twice at once: the second is a 409 with a clear message, and no second run.
    ReportRun.objects.create(unit=units["HD"], period=QUARTER, kind="quarterly", state=RunState.RUNNING)
    response = rm_east.post(url, {"unit": units["HD"].pk, "period": QUARTER, "kind": "quarterly"}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"]
    assert ReportRun.objects.filter(unit=units["HD"], period=QUARTER).count() == 1

    # The center builds the company report.
    with django_capture_on_commit_callbacks(execute=True):
        response = personas["center"].api().post(url, {"unit": units["HQ"].pk, "period": MONTH, "kind": "monthly"}, format="json")
    assert response.status_code == 202
    assert BusinessReport.objects.filter(unit=units["HQ"], period=MONTH).exists()


def test_the_build_form_and_rebuild_button(facts, units, personas, django_capture_on_commit_callbacks):
    web = personas["rm_east"].web()
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post(reverse("reports:report_build"), {"unit": units["HD"].pk, "period": MONTH, "kind": "monthly"})
    report = BusinessReport.objects.get(unit=units["HD"], period=MONTH)
    # Queued (the task runs after the commit): back to the list, where the report shows once built.
    assert response.status_code == 302 and report.data["unit"]["code"] == "HD"
    response = web.post(reverse("reports:report_build"), {"unit": units["HD"].pk, "period": "2099-01", "kind": "monthly"})
    assert response.status_code == 400
    # A unit outside the form's choices (another region) is refused by the form.
    response = web.post(reverse("reports:report_build"), {"unit": units["HN"].pk, "period": MONTH, "kind": "monthly"})
    assert response.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post(reverse("reports:report_rebuild", kwargs={"pk": report.pk}))
    assert response.status_code == 302
    # A read-only persona cannot rebuild: the center's report is not theirs.
    hq = report_build(unit=units["HQ"], period=MONTH, kind=ReportKind.MONTHLY)
    assert web.post(reverse("reports:report_rebuild", kwargs={"pk": hq.pk})).status_code == 404
    # The page polls the latest run while it is active.
    ReportRun.objects.create(unit=units["HD"], period=QUARTER, kind="quarterly")
    quarterly = report_build(unit=units["HD"], period=QUARTER, kind=ReportKind.QUARTERLY)
    ReportRun.objects.filter(unit=units["HD"], period=QUARTER).update(state=RunState.RUNNING, progress=40)
    response = web.get(reverse("reports:report_progress", kwargs={"pk": quarterly.pk}))
    assert b"hx-get" in response.content and b"40" in response.content
    assert "HX-Refresh" not in response
    ReportRun.objects.filter(unit=units["HD"], period=QUARTER).update(state=RunState.SUCCEEDED, progress=100)
    response = web.get(reverse("reports:report_progress", kwargs={"pk": quarterly.pk}), HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true" and b"hx-get" not in response.content


def test_submission_to_the_center_and_the_decision(reports, personas):
    from approvals.models import ApprovalRequest
    from approvals.services import request_approve, request_return

    report = reports["HD"]
    web = personas["rm_east"].web()
    response = web.post(reverse("reports:report_submit", kwargs={"pk": report.pk}), {"analysis": ""})
    assert response.status_code == 400  # no analysis yet
    response = web.post(reverse("reports:report_analysis", kwargs={"pk": report.pk}), {"analysis": "三月销售回暖。"})
    assert response.status_code == 302
    response = web.post(reverse("reports:report_submit", kwargs={"pk": report.pk}), {"analysis": "三月销售回暖，回款偏慢。"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and report.analysis == "三月销售回暖，回款偏慢。"
    request = ApprovalRequest.objects.get(object_id=report.pk, kind="report")
    assert request.snapshot["analysis"] == report.analysis
    # Waiting for a decision: the analysis is frozen, a second submission refused.
    assert web.post(reverse("reports:report_analysis", kwargs={"pk": report.pk}), {"analysis": "x"}).status_code == 409
    # The reviewer's screen shows the figures and the analysis.
    from django.template.loader import render_to_string

    from approvals.subjects import subject_review

    template, context = subject_review(report, request)
    html = render_to_string(template, context)
    assert "三月销售回暖" in html and "report-attainment" in html

    request_return(request=request, by=personas["center"].user, comment="请补充回款分析")
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED
    response = web.post(reverse("reports:report_submit", kwargs={"pk": report.pk}), {"analysis": "补充：回款计划已落实。"})
    assert response.status_code == 302
    request = ApprovalRequest.objects.filter(object_id=report.pk, kind="report").order_by("-version").first()
    request_approve(request=request, by=personas["center"].user)
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED and report.approved_at
    # Approved: no rebuild.
    assert web.post(reverse("reports:report_rebuild", kwargs={"pk": report.pk})).status_code == 409


def test_only_the_region_manager_and_the_center_write(reports, personas):
    report = reports["HD"]
    # A provincial manager does not even see the region's report.
    assert personas["pm_zhejiang"].web().post(reverse("reports:report_analysis", kwargs={"pk": report.pk})).status_code == 404
    # The center may write the company report; a regional manager may not even read it.
    hq = reports["HQ"]
    response = personas["center"].web().post(reverse("reports:report_analysis", kwargs={"pk": hq.pk}), {"analysis": "全公司"})
    assert response.status_code == 302


def test_the_status_page_tells_who_has_not_submitted(reports, personas, units):
    BusinessReport.objects.filter(pk=reports["HN"].pk).update(state=ReportState.SUBMITTED)
    response = personas["center"].web().get(reverse("reports:report_status"), {"period": MONTH, "kind": "monthly"})
    assert response.status_code == 200
    rows = {row["unit"].code: row["report"] for row in response.context["rows"]}
    assert rows["HN"].state == ReportState.SUBMITTED
    assert rows["HD"].state == ReportState.BUILT
    missing = {unit.code for unit in response.context["missing"]}
    assert "HD" in missing and "HN" not in missing
    assert any(report is None for report in rows.values())  # regions without a report: "not built"
    assert b'data-state="not_built"' in response.content
    for persona in ("rm_east", "pm_zhejiang", "rep_hangzhou"):
        assert personas[persona].web().get(reverse("reports:report_status")).status_code == 403
    response = personas["center"].web().get(reverse("reports:report_status"), {"period": "2099-01"})
    assert response.status_code == 400


def _cells(content):
    from openpyxl import load_workbook

    workbook = load_workbook(BytesIO(content))
    values = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            values.extend(str(value) for value in row if value is not None)
    return workbook, values


def test_a_regional_managers_export_holds_only_the_regions_rows(reports, personas, units):
    response = personas["rm_east"].web().get(reverse("reports:report_xlsx", kwargs={"pk": reports["HD"].pk}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook, values = _cells(response.content)
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("zh-hans"):
        expected = [gettext("Summary"), gettext("Attainment"), gettext("Ageing"), gettext("Exceptions"), gettext("Complaints")]
        target_header = gettext("Target")
    assert workbook.sheetnames == expected
    text = " ".join(values)
    assert units["330000"].name in text and units["330100"].name in text
    outside = [u for u in units["HN"].__class__.objects.exclude(path__startswith=units["HD"].path).exclude(code="HQ")]
    for unit in outside:
        assert unit.name not in values and unit.code not in values, unit.code
    # Money as numbers with two decimals.
    sheet = workbook[expected[1]]
    assert isinstance(sheet.cell(row=2, column=5).value, int | float)
    assert sheet.cell(row=2, column=5).number_format == exports.MONEY_FORMAT
    assert target_header in " ".join(str(c.value) for c in sheet[1])


def test_the_pdf_is_made_and_its_failures_are_clear(reports, personas, monkeypatch):
    import sys

    web = personas["rm_east"].web()
    url = reverse("reports:report_pdf", kwargs={"pk": reports["HD"].pk})
    response = web.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")

    # WeasyPrint's system libraries missing: 503 with a message, not a 500.
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    response = web.get(url)
    assert response.status_code == 503 and "Excel" in response.content.decode()
    monkeypatch.undo()

    import weasyprint

    class Broken:
        def __init__(self, *args, **kwargs):
            pass

        def write_pdf(self):
            raise ValueError("bad CSS")

    monkeypatch.setattr(weasyprint, "HTML", Broken)
    response = web.get(url)
    assert response.status_code == 422

    class NoFonts(Broken):
        def write_pdf(self):
            raise OSError("cannot load library 'pango'")

    monkeypatch.setattr(weasyprint, "HTML", NoFonts)
    assert web.get(url).status_code == 503


def test_the_report_page_shows_figures_and_actions(reports, personas):
    response = personas["rm_east"].web().get(reverse("reports:report_detail", kwargs={"pk": reports["HD"].pk}))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="report-attainment"' in content and 'id="report-ageing"' in content and 'id="report-submit"' in content
    assert 'id="report-new-channels"' in content
    response = personas["director"].web().get(reverse("reports:report_detail", kwargs={"pk": reports["HD"].pk}))
    assert 'id="report-rebuild"' in response.content.decode()


def test_navigation_offers_reports_to_managers_not_to_sales_staff(personas):
    from reports.nav import items

    assert items(personas["rm_east"].user, "regional_manager")
    assert items(personas["center"].user, "center_staff")
    assert items(personas["rep_hangzhou"].user, "sales_rep") == []


def _make_reports(units, n):
    from datetime import date

    from core.periods import Period

    start = Period.of(date(2024, 1, 1), "month")
    made = 0
    period = start
    while made < n:
        for code in ("HD", "HN", "HQ"):
            BusinessReport.objects.get_or_create(unit=units[code], period=period, kind="monthly", defaults={"data": {}})
            made += 1
        period = period.next()


def test_the_lists_take_a_constant_number_of_queries(units, personas):
    web, api = personas["center"].web(), personas["center"].api()
    counts = []
    for n in (3, 30):
        _make_reports(units, n)
        with CaptureQueriesContext(connection) as page:
            assert web.get(reverse("reports:report_list"), {"kind": "monthly"}).status_code == 200
        with CaptureQueriesContext(connection) as listed:
            assert api.get(reverse("businessreport-list")).status_code == 200
        counts.append((len(page), len(listed)))
    assert counts[0] == counts[1]
