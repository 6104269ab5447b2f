"""The foresight page (提前预见): the default-risk models with their back-test quality, and the customers of
the reader's scope with the highest probability of going more than 90 days overdue in the next 90 days."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.views import ScopedListView, ScopedViewMixin
from risk import selectors, services
from risk.choices import ForecastModelState
from risk.filtersets import CustomerForecastFilterSet
from risk.models import CustomerForecast, ForecastModel


class ForecastListView(ScopedListView):
    model = CustomerForecast
    filterset_class = CustomerForecastFilterSet
    title = gettext_lazy("Foresight: default risk")
    template_name = "risk/forecast_list.html"
    change_action = "risk.policy"  # the center may retrain by hand (the button)

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


class ForecastTrainView(ScopedViewMixin, View):
    """The center retrains the model now (cut-off today) and scores every customer with it — after a
    correction of the ledger, say, rather than waiting for the monthly run."""

    model = ForecastModel
    change_action = "risk.policy"

    def post(self, request):
        self.require_change()
        today = timezone.localdate()
        model = services.forecast_train(cutoff=today, by=request.user)
        if model.state == ForecastModelState.TRAINED:
            services.forecast_score(as_of=today, by=request.user)
            messages.success(request, _("Model v%(version)s is trained and every customer scored.") % {"version": model.version})
        else:
            messages.warning(request, model.message)
        return redirect("risk:forecast_list")
