"""The exposure page (敞口与上限, issue 16): the reader's unit (or ?unit= in their scope) with each unit one level
down against its exposure cap in the credit policy in force, and the customers on credit hold in it."""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from core import audit
from core.scoping import get_in_scope
from core.views import ScopedViewMixin, scope_label
from performance.selectors import default_unit
from regions.choices import UnitKind
from regions.models import OrgUnit
from risk.forms.credit import ExposureForm
from risk.selectors.exposure import HOLDS_SHOWN, NEAR_CAP, exposure_report


class ExposureView(ScopedViewMixin, View):
    """Open balances against the caps, one row per unit one level down (a district: itself); outside the
    reader's scope: 404."""

    model = OrgUnit
    template_name = "risk/exposure.html"

    def get(self, request, *args, **kwargs):
        form = ExposureForm(request.GET)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "report": None}, status=400)
        units = self.get_queryset()
        if form.cleaned_data["unit"]:
            unit = get_in_scope(request, OrgUnit, queryset=units, pk=form.cleaned_data["unit"])
        else:
            unit = default_unit(request.user)
            if unit is None:
                audit.log_denial(request, reason="no unit in scope", status=404)
                raise Http404
        report = exposure_report(user=request.user, unit=unit, today=timezone.localdate())
        here = reverse("risk:credit_exposure")
        for row in report.rows:
            drill = row["key"] is not None and row["key"] != unit.pk and row["kind"] != UnitKind.DISTRICT
            row["url"] = f"{here}?{urlencode({'unit': row['key']})}" if drill else None
        ancestors = list(units.filter(pk__in=unit.ancestors().values("pk")).order_by("depth"))  # one query
        context = {
            "form": form,
            "report": report,
            "ancestors": ancestors,
            "scope_label": scope_label(request.user),
            "near_cap": NEAR_CAP,
            "holds_shown": HOLDS_SHOWN,
            "holds_url": f"{reverse('risk:credit_hold_list')}?{urlencode({'unit': unit.pk, 'state': 'on'})}",
            "policy_url": report.policy.get_absolute_url() if report.policy else reverse("risk:credit_policy_list"),
        }
        return render(request, self.template_name, context)
