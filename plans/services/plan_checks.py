"""Checking a plan: its splits must add up, and the targets of different period levels must agree once
it is approved."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from core.errors import Unprocessable
from core.periods import QUARTER, YEAR, Period
from plans import selectors
from plans.choices import COUNT_METRICS, Metric
from plans.models import Target
from plans.selectors import child_candidates
from regions.choices import UnitKind


class PlanDoesNotAddUp(Unprocessable):
    """A plan whose target lines' splits do not add up; `mismatches` says by how much and where."""

    default_code = "does_not_add_up"

    def __init__(self, mismatches):
        self.mismatches = mismatches
        message = _("The targets do not add up: %(problems)s") % {"problems": "; ".join(m["message"] for m in mismatches)}
        super().__init__(message, field="targets")

    def as_dict(self):
        body = super().as_dict()
        body["mismatches"] = [
            {**m, "expected": str(m["expected"]), "actual": str(m["actual"]), "difference": str(m["difference"])}
            for m in self.mismatches
        ]
        return body


# --- checking and submitting -----------------------------------------------------------------------
def _figure(value, metric):
    return f"{value:,.0f}" if metric in COUNT_METRICS else f"{value:,.2f}"


def plan_check(*, plan):
    """Where a plan's splits do not add up: for every target line, its children (sub-units or sales
    staff) and its months must sum exactly to the line's value. A level with no split lines is not
    split and not reported. Then the targets of different period levels, as the plan would leave them
    (`plan_period_conflicts`, level "periods"). Each mismatch: {metric, period, level, expected, actual,
    difference (actual − expected), missing (children or months without a value), message, owner,
    lines (the lines and approved targets involved), line_keys ([metric, period] of the plan's lines)}."""
    problems = []
    _kind, candidates = child_candidates(plan.unit)
    for line in plan.target_lines.prefetch_related("splits__unit", "splits__staff").order_by("order", "id"):
        splits = list(line.splits.all())
        metric = Metric(line.metric)
        levels = []
        child_rows = [s for s in splits if s.month is None]
        if child_rows:
            have = {s.unit_id or s.staff_id for s in child_rows}
            missing = [getattr(c, "name", str(c)) for c in candidates if c.pk not in have]
            level = "staff" if plan.unit.kind == UnitKind.DISTRICT else "children"
            levels.append((level, child_rows, missing))
        month_rows = [s for s in splits if s.month is not None]
        if month_rows:
            have = {str(s.month) for s in month_rows}
            missing = [str(m) for m in line.period.months() if str(m) not in have]
            levels.append(("months", month_rows, missing))
        for level, rows, missing in levels:
            total = sum((row.value for row in rows), Decimal("0.00"))
            if total == line.value:
                continue
            difference = total - line.value
            where = _("%(unit)s, target %(value)s") % {"unit": plan.unit.name, "value": _figure(line.value, metric)}
            template = {
                "children": _("%(metric)s %(period)s: the sub-units add up to %(total)s, off by %(difference)s (%(where)s)"),
                "staff": _("%(metric)s %(period)s: the sales staff add up to %(total)s, off by %(difference)s (%(where)s)"),
                "months": _("%(metric)s %(period)s: the months add up to %(total)s, off by %(difference)s (%(where)s)"),
            }[level]
            message = template % {
                "metric": metric.label,
                "period": line.period,
                "total": _figure(total, metric),
                "difference": _figure(abs(difference), metric),
                "where": where,
            }
            if missing:
                message += _("; without a value: %(missing)s") % {"missing": ", ".join(missing)}
            problems.append(
                {
                    "metric": line.metric,
                    "period": str(line.period),
                    "level": level,
                    "expected": line.value,
                    "actual": total,
                    "difference": difference,
                    "missing": missing,
                    "message": str(message),
                    "owner": plan.unit.name,
                    "lines": [f"{metric.label} {line.period}"],
                    "line_keys": [[line.metric, str(line.period)]],
                }
            )
    problems.extend(plan_period_conflicts(plan=plan, rows=selectors.plan_lines(plan)["targets"]))
    return problems


