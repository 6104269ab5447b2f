"""Early warnings (预警): the rules the Development Center sets, the run that opens and clears warnings, the
handling of a warning (acknowledge → record an action → close with a resolution) and the escalation of
warnings past their deadline.

How each kind is computed (all set-wise, as of the run's day; "above" is strictly above the threshold):

- overdue_share (customer): open receivable past due ÷ open receivable (risk.factors) above a share 0–1.
- overdue_share_rise (customer): that share now minus the share `window` days ago (nothing open then
  counts as 0) above a number of points 0–1.
- delay_lengthening (customer): risk.factors' delay trend — the average payment delay of the last 3
  months minus that of the 6 months before — above a number of days.
- limit_utilisation (customer): open receivable ÷ credit limit (customers with a limit) above a ratio 0–10.
- no_sales (customer): an active customer who has bought before and whose last sale (a not cancelled
  invoice) is more than `threshold` days old.
- grade_fall (customer): the customer's latest grade change, made within the last `window` days, fell by
  at least `threshold` steps or fell to C or D.
- concentration (customer): the customer's open balance (Customer.open_balance, today's) ÷ its district's
  open receivables above a share 0–1.
- dso_rise (district): the district's DSO (performance.turnover) of the last complete month minus its DSO
  `window` months earlier above a number of days.
- attainment_pace (district): the share of the year elapsed minus the district's sales attainment of its
  current yearly target (DistrictMonthFact.invoiced year to date ÷ target) above a number of points 0–1.
- visits_overdue (customer): an active customer's visit overdue by more than `threshold` days (1–365): due one
  interval of its class (relations' visit rules) after its last done visit, else after it was opened.

A run (`warnings_evaluate`) opens a warning per new hit, leaves the open ones alone (one open warning per
rule × subject: the partial unique constraints) and closes the open ones whose subject no longer trips the
rule, with the reason "condition cleared".

- complaint_spike (district): more than `threshold` complaints received in the `window` days up to the run's
  day (relations.Complaint, by the district office of the customer).
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from approvals.calendar import add_working_days, is_working_day
from channels.choices import ChannelState
from channels.models import ChannelTransition
from core.bulk import insert_rows
from core.errors import Conflict, InvalidInput, Unprocessable
from core.periods import Period
from core.rights import SYSTEM, ensure
from core.roles import staff_of
from customers.choices import CustomerStatus
from customers.models import Customer, Invoice
from notifications.choices import NotificationKind
from notifications.services import notify
from performance.models import DistrictMonthFact
from performance.turnover import figures as turnover_figures
from plans.choices import Metric
from plans.models import Target
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile
from relations.models import Complaint
from relations.selectors.visits import overdue_customers
from risk.choices import (
    GRADES,
    WARNING_OPEN_STATES,
    Grade,
    WarningClosedReason,
    WarningKind,
    WarningLevel,
    WarningSeverity,
    WarningState,
)
from risk.factors import customer_factors, customer_overdue_shares, value
from risk.models import CustomerGradeChange, Warning, WarningRule
from workflow.services import ManagerChart, default_supervisor

NAME_MAX = WarningRule._meta.get_field("name").max_length
TEXT_MAX = 10_000
MAX_DEADLINE_DAYS = 60
DAYS, MONTHS = "days", "months"
LOW_GRADES = (Grade.C, Grade.D)


@dataclass(frozen=True)
class KindSpec:
    """What a kind of rule needs: its level, the threshold's bounds (and whether whole), its window."""

    level: str
    low: Decimal
    high: Decimal
    whole: bool = False
    window: str | None = None  # DAYS, MONTHS or None (no window)
    window_max: int = 0


