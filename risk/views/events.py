"""Pages of special events: the list, the report form, and an event's page (its timeline, its procedure and
the forms that handle it, each shown only to those who may use it).

Every read goes through `for_user` (the Scoped* base views, `get_in_scope`); every write through
risk.services; a refused write shows the service's message on its field (a missing right: 403)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.errors import DomainError
from core.rights import may
from core.scoping import get_in_scope
from core.views import ScopedDetailView, ScopedListView, ScopedViewMixin, apply_domain_error
from customers.models import Customer
from regions.models import OrgUnit
from relations.models import MarketReport
from risk import selectors, services
from risk.filtersets import SpecialEventFilterSet
from risk.forms import (
    AddStepForm,
    AssignOwnerForm,
    CloseForm,
    CompleteStepForm,
    EventReportForm,
    NoteForm,
)
from risk.models import EventStep, SpecialEvent


class EventListView(ScopedListView):
    model = SpecialEvent
    change_action = "event.report"
    filterset_class = SpecialEventFilterSet
    hidden_filters = ("owner",)
    unit_tree = OrgUnit
    title = gettext_lazy("Special events")
    template_name = "risk/event_list.html"

    def narrow_queryset(self, queryset):
        queryset = super().narrow_queryset(queryset.select_related("unit", "owner", "reported_by"))
        return queryset.order_by("-occurred_on", "-id")


class EventReportView(ScopedViewMixin, View):
    """Report a special event (optionally for one customer: ?customer=<id>)."""

    model = SpecialEvent
    change_action = "event.report"
    template_name = "risk/event_form.html"

    def _customer(self, request):
        raw = request.GET.get("customer")
        if not raw:
            return None
        return get_in_scope(request, Customer, pk=raw)

    def get(self, request, *args, **kwargs):
        self.require_change()
        customer = self._customer(request)
        form = EventReportForm(user=request.user, customer=customer)
        return render(request, self.template_name, {"form": form, "customer": customer})

    def post(self, request, *args, **kwargs):
        self.require_change()
        customer = self._customer(request)
        form = EventReportForm(request.POST, user=request.user, customer=customer)
        if form.is_valid():
            try:
                event = services.event_report(**form.cleaned_data, by=request.user)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(
                    request, _("The event was reported; the regional manager and the Development Center are being told.")
                )
                return redirect("risk:event_detail", pk=event.pk)
        return render(request, self.template_name, {"form": form, "customer": customer}, status=400)


class EventDetailView(ScopedDetailView):
    """An event: what happened, its owner, its procedure and its timeline; the forms that handle it."""

    model = SpecialEvent
    change_action = "event.report"
    template_name = "risk/event_detail.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit", "owner__unit", "reported_by__unit").prefetch_related("customers", "products")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event, user = self.object, self.request.user
        steps = list(selectors.event_steps(event))
        context["steps"] = steps
        context["timeline"] = selectors.event_timeline(event)
        context["customers"] = event.customers.filter(pk__in=Customer.objects.for_user(user).values("pk")).order_by("name")
        # The market report (relations) the event was raised from, if the reader may see it.
        context["market_report"] = MarketReport.objects.for_user(user).filter(special_event_id=event.pk).first()
        if event.is_open:
            if may(user, "event.assign", event):
                context.setdefault("assign_form", AssignOwnerForm(event=event, user=user))
            if may(user, "event.add_step", event):
                context.setdefault("step_form", AddStepForm(event=event, user=user))
            if may(user, "event.note", event):
                context.setdefault("note_form", NoteForm())
            if may(user, "event.close", event):
                context.setdefault("close_form", CloseForm())
            for step in steps:
                step.may_complete = not step.is_done and may(user, "event.complete_step", step)
        return context

    def post(self, request, *args, **kwargs):
        self.object = event = self.get_object()
        self.require_change()
        action = request.POST.get("action")
        user = request.user
        if action == "assign":
            return self.form_action(
                form=AssignOwnerForm(request.POST, event=event, user=user),
                context_name="assign_form",
                action=lambda data: services.event_assign_owner(event=event, owner=data["owner"], by=user),
                success_message=_("The event has a new owner."),
            )
        if action == "add_step":
            return self.form_action(
                form=AddStepForm(request.POST, event=event, user=user),
                context_name="step_form",
                action=lambda data: services.event_add_step(event=event, by=user, **data),
                success_message=_("The step was added to the procedure."),
            )
        if action == "complete_step":
            form = CompleteStepForm(request.POST)
            step = None
            if form.is_valid():
                step = EventStep.objects.filter(event=event, pk=form.cleaned_data["step"]).first()
                if step is None:
                    form.add_error("step", _("No such step of this event."))
            return self.form_action(
                form=form,
                context_name="complete_form",
                action=lambda data: services.event_complete_step(step=step, note=data["note"], by=user),
                success_message=_("The step is done."),
            )
        if action == "note":
            return self.form_action(
                form=NoteForm(request.POST),
                context_name="note_form",
                action=lambda data: services.event_add_note(event=event, text=data["text"], by=user),
                success_message=_("The note was added to the timeline."),
            )
        if action == "close":
            return self.form_action(
                form=CloseForm(request.POST),
                context_name="close_form",
                action=lambda data: services.event_close(event=event, summary=data["summary"], by=user),
                success_message=_("The event was closed."),
            )
        raise PermissionDenied