# --- consistency across period levels --------------------------------------------------------------
# The rule (docs/DECISIONS.md): for one metric and one owner (a unit or a salesperson), the current
# targets of a year, its quarters and its months must agree once a plan is applied —
#   * a quarter whose three months all have a target equals their sum; with some months only, those
#     months add up to no more than the quarter (the months still open cannot be negative);
#   * a year whose four quarters are all determined (a quarter's own target, else its three months)
#     equals their sum; otherwise what is already set inside it adds up to no more than the year.
# A plan is checked with its own lines (and the children and months they split to, a child or month
# left out counting 0, exactly as approval writes them) laid over the targets already current. Only the
# rules that a value the plan writes takes part in are reported: a plan is not blamed for an old
# inconsistency it does not touch. `check` reports them, submit refuses them (422), and approval checks
# them again under the owners' row locks (409), since other plans may have been approved in between.


@dataclass
class _Written:
    value: Decimal
    source: str  # the plan line that writes it, as a reader names it


def _owner_key(child_kind, pk):
    return ("staff" if child_kind == "staff" else "unit", pk)


def _plan_writes(plan, rows, candidates, child_kind):
    """{(owner, metric, period text): _Written} that approving `rows` (the lines as JSON) would set,
    and the keys two lines set to different values."""
    writes, twice = {}, []
    own = ("unit", plan.unit_id)

    def put(owner, metric, period, value, source):
        key = (owner, metric, str(period))
        earlier = writes.get(key)
        if earlier is not None and earlier.value != value:
            twice.append((key, earlier, _Written(value, source)))
        writes[key] = _Written(value, source)

    for n, row in enumerate(rows, start=1):
        try:
            period = Period.parse(row["period"])
            value = Decimal(str(row["value"]))
        except (KeyError, ValueError, ArithmeticError):
            continue  # not a line approval could set; the line checks report it
        metric = row["metric"]
        source = _("target line %(n)s (%(metric)s %(period)s)") % {
            "n": n,
            "metric": Metric(metric).label if metric in Metric.values else metric,
            "period": period,
        }
        put(own, metric, period, value, source)
        children = {int(child["id"]): Decimal(str(child["value"])) for child in row.get("children") or []}
        if children:
            for child in candidates:
                put(_owner_key(child_kind, child.pk), metric, period, children.get(child.pk, Decimal("0.00")), source)
        months = {str(month["month"]): Decimal(str(month["value"])) for month in row.get("months") or []}
        if months and period.kind in (YEAR, QUARTER):
            for month in period.months():
                put(own, metric, month, months.get(str(month), Decimal("0.00")), source)
    return writes, twice


def _year_periods(year):
    whole = Period(YEAR, year)
    return [whole, *whole.children(), *whole.months()]


def _broken_levels(values, year):
    """The rules broken in one owner × metric × year. `values`: {period text: Decimal} as the plan would
    leave them. Yields (parent Period, expected, actual, complete, parts word, counted period texts)."""
    whole = Period(YEAR, year)
    determined, lower = [], Decimal("0.00")
    counted = {str(whole)}
    for quarter in whole.children():
        months = [str(month) for month in quarter.months() if str(month) in values]
        month_sum = sum((values[month] for month in months), Decimal("0.00"))
        quarter_value = values.get(str(quarter))
        if quarter_value is not None:
            complete = len(months) == 3
            if (complete and month_sum != quarter_value) or (not complete and month_sum > quarter_value):
                yield quarter, quarter_value, month_sum, complete, _("its months"), {str(quarter), *months}
            determined.append(quarter_value)
            lower += quarter_value
            counted.add(str(quarter))
        else:
            determined.append(month_sum if len(months) == 3 else None)
            lower += month_sum
            counted.update(months)
    year_value = values.get(str(whole))
    if year_value is None:
        return
    if all(part is not None for part in determined):
        total = sum(determined, Decimal("0.00"))
        if total != year_value:
            yield whole, year_value, total, True, _("its quarters and months"), counted
    elif lower > year_value:
        yield whole, year_value, lower, False, _("its quarters and months"), counted


