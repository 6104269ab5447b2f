"""Reads of foresight (提前预见): a customer's probability with its reasons in words, the models with their
back-test quality, and the customers of the reader's scope most likely to go bad."""

from risk.choices import ForecastFeature, ForecastModelState
from risk.models import CustomerForecast, ForecastModel


def reason_rows(forecast):
    """The forecast's top reasons with their labels: [{"code", "label", "value", "push", "raises"}]."""
    labels = dict(ForecastFeature.choices)
    return [
        {
            "code": reason["feature"],
            "label": labels.get(reason["feature"], reason["feature"]),
            "value": reason["value"],
            "push": reason["push"],
            "raises": reason["push"] > 0,
        }
        for reason in forecast.reasons
    ]


def customer_forecast(*, user, customer_id):
    """The customer's forecast if the reader sees it, else None."""
    return CustomerForecast.objects.for_user(user).select_related("model").filter(customer_id=customer_id).first()


def forecast_models(*, user, limit=12):
    """The latest trainings, newest first (refusals included: the page says why there is no figure)."""
    return list(ForecastModel.objects.for_user(user).order_by("-version")[:limit])


def latest_trained(*, user):
    return ForecastModel.objects.for_user(user).filter(state=ForecastModelState.TRAINED).order_by("-version").first()


def forecast_panel(*, user, limit=5):
    """The risk overview's foresight section: the latest training (of any outcome), the model in use and the
    reader's customers with the highest probability."""
    latest = ForecastModel.objects.for_user(user).order_by("-version").first()
    top = CustomerForecast.objects.for_user(user).select_related("customer").order_by("-probability", "customer_id")[:limit]
    return {"latest": latest, "model": latest_trained(user=user), "top": list(top)}
