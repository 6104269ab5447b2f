"""Reads of customer visits: the visit rules in force, whom a salesperson should visit (the visit plan), coverage of
key customers per unit and person, and the overdue visits (the worklist and risk's warning rule read these).

When is a customer due? One interval after their last done visit (CustomerLastVisit, one row per customer kept by
the services), or — never visited — one interval after the customer was opened. The interval is the customer's
class's (VisitRule: key customers, customers with an open receivable, the other active customers; a rule for the
customer's kind first). A visit is overdue when its due day has passed: `days overdue = as_of − due day`, counted
from the day after it. Only active customers are due visits.

Why not by credit grade: the grade lives in risk, above this app (docs/ARCHITECTURE.md); what this app can read
below it is the key flag, the customer's kind and whether they trade with the company now (an open receivable).
"""

import datetime
from dataclasses import dataclass

from django.db.models import F, Max, Q
from django.db.models.functions import Coalesce, TruncDate

from channels.choices import ChannelTier
from channels.models import Channel
from core.filters import in_subtree
from core.roles import Role, role_of, staff_of
from customers.choices import CustomerKind, CustomerStatus
from customers.models import Customer
from regions.models import OrgUnit
from relations.models.visits import Visit, VisitRule, VisitSegment, VisitState

# The intervals (days) of a class of customers without a rule of its own: key customers monthly.
DEFAULT_INTERVALS = {VisitSegment.KEY: 30, VisitSegment.TRADING: 60, VisitSegment.OTHER: 90}
# Channels are due by their tier (no rule table: a channel's tier already says how much it matters).
CHANNEL_INTERVALS = {ChannelTier.STRATEGIC: 30, ChannelTier.KEY: 30, ChannelTier.REGULAR: 90}
CHANNEL_VISIT_STATES = ("contracted", "active", "negotiating")
# At most this many rows in a visit plan (a manager's scope may hold thousands of due customers).
PLAN_ROWS_MAX = 300


# ------------------------------------------------------------------------------------------------ rules


def segment_q(segment):
    """The customers of a class, as a condition on Customer (the classes exclude each other)."""
    if segment == VisitSegment.KEY:
        return Q(is_key=True)
    if segment == VisitSegment.TRADING:
        return Q(is_key=False, open_balance__gt=0)
    return Q(is_key=False, open_balance__lte=0)


def segment_of(customer):
    if customer.is_key:
        return VisitSegment.KEY
    return VisitSegment.TRADING if customer.open_balance > 0 else VisitSegment.OTHER


class Intervals:
    """The visit rules in force, read once: `days(segment, kind)` and the conditions of every class."""

    def __init__(self, rules=None):
        if rules is None:
            rules = VisitRule.objects.values_list("segment", "customer_kind", "interval_days")
        self.by_class = {(segment, kind or ""): days for segment, kind, days in rules}

    def days(self, segment, kind):
        segment = VisitSegment(segment)
        return self.by_class.get((segment, kind), self.by_class.get((segment, ""), DEFAULT_INTERVALS[segment]))

    def classes(self, segments=tuple(VisitSegment)):
        """[(condition on Customer, interval days)] covering every customer of `segments` once each."""
        out = []
        for segment in segments:
            kinds = sorted(kind for seg, kind in self.by_class if seg == segment and kind)
            for kind in kinds:
                out.append((segment_q(segment) & Q(kind=kind), self.by_class[(segment, kind)]))
            out.append((segment_q(segment) & ~Q(kind__in=kinds), self.days(segment, "")))
        return out


@dataclass
class RuleInForce:
    """The interval of a class of customers as it applies now: its general rule (or the default) and the rules for
    single kinds of customer that override it."""

    segment: str
    label: str
    days: int
    is_default: bool
    rule: object  # the general VisitRule, None when the default applies
    by_kind: list  # [(kind, kind label, VisitRule)]


