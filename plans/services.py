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
from django.utils import timezone
from django.utils.translation import gettext as _

from core import versions
from core.errors import Conflict, DomainError, InvalidInput, Unprocessable
from core.money import MONEY_MAX, allocate, parse_money, parse_weight
from core.periods import QUARTER, YEAR, Period
from core.periods import parse_input as parse_period
from core.splits import keyed_once, parse_id
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


def _value(value, *, metric, field="value", label=None):
    """A target value: a Decimal ≥ 0, to the cent for amounts and whole for counts, below 10^16."""
    label = label or _("The target")
    number = parse_money(value, field=field, label=label)
    if metric in COUNT_METRICS and number != number.to_integral_value():
        raise InvalidInput(
            _("%(label)s counts %(metric)s, so it must be a whole number, not %(value)s.")
            % {"label": label, "value": number.normalize(), "metric": Metric(metric).label},  # not integral: no exponent
            field=field,
        )
    return number


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
    return versions.supersede(
        Target,
        key=_key(metric=metric, period=period, unit=unit, staff=staff),
        owner_unit=owner_unit,
        value=value,
        parent=parent,
        split_method=split_method,
        distribution=distribution,
        created_by=by,
    )


def _lock_current(target):
    return versions.lock_current(
        Target,
        target.pk,
        stale_message=_("This target has been superseded by a newer version; split the current one."),
        field="target",
    )


# --- setting a target -----------------------------------------------------------------------------
@transaction.atomic
def target_set(*, metric, period, unit=None, staff=None, value, by=None):
    """Set the target of a unit or a salesperson for a metric and period. The first time it is version 1;
    after that a new version supersedes the current one (never an edit in place). Setting the value it
    already has changes nothing and returns the current version."""
    metric = _metric(metric)
    period = parse_period(period)
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


def _weights_from_shares(shares, children, *, label_of):
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
        _value(given.get(name, 0), metric=target.metric, field="values", label=_("The value of %(child)s") % {"child": name})
        for name in names
    ]
    total = sum(parts, Decimal("0.00"))
    if total != target.value:
        difference = total - target.value
        raise InvalidInput(
            _("The months add up to %(total)s, but the target is %(target)s: %(difference)s %(direction)s.")
            % {
                "total": total,
                "target": target.value,
                "difference": abs(difference),
                "direction": _("too much") if difference > 0 else _("too little"),
            },
            field="values",
        )
    return parts


@transaction.atomic
def split_to_months(*, target, distribution=None, values=None, by=None):
    """Split a year's or a quarter's target across its months (same unit or person), weighted by a
    seasonal distribution's values for those months, or equally without one — or, with `values`
    ({"2026-07": value}, missing months 0), exactly as given when they add up to the target (an
    approved plan's month split; `distribution` is then only recorded)."""
    target = _lock_current(target)
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

        def month_number(key):
            number = parse_id(key)
            if number is None:
                raise InvalidInput(_("Months are numbered 1 to 12."), field="values")
            return number

        by_month = keyed_once(values, field="values", normalise=month_number)  # "1" and "01" are one month
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


# =================================================================================================
# Plans (计划): drafts with target, split, action and budget lines; submission through approvals.
#
# Who may do what (one rule, read by pages and API through plans.selectors.can_*):
# - write a plan: anyone with `plan.change` whose scope covers the unit; a salesperson only their own
#   work plan for their own district;
# - edit, submit and revise a draft: its author, or the manager of the plan's unit (who answers for it);
#   upper levels read it and decide on it through the approval chain, they do not edit it;
# - withdraw: the submitter, through approvals.services.request_withdraw.
# =================================================================================================


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


def _not_allowed(message, field=None):
    from approvals.services import NotAllowed

    return NotAllowed(message, field=field)


def _plan_kind(kind):
    from plans.choices import PlanKind

    if kind not in PlanKind.values:
        raise InvalidInput(
            _("Unknown kind of plan %(kind)s: use one of %(choices)s.") % {"kind": kind, "choices": ", ".join(PlanKind.values)},
            field="kind",
        )
    return PlanKind(kind)


