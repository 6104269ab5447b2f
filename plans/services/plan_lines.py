"""A plan's lines: target lines (with their split to children and months), action lines and budget
lines — checked line by line, then written as a whole group."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import DomainError, InvalidInput, Unprocessable
from core.money import allocate
from core.periods import QUARTER, YEAR, Period
from core.rights import ensure
from core.splits import keyed_once, parse_id
from plans.choices import PLAN_SPLIT_METHODS, Metric, SplitMethod, decimal_places
from plans.models import PlanActionLine, PlanBudgetLine, PlanSplitLine, PlanTargetLine, SeasonalDistribution
from plans.selectors import child_candidates
from plans.services.decomposition import actual_or_refuse, staff_label, unit_label, weights_from_shares
from plans.services.drafts import lock_plan, require_editable
from plans.services.inputs import check_date, check_metric, check_period, check_text, check_value, check_within_range
from regions.choices import Role
from regions.models import StaffProfile


# --- lines ----------------------------------------------------------------------------------------
def _child_label(child):
    return staff_label(child) if isinstance(child, StaffProfile) else unit_label(child)


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
    child_kind, candidates = child_candidates(plan.unit)
    by_id = {child.pk: child for child in candidates}
    cleaned, seen = [], set()
    for n, row in enumerate(rows, start=1):
        label = _("Target line %(n)s") % {"n": n}
        if not isinstance(row, dict):
            raise InvalidInput(_("%(label)s: give the line as an object.") % {"label": label}, field="targets")
        metric = _in_line(label, "targets", check_metric, row.get("metric"))
        raw_period = row.get("period") or str(plan.period)
        period = _in_line(label, "targets", check_period, raw_period if isinstance(raw_period, str) else repr(raw_period))
        if not plan.period.contains(period):
            raise InvalidInput(
                _("%(label)s: %(period)s lies outside the plan's period %(plan_period)s.")
                % {"label": label, "period": period, "plan_period": plan.period},
                field="targets",
            )
        value = _in_line(label, "targets", check_value, row.get("value"), metric=metric, field="targets", label=_("The target"))
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
                check_value,
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
                check_value,
                raw_value,
                metric=metric,
                field="targets",
                label=_("The value of %(child)s") % {"child": raw_month},
            )
            months.append((str(raw_month), part))
        months.sort()
        for parts, what in ((children, _("the children")), (months, _("the months"))):
            check_within_range(sum((part for _key, part in parts), Decimal("0.00")), field="targets", label=f"{label}: {what}")
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


def _clean_action_lines(plan, rows):
    cleaned = []
    for n, row in enumerate(rows, start=1):
        label = _("Action %(n)s") % {"n": n}
        if not isinstance(row, dict):
            raise InvalidInput(_("%(label)s: give the line as an object.") % {"label": label}, field="actions")
        what = _in_line(label, "actions", check_text, row.get("what"), field="actions", label=_("The action"), max_length=200)
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
        due_on = check_date(row.get("due_on"), label=label)
        notes = _in_line(
            label, "actions", check_text, row.get("notes"), field="actions", label=_("The notes"), max_length=2000, required=False
        )
        cleaned.append({"what": what, "owner": owner, "due_on": due_on, "notes": notes})
    return cleaned


def _clean_budget_lines(plan, rows):
    cleaned = []
    for n, row in enumerate(rows, start=1):
        label = _("Budget line %(n)s") % {"n": n}
        if not isinstance(row, dict):
            raise InvalidInput(_("%(label)s: give the line as an object.") % {"label": label}, field="budget")
        category = _in_line(
            label, "budget", check_text, row.get("category"), field="budget", label=_("The category"), max_length=100
        )
        amount = _in_line(
            label, "budget", check_value, row.get("amount"), metric=Metric.SALES_AMOUNT, field="budget", label=_("The amount")
        )
        note = _in_line(
            label, "budget", check_text, row.get("note"), field="budget", label=_("The note"), max_length=300, required=False
        )
        cleaned.append({"category": category, "amount": amount, "note": note})
    check_within_range(sum((row["amount"] for row in cleaned), Decimal("0.00")), field="budget", label=_("The budget lines"))
    return cleaned


def _weight(value):
    try:
        weight = Decimal(value).quantize(Decimal("0.0001"))
    except (InvalidOperation, TypeError, ValueError):
        return None
    return weight if abs(weight) < Decimal("1e16") else None


def _write_target_lines(plan, cleaned):
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
    plan.action_lines.all().delete()
    PlanActionLine.objects.bulk_create([PlanActionLine(plan=plan, order=n, **row) for n, row in enumerate(cleaned)])


def _write_budget_lines(plan, cleaned):
    plan.budget_lines.all().delete()
    PlanBudgetLine.objects.bulk_create([PlanBudgetLine(plan=plan, order=n, **row) for n, row in enumerate(cleaned)])


def lines_replace(plan, *, targets=None, actions=None, budget=None):
    """Check every line of the groups given (lists), then replace those groups; None keeps a group.
    The caller holds the plan's row lock."""
    cleaned_targets = _clean_target_lines(plan, targets) if targets is not None else None
    cleaned_actions = _clean_action_lines(plan, actions) if actions is not None else None
    cleaned_budget = _clean_budget_lines(plan, budget) if budget is not None else None
    if cleaned_targets is not None:
        _write_target_lines(plan, cleaned_targets)
    if cleaned_actions is not None:
        _write_action_lines(plan, cleaned_actions)
    if cleaned_budget is not None:
        _write_budget_lines(plan, cleaned_budget)


@transaction.atomic
def plan_lines_save(*, plan, by, targets=None, actions=None, budget=None):
    """Replace the draft's target (with split), action and budget lines — each group given is replaced
    as a whole, None keeps a group. Every line is checked before anything is written; sums are checked
    by plan_check (a draft may be half-done), not here."""
    plan = lock_plan(plan)
    ensure(by, "plan.edit", plan)
    require_editable(plan)
    targets, actions, budget = _as_list(targets, "targets"), _as_list(actions, "actions"), _as_list(budget, "budget")
    lines_replace(plan, targets=targets, actions=actions, budget=budget)
    plan.save(update_fields=["updated_at"])
    return plan


@transaction.atomic
def plan_split_suggest(*, plan, by, metric, period=None, method=None, shares=None, distribution=None, months=True):
    """Fill one target line's split: the children by shares ({child id: weight}) or by their actuals of
    the same period last year (equal if all are zero), and — `months` — the months by a seasonal
    distribution or equally. Values follow the one rounding rule (`core.money.allocate`), so they add
    up exactly. `method` None leaves the children as they are. Returns the line."""
    plan = lock_plan(plan)
    ensure(by, "plan.edit", plan)
    require_editable(plan)
    metric = check_metric(metric)
    period = check_period(period) if period else plan.period
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
        child_kind, children = child_candidates(plan.unit)
        if not children:
            raise Unprocessable(
                _("%(unit)s has no active sub-units or sales staff to split to.") % {"unit": plan.unit}, field="method"
            )
        if method == SplitMethod.SHARES:
            weights = weights_from_shares(shares, children, label_of=_child_label)
        else:
            last_year = line.period.same_period_last_year()
            owner = "staff" if child_kind == "staff" else "unit"
            weights = [actual_or_refuse(metric, last_year, **{owner: child}) for child in children]
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
