"""Choices of the dashboard app.

The ageing buckets are not defined here: they are the ageing page's (customers.selectors.ageing_buckets,
from settings.AGEING_BUCKETS) — one list of buckets, so the dashboard's chart and table and the ageing page
it links to always show the same columns with the same labels. Read at call time (not import time), so the
snapshot, the dashboard and the ageing page follow the same setting.
"""

from django.core.exceptions import ImproperlyConfigured

from customers.selectors import ageing_buckets


def buckets():
    """The ageing page's default buckets (customers.selectors.Bucket: key, first, last, label).

    The dashboard's overdue share (overdue ÷ open) needs the first bucket to be "not due" (up to 0 days):
    another first bucket would mix due and overdue amounts, so it is refused loudly."""
    result = ageing_buckets()
    if result[0].last != 0:
        raise ImproperlyConfigured(
            "AGEING_BUCKETS must start with the not-due bucket (None, 0): the dashboard's overdue share needs it."
        )
    return result


def bucket_days():
    """[(key, first day, last day)] as customers.selectors.ageing takes them."""
    return [(b.key, b.first, b.last) for b in buckets()]


def bucket_choices():
    """The snapshot models' choices (a callable: a changed setting needs no migration)."""
    return [(b.key, b.label) for b in buckets()]


def not_due_key():
    return buckets()[0].key


def overdue_keys():
    return [b.key for b in buckets()[1:]]
