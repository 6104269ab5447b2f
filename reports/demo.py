"""Demo business reports, built synchronously from the demo data through the services:

- the last 3 monthly reports and the last quarterly report of every active region and of the company;
- one report submitted to the Development Center (the first region's last month, with its manager's
  analysis), and one approved (the same region's month before, submitted and approved by center staff).

Idempotent: a report that exists is not built again, and the submissions happen only once (a second call
adds nothing and returns zero counts).
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from approvals.models import ApprovalRequest
from approvals.services import request_approve
from core.errors import DomainError
from core.periods import MONTH, QUARTER, Period
from core.roles import Role
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile
from reports.choices import ReportKind, ReportState
from reports.models import BusinessReport
from reports.services import report_build, report_submit


def _person(unit, role):
    return (
        StaffProfile.objects.filter(unit=unit, role=role, is_active=True, user__isnull=False)
        .select_related("user")
        .order_by("pk")
        .first()
    )


def _decimal(value):
    return None if value in (None, "") else Decimal(str(value))


def _analysis(report, plan):
    """The manager's analysis of a built report, written from the report's own figures (a canned sentence
    such as "new customers met their target" would be false on some dates), followed by `plan`."""
    head = report.data.get("head", {})
    attainment, comparison = head.get("attainment", {}), head.get("comparison", {})
    parts = []
    for metric, label in (("sales_amount", "销售额"), ("collections", "回款额")):
        figure = attainment.get(metric, {})
        actual, rate = _decimal(figure.get("actual")), _decimal(figure.get("rate"))
        text = f"{label} {(actual or Decimal(0)) / 10000:,.2f} 万元"
        text += f"，完成率 {rate * 100:.1f}%" if rate is not None else "，未设目标"
        change = comparison.get(metric, {})
        current, previous = _decimal(change.get("current")), _decimal(change.get("previous"))
        if previous:
            delta = (current - previous) / previous * 100
            text += f"，较上期{'增长' if delta >= 0 else '下降'} {abs(delta):.1f}%"
        parts.append(text)
    new = attainment.get("new_customers", {})
    count, target = _decimal(new.get("actual")) or Decimal(0), _decimal(new.get("target"))
    parts.append(f"新增客户 {count:,.0f} 家" + (f"（目标 {target:,.0f} 家）" if target is not None else ""))
    return "；".join(parts) + "。" + plan


def load_demo_reports(today=None):
    today = today or timezone.localdate()
    month = Period.of(today, MONTH)
    months = [month.previous(), month.previous().previous(), month.previous().previous().previous()]
    quarter = Period.of(today, QUARTER).previous()
    units = list(OrgUnit.objects.filter(kind__in=[UnitKind.CENTER, UnitKind.REGION], is_active=True).order_by("path"))
    counts = {"reports": 0, "submitted": 0, "approved": 0}
    for unit in units:
        for period, kind in [*((m, ReportKind.MONTHLY) for m in months), (quarter, ReportKind.QUARTERLY)]:
            if BusinessReport.objects.filter(unit=unit, period=str(period), kind=kind).exists():
                continue
            report_build(unit=unit, period=period, kind=kind)
            counts["reports"] += 1

    regions = [unit for unit in units if unit.kind == UnitKind.REGION]
    center = next((unit for unit in units if unit.kind == UnitKind.CENTER), None)
    if not regions or center is None:
        return counts
    # The first region with a regional manager who can log in submits.
    region, manager = next(
        ((unit, person) for unit in regions if (person := _person(unit, Role.REGIONAL_MANAGER)) is not None), (None, None)
    )
    reviewer = _person(center, Role.CENTER_STAFF) or _person(center, Role.DIRECTOR)
    if manager is None or reviewer is None:
        return counts
    if BusinessReport.objects.filter(unit=region).exclude(state=ReportState.BUILT).exists():
        return counts  # already submitted once: nothing more to add

    try:
        with transaction.atomic():
            approved = BusinessReport.objects.get(unit=region, period=str(months[1]), kind=ReportKind.MONTHLY)
            request = report_submit(
                report=approved,
                by=manager.user,
                analysis=_analysis(approved, "重点关注逾期 90 天以上的应收账款，已安排专人催收。"),
            )
            request_approve(request=ApprovalRequest.objects.get(pk=request.pk), by=reviewer.user, comment="同意。")
            latest = BusinessReport.objects.get(unit=region, period=str(months[0]), kind=ReportKind.MONTHLY)
            report_submit(
                report=latest,
                by=manager.user,
                analysis=_analysis(latest, "下月加强重点客户跟进与渠道拓展。"),
            )
        counts["approved"] = counts["submitted"] = 1
    except DomainError:
        # The demo organisation lacks someone who can decide: leave the reports built.
        pass
    return counts
