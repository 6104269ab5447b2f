"""Key customers (重点客户) and their long-term plans (客户长期规划): every write, each asking its right first
(relations/rights/keycust.py) with the acting person `by`.

- `key_customer_designate` / `key_customer_undesignate`: a decision (reason, who, when) is recorded and
  `Customer.is_key` set in the same transaction, under the customer's row lock — the decisions are the flag's
  history, and the customer's own audit history records the flag's change too. Undesignating closes the
  customer's active plans (a plan is for a key customer).
- `key_plan_create` / `key_plan_update` / `key_plan_close`: a plan for a key customer only, over a term.
- `key_plan_objective_add`: a figure by a date, both dates inside the plan's term.
- `key_plan_action_add`: a step given to a person as a workflow task (workflow.services.task_create, with the
  action as its source), due inside the plan's term.
- `key_plan_review_write`: the review of one quarter that has begun and overlaps the term, once per quarter: the
  actual of each objective read from the ledger (relations.selectors.keycust) and frozen in the review's lines.

Bad input is an InvalidInput (400) on its field; a plan that is closed, a customer that is not key, a second
review of a quarter are Conflicts (409); a missing right is NotAllowed (403). Nothing is written on a refusal.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, InvalidInput
from core.money import parse_money
from core.periods import QUARTER, parse_input
from core.rights import SYSTEM, ensure
from customers.choices import CustomerStatus
from customers.models import Customer, Product
from customers.services.inputs import clean_choice, clean_date, clean_decimal, clean_text
from regions.models import StaffProfile
from relations.models.keycust import (
    MONEY_METRICS,
    KeyCustomerDecision,
    KeyCustomerPlan,
    ObjectiveMetric,
    PlanAction,
    PlanObjective,
    PlanReview,
    PlanReviewLine,
    PlanState,
    ReviewRating,
)
from relations.selectors.keycust import review_figures
from workflow.services import task_create

REASON_MAX = 1000
TITLE_MAX = 200
SUMMARY_MAX = 4000
ASSESSMENT_MAX = 4000
NOTE_MAX = 500
UNIT_LABEL_MAX = 20
PLAN_FIELDS = ("title", "summary", "starts_on", "ends_on")


# --- helpers ------------------------------------------------------------------------------------------------------
def actor_name(by):
    """Who acted, as the record keeps it: the person's name and post, else the user name (SYSTEM: the system)."""
    if by is SYSTEM or by is None:
        return _("System")
    staff = getattr(by, "staff_profile", None)
    if staff is not None:
        return f"{staff.name} · {staff.unit.display_name}"[:120]
    return (getattr(by, "get_username", lambda: "")() or "")[:120]


def actor_user(by):
    return by if getattr(by, "pk", None) and by is not SYSTEM else None


def _reason(value):
    return clean_text(value, field="reason", max_length=REASON_MAX, required=True, label=_("The reason"))


def _lock_customer(customer):
    return Customer.objects.select_for_update(of=("self",)).select_related("district").get(pk=customer.pk)


def _lock_plan(plan):
    return KeyCustomerPlan.objects.select_for_update(of=("self",)).select_related("customer__district").get(pk=plan.pk)


def _today():
    return timezone.localdate()


def _date(value, field, *, required=True, label=None):
    if value in (None, ""):
        if required:
            raise InvalidInput(_("%(label)s is required.") % {"label": label or _("This date")}, field=field)
        return None
    return clean_date(value, field=field)


def _check_active(plan):
    if plan.state != PlanState.ACTIVE:
        raise Conflict(_("This plan is closed; open a new plan for the customer."), field="plan")


def _check_in_term(plan, day, field):
    if not plan.starts_on <= day <= plan.ends_on:
        raise InvalidInput(
            _("%(day)s lies outside the plan's term (%(first)s – %(last)s).")
            % {"day": day.isoformat(), "first": plan.starts_on.isoformat(), "last": plan.ends_on.isoformat()},
            field=field,
        )