def rules_in_force():
    """[RuleInForce] for every class of customers, in the order of VisitSegment (one query)."""
    rules = {(rule.segment, rule.customer_kind): rule for rule in VisitRule.objects.unscoped()}
    kinds = dict(CustomerKind.choices)
    out = []
    for segment in VisitSegment:
        general = rules.get((segment.value, ""))
        by_kind = sorted(
            ((kind, kinds.get(kind, kind), rule) for (seg, kind), rule in rules.items() if seg == segment.value and kind),
            key=lambda item: item[0],
        )
        out.append(
            RuleInForce(
                segment=segment.value,
                label=segment.label,
                days=general.interval_days if general else DEFAULT_INTERVALS[segment],
                is_default=general is None,
                rule=general,
                by_kind=by_kind,
            )
        )
    return out


def with_base(queryset):
    """Customers with `base_on`: the day their visit interval runs from (last done visit, else opening day)."""
    return queryset.annotate(base_on=Coalesce(F("last_visit__last_on"), TruncDate("created_at")))


def overdue_q(as_of, intervals, *, beyond=0, segments=tuple(VisitSegment)):
    """Customers (annotated by `with_base`) overdue by more than `beyond` days on `as_of`."""
    condition = Q(pk__in=[])
    for cls, days in intervals.classes(segments):
        condition |= cls & Q(base_on__lt=as_of - datetime.timedelta(days=days + beyond))
    return condition


def due_by_q(day, intervals, *, segments=tuple(VisitSegment)):
    """Customers (annotated by `with_base`) due on or before `day`."""
    condition = Q(pk__in=[])
    for cls, days in intervals.classes(segments):
        condition |= cls & Q(base_on__lte=day - datetime.timedelta(days=days))
    return condition


def overdue_customers(as_of, *, beyond=0, queryset=None, intervals=None):
    """{customer id: days overdue} of the active customers (of `queryset`, default all) whose visit is overdue by
    more than `beyond` days on `as_of` — what risk's `visits_overdue` rule reads (beyond = its threshold)."""
    intervals = intervals or Intervals()
    queryset = Customer.objects.unscoped() if queryset is None else queryset
    rows = (
        with_base(queryset.filter(status=CustomerStatus.ACTIVE))
        .filter(overdue_q(as_of, intervals, beyond=beyond))
        .values_list("pk", "base_on", "is_key", "open_balance", "kind")
    )
    out = {}
    for pk, base_on, is_key, open_balance, kind in rows:
        segment = VisitSegment.KEY if is_key else (VisitSegment.TRADING if open_balance > 0 else VisitSegment.OTHER)
        out[pk] = (as_of - base_on).days - intervals.days(segment, kind)
    return out


# ------------------------------------------------------------------------------------------- the worklist


def watched_customers(user):
    """The customers whose visits wait for `user`: a salesperson's own active customers; a manager's (and the
    center's) key customers in their scope — they watch coverage, not every call of their staff."""
    customers = Customer.objects.for_user(user).filter(status=CustomerStatus.ACTIVE)
    if role_of(user) == Role.SALES_REP:
        return customers
    return customers.filter(is_key=True)


def overdue_count(user, as_of):
    """How many of the customers `user` watches (watched_customers) are overdue a visit: one COUNT query."""
    if staff_of(user) is None:
        return 0
    intervals = Intervals()
    segments = tuple(VisitSegment) if role_of(user) == Role.SALES_REP else (VisitSegment.KEY,)
    return with_base(watched_customers(user)).filter(overdue_q(as_of, intervals, segments=segments)).count()


# --------------------------------------------------------------------------------------------- the plan


@dataclass
class DueRow:
    """One line of a visit plan: a customer or a channel, when it was last visited, when it is due, and a visit
    planned for it in the week, if any."""

    customer: object
    channel: object
    segment: str
    last_on: object
    due_on: object
    days_overdue: int
    planned: object = None

    @property
    def subject(self):
        return self.customer or self.channel


def week_of(day):
    """(Monday, Sunday) of the week holding `day`."""
    monday = day - datetime.timedelta(days=day.weekday())
    return monday, monday + datetime.timedelta(days=6)


