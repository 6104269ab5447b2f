"""Targets and their decomposition: set a target, split it to sub-units, to sales staff and across
months, check that the current children add up, and keep seasonal distributions.

Rules written once here: a target is never edited in place (a new version supersedes the current one);
a split's children sum exactly to the parent (`core.money.allocate`: round down, then the remainder
one unit at a time to the largest fractions, ties by code); values are Decimal to the cent, counts whole.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from core.errors import Conflict, InvalidInput, Unprocessable
from core.money import allocate
from core.periods import QUARTER, YEAR, Period
from plans.choices import COUNT_METRICS, DecompositionLevel, DistributionKind, Metric, SplitMethod, decimal_places
from plans.models import SeasonalDistribution, SeasonalDistributionMonth, Target
from regions.choices import Role, UnitKind
from regions.models import OrgUnit, StaffProfile

HUNDRED = Decimal("100.00")


# --- input checks ---------------------------------------------------------------------------------
def _metric(metric):
    if metric not in Metric.values:
        raise InvalidInput(
            _("Unknown metric %(metric)s: use one of %(choices)s.") % {"metric": metric, "choices": ", ".join(Metric.values)},
            field="metric",
        )
    return Metric(metric)


def _period(period):
    try:
        return Period.parse(period)
    except ValueError:
        raise InvalidInput(
            _("%(value)s is not a period: write a year (2026), a quarter (2026-Q3) or a month (2026-07).") % {"value": period},
            field="period",
        )


def _value(value, *, metric, field="value", label=None):
    """A target value: a Decimal ≥ 0, to the cent for amounts and whole for counts."""
    label = label or _("The target")
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput(_("%(label)s must be a number, not %(value)s.") % {"label": label, "value": value}, field=field)
    if not number.is_finite():
        raise InvalidInput(_("%(label)s must be a number, not %(value)s.") % {"label": label, "value": value}, field=field)
    if number < 0:
        raise InvalidInput(_("%(label)s cannot be negative (%(value)s).") % {"label": label, "value": number}, field=field)
    places = decimal_places(metric)
    unit = Decimal(1).scaleb(-places)
    if number != number.quantize(unit):
        if metric in COUNT_METRICS:
            message = _("%(label)s counts %(metric)s, so it must be a whole number, not %(value)s.")
        else:
            message = _("%(label)s is an amount of money: at most two decimal places, not %(value)s.")
        raise InvalidInput(message % {"label": label, "value": number, "metric": Metric(metric).label}, field=field)
    if number >= Decimal("1e16"):
        raise InvalidInput(_("%(label)s is too large (%(value)s).") % {"label": label, "value": number}, field=field)
    return number.quantize(Decimal("0.01"))


def _owner(unit, staff):
    """Exactly one of unit / staff, active; returns (unit, staff, owner_unit)."""
    if (unit is None) == (staff is None):
        raise InvalidInput(_("A target belongs to exactly one org unit or one salesperson."), field="unit")
    if unit is not None:
        if not isinstance(unit, OrgUnit):
            unit = OrgUnit.objects.filter(pk=unit).first()
            if unit is None:
                raise InvalidInput(_("No such org unit."), field="unit")
        if not unit.is_active:
            raise InvalidInput(_("%(unit)s is closed and takes no new targets.") % {"unit": unit}, field="unit")
        return unit, None, unit
    if not isinstance(staff, StaffProfile):
        staff = StaffProfile.objects.filter(pk=staff).select_related("unit").first()
        if staff is None:
            raise InvalidInput(_("No such staff member."), field="staff")
    if not staff.is_active:
        raise InvalidInput(_("%(staff)s has left and takes no new targets.") % {"staff": staff}, field="staff")
    return None, staff, staff.unit


def _lock_owner(owner_unit):
    # Every write of a unit's (or its people's) targets locks the owning unit's row first, so two
    # managers setting the same target one after the other each supersede the version they saw.
    OrgUnit.objects.select_for_update().filter(pk=owner_unit.pk).first()


def _key(*, metric, period, unit, staff):
    return {"metric": metric, "period": str(period), "unit": unit, "staff": staff}


def _supersede(*, metric, period, unit, staff, owner_unit, value, parent=None, split_method="", distribution=None, by=None):
    """Write a new current version of the target at this key (the previous one stays, not current)."""
    _lock_owner(owner_unit)
    key = _key(metric=metric, period=period, unit=unit, staff=staff)
    rows = Target.objects.filter(**key)
    latest = rows.aggregate(v=Max("version"))["v"] or 0
    rows.filter(is_current=True).update(is_current=False)
    return Target.objects.create(
        **key,
        owner_unit=owner_unit,
        value=value,
        version=latest + 1,
        is_current=True,
        parent=parent,
        split_method=split_method,
        distribution=distribution,
        created_by=by,
    )


def _lock_current(target):
    locked = Target.objects.select_for_update(of=("self",)).order_by().filter(pk=target.pk).first()
    if locked is None or not locked.is_current:
        raise Conflict(
            _("This target has been superseded by a newer version; split the current one."), field="target", code="stale"
        )
    return locked


# --- setting a target -----------------------------------------------------------------------------
@transaction.atomic
def target_set(*, metric, period, unit=None, staff=None, value, by=None):
    """Set the target of a unit or a salesperson for a metric and period. The first time it is version 1;
    after that a new version supersedes the current one (never an edit in place). Setting the value it
    already has changes nothing and returns the current version."""
    metric = _metric(metric)
    period = _period(period)
    unit, staff, owner_unit = _owner(unit, staff)
    value = _value(value, metric=metric)
    _lock_owner(owner_unit)
    current = Target.objects.filter(**_key(metric=metric, period=period, unit=unit, staff=staff), is_current=True).first()
    if current is not None and current.value == value:
        return current
    return _supersede(metric=metric, period=period, unit=unit, staff=staff, owner_unit=owner_unit, value=value, by=by)


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


def _ids(mapping, *, field):
    """A dict keyed by child id (int or numeric text) → {int id: value}."""
    if not isinstance(mapping, dict) or not mapping:
        raise InvalidInput(_("Give a value for every child, keyed by its id."), field=field)
    result = {}
    for key, value in mapping.items():
        try:
            result[int(key)] = value
        except (TypeError, ValueError):
            raise InvalidInput(_("%(key)s is not the id of a child.") % {"key": key}, field=field)
    return result


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


def _weights_from_shares(shares, children, *, label_of):
    given = _ids(shares, field="shares")
    _check_keys(given, children, field="shares", label_of=label_of)
    weights = []
    for child in children:
        raw = given[child.pk]
        try:
            weight = Decimal(str(raw).strip())
        except (InvalidOperation, ValueError, TypeError):
            raise InvalidInput(
                _("The share of %(child)s must be a number, not %(value)s.") % {"child": label_of(child), "value": raw},
                field="shares",
            )
        if not weight.is_finite() or weight < 0:
            raise InvalidInput(
                _("The share of %(child)s cannot be negative (%(value)s).") % {"child": label_of(child), "value": raw},
                field="shares",
            )
        weights.append(weight)
    if not any(weights):
        raise InvalidInput(_("At least one share must be positive."), field="shares")
    return weights


def _manual_values(values, children, *, target, label_of):
    given = _ids(values, field="values")
    _check_keys(given, children, field="values", label_of=label_of)
    parts = [
        _value(
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
                "total": total,
                "target": target.value,
                "difference": abs(difference),
                "direction": _("too much") if difference > 0 else _("too little"),
                "given": "; ".join(f"{label_of(c)} {v}" for c, v in zip(children, parts, strict=True)),
            },
            field="values",
        )
    return parts


def _split(*, target, children, method, shares, values, by, actual_of, child_key, label_of):
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
            weights = _weights_from_shares(shares, children, label_of=label_of)
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
            _supersede(
                metric=target.metric,
                period=target.period,
                unit=unit,
                staff=staff,
                owner_unit=owner_unit,
                value=part,
                parent=target,
                split_method=method,
                by=by,
            )
        )
    return result


def _actual_or_refuse(metric, period, **owner):
    from plans.selectors import actual

    try:
        return actual(metric=metric, period=period, **owner)
    except Unprocessable as error:
        raise Unprocessable(error.message, field="method")


def _unit_label(unit):
    return f"{unit.name} ({unit.code}, id {unit.pk})"


def _staff_label(staff):
    return f"{staff.name} ({staff.employee_no}, id {staff.pk})"


@transaction.atomic
def split_to_units(*, target, method, shares=None, values=None, by=None):
    """Split a unit's target to every active child unit (region → provinces → districts), same metric and
    period: by shares (any non-negative weights, normalised), by the children's actuals in the same
    period last year (equal shares if they are all zero), or by hand (values that add up exactly).
    Each child gets a new current version; a re-split after approval therefore keeps the old ones."""
    target = _lock_current(target)
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
        by=by,
        actual_of=lambda child, period: _actual_or_refuse(target.metric, period, unit=child),
        child_key=lambda child: (child, None, child),
        label_of=_unit_label,
    )


@transaction.atomic
def split_to_staff(*, target, method, shares=None, values=None, by=None):
    """Split a district office's target to its active sales staff, with the same methods as split_to_units
    (last year's actuals are each person's own sales, collections or new customers)."""
    target = _lock_current(target)
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
        by=by,
        actual_of=lambda child, period: _actual_or_refuse(target.metric, period, staff=child),
        child_key=lambda child: (None, child, target.unit),
        label_of=_staff_label,
    )


@transaction.atomic
def split_to_months(*, target, distribution=None, by=None):
    """Split a year's or a quarter's target across its months (same unit or person), weighted by a
    seasonal distribution's values for those months, or equally without one."""
    target = _lock_current(target)
    if target.period.kind not in (YEAR, QUARTER):
        raise InvalidInput(_("Only a year's or a quarter's target is split across months."), field="target")
    months = target.period.months()
    if distribution is None:
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
    parts = allocate(target.value, weights, places=decimal_places(target.metric))
    result = SplitResult(parent=target, method=SplitMethod.SEASONAL)
    result.weights = {str(month): weight for month, weight in zip(months, weights, strict=True)}
    for month, part in zip(months, parts, strict=True):
        result.targets.append(
            _supersede(
                metric=target.metric,
                period=month,
                unit=target.unit,
                staff=target.staff,
                owner_unit=target.owner_unit,
                value=part,
                parent=target,
                split_method=SplitMethod.SEASONAL,
                distribution=distribution,
                by=by,
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


# --- seasonal distributions -----------------------------------------------------------------------
def _distribution_values(kind, values):
    """Twelve values (a list in month order, or {month: value}) → [Decimal × 12], checked for the kind."""
    if kind not in DistributionKind.values:
        raise InvalidInput(_("A distribution is in amounts or in percentages, not %(kind)s.") % {"kind": kind}, field="kind")
    if isinstance(values, dict):
        try:
            by_month = {int(month): value for month, value in values.items()}
        except (TypeError, ValueError):
            raise InvalidInput(_("Months are numbered 1 to 12."), field="values")
        if sorted(by_month) != list(range(1, 13)):
            raise InvalidInput(_("Give a value for each of the 12 months, numbered 1 to 12."), field="values")
        values = [by_month[month] for month in range(1, 13)]
    values = list(values)
    if len(values) != 12:
        raise InvalidInput(_("Give a value for each of the 12 months, not %(count)s.") % {"count": len(values)}, field="values")
    checked = [
        _value(value, metric=Metric.SALES_AMOUNT, field="values", label=_("The value of month %(month)s") % {"month": n})
        for n, value in enumerate(values, start=1)
    ]
    total = sum(checked, Decimal("0.00"))
    if kind == DistributionKind.PERCENTAGES and total != HUNDRED:
        raise InvalidInput(
            _("Percentages must add up to exactly 100.00, but these add up to %(total)s (%(difference)s %(direction)s).")
            % {
                "total": total,
                "difference": abs(total - HUNDRED),
                "direction": _("too much") if total > HUNDRED else _("too little"),
            },
            field="values",
        )
    if total == 0:
        raise InvalidInput(_("At least one month must have a value above zero."), field="values")
    return checked


@transaction.atomic
def distribution_save(*, name, kind, values, unit=None):
    """Save a seasonal distribution under a name (per unit, or company-wide without a unit): created the
    first time, its twelve values replaced after that. Targets already split keep their values."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Give the distribution a name."), field="name")
    if len(name) > 100:
        raise InvalidInput(_("The name is at most 100 characters long."), field="name")
    checked = _distribution_values(kind, values)
    if unit is not None and not isinstance(unit, OrgUnit):
        unit = OrgUnit.objects.filter(pk=unit).first()
        if unit is None:
            raise InvalidInput(_("No such org unit."), field="unit")
    distribution, created = SeasonalDistribution.objects.select_for_update().get_or_create(
        name=name, unit=unit, defaults={"kind": kind}
    )
    if not created:
        distribution.kind = kind
        distribution.save(update_fields=["kind", "updated_at"])
        distribution.months.all().delete()
    SeasonalDistributionMonth.objects.bulk_create(
        [SeasonalDistributionMonth(distribution=distribution, month=n, value=value) for n, value in enumerate(checked, start=1)]
    )
    return distribution