# --- key customers ------------------------------------------------------------------------------------------------
def _decide(*, by, customer, is_key, reason, on):
    ensure(by, "keycust.decide", customer)
    reason = _reason(reason)
    on = _date(on, "decided_on", required=False) or _today()
    if on > _today():
        raise InvalidInput(_("A decision cannot be dated in the future."), field="decided_on")
    customer = _lock_customer(customer)
    if customer.is_key == is_key:
        message = _("%(customer)s is already a key customer.") if is_key else _("%(customer)s is not a key customer.")
        raise Conflict(message % {"customer": customer.name}, field="customer")
    if is_key and customer.status == CustomerStatus.CLOSED:
        raise Conflict(_("A closed customer cannot be made a key customer."), field="customer")
    decision = KeyCustomerDecision.objects.create(
        customer=customer, is_key=is_key, reason=reason, decided_by=actor_user(by), decided_by_name=actor_name(by), decided_on=on
    )
    customer.is_key = is_key
    customer.save(update_fields=["is_key", "updated_at"])  # the customer's audit history records the flag too
    return decision


@transaction.atomic
def key_customer_designate(*, by, customer, reason, on=None):
    """Make `customer` a key customer for `reason`; returns the decision."""
    return _decide(by=by, customer=customer, is_key=True, reason=reason, on=on)


@transaction.atomic
def key_customer_undesignate(*, by, customer, reason, on=None):
    """`customer` is no longer a key customer, for `reason`; its active plans close with that reason."""
    decision = _decide(by=by, customer=customer, is_key=False, reason=reason, on=on)
    closing = _("The customer is no longer a key customer: %(reason)s") % {"reason": decision.reason}
    KeyCustomerPlan.objects.filter(customer=decision.customer, state=PlanState.ACTIVE).update(
        state=PlanState.CLOSED, closed_reason=closing[:500], updated_at=timezone.now()
    )
    return decision


# --- plans --------------------------------------------------------------------------------------------------------
def _clean_plan(values):
    cleaned = {}
    if "title" in values:
        cleaned["title"] = clean_text(values["title"], field="title", max_length=TITLE_MAX, required=True, label=_("The title"))
    if "summary" in values:
        cleaned["summary"] = clean_text(values["summary"], field="summary", max_length=SUMMARY_MAX)
    if "starts_on" in values:
        cleaned["starts_on"] = _date(values["starts_on"], "starts_on", label=_("The start of the term"))
    if "ends_on" in values:
        cleaned["ends_on"] = _date(values["ends_on"], "ends_on", label=_("The end of the term"))
    return cleaned


def _check_term(starts_on, ends_on):
    if ends_on < starts_on:
        raise InvalidInput(_("The term cannot end before it starts."), field="ends_on")


@transaction.atomic
def key_plan_create(*, by, customer, title, starts_on, ends_on, summary=""):
    """Open a long-term plan for a key customer over `starts_on … ends_on`."""
    ensure(by, "keycust.plan", customer)
    cleaned = _clean_plan({"title": title, "summary": summary, "starts_on": starts_on, "ends_on": ends_on})
    _check_term(cleaned["starts_on"], cleaned["ends_on"])
    customer = _lock_customer(customer)
    if not customer.is_key:
        raise Conflict(
            _("%(customer)s is not a key customer: long-term plans are kept for key customers only.")
            % {"customer": customer.name},
            field="customer",
        )
    return KeyCustomerPlan.objects.create(customer=customer, created_by=actor_user(by), **cleaned)


@transaction.atomic
def key_plan_update(*, by, plan, **values):
    """Change the plan's title, summary or term; the term must still hold every objective and action."""
    plan = _lock_plan(plan)
    ensure(by, "keycust.plan", plan)
    unknown = set(values) - set(PLAN_FIELDS)
    if unknown:
        field = sorted(unknown)[0]
        raise InvalidInput(_("The field %(field)s cannot be changed.") % {"field": field}, field=field)
    _check_active(plan)
    cleaned = _clean_plan(values)
    starts_on, ends_on = cleaned.get("starts_on", plan.starts_on), cleaned.get("ends_on", plan.ends_on)
    _check_term(starts_on, ends_on)
    for objective in plan.objectives.all():
        if objective.starts_on < starts_on or objective.due_on > ends_on:
            raise InvalidInput(
                _("The objective “%(objective)s” (%(first)s – %(last)s) would lie outside the new term.")
                % {"objective": objective.title, "first": objective.starts_on, "last": objective.due_on},
                field="ends_on" if objective.due_on > ends_on else "starts_on",
            )
    for name, value in cleaned.items():
        setattr(plan, name, value)
    plan.save()
    return plan


