"""Foresight (提前预见): point-in-time features and labels, the training split, the refusal with too little
history, scoring with reasons, and THE no-look-ahead test — facts dated after the cut-off change neither the
model nor a score as of the cut-off."""

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from config.celery import app
from core.rights import SYSTEM, NotAllowed
from customers import services as ledger
from customers.demo import load_demo_customers
from customers.models import Invoice
from regions.demo import load_demo_company
from risk import forecasting, services, tasks
from risk.choices import ForecastModelState
from risk.forecast_demo import load_demo_forecasts
from risk.models import CustomerForecast, ForecastModel
from tests.customers.factories import CustomerFactory

D = Decimal
START = date(2023, 7, 1)
CUTOFF = date(2025, 6, 30)


def _invoice(customer, issued, amount, term=30):
    return ledger.invoice_record(
        by=SYSTEM, customer=customer, issue_date=issued, due_date=issued + timedelta(days=term), amount=D(amount)
    ).invoice


def _pay(invoice, on, amount=None):
    amount = invoice.amount if amount is None else D(amount)
    return ledger.payment_record(
        by=SYSTEM, customer=invoice.customer, received_on=on, amount=amount, allocations=[{"invoice": invoice, "amount": amount}]
    )


def build_ledger(district, customers=36, months=24, seed=7):
    """A company's history: every customer buys on the 5th of each month (due in 30 days) and pays each
    invoice some days after its due date; a third of them stop paying from a month of their own (spread so
    that both the training and the back-test periods have customers going bad). Payments dated after the
    cut-off are not made here: the test adds later facts itself."""
    rng = random.Random(seed)
    people = []
    for n in range(customers):
        customer = CustomerFactory(district=district, credit_limit=D("10000000.00"))
        stops = START.replace(year=2024, month=1) + timedelta(days=31 * (n % 16)) if n % 3 == 0 else None
        lateness = rng.choice([0, 5, 10, 20, 45]) if n % 3 else rng.choice([0, 10, 30])
        people.append(customer)
        for m in range(months):
            issued = date(START.year + (START.month - 1 + m) // 12, (START.month - 1 + m) % 12 + 1, 5)
            invoice = _invoice(customer, issued, f"{rng.randint(10, 50)}00.00")
            if stops is not None and issued >= stops:
                continue
            paid_on = invoice.due_date + timedelta(days=rng.randint(0, lateness))
            if paid_on <= CUTOFF:
                _pay(invoice, paid_on)
    return people


def _state():
    model = ForecastModel.objects.order_by("-version").first()
    scores = dict(CustomerForecast.objects.values_list("customer_id", "probability"))
    reasons = dict(CustomerForecast.objects.values_list("customer_id", "reasons"))
    return model, scores, reasons


def test_a_fact_after_the_cutoff_changes_neither_the_model_nor_a_past_score(units):
    people = build_ledger(units["330100"])
    first = services.forecast_train(cutoff=CUTOFF, by=SYSTEM)
    assert first.state == ForecastModelState.TRAINED, first.message
    assert first.tested_on == date(2025, 3, 31) and first.learned_to == date(2024, 12, 31)
    assert first.learned_from == date(2023, 7, 31) and first.train_positives >= 20 and first.test_positives >= 3
    assert 0 <= first.auc <= 1 and sum(row["count"] for row in first.calibration) == first.test_rows
    services.forecast_score(as_of=CUTOFF, by=SYSTEM)
    before_model, before_scores, before_reasons = _state()
    assert len(before_scores) == len(people)

    # After the cut-off: good customers' new invoices go bad, old debts are paid, a payment bounces, an old
    # invoice is cancelled, a new customer appears with bad debts.
    after = CUTOFF + timedelta(days=1)
    for customer in people[1::3]:
        _invoice(customer, after, "90000.00", term=1)
    open_old = Invoice.objects.filter(issue_date__lte=CUTOFF, allocated=0).order_by("id")
    for invoice in list(open_old)[:15]:
        _pay(invoice, after + timedelta(days=10))
    cancel = Invoice.objects.filter(issue_date__lte=CUTOFF, allocated=0).order_by("-id").first()
    ledger.invoice_cancel(by=SYSTEM, invoice=cancel, reason="错开", on=after + timedelta(days=20))
    paid = people[1].payments.order_by("-received_on").first()
    ledger.payment_reverse(by=SYSTEM, payment=paid, reason="退票", on=after + timedelta(days=5))
    newcomer = CustomerFactory(district=units["330100"])
    _invoice(newcomer, after, "5000.00", term=1)

    # Retrained with the same cut-off and re-scored as of it: the same model, the same probabilities.
    second = services.forecast_train(cutoff=CUTOFF, by=SYSTEM)
    assert second.version == first.version + 1
    assert second.parameters == first.parameters
    assert (second.auc, second.calibration) == (first.auc, first.calibration)
    assert (second.train_rows, second.train_positives, second.test_rows) == (
        first.train_rows,
        first.train_positives,
        first.test_rows,
    )
    services.forecast_score(as_of=CUTOFF, by=SYSTEM)
    _model, after_scores, after_reasons = _state()
    assert after_scores == before_scores and after_reasons == before_reasons

    # As of today (later), the new facts do count.
    services.forecast_score(as_of=date(2025, 10, 31), by=SYSTEM)
    assert newcomer.pk in set(CustomerForecast.objects.values_list("customer_id", flat=True))


def test_features_as_of_a_day_ignore_later_facts(units):
    customer = CustomerFactory(district=units["330100"])
    invoice = _invoice(customer, date(2025, 1, 5), "1000.00")  # due 2025-02-04
    day = date(2025, 3, 6)  # 30 days past due
    before = forecasting.features(day)[customer.pk]
    assert before == {
        "overdue_share": 1.0,
        "days_beyond_terms": 30.0,
        "oldest_overdue": 30.0,
        "delay_trend": 0.0,
        "tenure": 2.0,
        "has_open": 1.0,
        "recent_invoices": 1.0,
    }
    _pay(invoice, date(2025, 3, 10))
    _invoice(customer, date(2025, 3, 7), "5000.00")
    ledger.invoice_cancel(by=SYSTEM, invoice=_invoice(customer, date(2025, 2, 1), "7.00"), reason="错开", on=date(2025, 4, 1))
    # The cancelled one counted while it stood: as of `day` it was issued and not yet cancelled.
    assert forecasting.features(day)[customer.pk]["recent_invoices"] == 2.0
    assert forecasting.features(date(2025, 1, 4)).get(customer.pk) is None  # no history yet: not scored
    assert forecasting.features(date(2025, 3, 12))[customer.pk]["has_open"] == 1.0  # the 7.00 and the new one


def test_the_label_by_hand(units):
    """Bad as of L: an invoice open (> 0) whose due date is more than 90 days before L."""
    late = CustomerFactory(district=units["330100"])
    paid_in_time = CustomerFactory(district=units["330100"])
    partly = CustomerFactory(district=units["330100"])
    cancelled = CustomerFactory(district=units["330100"])
    _invoice(late, date(2025, 1, 1), "100.00")  # due 2025-01-31
    _pay(_invoice(paid_in_time, date(2025, 1, 1), "100.00"), date(2025, 5, 1))
    _pay(_invoice(partly, date(2025, 1, 1), "100.00"), date(2025, 3, 1), amount="99.99")
    ledger.invoice_cancel(by=SYSTEM, invoice=_invoice(cancelled, date(2025, 1, 1), "100.00"), reason="错开", on=date(2025, 4, 1))
    # 2025-05-01 is exactly 90 days after 2025-01-31: not yet more than 90.
    assert forecasting.bad_customers(date(2025, 5, 1)) == set()
    assert forecasting.bad_customers(date(2025, 5, 2)) == {late.pk, partly.pk}
    # As of 2025-05-02 the cancelled one is cancelled, the paid one paid; as of 2025-03-31 nothing is 90 days due.
    assert forecasting.bad_customers(date(2025, 3, 31)) == set()
    # A snapshot's label is read 90 days after its day.
    rows = {cid: label for cid, _values, label in forecasting.snapshot(date(2025, 2, 1))}
    assert rows == {late.pk: 1, paid_in_time.pk: 0, partly.pk: 1, cancelled.pk: 0}


def test_too_little_history_is_refused_and_the_refusal_kept(units):
    customer = CustomerFactory(district=units["330100"])
    _invoice(customer, date(2024, 1, 5), "1000.00")
    model = services.forecast_train(cutoff=CUTOFF, by=SYSTEM)
    assert model.state == ForecastModelState.REFUSED and "Too little history" in model.message
    assert model.parameters == {} and model.auc is None
    assert services.forecast_score(as_of=CUTOFF, by=SYSTEM) is None
    assert not CustomerForecast.objects.exists()


def test_only_the_center_trains_and_scores(personas):
    for name in ("rm_east", "dm_hangzhou", "rep_hangzhou"):
        with pytest.raises(NotAllowed):
            services.forecast_train(cutoff=CUTOFF, by=personas[name].user)
        with pytest.raises(NotAllowed):
            services.forecast_score(as_of=CUTOFF, by=personas[name].user)
    assert not ForecastModel.objects.exists()
    model = services.forecast_train(cutoff=CUTOFF, by=personas["center"].user)
    assert model.trained_by == personas["center"].user and model.state == ForecastModelState.REFUSED


def _model(version=1):
    params = {
        "features": list(forecasting.FEATURES),
        "coefficients": [1.5, 0.5, 1.0, 0.2, -0.3, 0.1, 0.05],
        "intercept": -2.0,
        "means": [0.2, 10.0, 15.0, 0.0, 12.0, 0.5, 2.0],
        "scales": [0.3, 20.0, 30.0, 5.0, 8.0, 0.5, 1.0],
    }
    return ForecastModel.objects.create(
        version=version,
        state=ForecastModelState.TRAINED,
        cutoff=date(2025, 6, 30),
        learned_from=date(2023, 7, 31),
        learned_to=date(2024, 12, 31),
        tested_on=date(2025, 3, 31),
        parameters=params,
        auc=D("0.8123"),
        calibration=[{"decile": 1, "count": 3, "predicted": 0.1, "observed": 0.0}],
    )


def test_scoring_gives_each_customer_its_probability_and_reasons_in_scope(personas, units):
    model = _model()
    mine = CustomerFactory(district=units["330100"], salesperson=personas["rep_hangzhou"].staff)
    other = CustomerFactory(district=units["440100"])
    _invoice(mine, date(2025, 1, 5), "1000.00")
    _invoice(other, date(2025, 6, 1), "1000.00")
    result = services.forecast_score(as_of=date(2025, 6, 30), by=SYSTEM)
    assert result == {"scored": 2, "model": 1}
    forecast = CustomerForecast.objects.get(customer=mine)
    values = [forecasting.features(date(2025, 6, 30))[mine.pk][name] for name in forecasting.FEATURES]
    expected = D(str(forecasting.probability(values, model.parameters))).quantize(D("0.0001"))
    assert forecast.probability == expected and forecast.probability > CustomerForecast.objects.get(customer=other).probability
    assert [r["feature"] for r in forecast.reasons][:1] == ["oldest_overdue"] and len(forecast.reasons) == 3
    # Scope: the rep reads his own customer's forecast; the Hangzhou manager not Guangzhou's.
    assert list(CustomerForecast.objects.for_user(personas["rep_hangzhou"].user)) == [forecast]
    assert not CustomerForecast.objects.for_user(personas["dm_hangzhou"].user).filter(customer=other).exists()
    assert CustomerForecast.objects.for_user(personas["center"].user).count() == 2


def test_calibration_and_split_helpers():
    table = forecasting.calibration([0, 0, 1, 1], [0.1, 0.2, 0.7, 0.9], bins=2)
    assert table == [
        {"decile": 1, "count": 2, "predicted": 0.15, "observed": 0.0},
        {"decile": 2, "count": 2, "predicted": 0.8, "observed": 1.0},
    ]
    assert forecasting.month_ends(date(2024, 11, 15), date(2025, 2, 27)) == [
        date(2024, 11, 30),
        date(2024, 12, 31),
        date(2025, 1, 31),
    ]


# ------------------------------------------------------------------------------------------------ pages, API


def test_the_customer_page_the_forecast_page_and_the_api_show_it(personas, units):
    model = _model()
    mine = CustomerFactory(district=units["330100"], salesperson=personas["rep_hangzhou"].staff)
    other = CustomerFactory(district=units["440100"])
    _invoice(mine, date(2025, 1, 5), "1000.00")
    _invoice(other, date(2025, 6, 1), "1000.00")
    services.forecast_score(as_of=date(2025, 6, 30), by=SYSTEM)
    refused = ForecastModel.objects.create(version=2, state=ForecastModelState.REFUSED, cutoff=date(2025, 7, 31), message="太少")
    web = personas["rm_east"].web()

    page = web.get(reverse("customers:customer_detail", kwargs={"pk": mine.pk})).content.decode()
    probability = CustomerForecast.objects.get(customer=mine).probability
    assert 'id="default-forecast"' in page and f'data-probability="{probability}"' in page
    assert page.count("data-reason=") == 3 and "v1" in page and "0.81" in page
    assert "该客户在 2025-06-30 之后90天时有发票逾期超过90天的可能性" in page  # pages speak zh-hans

    listing = web.get(reverse("risk:forecast_list"))
    assert [f.customer_id for f in listing.context["object_list"]] == [mine.pk]
    text = listing.content.decode()
    assert f'data-version="{model.version}"' in text and "太少" in text and "虚构" in text
    assert refused.version in [m.version for m in listing.context["models"]]
    home = web.get(reverse("risk:home")).content.decode()
    assert 'id="forecast-panel"' in home and mine.name in home and other.name not in home

    api = personas["rm_east"].api().get(reverse("risk-forecast-list")).json()
    rows = api["results"] if isinstance(api, dict) else api
    assert [(r["customer"], r["model_version"], len(r["reasons"])) for r in rows] == [(mine.pk, 1, 3)]
    assert (
        personas["rm_east"]
        .api()
        .get(reverse("risk-forecast-detail", kwargs={"pk": CustomerForecast.objects.get(customer=other).pk}))
        .status_code
        == 404
    )


def test_without_a_forecast_the_card_says_so(personas, units):
    customer = CustomerFactory(district=units["330100"])
    page = personas["center"].web().get(reverse("customers:customer_detail", kwargs={"pk": customer.pk})).content.decode()
    assert 'id="default-forecast"' in page and "暂无预测" in page


# ------------------------------------------------------------------------------------------------ demo


@time_machine.travel(datetime(2026, 11, 27, 10, 0, tzinfo=UTC), tick=False)
def test_the_demo_trains_and_scores_or_says_why_not(db):
    load_demo_company(reps_per_district=1)
    load_demo_customers(customers=150, months=24, today=date(2026, 11, 27), plans=3)
    done = load_demo_forecasts(today=date(2026, 11, 27))
    model = ForecastModel.objects.get()
    if model.state == ForecastModelState.TRAINED:
        assert done["scored"] == CustomerForecast.objects.count() > 0 and model.auc is not None
    else:
        assert done["scored"] == 0 and "history" in model.message
    assert load_demo_forecasts(today=date(2026, 11, 27)) == {"loaded": False}


def test_the_center_retrains_by_hand_and_others_may_not(personas):
    url = reverse("risk:forecast_train")
    assert personas["rm_east"].web().post(url).status_code == 403
    assert not ForecastModel.objects.exists()
    answer = personas["center"].web().post(url)
    assert answer.status_code == 302 and answer.url == reverse("risk:forecast_list")
    assert ForecastModel.objects.get().state == ForecastModelState.REFUSED  # an empty ledger: refused, and said
    page = personas["center"].web().get(reverse("risk:forecast_list")).content.decode()
    assert (
        "forecast/train/" in page
        and "forecast/train/" not in personas["rm_east"].web().get(reverse("risk:forecast_list")).content.decode()
    )


def test_the_beat_retrains_monthly_and_scores_nightly_as_the_system(units):
    assert app.conf.beat_schedule["risk.forecast_train"]["task"] == "risk.forecast_train"
    assert app.conf.beat_schedule["risk.forecast_score"]["task"] == "risk.forecast_score"
    assert tasks.forecast_score(as_of="2025-06-30") is None  # no model yet: nothing to score with
    done = tasks.forecast_train(cutoff="2025-06-30")
    assert done == {"version": 1, "state": "refused", "scored": None}
    build = CustomerFactory(district=units["330100"])
    _invoice(build, date(2025, 1, 5), "100.00")
    _model(version=2)
    assert tasks.forecast_score(as_of="2025-06-30") == {"scored": 1, "model": 2}
