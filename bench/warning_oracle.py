"""Hand-written SQL for what every early-warning rule trips (bench row "evaluating every warning rule"): one
statement per rule writing (rule, subject, value) into a temporary table — the oracle for the hits of
risk.services.warnings_evaluate. Today's figures from the kept open amounts of the open invoices, a past
day's from the invoices and allocations live on that day; refused (ValueError) when postings dated after
today touched invoices, which it does not handle."""

import calendar
import datetime

from django.db import connection

from customers.selectors import changed_after
from risk.choices import GRADES, WarningKind
from risk.factors import months_before

# Open figures per customer as of %(d)s from the kept open amounts (today).
OPEN_TODAY = """
    SELECT i.customer_id, sum(i.amount - i.allocated) AS total,
           sum(i.amount - i.allocated) FILTER (WHERE i.due_date < %(d)s) AS overdue
    FROM customers_invoice i WHERE i.status = 'open' AND i.issue_date <= %(d)s GROUP BY 1"""

# The same as of a past day %(past)s, from the facts.
OPEN_PAST = """
    SELECT i.customer_id, sum(i.amount - coalesce(p.paid, 0)) AS total,
           sum(i.amount - coalesce(p.paid, 0)) FILTER (WHERE i.due_date < %(past)s) AS overdue
    FROM customers_invoice i LEFT JOIN (
        SELECT a.invoice_id, sum(a.amount) AS paid FROM customers_allocation a
        WHERE a.allocated_on <= %(past)s AND (a.reversed_on IS NULL OR a.reversed_on > %(past)s) GROUP BY 1
    ) p ON p.invoice_id = i.id
    WHERE i.issue_date <= %(past)s AND (i.cancelled_on IS NULL OR i.cancelled_on > %(past)s) GROUP BY 1"""


def _share(alias):
    return f"CASE WHEN {alias}.total > 0 THEN round({alias}.overdue / {alias}.total, 4) END"


def _customer_sql(kind):
    """The SELECT of (customer, value) tripping a customer rule of `kind` (threshold %(t)s)."""
    if kind == WarningKind.OVERDUE_SHARE:
        return f"SELECT o.customer_id, {_share('o')} FROM ({OPEN_TODAY}) o WHERE {_share('o')} > %(t)s"
    if kind == WarningKind.LIMIT_UTILISATION:
        u = "round(coalesce(o.total, 0) / c.credit_limit, 4)"
        return f"""SELECT c.id, {u} FROM customers_customer c LEFT JOIN ({OPEN_TODAY}) o ON o.customer_id = c.id
                   WHERE c.credit_limit > 0 AND {u} > %(t)s"""
    if kind == WarningKind.OVERDUE_SHARE_RISE:
        rise = f"{_share('n')} - coalesce({_share('b')}, 0)"
        return f"""SELECT n.customer_id, {rise} FROM ({OPEN_TODAY}) n LEFT JOIN ({OPEN_PAST}) b ON b.customer_id = n.customer_id
                   WHERE n.total > 0 AND {rise} > %(t)s"""
    if kind == WarningKind.DELAY_LENGTHENING:
        trend = "round(round(l.rd / l.ra, 4) - round(l.ed / l.ea, 4), 4)"
        return f"""SELECT l.customer_id, {trend} FROM (
                SELECT i.customer_id,
                       sum(a.amount * greatest(a.allocated_on - i.due_date, 0)) FILTER (WHERE a.allocated_on > %(recent)s) AS rd,
                       sum(a.amount) FILTER (WHERE a.allocated_on > %(recent)s) AS ra,
                       sum(a.amount * greatest(a.allocated_on - i.due_date, 0)) FILTER (WHERE a.allocated_on <= %(recent)s) AS ed,
                       sum(a.amount) FILTER (WHERE a.allocated_on <= %(recent)s) AS ea
                FROM customers_allocation a JOIN customers_invoice i ON i.id = a.invoice_id
                WHERE a.allocated_on > %(earlier)s AND a.allocated_on <= %(d)s AND (a.reversed_on IS NULL OR a.reversed_on > %(d)s)
                  AND a.origin <> 'write_off'
                GROUP BY 1) l
            WHERE l.ra > 0 AND l.ea > 0 AND {trend} > %(t)s"""
    if kind == WarningKind.NO_SALES:
        return """SELECT c.id, %(d)s::date - max(i.issue_date) FROM customers_customer c JOIN customers_invoice i ON i.customer_id = c.id
                  WHERE c.status = 'active' AND i.issue_date <= %(d)s AND (i.cancelled_on IS NULL OR i.cancelled_on > %(d)s)
                  GROUP BY c.id HAVING max(i.issue_date) < %(d)s::date - %(t)s::int"""
    if kind == WarningKind.GRADE_FALL:
        rank = "array_position(ARRAY[" + ", ".join(f"'{g}'" for g in GRADES) + "]::text[], {})"
        steps = f"CASE WHEN g.old_grade = '' THEN 0 ELSE {rank.format('g.new_grade')} - {rank.format('g.old_grade')} END"
        return f"""SELECT g.customer_id, greatest({steps}, 0) FROM (
                SELECT DISTINCT ON (customer_id) customer_id, old_grade, new_grade FROM risk_customergradechange
                WHERE "on" > %(d)s::date - %(w)s::int AND "on" <= %(d)s ORDER BY customer_id, "on" DESC, id DESC) g
            WHERE {steps} >= %(t)s OR (g.new_grade IN ('C', 'D') AND ({steps} > 0 OR g.old_grade = ''))"""
    if kind == WarningKind.CONCENTRATION:
        share = "round(c.open_balance / t.total, 4)"
        return f"""SELECT c.id, {share} FROM customers_customer c JOIN (
                SELECT district_id, sum(open_balance) AS total FROM customers_customer WHERE open_balance > 0 GROUP BY 1
            ) t ON t.district_id = c.district_id WHERE c.open_balance > 0 AND {share} > %(t)s"""
    raise ValueError(kind)