def _text(value, *, field, label, max_length, required=True):
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(_("%(label)s must be text.") % {"label": label}, field=field)
    if "\x00" in value:
        raise InvalidInput(_("Null characters are not allowed."), field=field)
    value = value.strip()
    if required and not value:
        raise InvalidInput(_("%(label)s is required.") % {"label": label}, field=field)
    if max_length is not None and len(value) > max_length:
        raise InvalidInput(_("%(label)s is at most %(max)s characters long.") % {"label": label, "max": max_length}, field=field)
    return value


def _lock_plan(plan):
    from plans.models import Plan

    return Plan.objects.select_for_update().select_related("unit", "author").get(pk=plan.pk)


def _require_writer(plan, by, message):
    from plans import selectors

    if not selectors.is_plan_writer(plan, by):
        raise _not_allowed(message)


def _require_editable(plan):
    if not plan.is_editable:
        raise Conflict(
            _("The plan is %(state)s; a draft is changed only before submission or after a return or withdrawal.")
            % {"state": plan.get_state_display()},
            field="state",
        )


@transaction.atomic
def plan_create(*, kind, unit, period, title, by, body=""):
    """Start a plan (draft) of a unit for a period; the author is the person writing it."""
    from core.roles import can, role_of
    from core.scoping import scope_of
    from plans.choices import REP_PLAN_KINDS
    from plans.models import Plan

    kind = _plan_kind(kind)
    staff = getattr(by, "staff_profile", None) if by is not None else None
    if role_of(by) is None or not can(by, "plan.change"):
        raise _not_allowed(_("You have no right to write plans."))
    if staff is None:
        raise _not_allowed(_("Only a staff member can write a plan."))
    if not isinstance(unit, OrgUnit):
        unit = OrgUnit.objects.filter(pk=unit).first() if isinstance(unit, int) else None
        if unit is None:
            raise InvalidInput(_("No such org unit."), field="unit")
    if not unit.is_active:
        raise InvalidInput(_("%(unit)s is closed and takes no new plans.") % {"unit": unit}, field="unit")
    if not scope_of(by).covers_path(unit.path):
        raise _not_allowed(_("You can write plans only for your own unit or a unit below it."), field="unit")
    if staff.role == Role.SALES_REP and kind not in REP_PLAN_KINDS:
        raise _not_allowed(_("A salesperson writes only their own work plan."), field="kind")
    period = parse_period(period)
    title = _text(title, field="title", label=_("The title"), max_length=200)
    body = _text(body, field="body", label=_("The text"), max_length=None, required=False)
    return Plan.objects.create(kind=kind, unit=unit, period=period, title=title, body=body, author=staff)


@transaction.atomic
def plan_update(*, plan, by, title=None, body=None, period=None):
    """Change the title, text or period of a draft (only before submission or after a return)."""
    plan = _lock_plan(plan)
    _require_writer(plan, by, _("Only the author or the manager of the unit can change this plan."))
    _require_editable(plan)
    fields = ["updated_at"]
    if title is not None:
        plan.title = _text(title, field="title", label=_("The title"), max_length=200)
        fields.append("title")
    if body is not None:
        plan.body = _text(body, field="body", label=_("The text"), max_length=None, required=False)
        fields.append("body")
    if period is not None:
        period = parse_period(period)
        outside = [line for line in plan.target_lines.all() if not period.contains(line.period)]
        if outside:
            raise InvalidInput(
                _("Target lines lie outside %(period)s (%(lines)s); change or remove them first.")
                % {"period": period, "lines": ", ".join(f"{line.get_metric_display()} {line.period}" for line in outside)},
                field="period",
            )
        plan.period = period
        fields.append("period")
    plan.save(update_fields=fields)
    return plan


# --- lines ----------------------------------------------------------------------------------------
def _child_candidates(unit):
    """What a unit's targets split to: ("staff", active reps) for a district, else ("unit", active children)."""
    if unit.kind == UnitKind.DISTRICT:
        return "staff", list(
            StaffProfile.objects.filter(unit_id=unit.pk, role=Role.SALES_REP, is_active=True).order_by("employee_no")
        )
    return "unit", list(OrgUnit.objects.filter(parent_id=unit.pk, is_active=True).order_by("code"))


def _child_label(child):
    return _staff_label(child) if isinstance(child, StaffProfile) else _unit_label(child)


