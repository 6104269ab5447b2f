"""The customer rating as one set-wise pass on PostgreSQL: the factors, the banded scores and the grade of the
scheme in force computed in the database, the changes of grade and the new ratings written with INSERT … SELECT
— nothing of the 400,000 rows travels to Python. The same definitions as risk.factors and risk.scoring (the
values rounded half up to 4 places, the total to 2, the grade by its range); the tests run both paths (this one
on PostgreSQL, risk.factors + risk.scoring on SQLite) against the same hand computations, and the demo test
checks every stored grade against risk.scoring on either database."""

from django.db import connection

from customers.selectors import changed_after
from risk.choices import ChangeReason
from risk.factors import months_before, open_sums_sql

# Each customer factor from the per-customer sums (o: open figures, f: first invoice, l: payment delays).
VALUES = {
    "overdue_share": "CASE WHEN o.total > 0 THEN round(o.overdue / o.total, 4) END",
    "days_beyond_terms": "CASE WHEN o.total > 0 THEN CASE WHEN o.overdue > 0 THEN round(o.overdue_days / o.overdue, 4) ELSE 0 END END",
    "oldest_overdue": "CASE WHEN o.total > 0 THEN coalesce(o.oldest, 0) END",
    "delay_trend": "CASE WHEN l.recent_amount > 0 AND l.earlier_amount > 0 THEN "
    "round(round(l.recent_days / l.recent_amount, 4) - round(l.earlier_days / l.earlier_amount, 4), 4) END",
    "limit_utilisation": "CASE WHEN c.credit_limit > 0 THEN round(coalesce(o.total, 0) / c.credit_limit, 4) END",
    "tenure": "CASE WHEN f.first IS NOT NULL THEN "
    "extract(year FROM age(%(d)s::date, f.first)) * 12 + extract(month FROM age(%(d)s::date, f.first)) END",
}


def _number(value):
    """A scheme's number as a SQL literal: Decimals the scheme's checks bounded (risk.scoring)."""
    return format(value, "f") if hasattr(value, "is_finite") else str(float(value)) if isinstance(value, float) else str(value)


def _band(column, factor):
    bands = sorted(factor.bands, key=lambda b: float(b["from"]), reverse=True)
    whens = " ".join(f"WHEN v.{column} >= {b['from']} THEN {b['score']}" for b in bands[:-1])
    return f"(CASE WHEN v.{column} IS NULL THEN {_number(factor.if_missing)} {whens} ELSE {bands[-1]['score']} END)"