def _dso_sql():
    """(district, DSO rise) for the DSO rule: DSO of the last complete month %(month)s against %(then)s, each
    = open at the month's end × the days of its 3 months / the sales of its 3 months, to 2 places."""
    dso = (
        "round(coalesce(sum(open_at_end) FILTER (WHERE month = %({m})s), 0) * %({m}_days)s"
        " / nullif(sum(invoiced) FILTER (WHERE month BETWEEN %({m}_first)s AND %({m})s), 0), 2)"
    )
    now, then = dso.format(m="month"), dso.format(m="then")
    return f"""
        SELECT district_id, {now} - {then} FROM performance_districtmonthfact
        WHERE month BETWEEN %(then_first)s AND %(month)s GROUP BY district_id
        HAVING {now} - {then} > %(t)s"""


def _pace_sql():
    return """
        SELECT t.unit_id, round(%(pace)s - coalesce(a.s, 0) / t.value, 4) FROM plans_target t
        JOIN regions_orgunit u ON u.id = t.unit_id AND u.kind = 'district'
        LEFT JOIN (SELECT district_id, sum(invoiced) AS s FROM performance_districtmonthfact
                   WHERE month BETWEEN %(jan)s AND %(month)s GROUP BY 1) a ON a.district_id = t.unit_id
        WHERE t.metric = 'sales_amount' AND t.period = %(year)s AND t.is_current AND t.staff_id IS NULL AND t.value > 0
          AND %(pace)s - coalesce(a.s, 0) / t.value > %(t)s"""


def warning_hits(rules, as_of):
    """{(rule id, subject id): value} of every rule in `rules`, each rule one statement into a temp table."""
    if changed_after(as_of):
        raise ValueError("postings dated after the day touched invoices")
    last = as_of.replace(day=1) - datetime.timedelta(days=1)
    month = last.replace(day=1)
    year_days = 366 if calendar.isleap(as_of.year) else 365
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_hits; CREATE TEMP TABLE bench_hits (rule int, subject bigint, value numeric)")
        for rule in rules:
            params = {
                "d": as_of,
                "t": rule.threshold,
                "w": rule.window,
                "recent": months_before(as_of, 3),
                "earlier": months_before(as_of, 9),
                "rule": rule.pk,
            }
            if rule.kind == WarningKind.DSO_RISE:
                then = months_before(month, rule.window)
                for key, first in (("month", month), ("then", then)):
                    start = months_before(first, 2)
                    params.update({key: first, f"{key}_first": start, f"{key}_days": (months_before(first, -1) - start).days})
                sql = _dso_sql()
            elif rule.kind == WarningKind.ATTAINMENT_PACE:
                pace = f"{as_of.timetuple().tm_yday}.0 / {year_days}"
                params.update(jan=as_of.replace(month=1, day=1), month=as_of.replace(day=1), year=str(as_of.year))
                sql = _pace_sql().replace("%(pace)s", f"({pace})")
            else:
                if rule.window:
                    params["past"] = as_of - datetime.timedelta(days=rule.window)
                sql = _customer_sql(rule.kind)
            cursor.execute(f"INSERT INTO bench_hits SELECT %(rule)s, x.* FROM ({sql}) x", params)
        cursor.execute("SELECT rule, subject, value FROM bench_hits")
        return {(rule, subject): value for rule, subject, value in cursor.fetchall()}