_SHARE = {"low": Decimal(0), "high": Decimal(1)}
KIND_SPECS = {
    WarningKind.OVERDUE_SHARE: KindSpec(WarningLevel.CUSTOMER, **_SHARE),
    WarningKind.OVERDUE_SHARE_RISE: KindSpec(WarningLevel.CUSTOMER, **_SHARE, window=DAYS, window_max=366),
    WarningKind.DELAY_LENGTHENING: KindSpec(WarningLevel.CUSTOMER, Decimal(0), Decimal(365)),
    WarningKind.LIMIT_UTILISATION: KindSpec(WarningLevel.CUSTOMER, Decimal(0), Decimal(10)),
    WarningKind.NO_SALES: KindSpec(WarningLevel.CUSTOMER, Decimal(1), Decimal(3650), whole=True),
    WarningKind.GRADE_FALL: KindSpec(
        WarningLevel.CUSTOMER, Decimal(1), Decimal(len(GRADES) - 1), whole=True, window=DAYS, window_max=366
    ),
    WarningKind.CONCENTRATION: KindSpec(WarningLevel.CUSTOMER, **_SHARE),
    WarningKind.DSO_RISE: KindSpec(WarningLevel.DISTRICT, Decimal(0), Decimal(365), window=MONTHS, window_max=12),
    WarningKind.ATTAINMENT_PACE: KindSpec(WarningLevel.DISTRICT, **_SHARE),
    WarningKind.CHANNEL_PACE: KindSpec(WarningLevel.DISTRICT, **_SHARE),
    WarningKind.VISITS_OVERDUE: KindSpec(WarningLevel.CUSTOMER, Decimal(1), Decimal(365), whole=True),
    WarningKind.COMPLAINT_SPIKE: KindSpec(
        WarningLevel.DISTRICT, Decimal(1), Decimal(10_000), whole=True, window=DAYS, window_max=366
    ),
}


# --- input checks ---------------------------------------------------------------------------------
def _choice(value_, choices, field):
    if value_ not in choices.values:
        raise InvalidInput(
            _("Unknown value %(value)s: use one of %(choices)s.") % {"value": value_, "choices": ", ".join(choices.values)},
            field=field,
        )
    return choices(value_)


def _decimal(raw, field, label):
    if isinstance(raw, bool) or raw is None or raw == "":
        raise InvalidInput(_("%(label)s is required.") % {"label": label}, field=field)
    try:
        number = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput(_("%(label)s must be a number.") % {"label": label}, field=field) from None
    if not number.is_finite() or number.as_tuple().exponent < -4 or abs(number) >= Decimal("1e8"):
        raise InvalidInput(_("%(label)s must be a number with at most 4 decimals.") % {"label": label}, field=field)
    return number


def _integer(raw, field, label, low, high, *, required=True):
    if raw is None or raw == "":
        if required:
            raise InvalidInput(_("%(label)s is required.") % {"label": label}, field=field)
        return None
    try:
        number = int(str(raw).strip())
    except (TypeError, ValueError, OverflowError):
        number = None
    if number is None or not low <= number <= high:
        raise InvalidInput(
            _("%(label)s must be a whole number from %(low)d to %(high)d.") % {"label": label, "low": low, "high": high},
            field=field,
        )
    return number


def clean_text(raw, *, field, label, max_length=TEXT_MAX, required=True):
    text = (raw or "").strip() if isinstance(raw, str) or raw is None else None
    if text is None:
        raise InvalidInput(_("%(label)s must be text.") % {"label": label}, field=field)
    if required and not text:
        raise InvalidInput(_("%(label)s is required.") % {"label": label}, field=field)
    if len(text) > max_length:
        raise InvalidInput(
            _("%(label)s is too long (at most %(n)d characters).") % {"label": label, "n": max_length}, field=field
        )
    if "\x00" in text:
        raise InvalidInput(_("Null characters are not allowed."), field=field)
    return text


