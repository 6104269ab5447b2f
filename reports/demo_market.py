"""Demo of the monthly market-information report (市场信息月报, issue 18), after relations.demo_market: the market
incident of last month raised as a special event by its regional manager (risk, one step), then last month's
market-information report of every region and of the company built, and the incident's region's report submitted
to the Development Center with its manager's analysis. Once: a second run adds nothing."""

from django.db import transaction
from django.utils import timezone

from core.errors import DomainError
from core.periods import MONTH, Period
from core.roles import Role
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile
from relations.choices_market import MarketReportKind
from relations.models import MarketReport
from reports.choices import ReportKind, ReportState
from reports.models import BusinessReport
from reports.services import report_build, report_submit
from risk.services import event_raise_from_market_report


def _manager(region):
    return (
        StaffProfile.objects.filter(unit=region, role=Role.REGIONAL_MANAGER, is_active=True, user__isnull=False)
        .select_related("user")
        .order_by("pk")
        .first()
    )


def load_demo_market_reports(today=None):
    today = today or timezone.localdate()
    month = Period.of(today, MONTH).previous()
    counts = {"raised": 0, "market_reports_built": 0, "market_reports_submitted": 0}
    incident = (
        MarketReport.objects.unscoped()
        .filter(kind=MarketReportKind.INCIDENT, observed_on__range=(month.start, month.end))
        .select_related("region")
        .order_by("pk")
        .first()
    )
    manager = _manager(incident.region) if incident is not None else None
    if incident is not None and not incident.is_raised and manager is not None:
        try:
            with transaction.atomic():
                event_raise_from_market_report(by=manager.user, report=incident)
            counts["raised"] = 1
        except DomainError:
            pass
    units = OrgUnit.objects.filter(kind__in=[UnitKind.CENTER, UnitKind.REGION], is_active=True).order_by("path")
    for unit in units:
        if BusinessReport.objects.filter(unit=unit, period=str(month), kind=ReportKind.MARKET).exists():
            continue
        report_build(unit=unit, period=month, kind=ReportKind.MARKET)
        counts["market_reports_built"] += 1
    if incident is not None and manager is not None:
        report = BusinessReport.objects.filter(
            unit=incident.region, period=str(month), kind=ReportKind.MARKET, state=ReportState.BUILT
        ).first()
        if report is not None and counts["market_reports_built"]:
            try:
                with transaction.atomic():
                    report_submit(
                        report=report,
                        by=manager.user,
                        analysis="本月竞争对手价格战加剧，重点客户流失风险上升；已将重大问题上报为突发事件，"
                        "下月重点跟进受影响客户并评估我方报价策略。",
                    )
                counts["market_reports_submitted"] = 1
            except DomainError:
                pass
    return counts