def visit_plan(*, user, as_of, salesperson=None, key_only=None):
    """Whom to visit this week (本周走访计划): the customers and channels in `user`'s scope — of `salesperson` if
    given — due by the end of the week holding `as_of` (overdue first), each with a visit planned for them this
    week if there is one, and then the planned visits of the week to customers not yet due. Without a
    salesperson a manager sees their key customers only (`key_only`, default: unless `user` is a salesperson)."""
    intervals = Intervals()
    monday, sunday = week_of(as_of)
    if key_only is None:
        key_only = salesperson is None and role_of(user) != Role.SALES_REP
    customers = Customer.objects.for_user(user).filter(status=CustomerStatus.ACTIVE)
    channels = Channel.objects.for_user(user).filter(state__in=CHANNEL_VISIT_STATES)
    planned = Visit.objects.for_user(user).filter(state=VisitState.PLANNED, on__range=(monday, sunday))
    if salesperson is not None:
        customers = customers.filter(salesperson=salesperson)
        channels = channels.filter(salesperson=salesperson)
        planned = planned.filter(salesperson=salesperson)
    segments = (VisitSegment.KEY,) if key_only else tuple(VisitSegment)
    due = (
        with_base(customers)
        .filter(due_by_q(sunday, intervals, segments=segments))
        .select_related("district", "salesperson", "last_visit")
        .order_by("base_on", "pk")[:PLAN_ROWS_MAX]
    )
    plans = {}
    for visit in planned.select_related("customer", "channel", "salesperson").order_by("on", "pk"):
        plans.setdefault((visit.customer_id, visit.channel_id), visit)
    rows = []
    for customer in due:
        segment = segment_of(customer)
        days = intervals.days(segment, customer.kind)
        due_on = customer.base_on + datetime.timedelta(days=days)
        last = getattr(customer, "last_visit", None)
        rows.append(
            DueRow(
                customer=customer,
                channel=None,
                segment=segment,
                last_on=last.last_on if last else None,
                due_on=due_on,
                days_overdue=max((as_of - due_on).days, 0),
                planned=plans.pop((customer.pk, None), None),
            )
        )
    if not key_only:
        rows.extend(_due_channels(channels, as_of, sunday, plans))
    rows.sort(key=lambda row: (row.due_on, row.subject.pk))
    for visit in plans.values():  # planned this week, not yet due
        rows.append(
            DueRow(
                customer=visit.customer,
                channel=visit.channel,
                segment="",
                last_on=None,
                due_on=visit.on,
                days_overdue=0,
                planned=visit,
            )
        )
    return rows


def _due_channels(channels, as_of, sunday, plans):
    last = dict(
        Visit.objects.unscoped()
        .filter(channel__in=channels, state=VisitState.DONE)
        .order_by()
        .values("channel_id")
        .annotate(last=Max("on"))
        .values_list("channel_id", "last")
    )
    rows = []
    for channel in channels.select_related("unit", "salesperson").order_by("pk")[:PLAN_ROWS_MAX]:
        base = last.get(channel.pk) or channel.created_at.date()
        due_on = base + datetime.timedelta(days=CHANNEL_INTERVALS.get(channel.tier, 90))
        if due_on > sunday:
            continue
        rows.append(
            DueRow(
                customer=None,
                channel=channel,
                segment="",
                last_on=last.get(channel.pk),
                due_on=due_on,
                days_overdue=max((as_of - due_on).days, 0),
                planned=plans.pop((None, channel.pk), None),
            )
        )
    return rows


# ------------------------------------------------------------------------------------------------ coverage


@dataclass
class CoverageRow:
    """Coverage of key customers for one unit or one person: how many, visited this month, never visited,
    overdue, and the days since the last visit (average over those visited, and the longest)."""

    key: object  # the unit or the staff member (None: no salesperson)
    label: str
    customers: int = 0
    visited_this_month: int = 0
    never_visited: int = 0
    overdue: int = 0
    days_total: int = 0
    days_max: int | None = None

    @property
    def visited_share(self):
        return self.visited_this_month / self.customers if self.customers else None

    @property
    def days_average(self):
        """Whole days (half up), for the page; None when nobody was visited."""
        visited = self.customers - self.never_visited
        return (2 * self.days_total + visited) // (2 * visited) if visited else None

    def add(self, *, last_on, due_on, as_of, month_start):
        self.customers += 1
        if last_on is None:
            self.never_visited += 1
        else:
            days = (as_of - last_on).days
            self.days_total += days
            self.days_max = days if self.days_max is None else max(self.days_max, days)
            if month_start <= last_on <= as_of:
                self.visited_this_month += 1
        if due_on < as_of:
            self.overdue += 1


