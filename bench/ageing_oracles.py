"""Hand-written formulations of the ageing figures (open receivable per child unit and bucket as of a
date), for the harness to time side by side and take the fastest as the oracle of each row.

Every formulation returns {child unit id: {bucket key: Decimal}} (rows with a non-zero bucket only), so
the harness checks they agree with each other and with ours to the cent before timing them.

- `two_aggregates`: what was invoiced and what was allocated, each aggregated per (child unit, bucket)
  with the child unit taken from the district's path — the harness's first oracle.
- `district_pivot`: the same two aggregates grouped by district with one FILTER column per bucket (a hash
  aggregate on a few hundred groups, no sort), the subtree as a semi-join on its district list, and the
  roll-up to the child level done on the district rows.
- `lateral_probe`: each counted invoice probes its allocations (a LATERAL sum on the allocation index):
  work proportional to the subtree's invoices, not to the whole allocation history — for small subtrees.
- `kept`: today only — the open invoices' kept `amount − allocated` (Invoice.allocated), from the
  partial index invoice_open_ageing. Valid only when no posting is dated after the day (checked).
"""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.conf import settings

from core.db_router import read_connection

ZERO = Decimal("0.00")


def _keys():
    return [key for key, _first, _last in settings.AGEING_BUCKETS]


def _conditions(as_of, alias="i"):
    """One SQL condition on the due date per bucket (days past due = as_of − due_date)."""
    conditions = []
    for _key, first, last in settings.AGEING_BUCKETS:
        parts = []
        if last is not None:
            parts.append(f"{alias}.due_date >= DATE '{as_of - timedelta(days=last)}'")
        if first is not None:
            parts.append(f"{alias}.due_date <= DATE '{as_of - timedelta(days=first)}'")
        conditions.append(" AND ".join(parts) or "TRUE")
    return conditions


def _bucket_case(as_of, alias="i"):
    return "CASE " + " ".join(f"WHEN {c} THEN {n}" for n, c in enumerate(_conditions(as_of, alias))) + " END"


COUNTS = "i.issue_date <= %(d)s AND (i.cancelled_on IS NULL OR i.cancelled_on > %(d)s)"
ALLOC_COUNTS = "a.allocated_on <= %(d)s AND (a.reversed_on IS NULL OR a.reversed_on > %(d)s)"
DISTRICTS = "SELECT id FROM regions_orgunit WHERE path LIKE %(prefix)s AND kind = 'district'"


def _child_of_districts(unit, level):
    """{district id: id of its ancestor at path element `level`} for the districts under `unit`."""
    with read_connection().cursor() as cursor:
        cursor.execute(
            "SELECT id, split_part(path, '/', %s)::bigint FROM regions_orgunit WHERE path LIKE %s AND kind = 'district'",
            [level, unit.path + "%"],
        )
        return dict(cursor.fetchall())


def _result(rows_by_district, unit, level):
    """Roll {district id: [amount per bucket]} up to the child level."""
    keys = _keys()
    parents = _child_of_districts(unit, level)
    result = defaultdict(lambda: dict.fromkeys(keys, ZERO))
    for district_id, amounts in rows_by_district:
        target = result[parents[district_id]]
        for key, amount in zip(keys, amounts, strict=True):
            target[key] += amount or ZERO
    return {k: v for k, v in result.items() if any(v.values())}


def two_aggregates(unit, as_of, level):
    bucket = _bucket_case(as_of)
    sql = f"""
        WITH invoiced AS (
            SELECT split_part(u.path, '/', %(level)s)::bigint AS unit_id, {bucket} AS bucket, sum(i.amount) AS amount
            FROM customers_invoice i JOIN regions_orgunit u ON u.id = i.district_id
            WHERE u.path LIKE %(prefix)s AND {COUNTS}
            GROUP BY 1, 2
        ), allocated AS (
            SELECT split_part(u.path, '/', %(level)s)::bigint AS unit_id, {bucket} AS bucket, sum(a.amount) AS amount
            FROM customers_allocation a
            JOIN customers_invoice i ON i.id = a.invoice_id
            JOIN regions_orgunit u ON u.id = i.district_id
            WHERE u.path LIKE %(prefix)s AND {COUNTS} AND {ALLOC_COUNTS}
            GROUP BY 1, 2
        )
        SELECT coalesce(v.unit_id, a.unit_id), coalesce(v.bucket, a.bucket), coalesce(v.amount, 0) - coalesce(a.amount, 0)
        FROM invoiced v FULL JOIN allocated a ON a.unit_id = v.unit_id AND a.bucket = v.bucket
    """
    keys = _keys()
    result = defaultdict(lambda: dict.fromkeys(keys, ZERO))
    with read_connection().cursor() as cursor:
        cursor.execute(sql, {"d": as_of, "level": level, "prefix": unit.path + "%"})
        for unit_id, bucket_no, open_amount in cursor.fetchall():
            result[unit_id][keys[bucket_no]] += open_amount
    return {k: v for k, v in result.items() if any(v.values())}