def clean_rule_fields(*, name, kind, threshold, window, severity, deadline_days, level=None):
    """The checked fields of a rule: the threshold bounded per kind, the window where the kind needs one. The
    one check of a rule's values: the rule services and the proposals of a change (risk.services.rule_changes)
    both ask it."""
    name = clean_text(name, field="name", label=_("The name"), max_length=NAME_MAX)
    kind = _choice(kind, WarningKind, "kind")
    spec = KIND_SPECS[kind]
    if level not in (None, "") and level != spec.level:
        raise InvalidInput(
            _("A rule of this kind watches %(level)s, not %(given)s.")
            % {"level": WarningLevel(spec.level).label, "given": level},
            field="level",
        )
    threshold = _decimal(threshold, "threshold", _("The threshold"))
    if not spec.low <= threshold <= spec.high or (spec.whole and threshold != threshold.to_integral_value()):
        raise InvalidInput(
            (
                _("For this kind the threshold is a whole number from %(low)s to %(high)s.")
                if spec.whole
                else _("For this kind the threshold lies from %(low)s to %(high)s.")
            )
            % {"low": spec.low, "high": spec.high},
            field="threshold",
        )
    if spec.window is None:
        if window not in (None, ""):
            raise InvalidInput(_("This kind of rule compares nothing over time: leave the window empty."), field="window")
    else:
        label = _("The window (days)") if spec.window == DAYS else _("The window (months)")
        window = _integer(window, "window", label, 1, spec.window_max)
    severity = _choice(severity, WarningSeverity, "severity")
    deadline_days = _integer(deadline_days, "deadline_days", _("The deadline (working days)"), 1, MAX_DEADLINE_DAYS)
    return {
        "name": name,
        "kind": kind,
        "level": spec.level,
        "threshold": threshold,
        "window": window if spec.window else None,
        "severity": severity,
        "deadline_days": deadline_days,
    }


def _staff(by):
    return None if by is SYSTEM else staff_of(by)


def _message(message, **params):
    with translation.override(settings.LANGUAGE_CODE):
        return str(message) % params if params else str(message)


# --- rules ---------------------------------------------------------------------------------------------
# Rules change only through an approved proposal (risk.services.rule_changes): these two write the rule row for
# the approval hook and for demo seeding, as SYSTEM (the right `warning_rule.change` refuses every person).
@transaction.atomic
def warning_rule_create(
    *, by, name, kind, threshold, severity, deadline_days=3, window=None, level=None, is_active=True, created_by=None
):
    """Write a new early-warning rule (in force at once): the approval of a proposal, or demo seeding."""
    ensure(by, "warning_rule.change")
    fields = clean_rule_fields(
        name=name, kind=kind, threshold=threshold, window=window, severity=severity, deadline_days=deadline_days, level=level
    )
    return WarningRule.objects.create(**fields, is_active=bool(is_active), created_by=created_by or _staff(by))


@transaction.atomic
def warning_rule_update(*, by, rule, name, kind, threshold, severity, deadline_days, window=None, level=None, is_active=True):
    """Write a rule's new values (the approval of a proposal). The row stays: its open warnings keep their rule
    and the next run judges them by the changed values. A rule with warnings keeps its kind."""
    rule = WarningRule.objects.select_for_update().get(pk=rule.pk)
    ensure(by, "warning_rule.change", rule)
    fields = clean_rule_fields(
        name=name, kind=kind, threshold=threshold, window=window, severity=severity, deadline_days=deadline_days, level=level
    )
    if fields["kind"] != rule.kind and rule.warnings.exists():
        raise Conflict(_("This rule has warnings: its kind cannot change. Set a new rule instead."), field="kind")
    for key, val in fields.items():
        setattr(rule, key, val)
    rule.is_active = bool(is_active)
    rule.save()
    return rule


# --- hits, kind by kind ---------------------------------------------------------------------------
class _Facts:
    """Figures shared by the rules of one run (the customer factors are computed once per day asked)."""

    def __init__(self, as_of):
        self.as_of = as_of
        self._factors = {}

    def factors(self, day):
        if day not in self._factors:
            self._factors[day] = customer_factors(day, tenure=False)  # no rule reads the tenure
        return self._factors[day]

    def shares(self, day):
        """{customer id: overdue share} of an earlier day: only that factor, not all six."""
        if day in self._factors:
            return {cid: f["overdue_share"] for cid, f in self._factors[day].items()}
        if ("shares", day) not in self._factors:
            self._factors[("shares", day)] = customer_overdue_shares(day)
        return self._factors[("shares", day)]


