"""Pages of the performance app: the attainment table with rankings and drill-down, and the sales by channel."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.errors import InvalidInput
from core.periods import MONTH, QUARTER, YEAR, Period
from core.periods import parse_input as parse_period
from core.scoping import get_in_scope, scope_of
from performance import selectors
from plans.choices import Metric
from regions.models import OrgUnit

PICKER_YEARS = 3


def period_choices(today):
    """[(year label, [(value, label)])] for the period picker: this year and the two before, each as the
    year, its quarters and its months, up to today."""
    groups = []
    for year in range(today.year, today.year - PICKER_YEARS, -1):
        options = [(str(year), _("Year %(year)s") % {"year": year})]
        for quarter in Period(YEAR, year).children():
            if quarter.start <= today:
                options.append((str(quarter), _("%(year)s Q%(quarter)s") % {"year": year, "quarter": quarter.index}))
        for month in Period(YEAR, year).months():
            if month.start <= today:
                options.append((str(month), _("%(year)s-%(month)02d") % {"year": year, "month": month.index}))
        groups.append((str(year), options))
    return groups


class AttainmentView(LoginRequiredMixin, View):
    """Attainment of a unit and the units (or sales staff) directly below it, with rankings; each child
    unit links to its own table (region → province → district → salesperson)."""

    template_name = "performance/attainment.html"

    def get(self, request):
        today = timezone.localdate()
        errors = {}
        unit = None
        raw_unit = request.GET.get("unit", "").strip()
        if raw_unit:
            if not raw_unit.isdigit() or len(raw_unit) > 12:
                raise Http404
            unit = get_in_scope(request, OrgUnit, pk=int(raw_unit))
        else:
            unit = selectors.default_unit(request.user)
            if unit is None:
                raise Http404
        raw_period = request.GET.get("period", "").strip()
        period = Period.of(today, MONTH)
        if raw_period:
            try:
                period = parse_period(raw_period, begun=True, today=today)
            except InvalidInput as error:
                errors["period"] = str(error.message)
        table = selectors.attainment_table(user=request.user, unit=unit, period=period)
        scope = scope_of(request.user)
        trail = [] if scope.own_only else [u for u in unit.ancestors() if scope.covers_path(u.path)]
        metrics = [{"value": m, "label": Metric(m).label} for m in table["metrics"]]
        context = {
            "table": table,
            "unit": unit,
            "period": period,
            "period_value": raw_period if errors else str(period),
            "periods": period_choices(today),
            "metrics": metrics,
            "head": _display(table["head"], table["metrics"]),
            "children": [_display(child, table["metrics"]) for child in table["children"]],
            "drill": table["child_kind"] == "unit",
            "trail": trail,
            "errors": errors,
            "kinds": {"year": YEAR, "quarter": QUARTER, "month": MONTH},
        }
        return render(request, self.template_name, context, status=400 if errors else 200)


def _display(row, metrics):
    cells = []
    for metric in metrics:
        figure = row["figures"][metric]
        rate = figure["rate"]
        percent = None if rate is None else (rate * 100).quantize(selectors.CENT)
        cells.append(
            {
                **figure,
                "metric": metric,
                "count": metric in (Metric.NEW_CUSTOMERS, Metric.NEW_CHANNELS),
                "percent": percent,
                "bar": None if percent is None else max(0, min(100, int(percent))),
            }
        )
    return {**row, "cells": cells}


def _unit_and_period(request, today):
    """The unit (?unit=, in the caller's scope, else 404; default: their own) and the period (?period=, default
    this month) of a unit page; a bad period is an error on its field, the page then shows this month."""
    raw_unit = request.GET.get("unit", "").strip()
    if raw_unit:
        if not raw_unit.isdigit() or len(raw_unit) > 12:
            raise Http404
        unit = get_in_scope(request, OrgUnit, pk=int(raw_unit))
    else:
        unit = selectors.default_unit(request.user)
        if unit is None:
            raise Http404
    errors = {}
    raw_period = request.GET.get("period", "").strip()
    period = Period.of(today, MONTH)
    if raw_period:
        try:
            period = parse_period(raw_period, begun=True, today=today)
        except InvalidInput as error:
            errors["period"] = str(error.message)
    return unit, period, raw_period, errors


class ChannelSalesView(LoginRequiredMixin, View):
    """Sales through each channel (渠道销售) of a unit's subtree in a period: sales, collections and the open
    receivable at the period's end, from the per-channel summaries; the units above and below are a click away.
    The channels are shown 50 to a page (a region has hundreds: rendering them all cost 100+ ms), by sales; the
    total is over all of them."""

    template_name = "performance/channel_sales.html"
    paginate_by = 50

    def get(self, request):
        today = timezone.localdate()
        unit, period, raw_period, errors = _unit_and_period(request, today)
        table = selectors.sales_by_channel(user=request.user, unit=unit, period=period)
        page_obj = Paginator(table["rows"], self.paginate_by).get_page(request.GET.get("page"))
        scope = scope_of(request.user)
        trail = [] if scope.own_only else [u for u in unit.ancestors() if scope.covers_path(u.path)]
        below = [] if scope.own_only else list(OrgUnit.objects.for_user(request.user).filter(parent=unit, is_active=True))
        context = {
            "table": table,
            "page_obj": page_obj,
            "is_paginated": page_obj.has_other_pages(),
            "unit": unit,
            "period": period,
            "period_value": raw_period if errors else str(period),
            "periods": period_choices(today),
            "trail": trail,
            "below": below,
            "errors": errors,
        }
        return render(request, self.template_name, context, status=400 if errors else 200)