def rate_customers(*, scheme, as_of, overrides, fields):
    """Replace every customer's rating as of `as_of` by `scheme`; `overrides` {customer id: override in force}.
    Returns (rated, changed)."""
    later = changed_after(as_of)
    kept = open_sums_sql("customer_id", kept=True, skip=later)
    parts = [kept] + ([open_sums_sql("customer_id", only=later)] if later else [])
    score = " + ".join(f"{_number(f.weight)} / 100.0 * {_band(f.factor, f)}" for f in scheme.factors.all())
    ranges = sorted(scheme.grades, key=lambda g: float(g["from"]), reverse=True)
    grade = "CASE " + " ".join(f"WHEN s.score >= {g['from']} THEN '{g['grade']}'" for g in ranges[:-1])
    grade += f" ELSE '{ranges[-1]['grade']}' END"
    in_force = ", ".join(f"({int(owner)}, '{o.grade}', {int(o.pk)})" for owner, o in overrides.items())
    columns = ", ".join(fields)
    params = {"d": as_of, "recent": months_before(as_of, 3), "earlier": months_before(as_of, 9), "scheme": scheme.pk}
    # One temporary table holds each customer's values, score, grades and its rating before the run; the
    # changes and the new ratings are written from it (no second pass over the old ratings).
    statements = [
        f"""CREATE TEMP TABLE risk_rate_new ON COMMIT DROP AS
        WITH o AS (
            SELECT owner, sum(total) AS total, sum(overdue) AS overdue, sum(overdue_days) AS overdue_days, max(oldest) AS oldest
            FROM ({" UNION ALL ".join(parts)}) u GROUP BY owner
        ), f AS (
            SELECT i.customer_id, min(i.issue_date) AS first FROM customers_invoice i
            WHERE i.issue_date <= %(d)s AND (i.cancelled_on IS NULL OR i.cancelled_on > %(d)s) GROUP BY 1
        ), l AS (
            SELECT i.customer_id,
                   sum(a.amount * greatest(a.allocated_on - i.due_date, 0)) FILTER (WHERE a.allocated_on > %(recent)s) AS recent_days,
                   sum(a.amount) FILTER (WHERE a.allocated_on > %(recent)s) AS recent_amount,
                   sum(a.amount * greatest(a.allocated_on - i.due_date, 0)) FILTER (WHERE a.allocated_on <= %(recent)s) AS earlier_days,
                   sum(a.amount) FILTER (WHERE a.allocated_on <= %(recent)s) AS earlier_amount
            FROM customers_allocation a JOIN customers_invoice i ON i.id = a.invoice_id
            WHERE a.allocated_on > %(earlier)s AND a.allocated_on <= %(d)s AND (a.reversed_on IS NULL OR a.reversed_on > %(d)s)
              AND a.origin <> 'write_off'
            GROUP BY 1
        ), v AS (
            SELECT c.id AS owner, {", ".join(f"{VALUES[name]} AS {name}" for name in fields)}
            FROM customers_customer c LEFT JOIN o ON o.owner = c.id LEFT JOIN f ON f.customer_id = c.id
            LEFT JOIN l ON l.customer_id = c.id
        ), s AS (
            SELECT v.*, round({score}, 2) AS score FROM v
        )
        SELECT s.*, {grade} AS computed, coalesce(ov.grade, {grade}) AS grade, ov.id AS override_id,
               r.grade AS old_grade, r.since AS old_since, r.override_id AS old_override
        FROM s LEFT JOIN (VALUES {in_force or "(NULL::bigint, NULL::text, NULL::bigint)"}) ov(owner, grade, id) ON ov.owner = s.owner
        LEFT JOIN risk_customerrating r ON r.customer_id = s.owner""",
        f"""INSERT INTO risk_customergradechange (customer_id, "on", old_grade, new_grade, score, scheme_id, reason, {columns})
        SELECT n.owner, %(d)s, coalesce(n.old_grade, ''), n.grade, n.score, %(scheme)s,
               CASE WHEN n.override_id IS NOT NULL AND n.override_id IS DISTINCT FROM n.old_override THEN '{ChangeReason.OVERRIDE}'
                    WHEN n.override_id IS NULL AND n.old_override IS NOT NULL THEN '{ChangeReason.OVERRIDE_ENDED}'
                    ELSE '{ChangeReason.RATED}' END,
               {", ".join(f"n.{name}" for name in fields)}
        FROM risk_rate_new n WHERE n.old_grade IS DISTINCT FROM n.grade""",
        # Every customer is rated, so each current rating is updated in place (or added): no delete of 400,000
        # rows before their replacement (a rating of a deleted customer went with it).
        f"""INSERT INTO risk_customerrating (customer_id, scheme_id, score, grade, computed_grade, override_id, rated_on, since, {columns})
        SELECT n.owner, %(scheme)s, n.score, n.grade, n.computed, n.override_id, %(d)s,
               CASE WHEN n.old_grade = n.grade THEN n.old_since ELSE %(d)s::date END, {", ".join(f"n.{name}" for name in fields)}
        FROM risk_rate_new n
        ON CONFLICT (customer_id) DO UPDATE SET
            {", ".join(f"{name} = excluded.{name}" for name in ("scheme_id", "score", "grade", "computed_grade", "override_id", "rated_on", "since", *fields))}""",
    ]
    counts = []
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, params)
            counts.append(cursor.rowcount)
        cursor.execute("DROP TABLE risk_rate_new")
    return counts[-1], counts[1]
