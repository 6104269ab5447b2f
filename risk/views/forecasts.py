"""The foresight page (提前预见): the default-risk models with their back-test quality, and the customers of
the reader's scope with the highest probability of going more than 90 days overdue in the next 90 days."""

from django.utils.translation import gettext_lazy

from core.views import ScopedListView
from risk import selectors
from risk.filtersets import CustomerForecastFilterSet
from risk.models import CustomerForecast


class ForecastListView(ScopedListView):
    model = CustomerForecast
    filterset_class = CustomerForecastFilterSet
    title = gettext_lazy("Foresight: default risk")
    template_name = "risk/forecast_list.html"

    def narrow_queryset(self, queryset):
        return (
            super()
            .narrow_queryset(queryset)
            .select_related("customer__district", "customer__salesperson", "model")
            .order_by("-probability", "customer_id")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["models"] = selectors.forecast_models(user=self.request.user)
        context["model"] = selectors.latest_trained(user=self.request.user)
        for forecast in context["object_list"]:  # the page's rows: their reasons in words
            forecast.reason_rows = selectors.reason_rows(forecast)
        return context