def _in_line(line_label, group, check, *args, **kwargs):
    """Run a check; a DomainError it raises is re-raised naming the line, on the group's field."""
    try:
        return check(*args, **kwargs)
    except DomainError as error:
        raise type(error)(f"{line_label}: {error.message}", field=group)


def _as_list(rows, field):
    if rows is None:
        return None
    if not isinstance(rows, list | tuple):
        raise InvalidInput(_("Give a list of lines."), field=field)
    if len(rows) > 500:
        raise InvalidInput(_("At most 500 lines."), field=field)
    return list(rows)


def _as_mapping(value, *, label, field, what):
    if value in (None, "", []):
        return {}
    if not isinstance(value, dict):
        raise InvalidInput(_("%(label)s: give %(what)s as an object {key: value}.") % {"label": label, "what": what}, field=field)
    return value


def _distribution_for(value, unit, *, label):
    if value in (None, ""):
        return None
    if isinstance(value, SeasonalDistribution):
        distribution = value
    else:
        try:
            pk = int(value)
        except (TypeError, ValueError):
            raise InvalidInput(_("%(label)s: no such seasonal distribution.") % {"label": label}, field="targets")
        distribution = SeasonalDistribution.objects.filter(pk=pk).select_related("unit").first() if 0 < pk < 2**63 else None
        if distribution is None:
            raise InvalidInput(_("%(label)s: no such seasonal distribution.") % {"label": label}, field="targets")
    if distribution.unit_id is not None and not distribution.unit.contains(unit):
        raise InvalidInput(
            _("%(label)s: the distribution %(name)s belongs to %(unit)s and cannot be used outside it.")
            % {"label": label, "name": distribution.name, "unit": distribution.unit},
            field="targets",
        )
    return distribution


def _id_or_text(raw):
    """A child's key in a plan line: its id ("085" is 85), or the text as given (refused as unknown later)."""
    return parse_id(raw) or str(raw)


def _id_label(by_id):
    return lambda key: _child_label(by_id[key]) if key in by_id else key


def _month_or_text(raw):
    """A month's key in a plan line: its canonical text (" 2026-03 " is 2026-03), or the text as given."""
    try:
        return str(Period.parse(str(raw)))
    except ValueError:
        return str(raw)


