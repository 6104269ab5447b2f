"""Reads of the provisions for doubtful debts (坏账准备, 账龄分析法): the policy's rates per ageing bucket, and
the provision of any unit as of any month end with its movement from the month end before."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Case, DecimalField, ExpressionWrapper, F, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidInput
from core.money import ZERO, money
from core.periods import MONTH, Period, parse_input
from core.scoping import Scope
from customers.models import Allocation, Customer, Invoice
from customers.selectors import (
    MONEY,
    ageing,
    ageing_buckets,
    allocation_counts_on,
    bucket_condition,
    invoice_counts_on,
)
from regions.choices import UnitKind
from regions.models import OrgUnit
from risk.choices import SchemeState
from risk.models import ProvisionPolicy

HUNDRED = Decimal("100")


def provision_policy_rows(rates):
    """[{key, label, rate}] of a policy's rates in the order of the company's ageing buckets (a bucket the
    policy has no rate for shows None)."""
    rates = rates or {}
    return [
        {"key": bucket.key, "label": bucket.label, "rate": Decimal(rates[bucket.key]) if bucket.key in rates else None}
        for bucket in ageing_buckets()
    ]


# ------------------------------------------------------------------------------------------ provision

# The provision of one customer is rounded to the cent (half up) once, from the exact sum over its open amounts
# of every bucket × the bucket's rate; a unit's provision is the sum of its customers' — so every level adds up
# to the cent, and the company's figure equals the sum of its regions'.
RATE_FIELD = DecimalField(max_digits=7, decimal_places=2)
WEIGHTED = DecimalField(max_digits=30, decimal_places=4)


def _rate_case(buckets, rates, as_of, prefix=""):
    """The rate (%) of the bucket the invoice falls in as of `as_of`."""
    whens = [
        When(bucket_condition(bucket, as_of, prefix), then=Value(Decimal(rates.get(bucket.key) or 0), output_field=RATE_FIELD))
        for bucket in buckets
    ]
    return Case(*whens, default=Value(Decimal(0), output_field=RATE_FIELD), output_field=RATE_FIELD)


def provision_cells(*, invoices, allocations, as_of, rates):
    """{(district id, customer id): (open, provision)} as of `as_of` for already scoped invoices and their
    allocations (scoped the same way, through the invoice), exactly like the ageing (customers.selectors):
    what was invoiced per (district, customer) minus what was allocated to those invoices by then, each
    weighted by the rate of the invoice's bucket on that date — two grouped aggregates in the database, whatever
    the number of invoices. The provision is rounded per customer (and district, for a customer whose invoices
    lie in two districts)."""
    buckets = ageing_buckets()
    invoiced = (
        invoices.filter(invoice_counts_on(as_of))
        .order_by()
        .values_list("district_id", "customer_id")
        .annotate(
            open=Sum("amount", output_field=MONEY),
            weighted=Sum(F("amount") * _rate_case(buckets, rates, as_of), output_field=WEIGHTED),
        )
    )
    allocated = (
        allocations.filter(allocation_counts_on(as_of), invoice_counts_on(as_of, prefix="invoice__"))
        .order_by()
        .values_list("invoice__district_id", "invoice__customer_id")
        .annotate(
            open=Sum("amount", output_field=MONEY),
            weighted=Sum(F("amount") * _rate_case(buckets, rates, as_of, "invoice__"), output_field=WEIGHTED),
        )
    )
    sums = {}
    for district, customer, amount, weighted in invoiced:
        sums[(district, customer)] = [money(amount), Decimal(weighted)]
    for district, customer, amount, weighted in allocated:
        cell = sums.setdefault((district, customer), [ZERO, Decimal(0)])
        cell[0] -= money(amount)
        cell[1] -= Decimal(weighted)
    cells = {}
    for key, (amount, weighted) in sums.items():
        provision = money(weighted / HUNDRED)
        if amount or provision:
            cells[key] = (amount, provision)
    return cells


def provision_by_bucket(*, invoices, allocations, as_of, rates):
    """[{key, label, rate, open}] of the ageing as of `as_of` with the policy's rate of each bucket (what the
    page shows above the rows; the provision itself is rounded per customer, provision_cells)."""
    buckets = ageing_buckets()
    report = ageing(invoices=invoices, allocations=allocations, as_of=as_of, group_by="district", buckets=None)
    return [
        {
            "key": bucket.key,
            "label": bucket.label,
            "rate": Decimal(rates.get(bucket.key) or 0),
            "open": report.totals["buckets"][bucket.key],
        }
        for bucket in buckets
    ]


def month_end_of(month):
    """The last day of a month (a Period)."""
    return month.end


@dataclass
class ProvisionReport:
    """The provision for doubtful debts of a unit as of a month end and its movement since the month end
    before: rows one level down (regions, provinces, districts, or a district's customers), each
    {key, kind, label, code, open, opening, closing, change}, and their totals (opening + change = closing)."""

    unit: OrgUnit | None
    month: Period
    as_of: datetime.date
    opening_as_of: datetime.date
    policy: ProvisionPolicy | None
    level: str
    rows: list = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    buckets: list = field(default_factory=list)


CHILD_KIND = {
    UnitKind.CENTER: "region",
    UnitKind.REGION: "province",
    UnitKind.PROVINCE: "district",
    UnitKind.DISTRICT: "customer",
}


def _scoped_ledger(user, unit):
    invoices = Invoice.objects.for_user(user)
    allocations = Allocation.objects.for_user(user)
    if unit is None:
        return invoices.none(), allocations.none()
    return (
        invoices.filter(district__path__startswith=unit.path),
        allocations.filter(invoice__district__path__startswith=unit.path),
    )


def _group(cells, unit, level):
    """{row key: {open, provision}} one level below `unit`: customers of a district, else the child unit each
    district lies under (found by path)."""
    grouped = {}
    if level == "customer":
        keyof = {key: key[1] for key in cells}
    else:
        children = list(OrgUnit.objects.filter(parent=unit).values_list("pk", "path"))
        paths = dict(OrgUnit.objects.filter(pk__in={district for district, _customer in cells}).values_list("pk", "path"))
        keyof = {}
        for key in cells:
            path = paths.get(key[0], "")
            keyof[key] = next((pk for pk, child in children if path.startswith(child)), None)
    for key, (amount, provision) in cells.items():
        row = grouped.setdefault(keyof[key], {"open": ZERO, "provision": ZERO})
        row["open"] += amount
        row["provision"] += provision
    return grouped


def _labels(level, keys):
    keys = [key for key in keys if key is not None]
    if level == "customer":
        rows = Customer.objects.filter(pk__in=keys).values_list("pk", "name", "external_id")
        return {pk: (name, code) for pk, name, code in rows}
    return {pk: (unit.display_name, unit.code) for pk, unit in OrgUnit.objects.in_bulk(keys).items()}


def provision_by_district_sql(*, invoices, allocations, as_of, rates):
    """PostgreSQL: {(district id, None): (open, provision)} — provision_cells summed per district in the database.
    The same two sets (counted invoices weighted by their bucket's rate, minus their counted allocations weighted
    the same way), built by the ORM from the scoped querysets, in one statement: summed per (district, customer),
    rounded per customer (ROUND on numeric is half away from zero, core.money's rule), summed per district. Only
    the districts' rows leave the database, not the customers'."""
    buckets = ageing_buckets()
    rows = (
        invoices.filter(invoice_counts_on(as_of))
        .order_by()
        .annotate(
            d=F("district_id"),
            c=F("customer_id"),
            o=F("amount"),
            w=ExpressionWrapper(F("amount") * _rate_case(buckets, rates, as_of), output_field=WEIGHTED),
        )
        .values_list("d", "c", "o", "w")
    )
    paid = (
        allocations.filter(allocation_counts_on(as_of), invoice_counts_on(as_of, prefix="invoice__"))
        .order_by()
        .annotate(
            d=F("invoice__district_id"),
            c=F("invoice__customer_id"),
            o=ExpressionWrapper(-F("amount"), output_field=MONEY),
            w=ExpressionWrapper(-F("amount") * _rate_case(buckets, rates, as_of, "invoice__"), output_field=WEIGHTED),
        )
        .values_list("d", "c", "o", "w")
    )
    rows_sql, rows_params = rows.query.sql_with_params()
    paid_sql, paid_params = paid.query.sql_with_params()
    sql = f"""
        SELECT d, sum(o), sum(p) FROM (
            SELECT d, c, sum(o) AS o, round(sum(w) / 100, 2) AS p
              FROM (({rows_sql}) UNION ALL ({paid_sql})) AS x (d, c, o, w)
             GROUP BY d, c
        ) AS per_customer GROUP BY d
    """  # noqa: S608 — composed of the ORM's own SQL; every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [*rows_params, *paid_params])
        return {(d, None): (money(amount), money(provision)) for d, amount, provision in cursor.fetchall() if amount or provision}


def provision_by_child(*, user, unit, as_of, policy):
    """{row key: {open, provision}} of `unit`'s subtree as the user sees it as of a date, one level down (child
    units, or a district's customers; None: invoices of districts no longer under a child). Above a district on
    PostgreSQL the customers are summed in the database (provision_by_district_sql); elsewhere provision_cells."""
    invoices, allocations = _scoped_ledger(user, unit)
    level = "customer" if unit is None else CHILD_KIND[UnitKind(unit.kind)]
    if level != "customer" and connection.vendor == "postgresql":
        cells = provision_by_district_sql(invoices=invoices, allocations=allocations, as_of=as_of, rates=policy.rates)
    else:
        cells = provision_cells(invoices=invoices, allocations=allocations, as_of=as_of, rates=policy.rates)
    return _group(cells, unit, level)


def provision_report(*, user, unit, month, policy=None):
    """The provision of `unit` (as the user sees it) as of the end of `month` (a Period of kind month) and of
    the month before, by the policy in force (or `policy`); no policy → no rows, the report says so."""
    if policy is None:
        policy = ProvisionPolicy.objects.unscoped().filter(state=SchemeState.APPROVED).first()
    as_of = month_end_of(month)
    opening_as_of = month_end_of(month.previous())
    level = "customer" if unit is None else CHILD_KIND[UnitKind(unit.kind)]
    report = ProvisionReport(unit=unit, month=month, as_of=as_of, opening_as_of=opening_as_of, policy=policy, level=level)
    zero = {"open": ZERO, "opening": ZERO, "closing": ZERO, "change": ZERO}
    report.totals = {"key": None, "label": _("Total"), "code": None, **zero}
    if policy is None:
        return report
    invoices, allocations = _scoped_ledger(user, unit)
    closing = provision_by_child(user=user, unit=unit, as_of=as_of, policy=policy)
    opening = provision_by_child(user=user, unit=unit, as_of=opening_as_of, policy=policy)
    labels = _labels(level, set(closing) | set(opening))
    for key in set(closing) | set(opening):
        now = closing.get(key, {"open": ZERO, "provision": ZERO})
        before = opening.get(key, {"open": ZERO, "provision": ZERO})
        label, code = labels.get(key, (None, None))
        row = {
            "key": key,
            "kind": level,
            "label": label or (_("Elsewhere") if key is None else str(key)),
            "code": code,
            "open": now["open"],
            "opening": before["provision"],
            "closing": now["provision"],
            "change": now["provision"] - before["provision"],
        }
        report.rows.append(row)
        for name in ("open", "opening", "closing", "change"):
            report.totals[name] += row[name]
    report.rows.sort(key=lambda row: (-row["closing"], -row["open"], row["label"], str(row["key"])))
    report.buckets = provision_by_bucket(invoices=invoices, allocations=allocations, as_of=as_of, rates=policy.rates)
    return report


def provision_total(*, user, unit, as_of, policy=None):
    """The provision of `unit`'s subtree (as the user sees it) as of a date: the sum of its customers'."""
    if policy is None:
        policy = ProvisionPolicy.objects.unscoped().filter(state=SchemeState.APPROVED).first()
    if policy is None:
        return None
    invoices, allocations = _scoped_ledger(user, unit)
    cells = provision_cells(invoices=invoices, allocations=allocations, as_of=as_of, rates=policy.rates)
    return sum((provision for _amount, provision in cells.values()), ZERO)


def parse_month(text, *, field="month", today=None):
    """A month "YYYY-MM" from input (None or empty: the last complete month); a month not yet begun, or a year
    or quarter, is refused naming `field`."""
    today = today or timezone.localdate()
    if text in (None, ""):
        return Period.of(today, MONTH).previous()
    period = parse_input(text, field=field, begun=True, today=today)
    if period.kind != MONTH:
        raise InvalidInput(_("Give a month as YYYY-MM, e.g. 2026-07."), field=field)
    return period


def provision_section(unit, period):
    """The monthly business report's section: the provision of the report's unit and of each unit one level
    down as of the last day of the period's last month, and its movement from the month end before — read as
    the unit's own scope (a report is built for its unit, not for a person). JSON-able (Decimals as strings)."""
    month = period if period.kind == MONTH else period.months()[-1]
    report = provision_report(user=Scope(path=unit.path), unit=unit, month=month)
    figures = ("open", "opening", "change", "closing")
    return {
        "month": str(report.month),
        "as_of": report.as_of.isoformat(),
        "opening_as_of": report.opening_as_of.isoformat(),
        "policy": {"name": report.policy.name, "version": report.policy.version} if report.policy else None,
        "head": {name: str(report.totals[name]) for name in figures},
        "rows": [
            {"key": row["key"], "code": row["code"], "name": row["label"], **{name: str(row[name]) for name in figures}}
            for row in report.rows
        ],
    }
