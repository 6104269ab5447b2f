"""Reads of receivables: balances, summaries, ageing and collection progress, as of any date.

Everything is aggregated in the database (one query per figure, whatever the number of invoices) and
works the same on SQLite and PostgreSQL. The definitions, as of a date D:

- an invoice counts if it was issued on or before D and not cancelled on or before D;
- an allocation counts if it was made on or before D and not reversed on or before D;
- open = invoiced − allocated, over the invoices that count (their counting allocations), exactly.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case, DecimalField, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Round
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import check_supported_date
from core.errors import InvalidInput
from core.money import ZERO, money
from core.scoping import scope_of
from customers.choices import InvoiceStatus, PaymentStatus
from customers.models import COLLECTED, Allocation, CollectionPlanLine, Customer, Invoice, Payment
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile

MONEY = DecimalField(max_digits=18, decimal_places=2)
# Keeps bucket boundaries inside the calendar (date arithmetic beyond year 1 or 9999 overflows).
MAX_BUCKET_DAYS = 36500


def _zero():
    return Value(ZERO, output_field=MONEY)


def _as_of(as_of):
    if as_of is None:
        return timezone.localdate()
    if isinstance(as_of, datetime.datetime) or not isinstance(as_of, datetime.date):
        raise InvalidInput(_("Enter a valid date (YYYY-MM-DD)."), field="as_of")
    # Bucket boundaries are as_of minus days: a date outside the supported range could leave the calendar.
    return check_supported_date(as_of, field="as_of")


def invoice_counts_on(as_of, prefix=""):
    """Q: the invoice is part of the receivable on `as_of` (issued, not yet cancelled)."""
    return Q(**{f"{prefix}issue_date__lte": as_of}) & (
        Q(**{f"{prefix}cancelled_on__isnull": True}) | Q(**{f"{prefix}cancelled_on__gt": as_of})
    )


def allocation_counts_on(as_of):
    """Q: the allocation reduces the receivable on `as_of` (made, not yet reversed)."""
    return Q(allocated_on__lte=as_of) & (Q(reversed_on__isnull=True) | Q(reversed_on__gt=as_of))


def _allocated_subquery(as_of):
    """The amount allocated to the outer invoice as of a date, as a correlated scalar subquery."""
    allocated = (
        Allocation.objects.filter(allocation_counts_on(as_of), invoice=OuterRef("pk"))
        .order_by()
        .values("invoice")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(allocated, output_field=MONEY), _zero(), output_field=MONEY)


def with_open_amount(invoices, *, as_of=None):
    """Annotate invoices with `allocated_amount` and `open_amount` as of a date (None: today).
    Invoices that do not count on that date keep their annotation but open nothing in reports."""
    as_of = _as_of(as_of)
    return invoices.annotate(allocated_amount=_allocated_subquery(as_of)).annotate(
        open_amount=F("amount") - F("allocated_amount")
    )


def receivable_summary(*, scope_qs, as_of):
    """{invoiced, allocated, open} of an already scoped Invoice queryset as of a date, in one query."""
    as_of = _as_of(as_of)
    totals = (
        scope_qs.filter(invoice_counts_on(as_of))
        .order_by()
        .annotate(allocated_amount=_allocated_subquery(as_of))
        .aggregate(
            invoiced=Coalesce(Sum("amount"), _zero(), output_field=MONEY),
            allocated=Coalesce(Sum("allocated_amount"), _zero(), output_field=MONEY),
        )
    )
    invoiced, allocated = money(totals["invoiced"]), money(totals["allocated"])
    return {"invoiced": invoiced, "allocated": allocated, "open": invoiced - allocated}


def customer_balance(*, customer, as_of=None):
    """A customer's {invoiced, allocated, open, credit} as of a date (None: today). Credit is what the
    customer has paid and is not yet allocated to an invoice."""
    as_of = _as_of(as_of)
    summary = receivable_summary(scope_qs=Invoice.objects.filter(customer=customer), as_of=as_of)
    paid = Payment.objects.filter(
        Q(reversed_on__isnull=True) | Q(reversed_on__gt=as_of), customer=customer, received_on__lte=as_of
    ).aggregate(total=Coalesce(Sum("amount"), _zero(), output_field=MONEY))["total"]
    used = Allocation.objects.filter(allocation_counts_on(as_of), payment__customer=customer).aggregate(
        total=Coalesce(Sum("amount"), _zero(), output_field=MONEY)
    )["total"]
    return {**summary, "credit": money(paid) - money(used)}


def with_credit(customers):
    """Annotate customers with `credit`: what they have paid (posted payments) and is allocated to no
    invoice now — the over-payments that customer_credit_apply can still apply. Two correlated sums per
    customer, on the payments' customer index: cheap for a page, not meant for the whole company."""
    paid = (
        Payment.objects.filter(customer=OuterRef("pk"), status=PaymentStatus.POSTED)
        .order_by()
        .values("customer")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    used = (
        Allocation.objects.filter(
            payment__customer=OuterRef("pk"), payment__status=PaymentStatus.POSTED, reversed_on__isnull=True
        )
        .order_by()
        .values("payment__customer")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return customers.annotate(
        credit=Coalesce(Subquery(paid, output_field=MONEY), _zero(), output_field=MONEY)
        - Coalesce(Subquery(used, output_field=MONEY), _zero(), output_field=MONEY)
    )


# ------------------------------------------------------------------------------------------- ageing


@dataclass(frozen=True)
class Bucket:
    """Days past due from `first` to `last` (None: open-ended); 0 or fewer days is "not due"."""

    key: str
    first: int | None
    last: int | None

    @property
    def label(self):
        if self.first is None:
            return _("Not due") if self.last == 0 else _("Up to %(last)d days") % {"last": self.last}
        if self.last is None:
            return _("Over %(days)d days") % {"days": self.first - 1}
        return _("%(first)d–%(last)d days") % {"first": self.first, "last": self.last}


def ageing_buckets(buckets=None):
    """Buckets from (key, first, last) triples (default settings.AGEING_BUCKETS), checked to cover every
    number of days exactly once, so that the buckets of a row always add up to its total."""
    raw = settings.AGEING_BUCKETS if buckets is None else buckets
    try:
        result = [Bucket(str(key), first, last) for key, first, last in raw]
    except (TypeError, ValueError):
        raise InvalidInput(_("Buckets are (key, first day, last day) triples."), field="buckets") from None
    problem = None
    if not result:
        problem = _("Give at least one bucket.")
    elif len({b.key for b in result}) != len(result):
        problem = _("Bucket keys must differ.")
    elif result[0].first is not None or result[-1].last is not None:
        problem = _("The first bucket must start open-ended and the last one end open-ended.")
    else:
        for before, after in zip(result, result[1:], strict=False):
            bounds = (before.last, after.first)
            if any(not isinstance(b, int) or isinstance(b, bool) or abs(b) > MAX_BUCKET_DAYS for b in bounds):
                problem = _("Bucket boundaries are whole numbers of days up to %(max)d.") % {"max": MAX_BUCKET_DAYS}
            elif after.first != before.last + 1 or (after.last is not None and after.last < after.first):
                problem = _("Buckets must follow each other without gaps or overlaps.")
            if problem:
                break
    if problem:
        raise InvalidInput(problem, field="buckets")
    return result


def buckets_from_days(text):
    """Buckets from their upper limits in days past due, as a user types them: "30,60,90" gives
    not due, 1–30, 31–60, 61–90 and over 90 days."""
    try:
        days = [int(part) for part in str(text).split(",") if part.strip()]
    except ValueError:
        days = None
    if not days or days != sorted(set(days)) or days[0] < 1 or days[-1] > MAX_BUCKET_DAYS:
        raise InvalidInput(
            _("Give the bucket limits as increasing whole numbers of days past due, e.g. 30,60,90."), field="buckets"
        )
    triples, previous = [("not_due", None, 0)], 0
    for limit in days:
        triples.append((f"d{previous + 1}_{limit}", previous + 1, limit))
        previous = limit
    triples.append((f"over_{previous}", previous + 1, None))
    return triples


# The bucket sets the ageing page offers besides the company's standard one (settings.AGEING_BUCKETS), as upper
# limits in days past due (what buckets_from_days reads, and what `?buckets=` of a link or the API carries).
AGEING_BUCKET_PRESETS = ("30,60,90", "30,60,90,180", "90,180,365")


def bucket_limits(buckets):
    """The "30,60,90" text of a bucket set: the upper limits of its overdue buckets."""
    return ",".join(str(bucket.last) for bucket in buckets if bucket.last is not None and bucket.last > 0)


def ageing_bucket_choices():
    """(value, label) of the bucket sets to choose from, each labelled by its buckets ("未到期 / 1–30 天 / …"):
    the standard one first (the empty value), then the presets that differ from it."""
    standard = ageing_buckets()
    names = lambda buckets: " / ".join(str(bucket.label) for bucket in buckets)  # noqa: E731
    choices = [("", _("Standard: %(buckets)s") % {"buckets": names(standard)})]
    for text in AGEING_BUCKET_PRESETS:
        if text != bucket_limits(standard):
            choices.append((text, names(ageing_buckets(buckets_from_days(text)))))
    return choices


def _bucket_condition(bucket, as_of, prefix=""):
    """Days past due = as_of − due_date, so `first ≤ days ≤ last` is `as_of − last ≤ due_date ≤ as_of − first`."""
    condition = Q()
    if bucket.last is not None:
        condition &= Q(**{f"{prefix}due_date__gte": as_of - datetime.timedelta(days=bucket.last)})
    if bucket.first is not None:
        condition &= Q(**{f"{prefix}due_date__lte": as_of - datetime.timedelta(days=bucket.first)})
    return condition


GROUP_FIELDS = {
    "region": "district__parent__parent_id",
    "province": "district__parent_id",
    "district": "district_id",
    "salesperson": "salesperson_id",
    "customer": "customer_id",
    "invoice": "id",
}
CHILD_LEVEL = {
    UnitKind.CENTER: "region",
    UnitKind.REGION: "province",
    UnitKind.PROVINCE: "district",
    UnitKind.DISTRICT: "salesperson",
}


@dataclass
class AgeingReport:
    """Open receivables as of a date, per group, split into ageing buckets.

    rows: [{key, label, buckets: {bucket key: Decimal}, total: Decimal}], largest total first;
    totals: the same shape for all rows together (key None).
    """

    as_of: datetime.date
    group_by: str
    buckets: list
    rows: list
    totals: dict
    unit: OrgUnit | None = None
    extra: dict = field(default_factory=dict)


def _labels(group_by, keys):
    """{key: (label, code)}: the code is what a branch system names the row by — the unit's code, the
    salesperson's employee number, the customer's or the invoice's external id."""
    keys = [key for key in keys if key is not None]
    if group_by in ("region", "province", "district"):
        return {pk: (unit.display_name, unit.code) for pk, unit in OrgUnit.objects.in_bulk(keys).items()}
    if group_by == "salesperson":
        rows = StaffProfile.objects.filter(pk__in=keys).values_list("pk", "name", "employee_no")
    elif group_by == "customer":
        rows = Customer.objects.filter(pk__in=keys).values_list("pk", "name", "external_id")
    else:
        invoices = Invoice.objects.only("id", "number", "external_id").in_bulk(keys)
        return {pk: (str(invoice), invoice.external_id) for pk, invoice in invoices.items()}
    return {pk: (label, code) for pk, label, code in rows}


# The column each level groups on. Region and province roll up from districts in Python (at most a few
# hundred rows), which keeps the SQL free of joins up the tree.
GROUP_COLUMN = {
    "region": "district_id",
    "province": "district_id",
    "district": "district_id",
    "salesperson": "salesperson_id",
    "customer": "customer_id",
    "invoice": "id",
}


def _roll_up(group_by, keys):
    """District id → region or province id (identity for other levels)."""
    if group_by not in ("region", "province"):
        return {key: key for key in keys}
    column = "parent__parent_id" if group_by == "region" else "parent_id"
    return dict(OrgUnit.objects.filter(pk__in=[k for k in keys if k is not None]).values_list("pk", column))


def _fact_cells(invoices, allocations, as_of, pivot, column):
    """{(group key, bucket no): open amount} as of any date, from the facts: what was invoiced per
    (group, bucket) minus what was allocated to those same invoices per (group, bucket)."""
    counted = invoices.filter(invoice_counts_on(as_of)).order_by()
    if allocations is None:
        allocations = Allocation.objects.filter(invoice__in=counted.values("pk"))
    else:
        allocations = allocations.filter(invoice_counts_on(as_of, prefix="invoice__"))
    cells = pivot(counted, column, F("amount"))
    allocated = pivot(allocations.filter(allocation_counts_on(as_of)).order_by(), f"invoice__{column}", F("amount"), "invoice__")
    for key, amount in allocated.items():
        cells[key] = cells.get(key, ZERO) - amount
    return cells


def changed_after(as_of):
    """Ids of the invoices whose kept figures (status, Invoice.allocated) do not tell their state on
    `as_of`: something dated after it already happened to them — an allocation made or reversed after
    `as_of`, or a cancellation after it (postings may be dated a few days ahead, core.dates). For today
    these are a handful; each index read is small (a BRIN range of the newest allocations on PostgreSQL,
    the partial indexes of reversed allocations and of cancelled invoices)."""
    ids = set(
        Allocation.objects.filter(Q(allocated_on__gt=as_of) | Q(reversed_on__gt=as_of)).values_list("invoice_id", flat=True)
    )
    ids.update(Invoice.objects.filter(status=InvoiceStatus.CANCELLED, cancelled_on__gt=as_of).values_list("pk", flat=True))
    return ids


def _kept_cells(invoices, allocations, as_of, pivot, column):
    """The same cells for today (or later) from the figures the postings keep: the open invoices'
    `amount − allocated`, read from one partial index (invoice_open_ageing), plus, computed from the facts,
    the few invoices something dated later already happened to (changed_after). Equal to _fact_cells to
    the cent (tests/customers/test_kept_ageing.py) and independent of the length of the history."""
    later = changed_after(as_of)
    kept = invoices.filter(status=InvoiceStatus.OPEN, issue_date__lte=as_of).order_by()
    if later:
        kept = kept.exclude(pk__in=sorted(later))
    cells = pivot(kept, column, F("amount") - F("allocated"))
    if later:
        touched = invoices.filter(pk__in=sorted(later))
        touched_allocations = None if allocations is None else allocations.filter(invoice_id__in=sorted(later))
        for key, amount in _fact_cells(touched, touched_allocations, as_of, pivot, column).items():
            cells[key] = cells.get(key, ZERO) + amount
    return cells


def with_open_today(customers):
    """Annotate customers with `open_receivable` today, for a page of them: each row reads its open
    invoices' kept `amount − allocated` (the invoice_open_by_customer index, which covers them) — the
    same work whatever the length of the customer's history — and, for the few customers something dated
    after today already happened to (changed_after), their changed invoices from the facts."""
    today = timezone.localdate()
    later = sorted(changed_after(today))
    kept = Invoice.objects.filter(customer=OuterRef("pk"), status=InvoiceStatus.OPEN, issue_date__lte=today)
    if later:
        kept = kept.exclude(pk__in=later)
    kept = kept.order_by().values("customer").annotate(total=Sum(F("amount") - F("allocated"), output_field=MONEY))
    # Rounded to the cent in the database: SQLite sums decimals as floats (0.01 came back as 0.00999999999999979
    # once write-offs left cents open); on PostgreSQL numeric it changes nothing.
    figure = Coalesce(Subquery(kept.values("total"), output_field=MONEY), _zero(), output_field=MONEY)
    if not later:
        return customers.annotate(open_receivable=Round(figure, 2, output_field=MONEY))
    changed = Invoice.objects.filter(invoice_counts_on(today), pk__in=later, customer=OuterRef("pk")).order_by()
    invoiced = changed.values("customer").annotate(total=Sum("amount")).values("total")
    allocated = (
        Allocation.objects.filter(
            allocation_counts_on(today),
            invoice_counts_on(today, prefix="invoice__"),
            invoice_id__in=later,
            invoice__customer=OuterRef("pk"),
        )
        .order_by()
        .values("invoice__customer")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    exact = Coalesce(Subquery(invoiced, output_field=MONEY), _zero(), output_field=MONEY) - Coalesce(
        Subquery(allocated, output_field=MONEY), _zero(), output_field=MONEY
    )
    owners = sorted(set(Invoice.objects.filter(pk__in=later).values_list("customer_id", flat=True)))
    exact_today = figure + Case(When(pk__in=owners, then=exact), default=_zero(), output_field=MONEY)
    return customers.annotate(open_receivable=Round(exact_today, 2, output_field=MONEY))


def ageing(*, invoices, as_of, group_by, buckets=None, allocations=None):
    """Ageing of an already scoped Invoice queryset as of a date, grouped by region, province, district,
    salesperson, customer or invoice.

    Two grouped aggregates — what was invoiced per (group, bucket), and what was allocated to those same
    invoices per (group, bucket) — subtracted per cell. A sum of differences is the difference of the
    sums, so the figures are exact, and the database does two hash aggregations instead of one
    allocation look-up per invoice (which does not scale to millions of invoices).

    `allocations`, if given, is an Allocation queryset scoped exactly like `invoices` (through the
    invoice); it lets the database join instead of testing each allocation against the invoice set.

    As of today (the ageing a manager opens every day) the same cells come from the figures the postings
    keep instead (_kept_cells): the work is then the open invoices', not the whole history's.
    """
    if group_by not in GROUP_FIELDS:
        raise InvalidInput(
            _("Group by one of: %(choices)s.") % {"choices": ", ".join(GROUP_FIELDS)},
            field="by",
        )
    as_of = _as_of(as_of)
    bucket_list = ageing_buckets(buckets)
    column = GROUP_COLUMN[group_by]

    def pivot(queryset, key, amount, prefix=""):
        """{(group key, bucket no): sum} with one FILTERed sum per bucket: one row per group, so the
        database hashes a few hundred groups instead of sorting groups × buckets."""
        sums = {
            f"b{i}": Sum(amount, filter=_bucket_condition(bucket, as_of, prefix), output_field=MONEY)
            for i, bucket in enumerate(bucket_list)
        }
        cells = {}
        for row in queryset.values(key).annotate(**sums):
            for i in range(len(bucket_list)):
                if row[f"b{i}"] is not None:
                    cells[(row[key], i)] = money(row[f"b{i}"])
        return cells

    if as_of >= timezone.localdate():
        cells = _kept_cells(invoices, allocations, as_of, pivot, column)
    else:
        cells = _fact_cells(invoices, allocations, as_of, pivot, column)
    parents = _roll_up(group_by, {key for key, _bucket in cells})
    by_key = {}
    for (key, bucket_no), amount in cells.items():
        amounts = by_key.setdefault(parents.get(key, key), {bucket.key: ZERO for bucket in bucket_list})
        amounts[bucket_list[bucket_no].key] += amount
    rows = []
    grand = {bucket.key: ZERO for bucket in bucket_list}
    for key, amounts in by_key.items():
        if not any(amounts.values()):
            continue
        rows.append({"key": key, "label": "", "buckets": amounts, "total": sum(amounts.values(), ZERO)})
        for bucket_key, value in amounts.items():
            grand[bucket_key] += value
    labels = _labels(group_by, [row["key"] for row in rows])
    for row in rows:
        label, row["code"] = labels.get(row["key"], (None, None))
        row["label"] = label or (_("No salesperson") if row["key"] is None else str(row["key"]))
    rows.sort(key=lambda row: (-row["total"], row["label"], str(row["key"])))
    totals = {"key": None, "code": None, "label": _("Total"), "buckets": grand, "total": sum(grand.values(), ZERO)}
    return AgeingReport(as_of=as_of, group_by=group_by, buckets=bucket_list, rows=rows, totals=totals)


def _default_unit(user):
    scope = scope_of(user)
    if scope.everything:
        return OrgUnit.objects.get(kind=UnitKind.CENTER)
    if scope.path is None:
        return None
    return OrgUnit.objects.get(path=scope.path)


def ageing_for_unit(*, user, unit=None, as_of=None, by="child", buckets=None):
    """Ageing of a unit's subtree as the user sees it. `by="child"` groups one level down
    (center → region → province → district → salesperson); `by` may also name a level directly
    (region, province, district, salesperson, customer, invoice). Without a unit: the user's own."""
    if unit is None:
        unit = _default_unit(user)
    invoices = Invoice.objects.for_user(user)
    allocations = Allocation.objects.for_user(user)
    if unit is None:
        invoices, allocations = invoices.none(), allocations.none()
        group_by = "salesperson" if by == "child" else by
    else:
        invoices = invoices.filter(district__path__startswith=unit.path)
        allocations = allocations.filter(invoice__district__path__startswith=unit.path)
        group_by = CHILD_LEVEL[UnitKind(unit.kind)] if by == "child" else by
    report = ageing(invoices=invoices, allocations=allocations, as_of=as_of, group_by=group_by, buckets=buckets)
    report.unit = unit
    return report


# --------------------------------------------------------------------------------- collection plans


def collection_plan_progress(*, plan, as_of=None):
    """Planned against collected for a collection plan, as of a date (None: today).

    Collected = allocations (still counting on `as_of`) to the plan's invoice — or, for a plan on the
    whole customer, to any of the customer's invoices — made from the day the plan was created.
    """
    as_of = _as_of(as_of)
    lines = CollectionPlanLine.objects.filter(plan=plan).aggregate(
        planned_total=Coalesce(Sum("amount"), _zero(), output_field=MONEY),
        planned_to_date=Coalesce(Sum("amount", filter=Q(due_on__lte=as_of)), _zero(), output_field=MONEY),
    )
    started = timezone.localdate(plan.created_at)
    allocations = Allocation.objects.filter(COLLECTED, allocation_counts_on(as_of), allocated_on__gte=started)
    if plan.invoice_id:
        allocations = allocations.filter(invoice_id=plan.invoice_id)
    else:
        allocations = allocations.filter(invoice__customer_id=plan.customer_id)
    collected = money(allocations.aggregate(total=Coalesce(Sum("amount"), _zero(), output_field=MONEY))["total"])
    planned_to_date = money(lines["planned_to_date"])
    return {
        "as_of": as_of,
        "planned_total": money(lines["planned_total"]),
        "planned_to_date": planned_to_date,
        "collected": collected,
        "shortfall": max(planned_to_date - collected, ZERO),
    }


def bucket_condition(bucket, as_of, prefix=""):
    """Q: the invoice (through `prefix`) falls in `bucket` of the ageing as of `as_of` — for readers that weigh
    the ageing's buckets (risk's provisions for doubtful debts)."""
    return _bucket_condition(bucket, as_of, prefix)
