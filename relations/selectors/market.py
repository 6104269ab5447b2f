"""Reads of market intelligence: the overview of a filtered set of reports (per region and competitor: reports,
price moves up and down, the average change; price movements per product and competitor; what competitors did),
and the figures of the monthly market-information report of a unit (reports reads them; relations never imports
reports). Every figure is aggregated in the database (grouped COUNT and SUM); averages are SUM ÷ COUNT rounded
half up to the hundredth here, so a page, a report and a test compute them the same way."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import Abs

from customers.models import Product
from regions.choices import UnitKind
from regions.models import OrgUnit
from relations.choices_market import DemandSignal, MarketReportKind, Reliability
from relations.models.market import MarketReport

HUNDREDTH = Decimal("0.01")
# How many single price moves, and how many competitor actions, a report or the overview lists (largest first).
LISTED_MOVES = 20
LISTED_ACTIONS = 30
# What competitors did: reports of these kinds.
COMPETITOR_KINDS = (MarketReportKind.COMPETITOR, MarketReportKind.PRICE, MarketReportKind.POLICY, MarketReportKind.INCIDENT)

PRICE_AGGREGATES = {
    "reports": Count("pk"),
    "price_moves": Count("pk", filter=Q(price_change__isnull=False)),
    "ups": Count("pk", filter=Q(price_change__gt=0)),
    "downs": Count("pk", filter=Q(price_change__lt=0)),
    "change_sum": Sum("price_change"),
    "biggest_rise": Max("price_change"),
    "biggest_cut": Min("price_change"),
    "major": Count("pk", filter=Q(is_major=True)),
}


def average(total, count):
    """SUM ÷ COUNT rounded half up to 0.01; None without anything counted."""
    if not count:
        return None
    return (Decimal(total or 0) / count).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def _hundredths(value):
    return None if value is None else Decimal(value).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def _price_row(row):
    change_sum = row.pop("change_sum")
    row["average_change"] = average(change_sum, row["price_moves"])
    for key in ("biggest_rise", "biggest_cut", "lowest_price", "highest_price"):
        if key in row:  # SQLite answers MIN/MAX of a decimal column without its places ("-5"): one shape everywhere
            row[key] = _hundredths(row[key])
    if row["biggest_rise"] is not None and row["biggest_rise"] <= 0:
        row["biggest_rise"] = None
    if row["biggest_cut"] is not None and row["biggest_cut"] >= 0:
        row["biggest_cut"] = None
    return row


def overview_by_region(queryset):
    """Per region and competitor (reports naming one): reports, price moves, rises, cuts, the average change,
    the largest rise and cut, major problems. One grouped query."""
    rows = (
        queryset.exclude(competitor="")
        .values("region_id", "competitor")
        .annotate(**PRICE_AGGREGATES)
        .order_by("region_id", "-reports", "competitor")
    )
    rows = [_price_row(dict(row)) for row in rows]
    names = dict(OrgUnit.objects.filter(pk__in={row["region_id"] for row in rows}).values_list("pk", "name"))
    regions = {}
    for row in rows:
        region = regions.setdefault(
            row["region_id"], {"region_id": row["region_id"], "name": names.get(row["region_id"], ""), "rows": []}
        )
        region["rows"].append(row)
    return sorted(regions.values(), key=lambda region: region["name"])


def price_movements(queryset):
    """Per product of ours and competitor, the reports with a price change: moves, rises, cuts, the average
    change, the largest rise and cut, the lowest and highest price level. One grouped query."""
    rows = (
        queryset.filter(price_change__isnull=False)
        .values("product_id", "competitor")
        .annotate(**PRICE_AGGREGATES, lowest_price=Min("price_level"), highest_price=Max("price_level"))
        .order_by("product_id", "competitor")
    )
    rows = [_price_row(dict(row)) for row in rows]
    products = {p.pk: p for p in Product.objects.filter(pk__in={row["product_id"] for row in rows if row["product_id"]})}
    for row in rows:
        row["product"] = products.get(row["product_id"])
    return rows


def competitor_actions(queryset, limit=LISTED_ACTIONS):
    """What competitors did: the newest reports about a competitor's move, price, policy or an incident."""
    return list(
        queryset.filter(kind__in=COMPETITOR_KINDS)
        .exclude(competitor="")
        .select_related("unit", "product")
        .order_by("-observed_on", "-id")[:limit]
    )


# --- the monthly market-information report ---------------------------------------------------------------------
def _counts(queryset, field, values):
    found = dict(queryset.values_list(field).annotate(n=Count("pk")).order_by())
    return [{"key": value, "reports": found.get(value, 0)} for value in values]


