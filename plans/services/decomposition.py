"""Decomposing a target: split it to sub-units, to sales staff and across months, and check that the
current children add up.

A split's children sum exactly to the parent (`core.money.allocate`: round down, then the remainder one
unit at a time to the largest fractions, ties by code); each child is a new current version."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import InvalidInput, Unprocessable
from core.formats import figure
from core.money import allocate, parse_weight
from core.periods import QUARTER, YEAR, Period
from core.rights import ensure
from core.splits import keyed_once, parse_id
from plans.choices import COUNT_METRICS, DecompositionLevel, SplitMethod, decimal_places
from plans.models import SeasonalDistribution, Target
from plans.selectors import actual
from plans.services.inputs import check_value
from plans.services.targets import lock_current, recorded_by, supersede
from regions.choices import Role, UnitKind
from regions.models import OrgUnit, StaffProfile


def _figure(value, target):
    """A figure of `target`'s metric written by the one rule (core.formats): counts whole, money to the cent."""
    return figure(value, "count" if target.metric in COUNT_METRICS else "money")


# --- splitting ------------------------------------------------------------------------------------
@dataclass
class SplitResult:
    """What a split wrote: the new child targets (in code order) and how the weights were found."""

    parent: Target
    method: str
    targets: list = field(default_factory=list)
    weights: dict = field(default_factory=dict)  # child id (unit, staff or month "2026-07") → weight used
    fell_back_to_equal: bool = False
    note: str = ""

    @property
    def total(self):
        return sum((t.value for t in self.targets), Decimal("0.00"))


def _ids(mapping, *, field, label_of=None):
    """A dict keyed by child id (int or numeric text) → {int id: value}; a child given twice ("85" and
    "085") is refused, naming it."""
    if not isinstance(mapping, dict) or not mapping:
        raise InvalidInput(_("Give a value for every child, keyed by its id."), field=field)

    def normalise(key):
        number = parse_id(key)
        if number is None:
            raise InvalidInput(_("%(key)s is not the id of a child.") % {"key": key}, field=field)
        return number

    return keyed_once(mapping, field=field, normalise=normalise, label_of=label_of)


def _labels(children, label_of):
    """key → the child's label (for refusals), the key itself for a key that is not a child."""
    by_pk = {child.pk: child for child in children}
    return lambda key: label_of(by_pk[key]) if key in by_pk else key


def _check_keys(given, children, *, field, label_of):
    known = {child.pk for child in children}
    unknown = sorted(set(given) - known)
    if unknown:
        raise InvalidInput(
            _("These are not children of the target: %(ids)s.") % {"ids": ", ".join(map(str, unknown))}, field=field
        )
    missing = [child for child in children if child.pk not in given]
    if missing:
        raise InvalidInput(
            _("Give a value for every child; missing: %(names)s.") % {"names": ", ".join(label_of(c) for c in missing)},
            field=field,
        )


def weights_from_shares(shares, children, *, label_of):
    given = _ids(shares, field="shares", label_of=_labels(children, label_of))
    _check_keys(given, children, field="shares", label_of=label_of)
    weights = []
    for child in children:
        raw = given[child.pk]
        weight = parse_weight(raw, field="shares", label=_("The share of %(child)s") % {"child": label_of(child)})
        if weight < 0:
            raise InvalidInput(
                _("The share of %(child)s cannot be negative (%(value)s).") % {"child": label_of(child), "value": raw},
                field="shares",
            )
        weights.append(weight)
    if not any(weights):
        raise InvalidInput(_("At least one share must be positive."), field="shares")
    return weights


def _manual_values(values, children, *, target, label_of):
    given = _ids(values, field="values", label_of=_labels(children, label_of))
    _check_keys(given, children, field="values", label_of=label_of)
    parts = [
        check_value(
            given[child.pk], metric=target.metric, field="values", label=_("The value of %(child)s") % {"child": label_of(child)}
        )
        for child in children
    ]
    total = sum(parts, Decimal("0.00"))
    if total != target.value:
        difference = total - target.value
        raise InvalidInput(
            _(
                "The values given add up to %(total)s, but the target is %(target)s: %(difference)s %(direction)s. "
                "Given: %(given)s."
            )
            % {
                "total": _figure(total, target),
                "target": _figure(target.value, target),
                "difference": _figure(abs(difference), target),
                "direction": _("too much") if difference > 0 else _("too little"),
                "given": "; ".join(f"{label_of(c)} {_figure(v, target)}" for c, v in zip(children, parts, strict=True)),
            },
            field="values",
        )
    return parts