def warning_facts(as_of):
    """The figures one run of the rules shares (for rule_hits)."""
    return _Facts(as_of)


def _above(number, threshold):
    return number is not None and number > threshold


def _factor_hits(facts, field, threshold):
    return {cid: f[field] for cid, f in facts.factors(facts.as_of).items() if _above(f[field], threshold)}


def _share_rise_hits(facts, rule):
    before = facts.shares(facts.as_of - datetime.timedelta(days=rule.window))
    hits = {}
    for cid, f in facts.factors(facts.as_of).items():
        now = f["overdue_share"]
        if now is None:
            continue
        rise = now - (before.get(cid) or 0)
        if rise > rule.threshold:
            hits[cid] = value(rise)
    return hits


def _no_sales_hits(facts, rule):
    as_of = facts.as_of
    rows = (
        Invoice.objects.unscoped()
        .filter(issue_date__lte=as_of, customer__status=CustomerStatus.ACTIVE)
        .filter(Q(cancelled_on__isnull=True) | Q(cancelled_on__gt=as_of))
        .values("customer_id")
        .annotate(last=Max("issue_date"))
        .filter(last__lt=as_of - datetime.timedelta(days=int(rule.threshold)))
    )
    return {row["customer_id"]: Decimal((as_of - row["last"]).days) for row in rows}


def _grade_fall_hits(facts, rule):
    as_of = facts.as_of
    latest = {}
    rows = (
        CustomerGradeChange.objects.unscoped()
        .filter(on__gt=as_of - datetime.timedelta(days=rule.window), on__lte=as_of)
        .order_by("customer_id", "on", "id")
        .values_list("customer_id", "old_grade", "new_grade")
    )
    for cid, old, new in rows:
        latest[cid] = (old, new)  # ordered: the last one of each customer wins
    hits = {}
    for cid, (old, new) in latest.items():
        steps = GRADES.index(new) - GRADES.index(old) if old else 0
        if steps >= rule.threshold or (new in LOW_GRADES and (steps > 0 or not old)):
            hits[cid] = Decimal(max(steps, 0))
    return hits


def _concentration_hits(facts, rule):
    customers = Customer.objects.unscoped().filter(open_balance__gt=0)
    totals = dict(customers.order_by().values("district_id").annotate(t=Sum("open_balance")).values_list("district_id", "t"))
    hits = {}
    for cid, district_id, balance in customers.values_list("id", "district_id", "open_balance"):
        share = value(balance / totals[district_id])
        if share > rule.threshold:
            hits[cid] = share
    return hits


def _last_complete_month(as_of):
    return Period.parse(f"{as_of.year}-{as_of.month:02d}", bounded=False).previous()


def _dso_rise_hits(facts, rule):
    month = _last_complete_month(facts.as_of)
    earlier = month
    for _n in range(rule.window):
        earlier = earlier.previous()
    first = earlier
    for _n in range(2):
        first = first.previous()
    sales, opens = {}, {}
    for district_id, day, invoiced, open_at_end in (
        DistrictMonthFact.objects.unscoped()
        .filter(month__range=(first.start, month.start))
        .values_list("district_id", "month", "invoiced", "open_at_end")
    ):
        sales.setdefault(district_id, {})[day] = invoiced
        opens.setdefault(district_id, {})[day] = open_at_end
    hits = {}
    for district_id in sales:
        now = turnover_figures(month, sales[district_id], opens[district_id])["dso"]
        then = turnover_figures(earlier, sales[district_id], opens[district_id])["dso"]
        if now is not None and then is not None and now - then > rule.threshold:
            hits[district_id] = value(now - then)
    return hits


