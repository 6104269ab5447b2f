"""The hand-written SQL of the provision for doubtful debts (坏账准备) of a unit's subtree as of a date, per
child unit: every counted invoice weighted by the rate of its ageing bucket on that date, minus its counted
allocations weighted the same way (one UNION ALL), summed per (district, customer), rounded to the cent per
customer (ROUND on numeric: half away from zero, the rule of core.money for amounts ≥ 0), then summed per child
unit of the district's path. Returns {child unit id: provision} for the children with a provision.

FORMULATIONS holds the hand-written ways to the same figures (the harness times each and takes the fastest as the
oracle): the union above with the subtree as a semi-join on its districts, the same with the invoices joined to
their district's row by path prefix, and two aggregates per (district, customer) — invoices weighted, allocations
weighted — joined afterwards instead of one union."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings

from core.db_router import read_connection


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
    """The union, the subtree as a semi-join on its districts."""
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
    return _run(sql, unit, as_of, level)


def _run(sql, unit, as_of, level):
    with read_connection().cursor() as cursor:
        cursor.execute(sql, {"d": as_of, "level": level, "prefix": unit.path + "%"})
        return {unit_id: amount for unit_id, amount in cursor.fetchall() if amount}


def provision_oracle_join(unit, as_of, level, rates):
    """The union, each invoice joined to its district's row and filtered by path prefix."""
    rate = _rate_case(as_of, rates)
    sql = f"""
        WITH weighted AS (
            SELECT i.district_id, i.customer_id, i.amount * ({rate}) AS w
              FROM customers_invoice i JOIN regions_orgunit u ON u.id = i.district_id
             WHERE {COUNTS} AND u.path LIKE %(prefix)s
            UNION ALL
            SELECT i.district_id, i.customer_id, -a.amount * ({rate}) AS w
              FROM customers_allocation a JOIN customers_invoice i ON i.id = a.invoice_id
              JOIN regions_orgunit u ON u.id = i.district_id
             WHERE {ALLOC_COUNTS} AND {COUNTS} AND u.path LIKE %(prefix)s
        ), per_customer AS (
            SELECT district_id, round(sum(w) / 100, 2) AS provision FROM weighted GROUP BY district_id, customer_id
        )
        SELECT split_part(u.path, '/', %(level)s)::bigint, sum(c.provision)
          FROM per_customer c JOIN regions_orgunit u ON u.id = c.district_id GROUP BY 1
    """  # noqa: S608 — as above
    return _run(sql, unit, as_of, level)


def provision_oracle_two_aggregates(unit, as_of, level, rates):
    """Invoices weighted per (district, customer), allocations weighted per (district, customer), then joined."""
    rate = _rate_case(as_of, rates)
    sql = f"""
        WITH districts AS (
            SELECT id, split_part(path, '/', %(level)s)::bigint AS unit_id
              FROM regions_orgunit WHERE path LIKE %(prefix)s AND kind = 'district'
        ), invoiced AS (
            SELECT i.district_id, i.customer_id, sum(i.amount * ({rate})) AS w
              FROM customers_invoice i
             WHERE {COUNTS} AND i.district_id IN (SELECT id FROM districts)
             GROUP BY 1, 2
        ), allocated AS (
            SELECT i.district_id, i.customer_id, sum(a.amount * ({rate})) AS w
              FROM customers_allocation a JOIN customers_invoice i ON i.id = a.invoice_id
             WHERE {ALLOC_COUNTS} AND {COUNTS} AND i.district_id IN (SELECT id FROM districts)
             GROUP BY 1, 2
        )
        SELECT d.unit_id, sum(round((v.w - coalesce(p.w, 0)) / 100, 2))
          FROM invoiced v LEFT JOIN allocated p USING (district_id, customer_id)
          JOIN districts d ON d.id = v.district_id
         GROUP BY d.unit_id
    """  # noqa: S608 — as above
    return _run(sql, unit, as_of, level)


FORMULATIONS = {
    "union, districts semi-join": provision_oracle,
    "union, joined by path": provision_oracle_join,
    "two aggregates joined": provision_oracle_two_aggregates,
}
