"""Scoping-contract entries of the reports app (joined into tests.scoping_registry.REGISTRY).

Real reports belong to a region or to the company, which the contract's test districts (杭州, 广州) cannot
stand for. The scope rule of a report reads only its unit's path (ScopeSpec(path="unit__path")), so these
entries make district-level rows directly (bypassing the service's region-or-company check) to walk every
page and endpoint for every persona; tests/reports/test_pages_and_api.py checks the real region and
company reports persona by persona.
"""

from tests.scoping_registry import Scoped, Write

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


# --- writes ----------------------------------------------------------------------------------------------------
#
# Rules (reports/services.may_write; core/roles.py "report.build"): a business report is of a region or of the
# company; the Development Center builds, writes up, submits and rebuilds every one, a regional manager those of
# his own region. The other managers hold "report.build" but reach no region (the region unit lies above their
# scope); sales reps and branch keys hold no part in reports.
#
# The reports here are the region's (place="region": 华东 for the 杭州 cases, 华南 for the 广州 ones).

CENTER_AND_RM = frozenset({"director", "center", "rm_east", "rm_south"})
REPORTERS = CENTER_AND_RM | {"pm_zhejiang", "pm_guangdong", "dm_hangzhou", "dm_guangzhou"}


def _region(district, owner):
    return district.parent.parent


def _region_report(district, owner):
    return _report(_region(district, owner), owner)


def _build_body(region, world, persona):
    return {"unit": region.pk, "period": "2025-06", "kind": "monthly"}


WRITES = [
    Write(
        name="business report build",
        url="businessreport-build",
        make=_region,
        detail=False,
        body=_build_body,
        writers=CENTER_AND_RM,
        may_call=REPORTERS,
        success=202,
        place="region",
        outside=404,  # the unit to build is looked up in the caller's scope
    ),
    Write(
        name="business report build page",
        url="reports:report_build",
        make=_region,
        detail=False,
        body=_build_body,
        writers=CENTER_AND_RM,
        may_call=REPORTERS,
        success=302,
        place="region",
        outside=400,  # the form offers the units one may build
    ),
    Write(
        name="business report analysis page",
        url="reports:report_analysis",
        make=_region_report,
        body={"analysis": "本月回款良好"},
        writers=CENTER_AND_RM,
        success=302,
        place="region",
    ),
    Write(
        name="business report submit page",
        url="reports:report_submit",
        make=_region_report,
        body={"analysis": "本月回款良好"},
        writers=CENTER_AND_RM,
        success=302,
        place="region",
    ),
    Write(
        name="business report rebuild page",
        url="reports:report_rebuild",
        make=_region_report,
        writers=CENTER_AND_RM,
        success=302,
        place="region",
    ),
]
