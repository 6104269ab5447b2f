"""Hand-written SQL for the credit rating of every customer (bench row "rating all customers"): the factors,
the banded scores, the weighted total and the grade in one statement into a temporary table, then the same
writes as the job (the changes of grade, the current ratings) — the oracle for risk.services.rate. For today only, from the kept figures of the open invoices (the rating job's
own case); refused (ValueError) when postings dated after today touched invoices, which it does not handle."""

from django.db import connection

from customers.selectors import changed_after
from risk.factors import months_before

# Each factor's value as of %(d)s, rounded as risk.factors rounds (4 places, half away from zero = half up
# for the non-negative ratios; the delay trend's two averages are rounded before they are subtracted).
VALUES = {
    "overdue_share": "CASE WHEN o.total > 0 THEN round(o.overdue / o.total, 4) END",
    "days_beyond_terms": "CASE WHEN o.total > 0 THEN CASE WHEN o.overdue > 0 THEN round(o.overdue_days / o.overdue, 4) ELSE 0 END END",
    "oldest_overdue": "CASE WHEN o.total > 0 THEN coalesce(o.oldest, 0) END",
    "delay_trend": "CASE WHEN l.recent_amount > 0 AND l.earlier_amount > 0 THEN round(round(l.recent_days / l.recent_amount, 4) - round(l.earlier_days / l.earlier_amount, 4), 4) END",
    "limit_utilisation": "CASE WHEN c.credit_limit > 0 THEN round(coalesce(o.total, 0) / c.credit_limit, 4) END",
    "tenure": "CASE WHEN f.first IS NOT NULL THEN extract(year FROM age(%(d)s::date, f.first)) * 12 + extract(month FROM age(%(d)s::date, f.first)) END",
}


def _band(expression, factor):
    bands = sorted(factor.bands, key=lambda b: float(b["from"]), reverse=True)
    whens = " ".join(f"WHEN {expression} >= {b['from']} THEN {b['score']}" for b in bands[:-1])
    return f"(CASE WHEN {expression} IS NULL THEN {factor.if_missing} {whens} ELSE {bands[-1]['score']} END)"


def rate_customers(scheme, as_of):
    """{customer id: (score, grade)} for every customer, by `scheme`: the factor values, scores and grades
    computed into a temporary table in one statement, then the job's writes by hand — a change row for each
    customer whose grade moved, every current rating upserted in place (the grade's `since` kept when the grade
    stays). Overrides are not handled (the benchmark's data has none). The caller rolls the writes back."""
    if changed_after(as_of):
        raise ValueError("postings dated after the day touched invoices")
    columns = list(VALUES)
    total = " + ".join(f"{factor.weight} / 100.0 * {_band('v.' + factor.factor, factor)}" for factor in scheme.factors.all())
    ranges = sorted(scheme.grades, key=lambda g: float(g["from"]), reverse=True)
    grade = (
        "CASE "
        + " ".join(f"WHEN s.score >= {g['from']} THEN '{g['grade']}'" for g in ranges[:-1])
        + f" ELSE '{ranges[-1]['grade']}' END"
    )
    sql = f"""
        DROP TABLE IF EXISTS bench_rating;
        CREATE TEMP TABLE bench_rating AS
        WITH o AS (
            SELECT i.customer_id, sum(i.amount - i.allocated) AS total,
                   sum(i.amount - i.allocated) FILTER (WHERE i.due_date < %(d)s) AS overdue,
                   sum((i.amount - i.allocated) * (%(d)s::date - i.due_date)) FILTER (WHERE i.due_date < %(d)s) AS overdue_days,
                   max(%(d)s::date - i.due_date) FILTER (WHERE i.due_date < %(d)s AND i.amount > i.allocated) AS oldest
            FROM customers_invoice i WHERE i.status = 'open' AND i.issue_date <= %(d)s GROUP BY 1
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
            SELECT c.id, {", ".join(f"{VALUES[name]} AS {name}" for name in columns)}
            FROM customers_customer c LEFT JOIN o ON o.customer_id = c.id LEFT JOIN f ON f.customer_id = c.id
            LEFT JOIN l ON l.customer_id = c.id
        ), s AS (
            SELECT v.*, round({total}, 2) AS score FROM v
        )
        SELECT s.*, {grade} AS grade FROM s;

        INSERT INTO risk_customergradechange (customer_id, "on", old_grade, new_grade, score, scheme_id, reason, {", ".join(columns)})
        SELECT b.id, %(d)s, coalesce(r.grade, ''), b.grade, b.score, %(scheme)s, 'rated', {", ".join("b." + c for c in columns)}
        FROM bench_rating b LEFT JOIN risk_customerrating r ON r.customer_id = b.id
        WHERE r.grade IS DISTINCT FROM b.grade;

        INSERT INTO risk_customerrating (customer_id, scheme_id, score, grade, computed_grade, override_id, rated_on, since, {", ".join(columns)})
        SELECT b.id, %(scheme)s, b.score, b.grade, b.grade, NULL, %(d)s, %(d)s, {", ".join("b." + c for c in columns)}
        FROM bench_rating b
        ON CONFLICT (customer_id) DO UPDATE SET
            scheme_id = excluded.scheme_id, score = excluded.score, computed_grade = excluded.computed_grade,
            override_id = NULL, rated_on = excluded.rated_on,
            since = CASE WHEN risk_customerrating.grade = excluded.grade THEN risk_customerrating.since ELSE excluded.since END,
            grade = excluded.grade, {", ".join(f"{c} = excluded.{c}" for c in columns)};
    """
    params = {"d": as_of, "recent": months_before(as_of, 3), "earlier": months_before(as_of, 9), "scheme": scheme.pk}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.execute("SELECT customer_id, score, grade FROM risk_customerrating")
        return {pk: (score, grade) for pk, score, grade in cursor.fetchall()}