def _attainment_pace_hits(facts, rule):
    as_of = facts.as_of
    year_days = 366 if calendar.isleap(as_of.year) else 365
    pace = Decimal(as_of.timetuple().tm_yday) / Decimal(year_days)
    targets = dict(
        Target.objects.unscoped()
        .filter(
            metric=Metric.SALES_AMOUNT, period=str(as_of.year), is_current=True, staff__isnull=True, unit__kind=UnitKind.DISTRICT
        )
        .filter(value__gt=0)
        .values_list("unit_id", "value")
    )
    actual = dict(
        DistrictMonthFact.objects.unscoped()
        .filter(district_id__in=list(targets), month__range=(datetime.date(as_of.year, 1, 1), as_of.replace(day=1)))
        .order_by()
        .values("district_id")
        .annotate(s=Sum("invoiced"))
        .values_list("district_id", "s")
    )
    hits = {}
    for district_id, target in targets.items():
        gap = pace - Decimal(actual.get(district_id) or 0) / target
        if gap > rule.threshold:
            hits[district_id] = value(gap)
    return hits


def _channel_pace_hits(facts, rule):
    """Channel expansion (渠道拓展) behind its plan: districts whose year target of new channels (the channel-expansion
    plan's, decomposed to the district) is met by less than the share of the year elapsed minus the threshold.
    A channel is new in the district that holds it on the day it first reached "contracted" (its state history)."""
    as_of = facts.as_of
    year_days = 366 if calendar.isleap(as_of.year) else 365
    pace = Decimal(as_of.timetuple().tm_yday) / Decimal(year_days)
    targets = dict(
        Target.objects.unscoped()
        .filter(
            metric=Metric.NEW_CHANNELS, period=str(as_of.year), is_current=True, staff__isnull=True, unit__kind=UnitKind.DISTRICT
        )
        .filter(value__gt=0)
        .values_list("unit_id", "value")
    )
    first_contracted = (
        ChannelTransition.objects.unscoped()
        .filter(to_state=ChannelState.CONTRACTED, channel__unit_id__in=list(targets))
        .order_by()
        .values("channel_id", "channel__unit_id")
        .annotate(first=Min("on"))
        .filter(first__range=(datetime.date(as_of.year, 1, 1), as_of))
    )
    signed = {}
    for row in first_contracted:
        signed[row["channel__unit_id"]] = signed.get(row["channel__unit_id"], 0) + 1
    hits = {}
    for district_id, target in targets.items():
        gap = pace - Decimal(signed.get(district_id, 0)) / target
        if gap > rule.threshold:
            hits[district_id] = value(gap)
    return hits


def _visits_overdue_hits(facts, rule):
    """Customer visits (客户走访) overdue past the threshold: active customers whose next visit fell due (one visit
    interval of their class after their last done visit, or after they were opened — relations.selectors.visits)
    more than `threshold` days before the run's day; the value is the days overdue."""
    days = overdue_customers(facts.as_of, beyond=int(rule.threshold))
    return {pk: Decimal(n) for pk, n in days.items()}


def _complaint_spike_hits(facts, rule):
    """Complaint spikes (投诉激增): districts where more than `threshold` complaints (product and channel, whatever
    their state) were received in the `window` days up to the run's day (relations' complaints)."""
    as_of = facts.as_of
    counts = (
        Complaint.objects.unscoped()
        .filter(received_on__gt=as_of - datetime.timedelta(days=rule.window), received_on__lte=as_of)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=int(rule.threshold))
    )
    return {row["unit_id"]: Decimal(row["n"]) for row in counts}