def _split(*, target, children, method, shares, values, created_by, actual_of, child_key, label_of):
    """The shared body of split_to_units and split_to_staff: weights → parts → new child versions."""
    if method not in SplitMethod.values or method == SplitMethod.SEASONAL:
        raise InvalidInput(
            _("Split %(what)s by shares, by last year's actuals or by hand, not %(method)s.")
            % {"what": _("a target"), "method": method},
            field="method",
        )
    result = SplitResult(parent=target, method=method)
    if method == SplitMethod.MANUAL:
        parts = _manual_values(values, children, target=target, label_of=label_of)
        result.weights = {child.pk: part for child, part in zip(children, parts, strict=True)}
    else:
        if method == SplitMethod.SHARES:
            weights = weights_from_shares(shares, children, label_of=label_of)
        else:
            last_year = target.period.same_period_last_year()
            weights = [actual_of(child, last_year) for child in children]
            if not any(weights):
                weights = [Decimal(1)] * len(children)
                result.fell_back_to_equal = True
                result.note = _("No actuals in %(period)s for any child: split in equal shares.") % {"period": last_year}
        result.weights = {child.pk: weight for child, weight in zip(children, weights, strict=True)}
        parts = allocate(target.value, weights, places=decimal_places(target.metric))
    for child, part in zip(children, parts, strict=True):
        unit, staff, owner_unit = child_key(child)
        result.targets.append(
            supersede(
                metric=target.metric,
                period=target.period,
                unit=unit,
                staff=staff,
                owner_unit=owner_unit,
                value=part,
                parent=target,
                split_method=method,
                created_by=created_by,
            )
        )
    return result


def actual_or_refuse(metric, period, **owner):
    try:
        return actual(metric=metric, period=period, **owner)
    except Unprocessable as error:
        raise Unprocessable(error.message, field="method")


def unit_label(unit):
    return f"{unit.name} ({unit.code}, id {unit.pk})"


def staff_label(staff):
    return f"{staff.name} ({staff.employee_no}, id {staff.pk})"


@transaction.atomic
def split_to_units(*, target, method, shares=None, values=None, by, on_behalf_of=None):
    """Split a unit's target to every active child unit (region → provinces → districts), same metric and
    period: by shares (any non-negative weights, normalised), by the children's actuals in the same
    period last year (equal shares if they are all zero), or by hand (values that add up exactly).
    Each child gets a new current version; a re-split after approval therefore keeps the old ones.
    `by` needs `target.set` on the target's owning unit (plans/rights.py); `on_behalf_of`: see
    plans.services.targets.recorded_by."""
    target = lock_current(target)
    ensure(by, "target.set", target.owner_unit)
    if target.unit_id is None:
        raise InvalidInput(_("A salesperson's target cannot be split further."), field="target")
    children = list(OrgUnit.objects.filter(parent_id=target.unit_id, is_active=True).order_by("code"))
    if not children:
        raise Unprocessable(
            _("%(unit)s has no active sub-units to split to; split a district's target to its sales staff.")
            % {"unit": target.unit},
            field="target",
        )
    return _split(
        target=target,
        children=children,
        method=method,
        shares=shares,
        values=values,
        created_by=recorded_by(by, on_behalf_of),
        actual_of=lambda child, period: actual_or_refuse(target.metric, period, unit=child),
        child_key=lambda child: (child, None, child),
        label_of=unit_label,
    )


@transaction.atomic
def split_to_staff(*, target, method, shares=None, values=None, by, on_behalf_of=None):
    """Split a district office's target to its active sales staff, with the same methods as split_to_units
    (last year's actuals are each person's own sales, collections or new customers)."""
    target = lock_current(target)
    ensure(by, "target.set", target.owner_unit)
    if target.unit_id is None or target.unit.kind != UnitKind.DISTRICT:
        raise InvalidInput(_("Only a district office's target is split to sales staff."), field="target")
    children = list(
        StaffProfile.objects.filter(unit_id=target.unit_id, role=Role.SALES_REP, is_active=True).order_by("employee_no")
    )
    if not children:
        raise Unprocessable(_("%(unit)s has no active sales staff to split to.") % {"unit": target.unit}, field="target")
    return _split(
        target=target,
        children=children,
        method=method,
        shares=shares,
        values=values,
        created_by=recorded_by(by, on_behalf_of),
        actual_of=lambda child, period: actual_or_refuse(target.metric, period, staff=child),
        child_key=lambda child: (None, child, target.unit),
        label_of=staff_label,
    )


def _month_values(values, months, *, target):
    """{"2026-01": value} for every month of the target's period, adding up exactly → [Decimal]."""
    if not isinstance(values, dict) or not values:
        raise InvalidInput(_("Give a value for every month, keyed by the month (2026-07)."), field="values")

    def normalise(key):
        try:
            return str(Period.parse(str(key)))
        except ValueError:
            raise InvalidInput(_("%(key)s is not a month of %(period)s.") % {"key": key, "period": target.period}, field="values")

    given = keyed_once(values, field="values", normalise=normalise)
    names = [str(month) for month in months]
    unknown = sorted(set(given) - set(names))
    if unknown:
        raise InvalidInput(
            _("These are not months of %(period)s: %(months)s.") % {"period": target.period, "months": ", ".join(unknown)},
            field="values",
        )
    parts = [
        check_value(given.get(name, 0), metric=target.metric, field="values", label=_("The value of %(child)s") % {"child": name})
        for name in names
    ]
    total = sum(parts, Decimal("0.00"))
    if total != target.value:
        difference = total - target.value
        raise InvalidInput(
            _("The months add up to %(total)s, but the target is %(target)s: %(difference)s %(direction)s.")
            % {
                "total": _figure(total, target),
                "target": _figure(target.value, target),
                "difference": _figure(abs(difference), target),
                "direction": _("too much") if difference > 0 else _("too little"),
            },
            field="values",
        )
    return parts


