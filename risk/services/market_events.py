"""Raise a market report (relations: 市场信息) as a special event in one step: the event is reported pre-filled from
the report (kind market emergency, its unit, the day it was learnt, the product concerned, a description made of
the report's particulars) and the report records the event's id — both in one transaction, so a report is raised
at most once and never half. This lives in risk because relations sits below risk and never imports it."""

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import Conflict
from core.rights import ensure
from relations.choices_market import MarketReportKind
from relations.models import MarketReport
from relations.services import market_report_mark_raised
from risk.choices import EventKind, EventSeverity
from risk.services.events import TITLE_MAX, event_report


def _description(report):
    lines = [report.description]
    facts = [
        (_("Competitor"), " · ".join(part for part in (report.competitor, report.competitor_product) if part)),
        (_("Our product concerned"), str(report.product) if report.product_id else ""),
        (_("Competitor's price"), f"{report.price_level:,.2f}" if report.price_level is not None else ""),
        (_("Price change %"), f"{report.price_change:+}" if report.price_change is not None else ""),
        (_("Competitor's policy"), report.policy),
        (_("Demand signal"), report.get_demand_signal_display() if report.demand_signal else ""),
        (_("Source"), " · ".join(part for part in (report.get_source_display(), report.source_note) if part)),
        (_("Reliability"), report.get_reliability_display()),
    ]
    lines += [f"{label}: {value}" for label, value in facts if value]
    lines.append(_("From market report #%(id)s.") % {"id": report.pk})
    return "\n".join(lines)


def default_severity(report):
    """A market incident, or a report flagged major, is grave (high); anything else medium."""
    if report.kind == MarketReportKind.INCIDENT or report.is_major:
        return EventSeverity.HIGH
    return EventSeverity.MEDIUM


@transaction.atomic
def event_raise_from_market_report(*, by, report, severity=None):
    """Report `report` as a special event of its unit and link the two. Refused (403) for whoever may not
    update the report or report events there; a report raised already → Conflict (409), nothing written."""
    report = MarketReport.objects.select_for_update(of=("self",)).select_related("unit", "product").get(pk=report.pk)
    ensure(by, "market_report.raise", report)
    if report.is_raised:
        raise Conflict(_("This report has been raised as a special event already."))
    title = _("Market: %(title)s") % {"title": report.title}
    event = event_report(
        by=by,
        unit=report.unit,
        kind=EventKind.MARKET_EMERGENCY,
        severity=severity or default_severity(report),
        title=title[:TITLE_MAX],
        description=_description(report),
        occurred_on=report.observed_on,
        products=[report.product] if report.product_id else [],
    )
    market_report_mark_raised(by=by, report=report, event_id=event.pk)
    return event
