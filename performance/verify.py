"""Checks that the monthly summaries agree with the facts (issue 20: summaries = facts; the restore drill runs them
on a restored copy, `manage.py verify_ledger` prints them). Two checks:

- totals per month, recomputed here from the raw invoices and allocations with plain grouped queries: the
  summaries' invoiced, invoice count and collected of each month equal the month's invoices (not cancelled) and
  allocations made in it (not reversed, write-offs excluded);
- rows: every summary row (MonthlyFact, DistrictMonthFact with its open receivable at month end,
  ChannelMonthFact) equals the row a rebuild from the facts writes now — the rebuild runs inside a transaction
  that is rolled back, so the database is left as it was.

`skip_months` leaves out months whose summaries may lawfully lag (a dump of a live system taken less than ten
minutes after a posting: the current and previous months are refreshed every 10 minutes).
"""

from collections import Counter

from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from core.money import ZERO
from customers.choices import InvoiceStatus
from customers.models import COLLECTED, Allocation, Invoice
from customers.verify import Check
from performance.models import ChannelMonthFact, DistrictMonthFact, MonthlyFact
from performance.services import summaries_rebuild


def _month(value):
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def check_summary_totals(skip_months=()):
    check = Check("summary_totals", "summaries' invoiced, invoices and collected per month = the invoices and allocations")
    skip = set(skip_months)
    facts = {}
    invoices = (
        Invoice.objects.unscoped()
        .exclude(status=InvoiceStatus.CANCELLED)
        .annotate(m=TruncMonth("issue_date"))
        .order_by()
        .values("m")
        .annotate(s=Sum("amount"), n=Count("pk"))
    )
    for row in invoices:
        facts.setdefault(_month(row["m"]), [ZERO, 0, ZERO])[:2] = [row["s"], row["n"]]
    collected = (
        Allocation.objects.unscoped()
        .filter(COLLECTED, reversed_on__isnull=True)
        .annotate(m=TruncMonth("allocated_on"))
        .order_by()
        .values("m")
        .annotate(s=Sum("amount"))
    )
    for row in collected:
        facts.setdefault(_month(row["m"]), [ZERO, 0, ZERO])[2] = row["s"]
    summaries = {
        row["month"]: [row["s"] or ZERO, row["n"] or 0, row["c"] or ZERO]
        for row in MonthlyFact.objects.unscoped()
        .order_by()
        .values("month")
        .annotate(s=Sum("invoiced"), n=Sum("invoice_count"), c=Sum("collected"))
    }
    for month in sorted(set(facts) | set(summaries)):
        if month in skip:
            continue
        check.rows += 1
        fact, summary = facts.get(month, [ZERO, 0, ZERO]), summaries.get(month, [ZERO, 0, ZERO])
        if fact != summary:
            check.add(f"{month:%Y-%m}: facts {fact}, summaries {summary}")
    return check


_ROW_FIELDS = {
    MonthlyFact: [
        "month",
        "district_id",
        "salesperson_id",
        "product_id",
        "invoiced",
        "invoice_count",
        "collected",
        "new_customers",
        "new_channels",
    ],
    DistrictMonthFact: [
        "month",
        "district_id",
        "invoiced",
        "invoice_count",
        "collected",
        "new_customers",
        "new_channels",
        "open_at_end",
    ],
    ChannelMonthFact: None,  # every field but the id
}


def _snapshot(skip):
    rows = {}
    for model, fields in _ROW_FIELDS.items():
        fields = fields or [f.attname for f in model._meta.concrete_fields if not f.primary_key]
        values = model.objects.unscoped().order_by().values_list(*fields)
        rows[model] = Counter(row for row in values if row[0] not in skip)
    return rows


def check_summary_rows(skip_months=()):
    check = Check("summary_rows", "every summary row = the row a rebuild from the facts writes (rolled back)")
    skip = set(skip_months)
    with transaction.atomic():
        stored = _snapshot(skip)
        summaries_rebuild()
        rebuilt = _snapshot(skip)
        transaction.set_rollback(True)
    for model in _ROW_FIELDS:
        check.rows += sum(stored[model].values())
        name = model._meta.model_name
        for row in sorted((stored[model] - rebuilt[model]).elements(), key=str):
            check.add(f"{name}: stored but not from the facts {row}")
        for row in sorted((rebuilt[model] - stored[model]).elements(), key=str):
            check.add(f"{name}: from the facts but not stored {row}")
    return check


def summary_checks(skip_months=()):
    return [check_summary_totals(skip_months), check_summary_rows(skip_months)]