@transaction.atomic
def key_plan_close(*, by, plan, reason):
    """Close an active plan (done, or replaced by a new one) with a reason."""
    plan = _lock_plan(plan)
    ensure(by, "keycust.plan", plan)
    reason = clean_text(reason, field="reason", max_length=500, required=True, label=_("The reason"))
    _check_active(plan)
    plan.state, plan.closed_reason = PlanState.CLOSED, reason
    plan.save(update_fields=["state", "closed_reason", "updated_at"])
    return plan


# --- objectives ---------------------------------------------------------------------------------------------------
def _target(metric, value):
    if metric in MONEY_METRICS:
        return parse_money(value, field="target", label=_("The target figure"))
    target = clean_decimal(value, field="target", label=_("The target figure"))
    if target <= 0:
        raise InvalidInput(_("The target figure must be greater than zero."), field="target")
    if metric == ObjectiveMetric.PRODUCTS_HELD and target != target.to_integral_value():
        raise InvalidInput(_("A number of products is a whole number."), field="target")
    if target.as_tuple().exponent < -2:
        raise InvalidInput(_("The target figure has more than two decimals."), field="target")
    return target.quantize(Decimal("0.01"))


@transaction.atomic
def key_plan_objective_add(*, by, plan, title, metric, target, due_on, starts_on=None, product=None, unit_label=""):
    """Add an objective: `target` of `metric` counted from `starts_on` (default: the term's start) to `due_on`."""
    plan = _lock_plan(plan)
    ensure(by, "keycust.plan", plan)
    title = clean_text(title, field="title", max_length=TITLE_MAX, required=True, label=_("The objective"))
    metric = clean_choice(metric, ObjectiveMetric, field="metric")
    target = _target(metric, target)
    due_on = _date(due_on, "due_on", label=_("The due date"))
    starts_on = _date(starts_on, "starts_on", required=False) or plan.starts_on
    _check_in_term(plan, starts_on, "starts_on")
    _check_in_term(plan, due_on, "due_on")
    if due_on < starts_on:
        raise InvalidInput(_("The due date cannot be before the day the objective is counted from."), field="due_on")
    if metric == ObjectiveMetric.PRODUCT_SALES:
        if not isinstance(product, Product):
            raise InvalidInput(_("Choose the product whose sales the objective counts."), field="product")
    elif product is not None and not isinstance(product, Product):
        raise InvalidInput(_("Unknown product."), field="product")
    unit_label = clean_text(unit_label, field="unit_label", max_length=UNIT_LABEL_MAX)
    if metric == ObjectiveMetric.MANUAL and not unit_label:
        raise InvalidInput(_("Say in what the figure is counted (e.g. %, visits, accounts)."), field="unit_label")
    _check_active(plan)
    return PlanObjective.objects.create(
        plan=plan,
        title=title,
        metric=metric,
        target=target,
        starts_on=starts_on,
        due_on=due_on,
        product=product if metric in (ObjectiveMetric.PRODUCT_SALES, ObjectiveMetric.MANUAL) else None,
        unit_label=unit_label if metric == ObjectiveMetric.MANUAL else "",
    )


# --- actions ------------------------------------------------------------------------------------------------------
def _check_action_owner(owner, customer):
    if not isinstance(owner, StaffProfile) or not owner.is_active:
        raise InvalidInput(_("Choose a member of staff in service as the person responsible."), field="owner")
    district = customer.district.path
    # Someone of the customer's district office or of a unit above it: they can see the customer and its plan.
    if not district.startswith(owner.unit.path):
        raise InvalidInput(_("The person responsible must work in the customer's district office or above it."), field="owner")
    return owner