def _clean_target_lines(plan, rows):
    from plans.choices import PLAN_SPLIT_METHODS

    child_kind, candidates = _child_candidates(plan.unit)
    by_id = {child.pk: child for child in candidates}
    cleaned, seen = [], set()
    for n, row in enumerate(rows, start=1):
        label = _("Target line %(n)s") % {"n": n}
        if not isinstance(row, dict):
            raise InvalidInput(_("%(label)s: give the line as an object.") % {"label": label}, field="targets")
        metric = _in_line(label, "targets", _metric, row.get("metric"))
        raw_period = row.get("period") or str(plan.period)
        period = _in_line(label, "targets", parse_period, raw_period if isinstance(raw_period, str) else repr(raw_period))
        if not plan.period.contains(period):
            raise InvalidInput(
                _("%(label)s: %(period)s lies outside the plan's period %(plan_period)s.")
                % {"label": label, "period": period, "plan_period": plan.period},
                field="targets",
            )
        value = _in_line(label, "targets", _value, row.get("value"), metric=metric, field="targets", label=_("The target"))
        key = (metric.value, str(period))
        if key in seen:
            raise InvalidInput(
                _("%(label)s: %(metric)s %(period)s is already set by an earlier line.")
                % {"label": label, "metric": metric.label, "period": period},
                field="targets",
            )
        seen.add(key)
        method = row.get("split_method") or ""
        if method not in ("", *PLAN_SPLIT_METHODS):
            raise InvalidInput(
                _("%(label)s: split by shares, by last year's actuals or by hand, not %(method)s.")
                % {"label": label, "method": method},
                field="targets",
            )
        distribution = _distribution_for(row.get("distribution"), plan.unit, label=label)
        children = []
        given = _as_mapping(row.get("children"), label=label, field="targets", what=_("the children's values"))
        given = _in_line(label, "targets", keyed_once, given, field="targets", normalise=_id_or_text, label_of=_id_label(by_id))
        for raw_id, raw_value in given.items():
            child = by_id.get(raw_id)
            if child is None:
                if child_kind == "staff":
                    message = _("%(label)s: %(id)s is not an active salesperson of %(unit)s.")
                else:
                    message = _("%(label)s: %(id)s is not an active sub-unit of %(unit)s.")
                raise InvalidInput(message % {"label": label, "id": raw_id, "unit": plan.unit.name}, field="targets")
            part = _in_line(
                label,
                "targets",
                _value,
                raw_value,
                metric=metric,
                field="targets",
                label=_("The value of %(child)s") % {"child": _child_label(child)},
            )
            children.append((child, part))
        children.sort(key=lambda pair: candidates.index(pair[0]))
        months = []
        given = _as_mapping(row.get("months"), label=label, field="targets", what=_("the months' values"))
        if given and period.kind not in (YEAR, QUARTER):
            raise InvalidInput(
                _("%(label)s: only a year's or a quarter's target is split across months.") % {"label": label}, field="targets"
            )
        names = [str(month) for month in period.months()]
        given = _in_line(label, "targets", keyed_once, given, field="targets", normalise=_month_or_text)
        for raw_month, raw_value in given.items():
            if str(raw_month) not in names:
                raise InvalidInput(
                    _("%(label)s: %(month)s is not a month of %(period)s.")
                    % {"label": label, "month": raw_month, "period": period},
                    field="targets",
                )
            part = _in_line(
                label,
                "targets",
                _value,
                raw_value,
                metric=metric,
                field="targets",
                label=_("The value of %(child)s") % {"child": raw_month},
            )
            months.append((str(raw_month), part))
        months.sort()
        for parts, what in ((children, _("the children")), (months, _("the months"))):
            _require_within_range(sum((part for _key, part in parts), Decimal("0.00")), field="targets", label=f"{label}: {what}")
        cleaned.append(
            {
                "metric": metric,
                "period": period,
                "value": value,
                "split_method": method,
                "distribution": distribution,
                "child_kind": child_kind,
                "children": children,
                "months": months,
            }
        )
    return cleaned


def _date(value, *, label):
    from datetime import date

    from core.dates import supported_date_error

    day = None
    if isinstance(value, date):
        day = value
    elif isinstance(value, str):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            pass
    if day is None:
        raise InvalidInput(_("%(label)s: give the due date as YYYY-MM-DD.") % {"label": label}, field="actions")
    message = supported_date_error(day)
    if message is not None:
        raise InvalidInput(f"{label}: {message}", field="actions", code="date_out_of_range")
    return day


def _clean_action_lines(plan, rows):
    cleaned = []
    for n, row in enumerate(rows, start=1):
        label = _("Action %(n)s") % {"n": n}
        if not isinstance(row, dict):
            raise InvalidInput(_("%(label)s: give the line as an object.") % {"label": label}, field="actions")
        what = _in_line(label, "actions", _text, row.get("what"), field="actions", label=_("The action"), max_length=200)
        owner = row.get("owner")
        if not isinstance(owner, StaffProfile):
            try:
                pk = int(owner)
            except (TypeError, ValueError):
                pk = 0
            owner = StaffProfile.objects.select_related("unit").filter(pk=pk).first() if 0 < pk < 2**63 else None
        if owner is None:
            raise InvalidInput(_("%(label)s: choose who does it.") % {"label": label}, field="actions")
        if not owner.is_active or not owner.unit.path.startswith(plan.unit.path):
            raise InvalidInput(
                _("%(label)s: %(name)s is not in service in %(unit)s.")
                % {"label": label, "name": owner.name, "unit": plan.unit.name},
                field="actions",
            )
        if plan.author.role == Role.SALES_REP and owner.pk != plan.author_id:
            raise InvalidInput(
                _("%(label)s: a salesperson's work plan gives actions only to its author.") % {"label": label},
                field="actions",
            )
        due_on = _date(row.get("due_on"), label=label)
        notes = _in_line(
            label, "actions", _text, row.get("notes"), field="actions", label=_("The notes"), max_length=2000, required=False
        )
        cleaned.append({"what": what, "owner": owner, "due_on": due_on, "notes": notes})
    return cleaned