def district_pivot(unit, as_of, level):
    conditions = _conditions(as_of)
    inv_cols = ", ".join(f"sum(i.amount) FILTER (WHERE {c})" for c in conditions)
    alc_cols = ", ".join(f"sum(a.amount) FILTER (WHERE {c})" for c in conditions)
    n = len(conditions)
    diff = ", ".join(f"coalesce(v.b{k}, 0) - coalesce(a.b{k}, 0)" for k in range(n))
    names = ", ".join(f"b{k}" for k in range(n))
    sql = f"""
        WITH invoiced AS (
            SELECT i.district_id, {inv_cols}
            FROM customers_invoice i WHERE i.district_id IN ({DISTRICTS}) AND {COUNTS}
            GROUP BY 1
        ), allocated AS (
            SELECT i.district_id, {alc_cols}
            FROM customers_allocation a JOIN customers_invoice i ON i.id = a.invoice_id
            WHERE i.district_id IN ({DISTRICTS}) AND {COUNTS} AND {ALLOC_COUNTS}
            GROUP BY 1
        )
        SELECT coalesce(v.district_id, a.district_id), {diff}
        FROM invoiced v (district_id, {names}) FULL JOIN allocated a (district_id, {names}) ON a.district_id = v.district_id
    """
    with read_connection().cursor() as cursor:
        cursor.execute(sql, {"d": as_of, "prefix": unit.path + "%"})
        rows = [(row[0], row[1:]) for row in cursor.fetchall()]
    return _result(rows, unit, level)


def lateral_probe(unit, as_of, level):
    conditions = _conditions(as_of)
    cols = ", ".join(f"sum(i.amount - coalesce(p.total, 0)) FILTER (WHERE {c})" for c in conditions)
    sql = f"""
        SELECT i.district_id, {cols}
        FROM customers_invoice i
        LEFT JOIN LATERAL (
            SELECT sum(a.amount) AS total FROM customers_allocation a WHERE a.invoice_id = i.id AND {ALLOC_COUNTS}
        ) p ON TRUE
        WHERE i.district_id IN ({DISTRICTS}) AND {COUNTS}
        GROUP BY 1
    """
    with read_connection().cursor() as cursor:
        cursor.execute(sql, {"d": as_of, "prefix": unit.path + "%"})
        rows = [(row[0], row[1:]) for row in cursor.fetchall()]
    return _result(rows, unit, level)


def kept(unit, as_of, level):
    with read_connection().cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM customers_allocation WHERE allocated_on > %(d)s OR reversed_on > %(d)s)"
            " OR EXISTS (SELECT 1 FROM customers_invoice WHERE status = 'cancelled' AND cancelled_on > %(d)s)",
            {"d": as_of},
        )
        if cursor.fetchone()[0]:
            raise ValueError(f"postings are dated after {as_of}: the kept figures do not tell that day")
        conditions = _conditions(as_of)
        cols = ", ".join(f"sum(i.amount - i.allocated) FILTER (WHERE {c})" for c in conditions)
        cursor.execute(
            f"SELECT i.district_id, {cols} FROM customers_invoice i "
            f"WHERE i.status = 'open' AND i.issue_date <= %(d)s AND i.district_id IN ({DISTRICTS}) GROUP BY 1",
            {"d": as_of, "prefix": unit.path + "%"},
        )
        rows = [(row[0], row[1:]) for row in cursor.fetchall()]
    return _result(rows, unit, level)


PAST = {"two aggregates": two_aggregates, "district pivot": district_pivot, "LATERAL probe": lateral_probe}
TODAY = {**PAST, "kept (open invoices)": kept}
