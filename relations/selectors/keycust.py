"""Reads of key customers and their plans: the key-customer list, a plan's pages, and the actual figures a
quarterly review sets against each objective — summed by the database from the customer's ledger.

The figures follow the company's definitions (performance.models, MonthFact):
- sales: invoices of the customer issued in the window and not cancelled (a cancelled invoice counts nowhere);
- collections: allocations of payments to the customer's invoices made in the window, not reversed, write-offs
  excluded (customers.models.COLLECTED) — money received that nothing is allocated to yet is credit, not a
  collection;
- sales of a product: the lines of that product on those invoices;
- products bought: the distinct products on those invoices' lines.
"""

from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum

from core.periods import Period
from customers.choices import InvoiceStatus
from customers.models import COLLECTED, Allocation, Customer, Invoice, InvoiceLine
from relations.models.keycust import KeyCustomerDecision, ObjectiveMetric

ZERO = Decimal("0.00")


def key_customers(user):
    """The customers in `user`'s scope that are key customers now or ever were (they have a decision)."""
    decided = KeyCustomerDecision.objects.filter(customer=OuterRef("pk"))
    return Customer.objects.for_user(user).filter(Q(is_key=True) | Exists(decided))


def latest_decision_is_key():
    """A subquery for Customer: what the customer's latest key-customer decision says (True/False), None without one."""
    decisions = KeyCustomerDecision.objects.filter(customer=OuterRef("pk")).order_by("-created_at", "-id")
    return Subquery(decisions.values("is_key")[:1])


def flag_has_decision(is_key, decision_is_key):
    """True when a customer's key flag is what the latest decision on record says (`decision_is_key`: None without
    a decision). False when the flag was set — or cleared — without one: the customers' master data still comes
    from the branch systems (customers' API, bulk upsert and import accept `is_key`), and customers flagged before
    decisions were recorded have none."""
    return decision_is_key is not None and decision_is_key == is_key


def decided_q():
    """Customers annotated with `latest_decision_is_key` whose flag has a decision on record."""
    return Q(latest_decision_is_key=F("is_key"))


def objective_actual(objective, first, last):
    """The actual figure of `objective`'s metric for its plan's customer over `first … last` (inclusive), as a
    Decimal; None for a metric the ledger does not hold (`manual`) and ZERO for an empty window."""
    if last < first:
        return ZERO
    customer_id = objective.plan.customer_id
    metric = objective.metric
    if metric == ObjectiveMetric.SALES:
        rows = Invoice.objects.unscoped().filter(customer_id=customer_id, issue_date__range=(first, last))
        total = rows.exclude(status=InvoiceStatus.CANCELLED).aggregate(total=Sum("amount"))["total"]
    elif metric == ObjectiveMetric.COLLECTIONS:
        rows = Allocation.objects.unscoped().filter(
            COLLECTED, invoice__customer_id=customer_id, allocated_on__range=(first, last), reversed_on__isnull=True
        )
        total = rows.aggregate(total=Sum("amount"))["total"]
    elif metric in (ObjectiveMetric.PRODUCT_SALES, ObjectiveMetric.PRODUCTS_HELD):
        lines = InvoiceLine.objects.filter(invoice__customer_id=customer_id, invoice__issue_date__range=(first, last)).exclude(
            invoice__status=InvoiceStatus.CANCELLED
        )
        if metric == ObjectiveMetric.PRODUCT_SALES:
            total = lines.filter(product_id=objective.product_id).aggregate(total=Sum("amount"))["total"]
        else:
            total = Decimal(lines.aggregate(n=Count("product_id", distinct=True))["n"])
    else:
        return None
    return Decimal(total or 0).quantize(Decimal("0.01"))


def review_figures(objective, period):
    """(actual in the quarter, actual to date) of `objective` for the quarter `period`: the quarter cut to the
    objective's window, and from the objective's start to the quarter's end (or its due day, if earlier). For
    products bought, "to date" counts distinct products over the whole stretch (not a sum of quarters)."""
    period = Period.parse(period, bounded=False)
    start, due = objective.starts_on, objective.due_on
    in_quarter = objective_actual(objective, max(start, period.start), min(due, period.end))
    to_date = objective_actual(objective, start, min(due, period.end))
    return in_quarter, to_date