def rule_hits(rule, facts):
    """{subject id (a customer's, or a district's for district rules): the value that trips `rule`}."""
    kind = rule.kind
    if kind == WarningKind.OVERDUE_SHARE:
        return _factor_hits(facts, "overdue_share", rule.threshold)
    if kind == WarningKind.DELAY_LENGTHENING:
        return _factor_hits(facts, "delay_trend", rule.threshold)
    if kind == WarningKind.LIMIT_UTILISATION:
        return _factor_hits(facts, "limit_utilisation", rule.threshold)
    if kind == WarningKind.OVERDUE_SHARE_RISE:
        return _share_rise_hits(facts, rule)
    if kind == WarningKind.NO_SALES:
        return _no_sales_hits(facts, rule)
    if kind == WarningKind.GRADE_FALL:
        return _grade_fall_hits(facts, rule)
    if kind == WarningKind.CONCENTRATION:
        return _concentration_hits(facts, rule)
    if kind == WarningKind.DSO_RISE:
        return _dso_rise_hits(facts, rule)
    if kind == WarningKind.ATTAINMENT_PACE:
        return _attainment_pace_hits(facts, rule)
    if kind == WarningKind.CHANNEL_PACE:
        return _channel_pace_hits(facts, rule)
    if kind == WarningKind.VISITS_OVERDUE:
        return _visits_overdue_hits(facts, rule)
    if kind == WarningKind.COMPLAINT_SPIKE:
        return _complaint_spike_hits(facts, rule)
    raise ValueError(f"unknown warning kind {kind!r}")


# --- the run --------------------------------------------------------------------------------------
def warning_owner(*, customer=None, unit=None):
    """(owner, supervisor) of a warning about `customer` (its active salesperson, else its district's
    manager) or about `unit` (its manager); the supervisor is the owner's next manager up."""
    chart = ManagerChart()
    owner = None
    if customer is not None:
        person = customer.salesperson
        if person is not None and person.is_active:
            owner = person
        unit = customer.district
    owner = owner or chart.unit_manager(unit.pk)
    return (owner, chart.supervisor(owner)) if owner is not None else (None, None)


class _Owners:
    """warning_owner for one run, by ids: the org tree's managers read once (workflow.services.ManagerChart),
    so a run that opens a hundred thousand warnings asks the database nothing per warning."""

    def __init__(self):
        self._chart = None

    def ids(self, *, unit_id, person=None):
        """(owner id, supervisor id) for a subject in `unit_id` whose salesperson is `person` — (id, unit id,
        role, is active) or None; (None, None) in an empty company."""
        if self._chart is None:
            self._chart = ManagerChart()
        if person is not None and person[3]:
            owner, owner_unit, role = person[0], person[1], person[2]
        else:
            owner = self._chart.unit_manager_id(unit_id)
            if owner is None:
                return None, None
            manager = self._chart.person(owner)
            owner_unit, role = manager.unit_id, manager.role
        return owner, self._chart.supervisor_id(owner, owner_unit, role)


def _subjects(rule, keys):
    """{subject id: (unit id, salesperson or None)} of the subjects a rule opens warnings for (district rules:
    active districts only)."""
    if rule.level == WarningLevel.CUSTOMER:
        rows = (
            Customer.objects.unscoped()
            .filter(pk__in=keys)
            .values_list(
                "pk", "district_id", "salesperson_id", "salesperson__unit_id", "salesperson__role", "salesperson__is_active"
            )
        )
        return {pk: (district, (person, *rest) if person else None) for pk, district, person, *rest in rows}
    return {pk: (pk, None) for pk in OrgUnit.objects.filter(pk__in=keys, is_active=True).values_list("pk", flat=True)}


