"""Scoping-contract entries of the reports app (joined into tests.scoping_registry.REGISTRY).

Real reports belong to a region or to the company, which the contract's test districts (杭州, 广州) cannot
stand for. The scope rule of a report reads only its unit's path (ScopeSpec(path="unit__path")), so these
entries make district-level rows directly (bypassing the service's region-or-company check) to walk every
page and endpoint for every persona; tests/reports/test_pages_and_api.py checks the real region and
company reports persona by persona.
"""

from tests.scoping_registry import Scoped

PERIOD = "2026-03"


def _report(district, owner):
    from reports.models import BusinessReport
    from reports.selectors import report_figures

    return BusinessReport.objects.create(
        unit=district, period=PERIOD, kind="monthly", data=report_figures(district, PERIOD, "monthly")
    )


def _run(district, owner):
    from reports.models import ReportRun

    return ReportRun.objects.create(unit=district, period=PERIOD, kind="monthly", state="succeeded", progress=100)


ENTRIES = [
    Scoped(
        name="business report",
        make=_report,
        api_list="businessreport-list",
        api_detail="businessreport-detail",
        web_list="reports:report_list",
        web_detail="reports:report_detail",
        rep_sees="unit",
        find=lambda obj: {"unit": obj.unit_id},
    ),
    Scoped(name="business report progress", make=_report, web_detail="reports:report_progress", rep_sees="unit"),
    Scoped(name="business report xlsx", make=_report, web_detail="reports:report_xlsx", rep_sees="unit"),
    Scoped(name="business report pdf", make=_report, web_detail="reports:report_pdf", rep_sees="unit"),
    Scoped(name="report build run", make=_run, api_detail="reportrun-detail", rep_sees="unit"),
]
