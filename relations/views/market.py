"""Pages of market intelligence (市场信息, issue 18) under /relations/market/: the searchable list, the overview per
region and period (what competitors did, price movements — aggregated in the database), a report's page (with the
button that raises it as a special event: the action lives in risk, linked by its URL name) and the form that
writes or changes a report.

Reads go through the scope (Scoped* base views); writes through relations.services, which ask the rules of
relations/rights/market.py; a refusal shows on its field with a 400 (a missing right: 403)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.errors import DomainError
from core.periods import QUARTER, Period
from core.rights import may
from core.views import ScopedDetailView, ScopedListView, ScopedViewMixin, apply_domain_error
from regions.models import OrgUnit
from relations import services
from relations.filtersets.market import MarketReportFilterSet
from relations.forms.market import FIELDS, MarketReportForm
from relations.models.market import MarketReport
from relations.rights.market import WRITE_RIGHT
from relations.selectors.market import competitor_actions, overview_by_region, price_movements

FORM_TEMPLATE = "relations/market_report_form.html"


class MarketReportListView(ScopedListView):
    """Market reports in the reader's scope, newest first, searchable by text, tag, competitor, product, period."""

    model = MarketReport
    change_action = WRITE_RIGHT
    filterset_class = MarketReportFilterSet
    unit_tree = OrgUnit
    title = gettext_lazy("Market intelligence")
    template_name = "relations/market_report_list.html"

    def narrow_queryset(self, queryset):
        queryset = super().narrow_queryset(queryset.select_related("unit", "product", "reporter"))
        return queryset.prefetch_related("tags").order_by("-observed_on", "-id")


class MarketOverviewView(ScopedListView):
    """The overview of the filtered reports (the current quarter unless a period is given): per region what
    competitors did and how prices moved, and price movements per product of ours and competitor."""

    model = MarketReport
    filterset_class = MarketReportFilterSet
    unit_tree = OrgUnit
    paginate_by = None
    title = gettext_lazy("Market overview")
    template_name = "relations/market_overview.html"

    def get(self, request, *args, **kwargs):
        if "period" not in request.GET:
            query = request.GET.copy()
            query["period"] = str(Period.of(timezone.localdate(), QUARTER))
            request.GET = query
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reports = self.object_list
        context.update(
            regions=overview_by_region(reports),
            movements=price_movements(reports),
            actions=competitor_actions(reports),
            period=self.request.GET.get("period", ""),
            total=reports.count(),
        )
        return context

    def paginate_queryset(self, queryset, page_size):
        return None


class MarketReportCreateView(ScopedViewMixin, View):
    model = MarketReport
    change_action = WRITE_RIGHT
    title = gettext_lazy("Write a market report")

    def _render(self, form, status=200):
        return render(self.request, FORM_TEMPLATE, {"form": form, "title": self.title, "report": None}, status=status)

    def get(self, request):
        self.require_change()
        return self._render(MarketReportForm(user=request.user, initial={"observed_on": timezone.localdate()}))

    def post(self, request):
        self.require_change()
        form = MarketReportForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = services.market_report_create(by=request.user, unit=data["unit"], **{k: data[k] for k in FIELDS})
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The market report is recorded."))
                return redirect(report.get_absolute_url())
        return self._render(form, status=400)


class MarketReportEditView(ScopedDetailView):
    model = MarketReport
    change_action = WRITE_RIGHT
    template_name = FORM_TEMPLATE
    title = gettext_lazy("Edit the market report")

    def _render(self, form, status=200):
        context = {"form": form, "title": self.title, "report": self.object}
        return render(self.request, FORM_TEMPLATE, context, status=status)

    def get(self, request, *args, **kwargs):
        self.object = report = self.get_object()
        self.require_change()
        initial = {name: getattr(report, name) for name in FIELDS if name not in ("product", "tags")}
        initial.update(product=report.product_id, tags=", ".join(tag.name for tag in report.tags.all()))
        return self._render(MarketReportForm(user=request.user, with_unit=False, initial=initial))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        form = MarketReportForm(request.POST, user=request.user, with_unit=False)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.market_report_update(by=request.user, report=self.object, **{k: data[k] for k in FIELDS})
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The market report is saved."))
                return redirect(self.object.get_absolute_url())
        return self._render(form, status=400)


class MarketReportDetailView(ScopedDetailView):
    """A report: everything it says; the edit link and, for a report not raised yet, the button that raises it
    as a special event (risk:event_from_market); once raised, the link to the event."""

    model = MarketReport
    template_name = "relations/market_report_detail.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit", "region", "product", "reporter", "raised_by").prefetch_related("tags")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report, user = self.object, self.request.user
        context["may_edit"] = may(user, "market_report.update", report)
        context["may_raise"] = not report.is_raised and may(user, "market_report.raise", report)
        return context
