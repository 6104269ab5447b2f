"""Foresight (提前预见): the features, the label and the arithmetic of the default-risk model. Reads only;
the training and scoring services (risk.services.forecasts) store what this computes.

The question the model answers: will this customer have an invoice more than 90 days past due 90 days from
now? Everything is point-in-time — computed set-wise in the database from the facts dated on or before the
day asked about (an invoice counts from its issue day until its cancellation, an allocation from the day it
was made until its reversal: the rule of risk.factors and of the ageing), so a fact recorded later never
changes a past figure.

Features of a customer as of day D (customers with at least one invoice issued by D and not cancelled by D):
- the credit-rating factors of risk.factors as of D — overdue share, weighted days beyond terms, oldest
  overdue, payment delay trend, tenure (None, i.e. nothing open or no payments, counts as 0);
  credit-limit utilisation is left out on purpose: limits keep no history, so it would read today's limit
  into a past day (look-ahead);
- has_open — 1 with receivable open at D, else 0;
- recent_invoices — invoices issued in the 90 days up to D (a customer buying a lot has more to fall due).

The label of a customer for day D (`bad_customers(D + 90 days)`): as of D + 90 days, at least one of its
invoices still has an open amount above 0 and is more than 90 days past its due date (due_date <
D + 90 − 90 = D). An invoice that went more than 90 days past due inside the window but was paid before
its end does not count: the label reads only the state of day D + 90, so it is known on that day and never
needs a later fact. A customer already more than 90 days past due on D is usually still so on D + 90: the
model learns that as well, which lifts its AUC — the back-test still measures it on a period it never saw.
"""

import datetime
import math

from django.db import connection

from customers.models import Allocation, Invoice
from risk.factors import customer_factors

HORIZON = datetime.timedelta(days=90)  # the forecast's window and the "more than 90 days past due" line
FEATURES = [
    "overdue_share",
    "days_beyond_terms",
    "oldest_overdue",
    "delay_trend",
    "tenure",
    "has_open",
    "recent_invoices",
]


def _tables():
    return {"invoice": Invoice._meta.db_table, "allocation": Allocation._meta.db_table}


def _paid_sql():
    return f"""
        SELECT a.invoice_id, SUM(a.amount) AS amount FROM {_tables()["allocation"]} a
        WHERE a.allocated_on <= %(d)s AND (a.reversed_on IS NULL OR a.reversed_on > %(d)s)
        GROUP BY a.invoice_id
    """


def _recent_invoices(as_of):
    """{customer id: invoices issued in the 90 days up to `as_of`, not cancelled by then}."""
    sql = f"""
        SELECT i.customer_id, COUNT(*) FROM {_tables()["invoice"]} i
        WHERE i.issue_date > %(start)s AND i.issue_date <= %(d)s AND (i.cancelled_on IS NULL OR i.cancelled_on > %(d)s)
        GROUP BY i.customer_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"d": as_of, "start": as_of - HORIZON})
        return dict(cursor.fetchall())


def features(as_of):
    """{customer id: {feature: float}} for every customer with history as of `as_of` (see the docstring)."""
    recent = _recent_invoices(as_of)
    result = {}
    for customer_id, factors in customer_factors(as_of).items():
        if factors["tenure"] is None:  # no invoice by as_of: nothing to learn from or to score
            continue
        row = {name: float(factors[name] or 0) for name in FEATURES[:5]}
        row["has_open"] = 0.0 if factors["overdue_share"] is None else 1.0
        row["recent_invoices"] = float(recent.get(customer_id, 0))
        result[customer_id] = row
    return result


def bad_customers(on):
    """The customers that, as of `on`, have an invoice open (amount > 0) more than 90 days past its due date."""
    sql = f"""
        WITH paid AS ({_paid_sql()})
        SELECT DISTINCT i.customer_id FROM {_tables()["invoice"]} i LEFT JOIN paid p ON p.invoice_id = i.id
        WHERE i.issue_date <= %(d)s AND (i.cancelled_on IS NULL OR i.cancelled_on > %(d)s)
          AND i.due_date < %(line)s AND i.amount - COALESCE(p.amount, 0) > 0
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"d": on, "line": on - HORIZON})
        return {row[0] for row in cursor.fetchall()}


def snapshot(as_of):
    """[(customer id, [feature values in FEATURES order], label 0/1)] for day `as_of`, ordered by customer;
    the label needs the facts up to as_of + 90 days."""
    rows = features(as_of)
    bad = bad_customers(as_of + HORIZON)
    return [(cid, [rows[cid][name] for name in FEATURES], int(cid in bad)) for cid in sorted(rows)]


def month_ends(first, last):
    """The month ends from the one of `first`'s month to the last one on or before `last`."""
    days = []
    year, month = first.year, first.month
    while True:
        nxt = datetime.date(year + month // 12, month % 12 + 1, 1)
        end = nxt - datetime.timedelta(days=1)
        if end > last:
            return days
        days.append(end)
        year, month = nxt.year, nxt.month


def contributions(values, params):
    """Each feature's push on the log-odds: coefficient × standardised value (0 = an average customer)."""
    return {
        name: coef * ((value - mean) / scale)
        for name, value, coef, mean, scale in zip(
            params["features"], values, params["coefficients"], params["means"], params["scales"], strict=True
        )
    }


def probability(values, params):
    """The model's probability for one customer's feature values (a plain logistic: no numpy needed)."""
    z = params["intercept"] + sum(contributions(values, params).values())
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def top_reasons(values, params, count=3):
    """The `count` features that move this customer's probability most, largest push first."""
    pushes = contributions(values, params)
    order = sorted(pushes, key=lambda name: (-abs(pushes[name]), name))[:count]
    named = dict(zip(params["features"], values, strict=True))
    return [{"feature": name, "value": round(named[name], 4), "push": round(pushes[name], 4)} for name in order]


def fit(rows):
    """A standardised logistic regression on [(id, values, label)]; returns its parameters as plain JSON."""
    # lazy: scikit-learn (with numpy and scipy) is heavy; only the monthly training needs it.
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler  # lazy: as above

    x = [values for _cid, values, _label in rows]
    y = [label for _cid, _values, label in rows]
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=1.0, max_iter=1000).fit(scaler.transform(x), y)
    return {
        "features": list(FEATURES),
        "coefficients": [float(c) for c in model.coef_[0]],
        "intercept": float(model.intercept_[0]),
        "means": [float(m) for m in scaler.mean_],
        # A feature that never varies has scale 1 (sklearn's rule), so its standardised value is 0.
        "scales": [float(s) for s in scaler.scale_],
    }


def auc(labels, predictions):
    """Area under the ROC curve (sklearn.metrics.roc_auc_score)."""
    # lazy: scikit-learn is heavy; only the monthly training needs it.
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(labels, predictions))


def calibration(labels, predictions, bins=10):
    """Predicted against observed by decile of the prediction (fewer groups with fewer rows): [{"decile",
    "count", "predicted", "observed"}], lowest predictions first."""
    pairs = sorted(zip(predictions, labels, strict=True))
    groups = min(bins, len(pairs))
    table = []
    for n in range(groups):
        chunk = pairs[n * len(pairs) // groups : (n + 1) * len(pairs) // groups]
        table.append(
            {
                "decile": n + 1,
                "count": len(chunk),
                "predicted": round(sum(p for p, _ in chunk) / len(chunk), 4),
                "observed": round(sum(label for _, label in chunk) / len(chunk), 4),
            }
        )
    return table