@transaction.atomic
def key_plan_action_add(*, by, plan, title, owner, due_on, objective=None, description=""):
    """Add an action to the plan and give it to `owner` as a task due on `due_on` (inside the term, not past)."""
    plan = _lock_plan(plan)
    ensure(by, "keycust.plan", plan)
    title = clean_text(title, field="title", max_length=TITLE_MAX, required=True, label=_("The action"))
    description = clean_text(description, field="description", max_length=SUMMARY_MAX)
    due_on = _date(due_on, "due_on", label=_("The due date"))
    _check_in_term(plan, due_on, "due_on")
    if by is not SYSTEM and due_on < _today():
        raise InvalidInput(_("The due date must not be in the past."), field="due_on")
    if objective is not None and (not isinstance(objective, PlanObjective) or objective.plan_id != plan.pk):
        raise InvalidInput(_("Choose an objective of this plan."), field="objective")
    owner = _check_action_owner(owner, plan.customer)
    _check_active(plan)
    action = PlanAction.objects.create(plan=plan, objective=objective, title=title)
    task_title = f"{plan.customer.name}：{title}"[:200]
    action.task = task_create(
        title=task_title,
        owner=owner,
        due_on=due_on,
        by=by,
        description=description,
        source=action,
    )
    action.save(update_fields=["task"])
    return action


# --- reviews ------------------------------------------------------------------------------------------------------
def _quarter(plan, period, today):
    period = parse_input(period, field="period", begun=True, today=today)
    if period.kind != QUARTER:
        raise InvalidInput(_("A review is of a quarter: write it as 2026-Q2."), field="period")
    if period.end < plan.starts_on or period.start > plan.ends_on:
        raise InvalidInput(
            _("%(period)s lies outside the plan's term (%(first)s – %(last)s).")
            % {"period": period, "first": plan.starts_on.isoformat(), "last": plan.ends_on.isoformat()},
            field="period",
        )
    return period


def _stated(objective, value):
    """A manual objective's figure to date as the reviewer states it (None: not stated)."""
    if value in (None, ""):
        return None
    figure = clean_decimal(value, field=f"actual_{objective.pk}", label=objective.title)
    if figure < 0 or figure.as_tuple().exponent < -2:
        raise InvalidInput(_("Enter a figure of zero or more with at most two decimals."), field=f"actual_{objective.pk}")
    return figure.quantize(Decimal("0.01"))


@transaction.atomic
def key_plan_review_write(*, by, plan, period, rating, assessment, stated=None, notes=None, on=None):
    """Review `plan` for the quarter `period` (text such as 2026-Q2): one line per objective counted by the
    quarter's end with its target, the quarter's actual and the actual to date (from the ledger; a manual
    objective's figure as `stated[objective id]`), `notes[objective id]` per line, the reviewer's rating and
    assessment. Once per plan and quarter."""
    plan = _lock_plan(plan)
    ensure(by, "keycust.review", plan)
    today = _today()
    period = _quarter(plan, period, today)
    rating = clean_choice(rating, ReviewRating, field="rating")
    assessment = clean_text(assessment, field="assessment", max_length=ASSESSMENT_MAX, required=True, label=_("The assessment"))
    stated, notes = dict(stated or {}), dict(notes or {})
    on = _date(on, "reviewed_on", required=False) or today
    if on > today:
        raise InvalidInput(_("A review cannot be dated in the future."), field="reviewed_on")
    _check_active(plan)
    if PlanReview.objects.filter(plan=plan, period=str(period)).exists():
        raise Conflict(_("The plan already has its review of %(period)s.") % {"period": period}, field="period")
    lines = []
    for objective in plan.objectives.filter(starts_on__lte=period.end).select_related("plan").order_by("due_on", "id"):
        if objective.from_ledger:
            in_quarter, to_date = review_figures(objective, period)
        else:
            in_quarter, to_date = None, _stated(objective, stated.get(objective.pk))
        note = clean_text(notes.get(objective.pk, ""), field=f"note_{objective.pk}", max_length=NOTE_MAX)
        lines.append((objective, in_quarter, to_date, note))
    review = PlanReview.objects.create(
        plan=plan,
        period=period,
        rating=rating,
        assessment=assessment,
        reviewed_by=actor_user(by),
        reviewed_by_name=actor_name(by),
        reviewed_on=on,
    )
    PlanReviewLine.objects.bulk_create(
        PlanReviewLine(
            review=review,
            objective=objective,
            target=objective.target,
            actual_period=in_quarter,
            actual_to_date=to_date,
            note=note,
        )
        for objective, in_quarter, to_date, note in lines
    )
    return review


__all__ = [
    "key_customer_designate",
    "key_customer_undesignate",
    "key_plan_action_add",
    "key_plan_close",
    "key_plan_create",
    "key_plan_objective_add",
    "key_plan_review_write",
    "key_plan_update",
]