def _require_within_range(total, *, field, label):
    """A sum of lines that becomes one amount (the request's, a total) must fit an amount field."""
    if total > MONEY_MAX:
        raise InvalidInput(
            _("%(label)s add up to %(total)s, more than the largest amount the system holds (%(max)s).")
            % {"label": label, "total": f"{total:,.2f}", "max": f"{MONEY_MAX:,.2f}"},
            field=field,
        )


def _clean_budget_lines(plan, rows):
    cleaned = []
    for n, row in enumerate(rows, start=1):
        label = _("Budget line %(n)s") % {"n": n}
        if not isinstance(row, dict):
            raise InvalidInput(_("%(label)s: give the line as an object.") % {"label": label}, field="budget")
        category = _in_line(label, "budget", _text, row.get("category"), field="budget", label=_("The category"), max_length=100)
        amount = _in_line(
            label, "budget", _value, row.get("amount"), metric=Metric.SALES_AMOUNT, field="budget", label=_("The amount")
        )
        note = _in_line(
            label, "budget", _text, row.get("note"), field="budget", label=_("The note"), max_length=300, required=False
        )
        cleaned.append({"category": category, "amount": amount, "note": note})
    _require_within_range(sum((row["amount"] for row in cleaned), Decimal("0.00")), field="budget", label=_("The budget lines"))
    return cleaned


def _weight(value):
    try:
        weight = Decimal(value).quantize(Decimal("0.0001"))
    except (InvalidOperation, TypeError, ValueError):
        return None
    return weight if abs(weight) < Decimal("1e16") else None


def _write_target_lines(plan, cleaned):
    from plans.models import PlanSplitLine, PlanTargetLine

    plan.target_lines.all().delete()
    splits = []
    for order, row in enumerate(cleaned):
        line = PlanTargetLine.objects.create(
            plan=plan,
            metric=row["metric"],
            period=row["period"],
            value=row["value"],
            split_method=row["split_method"],
            distribution=row["distribution"],
            order=order,
        )
        for child, value in row["children"]:
            key = {"staff": child} if isinstance(child, StaffProfile) else {"unit": child}
            splits.append(PlanSplitLine(line=line, value=value, weight=_weight(row.get("weights", {}).get(child.pk)), **key))
        for month, value in row["months"]:
            splits.append(PlanSplitLine(line=line, month=month, value=value, weight=_weight(row.get("weights", {}).get(month))))
    PlanSplitLine.objects.bulk_create(splits)


def _write_action_lines(plan, cleaned):
    from plans.models import PlanActionLine

    plan.action_lines.all().delete()
    PlanActionLine.objects.bulk_create([PlanActionLine(plan=plan, order=n, **row) for n, row in enumerate(cleaned)])


def _write_budget_lines(plan, cleaned):
    from plans.models import PlanBudgetLine

    plan.budget_lines.all().delete()
    PlanBudgetLine.objects.bulk_create([PlanBudgetLine(plan=plan, order=n, **row) for n, row in enumerate(cleaned)])


@transaction.atomic
def plan_lines_save(*, plan, by, targets=None, actions=None, budget=None):
    """Replace the draft's target (with split), action and budget lines — each group given is replaced
    as a whole, None keeps a group. Every line is checked before anything is written; sums are checked
    by plan_check (a draft may be half-done), not here."""
    plan = _lock_plan(plan)
    _require_writer(plan, by, _("Only the author or the manager of the unit can change this plan."))
    _require_editable(plan)
    targets, actions, budget = _as_list(targets, "targets"), _as_list(actions, "actions"), _as_list(budget, "budget")
    cleaned_targets = _clean_target_lines(plan, targets) if targets is not None else None
    cleaned_actions = _clean_action_lines(plan, actions) if actions is not None else None
    cleaned_budget = _clean_budget_lines(plan, budget) if budget is not None else None
    if cleaned_targets is not None:
        _write_target_lines(plan, cleaned_targets)
    if cleaned_actions is not None:
        _write_action_lines(plan, cleaned_actions)
    if cleaned_budget is not None:
        _write_budget_lines(plan, cleaned_budget)
    plan.save(update_fields=["updated_at"])
    return plan