@transaction.atomic
def split_to_months(*, target, distribution=None, values=None, by, on_behalf_of=None):
    """Split a year's or a quarter's target across its months (same unit or person), weighted by a
    seasonal distribution's values for those months, or equally without one — or, with `values`
    ({"2026-07": value}, missing months 0), exactly as given when they add up to the target (an
    approved plan's month split; `distribution` is then only recorded)."""
    target = lock_current(target)
    ensure(by, "target.set", target.owner_unit)
    if target.period.kind not in (YEAR, QUARTER):
        raise InvalidInput(_("Only a year's or a quarter's target is split across months."), field="target")
    months = target.period.months()
    if values is not None:
        if distribution is not None and not isinstance(distribution, SeasonalDistribution):
            distribution = SeasonalDistribution.objects.filter(pk=distribution).first()
        weights = parts = _month_values(values, months, target=target)
    elif distribution is None:
        weights = [Decimal(1)] * len(months)
    else:
        if not isinstance(distribution, SeasonalDistribution):
            distribution = SeasonalDistribution.objects.filter(pk=distribution).first()
            if distribution is None:
                raise InvalidInput(_("No such seasonal distribution."), field="distribution")
        if distribution.unit_id is not None and not distribution.unit.contains(target.owner_unit):
            raise InvalidInput(
                _("The distribution %(name)s belongs to %(unit)s and cannot be used outside it.")
                % {"name": distribution.name, "unit": distribution.unit},
                field="distribution",
            )
        by_month = distribution.weights()
        weights = [by_month.get(month.index, Decimal(0)) for month in months]
        if not any(weights):
            raise Unprocessable(
                _("The distribution %(name)s gives no weight to any month of %(period)s.")
                % {"name": distribution.name, "period": target.period},
                field="distribution",
            )
    if values is None:
        parts = allocate(target.value, weights, places=decimal_places(target.metric))
    result = SplitResult(parent=target, method=SplitMethod.SEASONAL)
    result.weights = {str(month): weight for month, weight in zip(months, weights, strict=True)}
    for month, part in zip(months, parts, strict=True):
        result.targets.append(
            supersede(
                metric=target.metric,
                period=month,
                unit=target.unit,
                staff=target.staff,
                owner_unit=target.owner_unit,
                value=part,
                parent=target,
                split_method=SplitMethod.SEASONAL,
                distribution=distribution,
                created_by=recorded_by(by, on_behalf_of),
            )
        )
    return result


# --- checking -------------------------------------------------------------------------------------
def _mismatch(level, expected, rows, *, missing=()):
    actual = sum((row.value for row in rows), Decimal("0.00"))
    if actual == expected:
        return None
    return {"level": level, "expected": expected, "actual": actual, "difference": actual - expected, "missing": list(missing)}


def check_decomposition(*, target):
    """Where the current children of a target do not add up to it: a list of
    {level, expected, actual, difference (actual − expected), missing} — empty when everything adds up.

    Children are the current targets at the child keys, whichever split wrote them: the active sub-units
    (for a district, the targets of its people), and the quarters and months of the period for the same
    owner. A level without any child target is not decomposed yet and is not reported; `missing` names
    the children of a reported level that have no target (a unit opened after the split, a month)."""
    problems = []
    current = Target.objects.filter(metric=target.metric, is_current=True)
    if target.unit_id is not None:
        children = list(OrgUnit.objects.filter(parent_id=target.unit_id, is_active=True).order_by("code"))
        rows = list(current.filter(period=str(target.period), unit__in=children))
        if rows:
            have = {row.unit_id for row in rows}
            missing = [child.code for child in children if child.pk not in have]
            problems.append(_mismatch(DecompositionLevel.UNITS, target.value, rows, missing=missing))
        if target.unit.kind == UnitKind.DISTRICT:
            rows = list(current.filter(period=str(target.period), staff__isnull=False, owner_unit_id=target.unit_id))
            if rows:
                problems.append(_mismatch(DecompositionLevel.STAFF, target.value, rows))
    levels = []
    if target.period.kind == YEAR:
        levels.append((DecompositionLevel.QUARTERS, target.period.children()))
    if target.period.kind in (YEAR, QUARTER):
        levels.append((DecompositionLevel.MONTHS, target.period.months()))
    for level, periods in levels:
        rows = list(current.filter(period__in=[str(p) for p in periods], unit_id=target.unit_id, staff_id=target.staff_id))
        if rows:
            have = {str(row.period) for row in rows}
            missing = [str(p) for p in periods if str(p) not in have]
            problems.append(_mismatch(level, target.value, rows, missing=missing))
    return [problem for problem in problems if problem is not None]
