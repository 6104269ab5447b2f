"""Foresight (提前预见): training the default-risk model and scoring every customer with it.

The split, chosen so that nothing is learned from a fact after the cut-off C:
- the back-test snapshot T is the last month end with T + 90 days ≤ C — its labels are known by C;
- the training snapshots are the month ends M (at most the last 24, from the month of the first invoice)
  with M + 90 days ≤ T — every training label is known before the back-test day, so the back-test period
  lies wholly after what the model learned from;
- every feature of a snapshot day reads only the facts dated on or before that day (risk.forecasting).
The model stored is the one back-tested (its AUC and calibration describe exactly it). A training with fewer
than MIN_POSITIVES customers-months that went bad, or a back-test without both outcomes, is refused and the
refusal is stored with its reason.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils.translation import gettext as _

from core.errors import InvalidInput
from core.rights import SYSTEM, ensure
from customers.models import Invoice
from risk import forecasting
from risk.choices import ForecastModelState
from risk.models import CustomerForecast, ForecastModel

MIN_POSITIVES = 20  # below this the coefficients say more about chance than about customers
MIN_TEST_EACH = 3  # the back-test needs customers of both outcomes for an AUC
HISTORY_MONTHS = 24  # the last two years of month ends: enough to learn, fast enough to run monthly
PLACES = Decimal("0.0001")


def _day(value, field):
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise InvalidInput(_("Give a date."), field=field)
    return value


def _split(cutoff):
    """(training month ends, back-test day) for `cutoff` (see the module's docstring)."""
    tested_on = forecasting.month_ends(cutoff - forecasting.HORIZON - datetime.timedelta(days=31), cutoff - forecasting.HORIZON)
    tested_on = tested_on[-1]
    first = Invoice.objects.unscoped().filter(issue_date__lte=cutoff).aggregate(first=Min("issue_date"))["first"]
    if first is None:
        return [], tested_on
    return forecasting.month_ends(first, tested_on - forecasting.HORIZON)[-HISTORY_MONTHS:], tested_on


def _next_version():
    return (ForecastModel.objects.unscoped().aggregate(v=Max("version"))["v"] or 0) + 1


def _refuse(cutoff, by, message, **counts):
    return ForecastModel.objects.create(
        version=_next_version(),
        state=ForecastModelState.REFUSED,
        message=message,
        cutoff=cutoff,
        trained_by=None if by is SYSTEM else by,
        **counts,
    )


@transaction.atomic
def forecast_train(*, cutoff, by):
    """Train the default-risk model on the ledger before `cutoff` and back-test it (see the module's
    docstring); returns the stored ForecastModel — trained, or refused with its reason."""
    ensure(by, "forecast.train")
    cutoff = _day(cutoff, "cutoff")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # versions are numbered one training at a time
            cursor.execute(f"LOCK TABLE {ForecastModel._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
    train_days, tested_on = _split(cutoff)
    train = [row for day in train_days for row in forecasting.snapshot(day)]
    test = forecasting.snapshot(tested_on)
    counts = {
        "train_rows": len(train),
        "train_positives": sum(label for *_rest, label in train),
        "test_rows": len(test),
        "test_positives": sum(label for *_rest, label in test),
    }
    negatives = counts["train_rows"] - counts["train_positives"]
    if counts["train_positives"] < MIN_POSITIVES or negatives < MIN_POSITIVES:
        message = _(
            "Too little history to learn from: %(positives)s customer-months went more than 90 days overdue "
            "and %(negatives)s did not before %(day)s; at least %(least)s of each are needed."
        ) % {
            "positives": counts["train_positives"],
            "negatives": negatives,
            "day": tested_on.isoformat(),
            "least": MIN_POSITIVES,
        }
        return _refuse(cutoff, by, message, **counts)
    test_negatives = counts["test_rows"] - counts["test_positives"]
    if counts["test_positives"] < MIN_TEST_EACH or test_negatives < MIN_TEST_EACH:
        message = _(
            "The back-test on %(day)s has %(positives)s customers who went more than 90 days overdue and "
            "%(negatives)s who did not; at least %(least)s of each are needed to measure the model."
        ) % {
            "day": tested_on.isoformat(),
            "positives": counts["test_positives"],
            "negatives": test_negatives,
            "least": MIN_TEST_EACH,
        }
        return _refuse(cutoff, by, message, **counts)

    params = forecasting.fit(train)
    predictions = [forecasting.probability(values, params) for _cid, values, _label in test]
    labels = [label for *_rest, label in test]
    return ForecastModel.objects.create(
        version=_next_version(),
        state=ForecastModelState.TRAINED,
        cutoff=cutoff,
        learned_from=train_days[0],
        learned_to=train_days[-1],
        tested_on=tested_on,
        parameters=params,
        auc=Decimal(str(forecasting.auc(labels, predictions))).quantize(PLACES, rounding=ROUND_HALF_UP),
        calibration=forecasting.calibration(labels, predictions),
        trained_by=None if by is SYSTEM else by,
        **counts,
    )


def latest_model():
    """The latest trained default-risk model, or None."""
    return ForecastModel.objects.unscoped().filter(state=ForecastModelState.TRAINED).order_by("-version").first()


@transaction.atomic
def forecast_score(*, as_of, by):
    """Score every customer with history as of `as_of` by the latest trained model; the current forecasts are
    replaced as a whole (a customer without an invoice by then has none). Returns {"scored": n, "model":
    version}, or None when no model is trained."""
    ensure(by, "forecast.train")
    as_of = _day(as_of, "as_of")
    model = latest_model()
    if model is None:
        return None
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one scoring at a time: the forecasts are replaced as a whole
            cursor.execute(f"LOCK TABLE {CustomerForecast._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
    params = model.parameters
    rows = []
    for customer_id, figures in sorted(forecasting.features(as_of).items()):
        values = [figures[name] for name in params["features"]]
        chance = Decimal(str(forecasting.probability(values, params))).quantize(PLACES, rounding=ROUND_HALF_UP)
        reasons = forecasting.top_reasons(values, params)
        rows.append(CustomerForecast(customer_id=customer_id, model=model, as_of=as_of, probability=chance, reasons=reasons))
    CustomerForecast.objects.unscoped().all().delete()
    CustomerForecast.objects.bulk_create(rows, batch_size=2000)
    return {"scored": len(rows), "model": model.version}