def _listed_units(unit):
    """The units the report breaks down by: the regions for the company, the provinces for a region."""
    return list(
        OrgUnit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1, is_active=True)
        .exclude(pk=unit.pk)
        .order_by("path")
        .only("id", "code", "name", "path")
    )


def month_reports(unit, period):
    """The market reports of `unit`'s subtree observed in `period` (read as the unit's own scope: a report is
    built for its unit, not for a person)."""
    return MarketReport.objects.for_unit(unit).filter(observed_on__range=(period.start, period.end))


def market_month_figures(unit, period):
    """Every figure of the monthly market-information report of `unit` (a region, or the company) for the month
    `period`, as plain Python values: totals, reports by kind, reliability, demand signal, competitor, product and
    unit one level down, the largest single price moves and the major problems raised as special events — and the
    total of the month before, to compare."""
    reports = month_reports(unit, period)
    previous = period.previous()
    totals = reports.aggregate(
        reports=Count("pk"),
        major=Count("pk", filter=Q(is_major=True)),
        raised=Count("pk", filter=Q(special_event_id__isnull=False)),
        price_moves=Count("pk", filter=Q(price_change__isnull=False)),
        ups=Count("pk", filter=Q(price_change__gt=0)),
        downs=Count("pk", filter=Q(price_change__lt=0)),
        change_sum=Sum("price_change"),
        competitors=Count("competitor", distinct=True, filter=~Q(competitor="")),
    )
    totals["average_change"] = average(totals.pop("change_sum"), totals["price_moves"])
    totals["previous_reports"] = month_reports(unit, previous).count()

    by_competitor = [
        _price_row(dict(row))
        for row in reports.exclude(competitor="")
        .values("competitor")
        .annotate(**PRICE_AGGREGATES)
        .order_by("-reports", "competitor")
    ]
    product_rows = [
        _price_row(dict(row))
        for row in reports.filter(product__isnull=False).values("product_id").annotate(**PRICE_AGGREGATES).order_by("product_id")
    ]
    products = {p.pk: p for p in Product.objects.filter(pk__in=[row["product_id"] for row in product_rows])}
    for row in product_rows:
        product = products[row["product_id"]]
        row.update(code=product.code, name=product.name)
    product_rows.sort(key=lambda row: (-row["reports"], row["code"]))

    listed = _listed_units(unit)
    by_path = dict(reports.values_list("unit__path").annotate(n=Count("pk")).order_by())
    major_by_path = dict(reports.filter(is_major=True).values_list("unit__path").annotate(n=Count("pk")).order_by())
    by_unit = [
        {
            "unit_id": u.pk,
            "code": u.code,
            "name": u.name,
            "reports": sum(n for path, n in by_path.items() if path.startswith(u.path)),
            "major": sum(n for path, n in major_by_path.items() if path.startswith(u.path)),
        }
        for u in listed
    ]

    moves = [
        {
            "report_id": r.pk,
            "observed_on": r.observed_on,
            "title": r.title,
            "competitor": r.competitor,
            "product": r.product.name if r.product_id else "",
            "unit": r.unit.name,
            "price_level": r.price_level,
            "price_change": r.price_change,
            "reliability": r.reliability,
        }
        for r in reports.filter(price_change__isnull=False)
        .exclude(price_change=0)
        .select_related("unit", "product")
        .order_by(Abs("price_change").desc(), "id")[:LISTED_MOVES]
    ]
    raised = [
        {
            "report_id": r.pk,
            "event_id": r.special_event_id,
            "observed_on": r.observed_on,
            "title": r.title,
            "competitor": r.competitor,
            "unit": r.unit.name,
            "reliability": r.reliability,
        }
        for r in reports.filter(special_event_id__isnull=False).select_related("unit").order_by("observed_on", "id")
    ]
    return {
        "unit_kind": unit.kind,
        "totals": totals,
        "by_kind": _counts(reports, "kind", MarketReportKind.values),
        "by_reliability": _counts(reports, "reliability", Reliability.values),
        "by_demand": _counts(reports.exclude(demand_signal=""), "demand_signal", DemandSignal.values),
        "by_competitor": by_competitor,
        "by_product": product_rows,
        "by_unit": by_unit,
        "by_unit_level": UnitKind.REGION if unit.kind == UnitKind.CENTER else UnitKind.PROVINCE,
        "price_moves": moves,
        "raised": raised,
    }