def plan_period_conflicts(*, plan, rows):
    """Where the targets of different period levels would disagree once these lines (the plan's lines as
    JSON: the live draft's or a frozen version's) are approved — the rule above. Each conflict is a
    mismatch of level "periods" (see plan_check) naming the owner, the lines and the approved targets."""
    child_kind, candidates = child_candidates(plan.unit)
    writes, twice = _plan_writes(plan, rows, candidates, child_kind)
    if not writes:
        return []
    names = {("unit", plan.unit_id): plan.unit.name}
    names.update({_owner_key(child_kind, child.pk): child.name for child in candidates})
    line_keys = {}
    for row in rows:
        line_keys.setdefault(row.get("metric"), set()).add(str(row.get("period")))
    conflicts = []
    for (owner, metric, period), first, second in twice:
        message = _(
            "%(metric)s %(period)s of %(owner)s is set twice with different values: %(first)s by %(first_source)s, "
            "%(second)s by %(second_source)s"
        ) % {
            "metric": Metric(metric).label,
            "period": period,
            "owner": names.get(owner, owner),
            "first": _figure(first.value, metric),
            "first_source": first.source,
            "second": _figure(second.value, metric),
            "second_source": second.source,
        }
        conflict = _period_conflict(
            metric, period, first.value, second.value, [], message, names.get(owner), [first.source, second.source]
        )
        conflict["line_keys"] = [[metric, period]] if period in line_keys.get(metric, ()) else []
        conflicts.append(conflict)
    groups = {}
    for (owner, metric, period), write in writes.items():
        groups.setdefault((owner, metric, Period.parse(period).year), {})[period] = write
    for (owner, metric, year), group in sorted(groups.items(), key=lambda item: (item[0][1], item[0][2], item[0][0])):
        written = set(group)
        kind, pk = owner
        current = Target.objects.filter(
            metric=metric, is_current=True, period__in=[str(p) for p in _year_periods(year)], **{f"{kind}_id": pk}
        )
        if kind == "unit":
            current = current.filter(staff__isnull=True)
        values = {str(target.period): target.value for target in current}
        approved = set(values)
        values.update({period: write.value for period, write in group.items()})
        for parent, expected, actual, complete, parts, counted in _broken_levels(values, year):
            if not counted & written:
                continue  # an old disagreement this plan takes no part in
            sources = []
            for period in sorted(counted, key=Period.parse):
                write = group.get(period)
                if write is not None:
                    if write.source not in sources:
                        sources.append(write.source)
                elif period in approved:
                    sources.append(
                        _("the approved target %(metric)s %(period)s") % {"metric": Metric(metric).label, "period": period}
                    )
            values_text = {
                "metric": Metric(metric).label,
                "period": parent,
                "owner": names.get(owner, owner),
                "expected": _figure(expected, metric),
                "parts": parts,
                "total": _figure(actual, metric),
                "difference": _figure(abs(actual - expected), metric),
                "sources": "; ".join(sources),
            }
            if complete:
                message = (
                    _(
                        "%(metric)s %(period)s of %(owner)s would be %(expected)s, but %(parts)s add up to %(total)s, "
                        "off by %(difference)s (%(sources)s)"
                    )
                    % values_text
                )
                missing = []
            else:
                message = (
                    _(
                        "%(metric)s %(period)s of %(owner)s would be %(expected)s, but what is set inside it already comes to "
                        "%(total)s, %(difference)s over, so the rest would be negative (%(sources)s)"
                    )
                    % values_text
                )
                missing = [  # the parts not determined yet (a quarter counts as set when its three months are)
                    str(p) for p in parent.children() if str(p) not in values and not all(str(m) in values for m in p.months())
                ]
            conflict = _period_conflict(metric, str(parent), expected, actual, missing, message, names.get(owner), sources)
            conflict["line_keys"] = [[metric, p] for p in sorted(counted) if p in line_keys.get(metric, ())]
            conflicts.append(conflict)
    return conflicts


def _period_conflict(metric, period, expected, actual, missing, message, owner, sources):
    return {
        "metric": metric,
        "period": str(period),
        "level": "periods",
        "expected": expected,
        "actual": actual,
        "difference": actual - expected,
        "missing": missing,
        "message": str(message),
        "owner": owner or "",
        "lines": [str(source) for source in sources],
        "line_keys": [],
    }