@transaction.atomic
def plan_split_suggest(*, plan, by, metric, period=None, method=None, shares=None, distribution=None, months=True):
    """Fill one target line's split: the children by shares ({child id: weight}) or by their actuals of
    the same period last year (equal if all are zero), and — `months` — the months by a seasonal
    distribution or equally. Values follow the one rounding rule (`core.money.allocate`), so they add
    up exactly. `method` None leaves the children as they are. Returns the line."""
    from plans.models import PlanSplitLine

    plan = _lock_plan(plan)
    _require_writer(plan, by, _("Only the author or the manager of the unit can change this plan."))
    _require_editable(plan)
    metric = _metric(metric)
    period = parse_period(period) if period else plan.period
    line = plan.target_lines.filter(metric=metric, period=str(period)).first()
    if line is None:
        raise InvalidInput(
            _("The plan has no target line for %(metric)s %(period)s; add it first.")
            % {"metric": metric.label, "period": period},
            field="metric",
        )
    places = decimal_places(metric)
    if method not in (None, "", SplitMethod.SHARES, SplitMethod.LAST_YEAR):
        raise InvalidInput(
            _("Suggest a split by shares or by last year's actuals, not %(method)s.") % {"method": method}, field="method"
        )
    if method:
        child_kind, children = _child_candidates(plan.unit)
        if not children:
            raise Unprocessable(
                _("%(unit)s has no active sub-units or sales staff to split to.") % {"unit": plan.unit}, field="method"
            )
        if method == SplitMethod.SHARES:
            weights = _weights_from_shares(shares, children, label_of=_child_label)
        else:
            last_year = line.period.same_period_last_year()
            owner = "staff" if child_kind == "staff" else "unit"
            weights = [_actual_or_refuse(metric, last_year, **{owner: child}) for child in children]
            if not any(weights):
                weights = [Decimal(1)] * len(children)
        parts = allocate(line.value, weights, places=places)
        line.splits.filter(month__isnull=True).delete()
        PlanSplitLine.objects.bulk_create(
            [
                PlanSplitLine(line=line, value=part, weight=_weight(weight), **{child_kind: child})
                for child, part, weight in zip(children, parts, weights, strict=True)
            ]
        )
        line.split_method = method
    if months and line.period.kind in (YEAR, QUARTER):
        month_periods = line.period.months()
        chosen = _distribution_for(distribution, plan.unit, label=_("Seasonal distribution")) if distribution else None
        if chosen is None:
            weights = [Decimal(1)] * len(month_periods)
        else:
            by_month = chosen.weights()
            weights = [by_month.get(month.index, Decimal(0)) for month in month_periods]
            if not any(weights):
                raise Unprocessable(
                    _("The distribution %(name)s gives no weight to any month of %(period)s.")
                    % {"name": chosen.name, "period": line.period},
                    field="distribution",
                )
        parts = allocate(line.value, weights, places=places)
        line.splits.filter(month__isnull=False).delete()
        PlanSplitLine.objects.bulk_create(
            [
                PlanSplitLine(line=line, month=month, value=part, weight=_weight(weight))
                for month, part, weight in zip(month_periods, parts, weights, strict=True)
            ]
        )
        line.distribution = chosen
    line.save()
    plan.save(update_fields=["updated_at"])
    return line


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
    from plans import selectors

    problems = []
    _kind, candidates = _child_candidates(plan.unit)
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
    child_kind, candidates = _child_candidates(plan.unit)
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


def plan_snapshot(*, plan):
    """The content of the draft as it would be frozen (title, text, lines, totals)."""
    from plans import selectors

    return {
        "plan": plan.pk,
        "title": plan.title,
        "body": plan.body,
        **selectors.plan_lines(plan),
        "totals": selectors.plan_totals(plan),
    }


