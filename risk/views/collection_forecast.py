"""The collection forecast page (回款预测): the reader's unit (or ?unit= in their scope) for this month and the next
two, per unit one level down, and how close the forecasts of the past months came."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from core import audit
from core.scoping import get_in_scope
from core.views import ScopedViewMixin, scope_label
from performance.selectors import default_unit
from regions.models import OrgUnit
from risk.forms import CollectionForecastForm
from risk.selectors.collection_forecast import LATE_GRACE_DAYS, collection_forecast


class CollectionForecastView(ScopedViewMixin, View):
    model = OrgUnit
    template_name = "risk/collection_forecast.html"

    def get(self, request, *args, **kwargs):
        form = CollectionForecastForm(request.GET)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "report": None}, status=400)
        if form.cleaned_data["unit"]:
            unit = get_in_scope(request, OrgUnit, queryset=self.get_queryset(), pk=form.cleaned_data["unit"])
        else:
            unit = default_unit(request.user)
            if unit is None:
                audit.log_denial(request, reason="no unit in scope", status=404)
                raise Http404
        report = collection_forecast(user=request.user, unit=unit, today=timezone.localdate())
        context = {"form": form, "report": report, "scope_label": scope_label(request.user), "grace_days": LATE_GRACE_DAYS}
        return render(request, self.template_name, context)
