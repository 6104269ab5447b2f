"""An independent, row-by-row computation of each customer's first invoice — the fact that makes a
customer "new" (plans.selectors.first_invoices) — for the tests' oracles to hold the metric against."""

from customers.models import Invoice


def first_invoices():
    """{customer id: the customer's first invoice not cancelled (earliest issue date, then id)}."""
    first = {}
    for invoice in Invoice.objects.unscoped().select_related("district").order_by():
        if invoice.status == "cancelled" or invoice.cancelled_on is not None:
            continue
        current = first.get(invoice.customer_id)
        if current is None or (invoice.issue_date, invoice.pk) < (current.issue_date, current.pk):
            first[invoice.customer_id] = invoice
    return first
