"""Checks that the figures the ledger keeps agree with the ledger itself (issue 20: the restore drill runs them on
a restored copy; `manage.py verify_ledger` prints them). Each check returns a Check: its name, how many rows
disagree and a few of them as examples. Read-only; each is one or a few grouped queries (batched by customers for
the open balances), so they run on the full data set.

- open balances = ledger: each customer's kept `open_balance` equals its open invoices minus their live
  allocations (`customers.services.exposures`, the recomputation the tests hold the postings to);
- invoices' kept `allocated` equals their live allocations (what today's ageing reads);
- no invoice is allocated beyond its amount;
- district sums = customers: each district's kept total (DistrictOpenBalance, kept by a trigger on PostgreSQL)
  equals the sum of its customers' open balances.
"""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Sum

from core.money import ZERO
from customers.models import Customer, DistrictOpenBalance
from customers.services import exposures

EXAMPLES = 5
BATCH = 5000


@dataclass
class Check:
    name: str
    description: str
    mismatches: int = 0
    examples: list = field(default_factory=list)
    skipped: str = ""
    rows: int = 0  # rows compared

    def add(self, example):
        self.mismatches += 1
        if len(self.examples) < EXAMPLES:
            self.examples.append(example)

    @property
    def ok(self):
        return self.mismatches == 0


def check_open_balances():
    check = Check("open_balances", "customers' open_balance = open invoices − live allocations, per customer")
    ids = list(Customer.objects.unscoped().order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        kept = dict(Customer.objects.unscoped().filter(pk__in=batch).values_list("pk", "open_balance"))
        for pk, ledger in exposures(batch).items():
            check.rows += 1
            if kept[pk] != ledger:
                check.add(f"customer {pk}: kept {kept[pk]}, ledger {ledger}")
    return check


def _rows(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def check_invoice_allocated():
    check = Check("invoice_allocated", "invoices' allocated = their live allocations")
    rows = _rows(
        "SELECT i.id, i.allocated, coalesce(a.s, 0) FROM customers_invoice i LEFT JOIN (SELECT invoice_id, sum(amount) s "
        "FROM customers_allocation WHERE reversed_on IS NULL GROUP BY invoice_id) a ON a.invoice_id = i.id "
        "WHERE i.allocated <> coalesce(a.s, 0) ORDER BY i.id"
    )
    check.rows = _rows("SELECT count(*) FROM customers_invoice")[0][0]
    for pk, kept, live in rows:
        check.add(f"invoice {pk}: allocated {kept}, live allocations {live}")
    return check


def check_over_allocation():
    check = Check("over_allocation", "no invoice allocated beyond its amount")
    rows = _rows(
        "SELECT i.id, i.amount, a.s FROM customers_invoice i JOIN (SELECT invoice_id, sum(amount) s FROM customers_allocation "
        "WHERE reversed_on IS NULL GROUP BY invoice_id) a ON a.invoice_id = i.id WHERE a.s > i.amount ORDER BY i.id"
    )
    check.rows = _rows("SELECT count(DISTINCT invoice_id) FROM customers_allocation")[0][0]
    for pk, amount, allocated in rows:
        check.add(f"invoice {pk}: amount {amount}, allocated {allocated}")
    return check


def check_district_sums():
    check = Check("district_sums", "districts' kept open receivable = the sum of their customers' open balances")
    if connection.vendor != "postgresql":
        check.skipped = "kept by a PostgreSQL trigger only"
        return check
    customers = dict(
        Customer.objects.unscoped()
        .order_by()
        .values("district_id")
        .annotate(s=Sum("open_balance"))
        .values_list("district_id", "s")
    )
    kept = dict(DistrictOpenBalance.objects.unscoped().values_list("district_id", "open_balance"))
    for district in sorted(set(customers) | set(kept)):
        check.rows += 1
        # A district with nothing owed may have no row (or a row at zero).
        if kept.get(district, ZERO) != (customers.get(district) or ZERO):
            check.add(f"district {district}: kept {kept.get(district, ZERO)}, customers {customers.get(district) or ZERO}")
    return check


def ledger_checks():
    return [check_open_balances(), check_invoice_allocated(), check_over_allocation(), check_district_sums()]