def _open_warnings(rule, as_of, hits, subjects, owners):
    """Open a warning of `rule` for each subject ({id: (unit id, salesperson)}) with its hit value, written
    set-wise; each owner is told once: of the warning, or of how many the rule opened for them. Returns the
    count."""
    due_on = add_working_days(as_of, rule.deadline_days)
    customer_level = rule.level == WarningLevel.CUSTOMER
    rows = []
    for pk in sorted(subjects):
        unit_id, person = subjects[pk]
        owner, supervisor = owners.ids(unit_id=unit_id, person=person)
        if owner is None:
            continue  # an empty company: nobody to own it (the next run tries again)
        rows.append((rule.pk, pk if customer_level else None, unit_id, owner, supervisor, rule.severity, hits[pk], as_of, due_on))
    columns = ("rule_id", "customer_id", "unit_id", "owner_id", "supervisor_id", "severity", "value", "opened_on", "due_on")
    ids = insert_rows(Warning, columns, rows)
    by_owner = {}
    for pk, row in zip(ids, rows, strict=True):
        by_owner.setdefault(row[3], []).append(pk)
    singles = {pk for pks in by_owner.values() if len(pks) == 1 for pk in pks}
    for warning in Warning.objects.unscoped().filter(pk__in=singles).select_related("rule", "customer", "unit", "owner__user"):
        _tell(warning, [warning.owner], _("Early warning (%(severity)s): %(rule)s — %(subject)s"), kind=NotificationKind.OTHER)
    many = {owner: len(pks) for owner, pks in by_owner.items() if len(pks) > 1}
    for owner in StaffProfile.objects.unscoped().filter(pk__in=many, user__isnull=False).select_related("user"):
        notify(
            recipients=[owner.user],
            kind=NotificationKind.OTHER,
            title=_message(
                _("%(n)d new early warnings (%(severity)s): %(rule)s"),
                n=many[owner.pk],
                severity=rule.get_severity_display(),
                rule=rule.name,
            ),
            body=_message(_("Due %(due)s."), due=due_on.isoformat()),
            url=f"{reverse('risk:warning_list')}?owner={owner.pk}&open=true",
        )
    return len(ids)


def _tell(warning, people, title, *, kind):
    recipients = [person.user for person in people if person is not None and person.user_id]
    if not recipients:
        return
    notify(
        recipients=recipients,
        kind=kind,
        title=_message(
            title,
            severity=warning.get_severity_display(),
            rule=warning.rule.name,
            subject=warning.subject_name,
        ),
        body=_message(
            _("Value %(value)s; owner %(owner)s; due %(due)s."),
            value=warning.value.normalize(),
            owner=warning.owner.name,
            due=warning.due_on.isoformat(),
        ),
        url=warning.get_absolute_url(),
    )


@transaction.atomic
def warnings_evaluate(*, as_of, by):
    """Run every active rule as of `as_of`: open a warning for each new hit, leave open warnings alone, close
    the open warnings whose subject no longer trips their rule ("condition cleared"). Safe to run twice.
    Returns {"opened": n, "closed": n, "kept": n}."""
    ensure(by, "warning.run")
    facts = warning_facts(as_of)
    owners = _Owners()
    opened = closed = kept = 0
    now = timezone.now()
    for rule in WarningRule.objects.unscoped().filter(is_active=True).order_by("pk"):
        hits = rule_hits(rule, facts)
        customer_level = rule.level == WarningLevel.CUSTOMER
        open_rows = (
            Warning.objects.unscoped()
            .select_for_update()
            .filter(rule=rule, state__in=WARNING_OPEN_STATES)
            .values_list("pk", "customer_id", "unit_id")
        )
        open_subjects = {customer_id if customer_level else unit_id: pk for pk, customer_id, unit_id in open_rows}
        cleared = [pk for key, pk in open_subjects.items() if key not in hits]
        if cleared:
            closed += (
                Warning.objects.unscoped()
                .filter(pk__in=cleared)
                .update(
                    state=WarningState.CLOSED,
                    closed_reason=WarningClosedReason.CLEARED,
                    closed_on=as_of,
                    updated_at=now,
                )
            )
        new = [key for key in hits if key not in open_subjects]
        kept += len(hits) - len(new)
        if not new:
            continue
        opened += _open_warnings(rule, as_of, hits, _subjects(rule, new), owners)
    return {"opened": opened, "closed": closed, "kept": kept}