@transaction.atomic
def plan_submit(*, plan, by):
    """Submit the draft for approval (报审): the lines must add up; freezes the next PlanVersion and opens
    the approval request (chain and SLA from approvals). The plan's state follows the request."""
    from approvals.services import request_submit
    from plans import selectors
    from plans.choices import REP_PLAN_KINDS, PlanState
    from plans.models import PlanVersion

    plan = _lock_plan(plan)
    _require_writer(plan, by, _("Only the author or the manager of the unit can submit this plan."))
    staff = getattr(by, "staff_profile", None)
    if staff is not None and staff.role == Role.SALES_REP and plan.kind not in REP_PLAN_KINDS:
        raise _not_allowed(_("A salesperson submits only their own work plan."), field="kind")
    _require_editable(plan)
    lines = selectors.plan_lines(plan)
    if not plan.body.strip() and not (lines["targets"] or lines["actions"] or lines["budget"]):
        raise InvalidInput(_("The plan is empty: write its text or add target, action or budget lines."), field="body")
    problems = plan_check(plan=plan)
    if problems:
        raise PlanDoesNotAddUp(problems)
    totals = selectors.plan_totals(plan)
    _require_within_range(Decimal(totals["budget"]), field="budget", label=_("The budget lines"))
    number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = PlanVersion.objects.create(
        plan=plan, number=number, title=plan.title, body=plan.body, lines=lines, totals=totals, created_by=by
    )
    budget_total = Decimal(totals["budget"])
    request = request_submit(
        subject=plan,
        kind=plan.approval_kind,
        unit=plan.unit,
        title=plan.title,
        by=by,
        snapshot=version.snapshot(),
        amount=budget_total if budget_total else None,
    )
    version.request = request
    version.save(update_fields=["request"])
    plan.state = PlanState.SUBMITTED
    plan.submitted_at = request.submitted_at
    plan.save(update_fields=["state", "submitted_at", "updated_at"])
    return request


@transaction.atomic
def plan_withdraw(*, plan, by):
    """The submitter takes the plan back (撤回) before any reviewer decided; it is editable again."""
    from approvals.services import request_withdraw
    from plans import selectors
    from plans.choices import PlanState

    plan = _lock_plan(plan)
    request = selectors.plan_request(plan)
    if request is None or plan.state != PlanState.SUBMITTED:
        raise Conflict(
            _("Only a submitted plan can be withdrawn; this one is %(state)s.") % {"state": plan.get_state_display()},
            field="state",
        )
    return request_withdraw(request=request, by=by)


def _lines_input(lines):
    """A version's lines JSON → the input of plan_lines_save."""
    targets = [
        {
            "metric": row["metric"],
            "period": row["period"],
            "value": row["value"],
            "split_method": row.get("split_method") or "",
            "distribution": row.get("distribution"),
            "children": {str(child["id"]): child["value"] for child in row.get("children", [])},
            "months": {month["month"]: month["value"] for month in row.get("months", [])},
        }
        for row in lines.get("targets", [])
    ]
    actions = [
        {"what": row["what"], "owner": row["owner"], "due_on": row["due_on"], "notes": row.get("notes", "")}
        for row in lines.get("actions", [])
    ]
    budget = [
        {"category": row["category"], "amount": row["amount"], "note": row.get("note", "")} for row in lines.get("budget", [])
    ]
    return targets, actions, budget


@transaction.atomic
def plan_revise(*, plan, by):
    """Change a decided plan. Approved: the same plan becomes a draft again (from its last version) and
    its next approval sets new Target versions. Rejected: a rejected matter is never submitted again, so
    a new draft plan (revises=the rejected one) is made from the last version. Returns the draft."""
    from plans.choices import PlanState
    from plans.models import Plan

    plan = _lock_plan(plan)
    _require_writer(plan, by, _("Only the author or the manager of the unit can revise this plan."))
    if plan.state not in (PlanState.APPROVED, PlanState.REJECTED):
        raise Conflict(
            _("Only an approved or rejected plan is revised; this one is %(state)s.") % {"state": plan.get_state_display()},
            field="state",
        )
    last = plan.versions.order_by("-number").first()
    if plan.state == PlanState.APPROVED:
        draft = plan
        draft.state = PlanState.DRAFT
        if last is not None:
            draft.title, draft.body = last.title, last.body
        draft.save(update_fields=["state", "title", "body", "updated_at"])
    else:
        staff = getattr(by, "staff_profile", None) or plan.author
        draft = Plan.objects.create(
            kind=plan.kind,
            unit=plan.unit,
            period=plan.period,
            title=last.title if last else plan.title,
            body=last.body if last else plan.body,
            author=staff,
            revises=plan,
        )
    if last is not None:
        targets, actions, budget = _lines_input(last.lines)
        draft = Plan.objects.select_related("unit", "author").get(pk=draft.pk)
        _write_target_lines(draft, _clean_target_lines(draft, targets))
        _write_action_lines(draft, _clean_action_lines(draft, actions))
        _write_budget_lines(draft, _clean_budget_lines(draft, budget))
    return draft


