"""Receivable turnover (应收周转) of a unit by month: sales, open receivables, turnover and DSO — read
from the district month summaries (performance.DistrictMonthFact: `invoiced` and `open_at_end`), never
from the invoices, in a constant number of queries whatever the size of the data.

Definitions, for a unit (its districts added up) and a month M of D(M) days:

- sales S(M) (销售额): invoiced in the month, cancelled invoices excluded (`DistrictMonthFact.invoiced`,
  the definition of plans.selectors.actual);
- open receivable R(M) (期末应收账款余额): open at the month's last day (`DistrictMonthFact.open_at_end`,
  equal to customers.selectors.ageing's total on that day);
- average receivable (平均应收账款) A(M) = (R(M−1) + R(M)) / 2;
- receivable turnover (应收账款周转率(次), annualised) = S(M) × 12 / A(M) — None when A(M) = 0;
- turnover days (应收账款周转天数) = D(M) × A(M) / S(M) — None when S(M) = 0;
- DSO (销售回款天数(DSO), the period method over three months) = R(M) / (S(M−2) + S(M−1) + S(M)) ×
  (D(M−2) + D(M−1) + D(M)) — None when those three months' sales are 0.

The ratios are computed from the exact sums and rounded half up to two decimals; the average receivable
is shown to the cent. A month whose summaries are not built reads as no sales and no receivables.
"""

import calendar
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.http import Http404

from core.money import ZERO, money
from core.periods import MONTH, Period
from core.scoping import scope_of
from performance.models import DistrictMonthFact
from regions.models import OrgUnit

TWO_PLACES = Decimal("0.01")
DSO_MONTHS = 3


def days_in(month):
    """The number of days of a month (a Period of kind month)."""
    return calendar.monthrange(month.year, month.index)[1]


def _ratio(numerator, denominator):
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def figures(month, sales, open_at_end):
    """The turnover figures of one month from {month first day: sales} and {month first day: open at end}
    (missing months are zero) — the definitions of the module docstring."""
    previous = month.previous()
    days = days_in(month)
    s = sales.get(month.start, ZERO)
    r_end = open_at_end.get(month.start, ZERO)
    r_start = open_at_end.get(previous.start, ZERO)
    average = (r_start + r_end) / 2
    window, day = [month], month
    for _n in range(DSO_MONTHS - 1):
        day = day.previous()
        window.append(day)
    sales_3m = sum((sales.get(m.start, ZERO) for m in window), ZERO)
    days_3m = sum(days_in(m) for m in window)
    return {
        "month": month,
        "days": days,
        "sales": s,
        "open_at_start": r_start,
        "open_at_end": r_end,
        "average_receivable": money(average),
        "turnover_times": _ratio(s * 12, average),
        "turnover_days": _ratio(days * average, s),
        "sales_3m": sales_3m,
        "days_3m": days_3m,
        "dso": _ratio(r_end * days_3m, sales_3m),
    }


def month_list(months):
    """A Period (or its text: 2026, 2026-Q3, 2026-07) → its months; an iterable of those → all their
    months, sorted and distinct."""
    if isinstance(months, (str, Period)):
        months = [months]
    result = set()
    for value in months:
        period = Period.parse(value) if isinstance(value, str) else value
        result.update(period.months() if period.kind != MONTH else [period])
    return sorted(result, key=lambda p: p.start)


def last_months(month, count):
    """The `count` months ending with `month`, oldest first."""
    result = [month]
    while len(result) < count:
        result.insert(0, result[0].previous())
    return result


def _check_scope(user, unit):
    # The views look the unit up in the caller's scope first; this guards any other caller (as
    # performance.selectors.attainment_table does).
    if unit is None or not scope_of(user).covers_path(unit.path):
        raise Http404


def _rows(user, unit, first, last):
    """The unit's district rows of the months [first, last] as the user reads them."""
    return DistrictMonthFact.objects.for_user(user).filter(
        district__path__startswith=unit.path, month__range=(first.start, last.start)
    )


def turnover(*, user, unit, months):
    """[figures of each month] of a unit (its subtree's districts together), oldest first, in one query.
    `months`: a Period or its text (its months) or an iterable of months. Outside the user's scope →
    Http404."""
    _check_scope(user, unit)
    months = month_list(months)
    if not months:
        return []
    sales, open_at_end = {}, {}
    first = months[0]
    for _n in range(DSO_MONTHS - 1):
        first = first.previous()
    for row in _rows(user, unit, first, months[-1]).order_by().values("month").annotate(s=Sum("invoiced"), r=Sum("open_at_end")):
        sales[row["month"]] = money(row["s"] or 0)
        open_at_end[row["month"]] = money(row["r"] or 0)
    return [figures(month, sales, open_at_end) for month in months]


def turnover_of_units(*, user, unit, units, month):
    """{unit id: {"current": figures of `month`, "previous": figures of the month before}} for `unit` and
    each of `units` (units inside its subtree, at any depth: a district adds to every one of them above
    it), in one query over the district rows. Outside the user's scope → Http404."""
    _check_scope(user, unit)
    month = Period.parse(month) if isinstance(month, str) else month
    if month.kind != MONTH:
        raise ValueError(f"{month} is not a month")
    wanted = {unit.path: unit.pk, **{u.path: u.pk for u in units}}
    first = month
    for _n in range(DSO_MONTHS):
        first = first.previous()
    sales = {pk: {} for pk in wanted.values()}
    opens = {pk: {} for pk in wanted.values()}
    rows = (
        _rows(user, unit, first, month)
        .order_by()
        .values("month", "district__path")
        .annotate(s=Sum("invoiced"), r=Sum("open_at_end"))
    )
    for row in rows:
        s, r = money(row["s"] or 0), money(row["r"] or 0)
        # "/1/84/97/": the district and every unit above it ("/1/", "/1/84/") that is wanted.
        parts = row["district__path"].strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            pk = wanted.get("/" + "/".join(parts[:depth]) + "/")
            if pk is not None:
                sales[pk][row["month"]] = sales[pk].get(row["month"], ZERO) + s
                opens[pk][row["month"]] = opens[pk].get(row["month"], ZERO) + r
    return {
        pk: {
            "current": figures(month, sales[pk], opens[pk]),
            "previous": figures(month.previous(), sales[pk], opens[pk]),
        }
        for pk in wanted.values()
    }


def turnover_by_child(*, user, unit, month):
    """The turnover of a unit and of each of its active child units in a month, with the month before,
    for drill-down: {unit, month, head: {current, previous}, children: [{id, code, name, unit, current,
    previous}]} in two queries (the children, the district rows). A district has no child units: its
    receivables are kept per district. Outside the user's scope → Http404."""
    _check_scope(user, unit)
    month = Period.parse(month) if isinstance(month, str) else month
    children = list(OrgUnit.objects.filter(parent_id=unit.pk, is_active=True).order_by("code"))
    by_unit = turnover_of_units(user=user, unit=unit, units=children, month=month)
    return {
        "unit": unit,
        "month": month,
        "head": by_unit[unit.pk],
        "children": [
            {"id": child.pk, "code": child.code, "name": child.name, "unit": child, **by_unit[child.pk]} for child in children
        ],
    }