# --- handling -------------------------------------------------------------------------------------
def _lock(warning):
    return (
        Warning.objects.select_for_update(of=("self",)).select_related("unit", "owner", "supervisor", "rule").get(pk=warning.pk)
    )


def _require_open(warning):
    if warning.state not in WARNING_OPEN_STATES:
        raise Conflict(_("This warning is closed; nothing more can be done to it."))


@transaction.atomic
def warning_acknowledge(*, by, warning):
    """Say the warning was seen and is being looked at (only an open one)."""
    warning = _lock(warning)
    ensure(by, "warning.acknowledge", warning)
    _require_open(warning)
    if warning.state != WarningState.OPEN:
        raise Conflict(_("This warning was already acknowledged."))
    warning.state = WarningState.ACKNOWLEDGED
    warning.acknowledged_at = timezone.now()
    warning.save(update_fields=["state", "acknowledged_at", "updated_at"])
    return warning


@transaction.atomic
def warning_record_action(*, by, warning, action):
    """Record what was done about the warning (acknowledging it on the way)."""
    warning = _lock(warning)
    ensure(by, "warning.act", warning)
    _require_open(warning)
    action = clean_text(action, field="action", label=_("The action taken"))
    now = timezone.now()
    warning.action = f"{warning.action}\n{action}".strip() if warning.action else action
    warning.action_at = now
    if warning.acknowledged_at is None:
        warning.acknowledged_at = now
    warning.state = WarningState.ACTIONED
    warning.save(update_fields=["state", "action", "action_at", "acknowledged_at", "updated_at"])
    return warning


@transaction.atomic
def warning_close(*, by, warning, resolution):
    """Close the warning with its resolution (required: 422 on "resolution" without one)."""
    warning = _lock(warning)
    ensure(by, "warning.close", warning)
    _require_open(warning)
    if not isinstance(resolution, str) or not resolution.strip():
        raise Unprocessable(_("Closing a warning needs its resolution."), field="resolution")
    resolution = clean_text(resolution, field="resolution", label=_("The resolution"))
    warning.state = WarningState.CLOSED
    warning.resolution = resolution
    warning.closed_reason = WarningClosedReason.RESOLVED
    warning.closed_on = timezone.localdate()
    warning.closed_by = _staff(by)
    warning.save(update_fields=["state", "resolution", "closed_reason", "closed_on", "closed_by", "updated_at"])
    return warning


# --- escalation -----------------------------------------------------------------------------------
@transaction.atomic
def warnings_escalate(*, today, by):
    """Escalate every warning past its deadline and not closed one level up: the owner stays, the next manager
    above the last one told (the supervisor, then each manager above) becomes `escalated_to` and is told.
    On working days only, and at most once per working day per warning (`escalated_on`). Returns how many
    warnings escalated."""
    ensure(by, "warning.run")
    if not is_working_day(today):
        return 0
    due = (
        Warning.objects.unscoped()
        .select_for_update(of=("self",))
        .filter(state__in=WARNING_OPEN_STATES, due_on__lt=today)
        .filter(Q(escalated_on__isnull=True) | Q(escalated_on__lt=today))
        .select_related("owner__unit", "supervisor__unit", "escalated_to__unit", "rule", "customer", "unit")
        .order_by("pk")
    )
    count = 0
    for warning in due:
        # The first escalation goes to the supervisor (the owner's next manager up), each later one to the
        # manager above the last one told.
        if warning.escalated_to is not None:
            above = default_supervisor(warning.escalated_to)
        else:
            above = warning.supervisor or default_supervisor(warning.owner)
        if above is None:
            continue  # nobody above the director
        warning.escalated_to = above
        warning.escalation_level += 1
        warning.escalated_on = today
        warning.save(update_fields=["escalated_to", "escalation_level", "escalated_on", "updated_at"])
        _tell(
            warning,
            [above],
            _("Early warning past its deadline (%(severity)s): %(rule)s — %(subject)s"),
            kind=NotificationKind.ESCALATED,
        )
        count += 1
    return count