# --- approval hooks (called by approvals.services inside the transition) ---------------------------
def plan_on_decided(*, plan, request, state):
    """Mirror a return, rejection or withdrawal of the plan's request on the plan."""
    from plans.models import Plan

    Plan.objects.filter(pk=plan.pk).update(state=state, updated_at=timezone.now())
    plan.state = state


def plan_on_approved(*, plan, request):
    """The plan's request is approved: set its targets (new versions for the unit, its children and
    months, exactly as approved), turn its actions into tasks, and mark it approved."""
    from plans.choices import PlanState
    from plans.models import Plan, PlanVersion

    version = PlanVersion.objects.filter(request=request).first() or plan.versions.order_by("-number").first()
    lines = version.lines if version is not None else plan_snapshot(plan=plan)
    plan = Plan.objects.select_related("unit").get(pk=plan.pk)
    by = request.submitted_by
    rows = lines.get("targets", [])
    if rows:
        # Checked again here, under the locks every target write takes (the owners' unit rows, in id
        # order): another plan approved since this one was submitted may have changed a year or a month.
        child_kind, candidates = _child_candidates(plan.unit)
        owners = {plan.unit_id, *(child.pk for child in candidates if child_kind == "unit")}
        list(OrgUnit.objects.select_for_update().filter(pk__in=owners).order_by("pk").values_list("pk", flat=True))
        conflicts = plan_period_conflicts(plan=plan, rows=rows)
        if conflicts:
            raise Conflict(
                _(
                    "The plan's targets disagree with the targets of other periods as they stand now: %(problems)s. Return it for revision."
                )
                % {"problems": "; ".join(c["message"] for c in conflicts)},
                field="targets",
                code="periods_disagree",
            )
    try:
        _apply_targets(plan, rows, by=by)
    except DomainError as error:
        raise Conflict(
            _("The plan's targets cannot be set as approved (%(error)s); return it for revision.") % {"error": error.message},
            field="targets",
        )
    if lines.get("actions"):
        from workflow.services import task_create

        for row in lines["actions"]:
            owner = StaffProfile.objects.get(pk=row["owner"])
            try:
                task_create(
                    title=row["what"],
                    owner=owner,
                    due_on=_date(row["due_on"], label=row["what"]),
                    by=by,
                    description=row.get("notes", ""),
                    source=plan,
                )
            except DomainError as error:
                raise Conflict(
                    _("The action %(what)s cannot become a task (%(error)s); return the plan for revision.")
                    % {"what": row["what"], "error": error.message},
                    field="actions",
                )
    now = timezone.now()
    Plan.objects.filter(pk=plan.pk).update(state=PlanState.APPROVED, approved_at=now, updated_at=now)


def _apply_targets(plan, rows, *, by):
    child_kind, candidates = _child_candidates(plan.unit)
    for row in rows:
        target = target_set(metric=row["metric"], period=row["period"], unit=plan.unit, value=row["value"], by=by)
        children = {int(child["id"]): child["value"] for child in row.get("children", [])}
        if children:
            values = {child.pk: children.get(child.pk, "0") for child in candidates}
            unknown = set(children) - set(values)
            if unknown:
                raise Conflict(
                    _("%(ids)s are no longer active children of %(unit)s.")
                    % {"ids": ", ".join(map(str, sorted(unknown))), "unit": plan.unit.name},
                    field="targets",
                )
            split = split_to_staff if child_kind == "staff" else split_to_units
            split(target=target, method=SplitMethod.MANUAL, values=values, by=by)
        months = {month["month"]: month["value"] for month in row.get("months", [])}
        if months:
            split_to_months(target=target, values=months, distribution=row.get("distribution"), by=by)
