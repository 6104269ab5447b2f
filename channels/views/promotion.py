"""Pages of promotion events (推广活动, issue 17) under /channels/promotion/: the promotion archive (searchable by
kind, unit, product and period, each event with its cost, leads, sales and ratios computed in the database), the
effectiveness per unit, an event's page (guests, leads, sales, expenses, materials used — each a small form) and
the form that holds or changes an event.

A salesperson reads and holds their own events, a manager those of their part of the tree; the services ask the
rule `promotion.event` (channels/rights.py). A refused write shows the service's message (a missing right: 403)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from channels import selectors, services
from channels.filtersets import PromotionEventFilterSet
from channels.forms.promotion import EventActionForm, PromotionEventForm
from channels.models_promotion import EventLead, PromotionEvent
from core import audit
from core.errors import DomainError
from core.rights import NotAllowed, may
from core.scoping import get_in_scope
from core.views import ScopedDetailView, ScopedListView, ScopedViewMixin, apply_domain_error
from regions.models import OrgUnit

FORM_TEMPLATE = "channels/promotion_event_form.html"
FIELDS = ("kind", "title", "starts_on", "ends_on", "place", "products", "plan", "budget", "note")


class PromotionEventListView(ScopedListView):
    """The promotion archive: events in the reader's scope with their figures, newest first."""

    model = PromotionEvent
    change_action = "expense.change"
    filterset_class = PromotionEventFilterSet
    unit_tree = OrgUnit
    title = gettext_lazy("Promotion events")
    template_name = "channels/promotion_event_list.html"

    def narrow_queryset(self, queryset):
        queryset = super().narrow_queryset(queryset.select_related("unit", "owner"))
        return selectors.events_with_results(queryset).order_by("-starts_on", "-id")


class PromotionEffectivenessView(ScopedListView):
    """Effectiveness per unit over the filtered archive: events, leads, converted, sales, cost and the ratios."""

    model = PromotionEvent
    filterset_class = PromotionEventFilterSet
    unit_tree = OrgUnit
    paginate_by = None
    title = gettext_lazy("Promotion effectiveness by unit")
    template_name = "channels/promotion_effectiveness.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = list(selectors.unit_results(self.object_list))
        return context


class PromotionEventCreateView(ScopedViewMixin, View):
    model = PromotionEvent
    change_action = "expense.change"
    title = gettext_lazy("Hold a promotion event")

    def _render(self, form, status=200):
        return render(self.request, FORM_TEMPLATE, {"form": form, "title": self.title, "event": None}, status=status)

    def get(self, request):
        self.require_change()
        return self._render(PromotionEventForm(user=request.user))

    def post(self, request):
        self.require_change()
        form = PromotionEventForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                event = services.promotion_event_create(by=request.user, unit=data["unit"], **{k: data[k] for k in FIELDS})
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The promotion event is recorded."))
                return redirect(event.get_absolute_url())
        return self._render(form, status=400)


class PromotionEventEditView(ScopedDetailView):
    model = PromotionEvent
    change_action = "expense.change"
    template_name = FORM_TEMPLATE
    title = gettext_lazy("Edit the promotion event")

    def _render(self, form, status=200):
        return render(self.request, FORM_TEMPLATE, {"form": form, "title": self.title, "event": self.object}, status=status)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        event = self.object
        initial = {k: getattr(event, k) for k in ("kind", "title", "starts_on", "ends_on", "place", "note")}
        initial.update(products=list(event.products.all()), plan=event.plan_id, budget=event.budget_id)
        return self._render(PromotionEventForm(user=request.user, with_unit=False, initial=initial))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        form = PromotionEventForm(request.POST, user=request.user, with_unit=False)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.promotion_event_update(by=request.user, event=self.object, **{k: data[k] for k in FIELDS})
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The promotion event is saved."))
                return redirect(self.object.get_absolute_url())
        return self._render(form, status=400)


def _participant(event, data, by):
    return services.promotion_participant_add(
        by=by, event=event, customer=data["customer"], channel=data["channel"], attended=data["attended"]
    )


def _lead(event, data, by):
    return services.promotion_lead_capture(by=by, event=event, name=data["name"], contact=data["contact"])


def _sale(event, data, by):
    return services.promotion_sale_attribute(by=by, event=event, invoice=data["invoice"])


def _expense(event, data, by):
    return services.promotion_expense_record(
        by=by, event=event, amount=data["amount"], spent_on=data["spent_on"], description=data["description"]
    )


def _consume(event, data, by):
    return services.material_consume(by=by, event=event, item=data["item"], quantity=data["quantity"])


class PromotionEventDetailView(ScopedDetailView):
    """An event: its particulars and figures, guests, leads, sales and expenses; a small form for each action."""

    model = PromotionEvent
    change_action = "expense.change"
    template_name = "channels/promotion_event_detail.html"
    actions = {
        "participant": (_participant, gettext_lazy("The guest is on the list.")),
        "lead": (_lead, gettext_lazy("The lead is captured.")),
        "sale": (_sale, gettext_lazy("The sale is attributed to the event.")),
        "expense": (_expense, gettext_lazy("The expense is recorded.")),
        "consume": (_consume, gettext_lazy("The materials used are recorded.")),
    }

    def narrow_queryset(self, queryset):
        return selectors.events_with_results(queryset.select_related("unit", "owner", "plan", "budget"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.object
        context.update(
            may_act=may(self.request.user, "promotion.event", event),
            participants=event.participants.select_related("customer", "channel"),
            leads=event.leads.select_related("customer"),
            sales=event.sales.select_related("invoice"),
            expenses=event.expenses.select_related("expense"),
            materials=event.material_movements.select_related("item"),
            window=services.attribution_window(event),
            form=kwargs.get("form") or EventActionForm(),
        )
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        name = request.POST.get("action")
        form = EventActionForm(request.POST)
        if name not in self.actions:
            form.add_error(None, _("Unknown action."))
        elif form.is_valid():
            service, success = self.actions[name]
            try:
                service(self.object, form.cleaned_data, request.user)
            except NotAllowed as error:
                raise audit.RefusedWrite(str(error.message)) from None
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, success)
                return redirect(self.object.get_absolute_url())
        return render(request, self.template_name, self.get_context_data(object=self.object, form=form), status=400)


class LeadConvertView(ScopedViewMixin, View):
    """POST customer=<id>: the lead became that customer."""

    model = EventLead
    change_action = "expense.change"

    def post(self, request, pk):
        self.require_change()
        lead = get_in_scope(request, EventLead, pk=pk)
        try:
            services.promotion_lead_convert(by=request.user, lead=lead, customer=request.POST.get("customer"))
        except NotAllowed as error:
            raise audit.RefusedWrite(str(error.message)) from None
        except DomainError as error:
            messages.error(request, str(error.message))
            return redirect(lead.event.get_absolute_url())
        messages.success(request, _("The lead is marked as a customer."))
        return redirect(lead.event.get_absolute_url())
