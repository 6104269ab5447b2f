"""Writes to customers, sales and receivables: the ledger.

Every posting is atomic and keyword-only. The money rules, written down once:

- amounts are Decimal CNY with at most two decimals; a line amount is money(quantity × unit price);
- an invoice counts from its issue date until its cancellation date;
- an allocation counts from its `allocated_on` until its `reversed_on` (a payment's reversal ends all of
  its allocations on that date), so the receivable "as of" any date can always be reproduced;
- open receivable = invoiced − allocated, for any set of invoices and any date, exactly.

Locks, always taken in this order so that two postings never deadlock: the customer row, then the
payment, then the invoices (by id). Locking the customer serialises every money posting of one
customer, which is what keeps the credit check and oldest-due-first allocation race-free.

The package has one module per subject: `customers` (archives), `products` (catalogue and prices),
`invoices` (one and a batch), `payments` (and their allocations), `credit` (applying a customer's
credit), `collections` (collection plans); `inputs` checks the services' input and `ledger` holds what
every posting shares (the customer's lock, open balances, invoices' open amounts). Callers import from
the package: `from customers.services import invoice_record`.
"""

from customers.services.collections import collection_plan_create, collection_plan_follow_up
from customers.services.credit import credit_auto_apply, customer_credit_apply
from customers.services.customers import CUSTOMER_TEXT_FIELDS, CUSTOMER_UPDATABLE, customer_create, customer_update
from customers.services.inputs import CREDIT_CODE_TAKEN, EXTERNAL_ID_TAKEN, MONEY_LIMIT, MONEY_OUTPUT
from customers.services.invoices import (
    SELLING_CHANNEL_STATES,
    BatchInvalid,
    BatchInvoiceResult,
    InvoiceResult,
    channel_model,
    invoice_cancel,
    invoice_record,
    invoice_record_many,
    invoice_update,
)
from customers.services.ledger import exposures, open_balances_refresh
from customers.services.payments import (
    payment_allocations_differ,
    payment_reallocate,
    payment_record,
    payment_reverse,
    payment_update,
)
from customers.services.products import PRODUCT_TEXT_FIELDS, product_create, product_price_add, product_price_on, product_update

__all__ = [
    "CREDIT_CODE_TAKEN",
    "CUSTOMER_TEXT_FIELDS",
    "CUSTOMER_UPDATABLE",
    "EXTERNAL_ID_TAKEN",
    "MONEY_LIMIT",
    "MONEY_OUTPUT",
    "PRODUCT_TEXT_FIELDS",
    "BatchInvalid",
    "BatchInvoiceResult",
    "InvoiceResult",
    "collection_plan_create",
    "collection_plan_follow_up",
    "credit_auto_apply",
    "customer_create",
    "customer_credit_apply",
    "customer_update",
    "exposures",
    "invoice_cancel",
    "invoice_record",
    "invoice_record_many",
    "SELLING_CHANNEL_STATES",
    "channel_model",
    "invoice_update",
    "open_balances_refresh",
    "payment_allocations_differ",
    "payment_reallocate",
    "payment_record",
    "payment_reverse",
    "payment_update",
    "product_create",
    "product_price_add",
    "product_price_on",
    "product_update",
]