@dataclass
class KeyCustomerRow:
    customer_id: int
    name: str
    district_id: int
    district: str
    district_path: str
    salesperson_id: int | None
    salesperson: str
    last_on: object
    due_on: object

    def days_since(self, as_of):
        return (as_of - self.last_on).days if self.last_on else None


def key_customer_visits(*, user, unit, as_of, intervals=None):
    """[KeyCustomerRow] of the active key customers in `unit`'s subtree that `user` reads, with their last visit
    and the day their next visit is due: one query over customers and their kept last visit (no visit read)."""
    intervals = intervals or Intervals()
    rows = (
        in_subtree(Customer.objects.for_user(user), "district__path", unit)
        .filter(status=CustomerStatus.ACTIVE, is_key=True)
        .annotate(created_on=TruncDate("created_at"))
        .values_list(
            "pk",
            "name",
            "kind",
            "district_id",
            "district__name",
            "district__path",
            "salesperson_id",
            "salesperson__name",
            "last_visit__last_on",
            "created_on",
        )
        .order_by("pk")
    )
    out, interval = [], {}
    for pk, name, kind, district_id, district, path, rep_id, rep, last_on, created_on in rows:
        days = interval.get(kind)
        if days is None:
            days = interval[kind] = datetime.timedelta(days=intervals.days(VisitSegment.KEY, kind))
        out.append(
            KeyCustomerRow(
                customer_id=pk,
                name=name,
                district_id=district_id,
                district=district,
                district_path=path,
                salesperson_id=rep_id,
                salesperson=rep or "",
                last_on=last_on,
                due_on=(last_on or created_on) + days,
            )
        )
    return out


def coverage(*, user, unit, as_of, by="unit"):
    """Coverage of key customers (重点客户走访覆盖) in `unit`'s subtree as of `as_of`: a CoverageRow per child unit
    (`by="unit"`; a district's children are its salespeople) or per salesperson (`by="person"`), the total row,
    and the customers themselves (KeyCustomerRow), most overdue first. "Visited this month": a done visit from the
    first of `as_of`'s month to `as_of`."""
    month_start = as_of.replace(day=1)
    customers = key_customer_visits(user=user, unit=unit, as_of=as_of)
    per_person = by == "person" or unit.kind == "district"
    groups = {}
    if not per_person:
        children = {child.pk: child for child in OrgUnit.objects.filter(parent=unit).order_by("code")}
        depth = unit.path.count("/") - 1  # "/1/3/" holds 2 ids: the child is the next one
        for pk, child in children.items():
            groups[pk] = CoverageRow(key=child, label=child.display_name)
    total = CoverageRow(key=unit, label=unit.display_name)
    for row in customers:
        if per_person:
            group = groups.get(row.salesperson_id)
            if group is None:
                group = groups[row.salesperson_id] = CoverageRow(key=row.salesperson_id, label=row.salesperson)
        else:
            child_id = int(row.district_path.strip("/").split("/")[depth])
            group = groups[child_id]
        group.add(last_on=row.last_on, due_on=row.due_on, as_of=as_of, month_start=month_start)
        total.add(last_on=row.last_on, due_on=row.due_on, as_of=as_of, month_start=month_start)
    rows = sorted(groups.values(), key=lambda g: (g.label == "", g.label)) if per_person else list(groups.values())
    customers.sort(key=lambda row: (row.due_on, row.customer_id))
    return {"rows": rows, "total": total, "customers": customers, "month_start": month_start, "by_person": per_person}
