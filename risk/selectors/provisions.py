"""Reads of the provisions for doubtful debts (坏账准备, 账龄分析法): the policy's rates per ageing bucket, and
the provision of any unit as of any month end with its movement from the month end before."""

from decimal import Decimal

from customers.selectors import ageing_buckets


def provision_policy_rows(rates):
    """[{key, label, rate}] of a policy's rates in the order of the company's ageing buckets (a bucket the
    policy has no rate for shows None)."""
    rates = rates or {}
    return [
        {"key": bucket.key, "label": bucket.label, "rate": Decimal(rates[bucket.key]) if bucket.key in rates else None}
        for bucket in ageing_buckets()
    ]
