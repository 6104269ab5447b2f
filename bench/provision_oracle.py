"""The hand-written SQL of the provision for doubtful debts (坏账准备) of a unit's subtree as of a date, per
child unit: every counted invoice weighted by the rate of its ageing bucket on that date, minus its counted
allocations weighted the same way (one UNION ALL), summed per (district, customer), rounded to the cent per
customer (ROUND on numeric: half away from zero, the rule of core.money for amounts ≥ 0), then summed per child
unit of the district's path. Returns {child unit id: provision} for the children with a provision."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection


def _rate_case(as_of, rates, alias="i"):
    whens = []
    for key, first, last in settings.AGEING_BUCKETS:
        parts = []
        if last is not None:
            parts.append(f"{alias}.due_date >= DATE '{as_of - timedelta(days=last)}'")
        if first is not None:
            parts.append(f"{alias}.due_date <= DATE '{as_of - timedelta(days=first)}'")
        whens.append(f"WHEN {' AND '.join(parts) or 'TRUE'} THEN {Decimal(rates[key])}")
    return "CASE " + " ".join(whens) + " ELSE 0 END"


COUNTS = "i.issue_date <= %(d)s AND (i.cancelled_on IS NULL OR i.cancelled_on > %(d)s)"
ALLOC_COUNTS = "a.allocated_on <= %(d)s AND (a.reversed_on IS NULL OR a.reversed_on > %(d)s)"


def provision_oracle(unit, as_of, level, rates):
    rate = _rate_case(as_of, rates)
    sql = f"""
        WITH districts AS (
            SELECT id, split_part(path, '/', %(level)s)::bigint AS unit_id
              FROM regions_orgunit WHERE path LIKE %(prefix)s AND kind = 'district'
        ), weighted AS (
            SELECT i.district_id, i.customer_id, i.amount * ({rate}) AS w
              FROM customers_invoice i
             WHERE {COUNTS} AND i.district_id IN (SELECT id FROM districts)
            UNION ALL
            SELECT i.district_id, i.customer_id, -a.amount * ({rate}) AS w
              FROM customers_allocation a JOIN customers_invoice i ON i.id = a.invoice_id
             WHERE {ALLOC_COUNTS} AND {COUNTS} AND i.district_id IN (SELECT id FROM districts)
        ), per_customer AS (
            SELECT district_id, round(sum(w) / 100, 2) AS provision FROM weighted GROUP BY district_id, customer_id
        )
        SELECT d.unit_id, sum(c.provision) FROM per_customer c JOIN districts d ON d.id = c.district_id GROUP BY d.unit_id
    """  # noqa: S608 — the rates and dates are the policy's Decimals and computed dates, not input
    with connection.cursor() as cursor:
        cursor.execute(sql, {"d": as_of, "level": level, "prefix": unit.path + "%"})
        return {unit_id: amount for unit_id, amount in cursor.fetchall() if amount}
