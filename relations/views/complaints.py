"""Pages of complaints (投诉): the list (with each complaint's SLA state), the queue of the reader's area (not closed,
the most urgent first), the center's view (company-wide for the Development Center: by product, channel and region
with handling time, and every closed complaint), the form that logs one (the salesperson's, usable on a phone) and a
complaint's page (its details, its log of steps, escalations, and the forms its state allows).

The reader sees the complaints of their part of the tree (a salesperson those of their own customers); the role
right `customer.change` shows the forms, and the services ask the rules (relations/rights/complaints.py). A refused
write shows the service's message on its field; a missing right is a 403."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core import audit
from core.errors import DomainError
from core.rights import NotAllowed, may
from core.scoping import get_in_scope
from core.views import ScopedDetailView, ScopedListView, ScopedViewMixin, apply_domain_error
from customers.models import Customer
from regions.models import OrgUnit
from relations import services
from relations.choices_complaints import OPEN_STATES, UNRESOLVED_STATES, ComplaintState, SlaState
from relations.filtersets.complaints import ComplaintFilterSet
from relations.forms.complaints import (
    ComplaintBreachForm,
    ComplaintCloseForm,
    ComplaintEditForm,
    ComplaintForm,
    ComplaintReopenForm,
    ComplaintResultForm,
    ComplaintStepForm,
)
from relations.models.complaints import Complaint
from relations.selectors.complaints import center_view, sla_state

RIGHT = "customer.change"
RELATED = ("customer", "product", "channel", "unit", "owner", "salesperson")


class _ComplaintRows:
    """Each row of a page gets its SLA state as of today (row.sla, row.sla_label)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        labels = dict(SlaState.choices)
        for row in context["object_list"]:
            row.sla = sla_state(row, today)
            row.sla_label = labels[row.sla]
        return context


class ComplaintListView(_ComplaintRows, ScopedListView):
    """Every complaint of the reader's scope, newest first, with its SLA state."""

    model = Complaint
    change_action = RIGHT
    filterset_class = ComplaintFilterSet
    unit_tree = OrgUnit
    title = gettext_lazy("Complaints")
    template_name = "relations/complaint_list.html"

    def narrow_queryset(self, queryset):
        return super().narrow_queryset(queryset.select_related(*RELATED)).order_by("-received_on", "-id")


class ComplaintQueueView(ComplaintListView):
    """The queue of the reader's area (a district manager: their district): complaints not closed, those past their SLA
    and due soonest first."""

    title = gettext_lazy("Complaint queue")

    def narrow_queryset(self, queryset):
        queryset = super().narrow_queryset(queryset).filter(state__in=OPEN_STATES)
        return queryset.order_by("due_on", "-severity", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["queue"] = True
        return context


class ComplaintCenterView(ScopedListView):
    """The center's view: the complaints of the reader's scope (the Development Center: the whole company) by product,
    channel and region with their SLA figures and handling time, and every closed complaint, most recent first."""

    model = Complaint
    filterset_class = ComplaintFilterSet
    unit_tree = OrgUnit
    title = gettext_lazy("Complaints: the center's view")
    template_name = "relations/complaint_center.html"

    def narrow_queryset(self, queryset):
        self.filtered = super().narrow_queryset(queryset)
        return self.filtered.filter(state=ComplaintState.CLOSED).select_related(*RELATED).order_by("-closed_on", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["view_data"] = center_view(self.filtered)
        return context


class ComplaintCreateView(ScopedViewMixin, View):
    """Log a complaint; ?customer=<id> (looked up in the reader's scope) fixes the customer."""

    model = Complaint
    change_action = RIGHT
    template_name = "relations/complaint_form.html"

    def _customer(self, request):
        pk = request.GET.get("customer")
        return get_in_scope(request, Customer, pk=pk) if pk else None

    def _render(self, form, customer, status=200):
        return render(self.request, self.template_name, {"form": form, "customer": customer}, status=status)

    def get(self, request):
        self.require_change()
        customer = self._customer(request)
        return self._render(ComplaintForm(user=request.user, customer=customer), customer)

    def post(self, request):
        self.require_change()
        customer = self._customer(request)
        form = ComplaintForm(request.POST, user=request.user, customer=customer)
        if form.is_valid():
            try:
                complaint = services.complaint_create(by=request.user, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The complaint is logged."))
                return redirect(complaint.get_absolute_url())
        return self._render(form, customer, status=400)


class ComplaintDetailView(ScopedDetailView):
    """A complaint: details, SLA, log of steps, escalations; the forms its state allows (for those who handle it)."""

    model = Complaint
    change_action = RIGHT
    template_name = "relations/complaint_detail.html"
    FORMS = {
        "step": ComplaintStepForm,
        "resolve": ComplaintResultForm,
        "close": ComplaintCloseForm,
        "reopen": ComplaintReopenForm,
        "breach": ComplaintBreachForm,
    }

    def narrow_queryset(self, queryset):
        return queryset.select_related(*RELATED)

    def _forms(self, complaint, bound=None):
        state = complaint.state
        allowed = {
            "step": state != ComplaintState.CLOSED,
            "resolve": state in UNRESOLVED_STATES,
            "close": state != ComplaintState.CLOSED,
            "reopen": state in (ComplaintState.RESOLVED, ComplaintState.CLOSED),
            "breach": state in UNRESOLVED_STATES and complaint.due_on < timezone.localdate(),
        }
        forms = {}
        for name, form_class in self.FORMS.items():
            if not allowed[name]:
                continue
            kwargs = {"needs_result": state in UNRESOLVED_STATES} if name == "close" else {}
            forms[name] = bound[1] if bound and bound[0] == name else form_class(**kwargs)
        return forms

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        complaint = self.object
        handles = may(self.request.user, "complaint.handle", complaint)
        context["may_handle"] = handles
        context["may_start"] = handles and complaint.state in (ComplaintState.OPEN, ComplaintState.REOPENED)
        context["may_edit"] = handles and complaint.state != ComplaintState.CLOSED
        context["forms"] = self._forms(complaint, kwargs.get("bound")) if handles else {}
        context["sla"] = sla_state(complaint)
        context["sla_label"] = dict(SlaState.choices)[context["sla"]]
        context["steps"] = list(complaint.steps.select_related("by__staff_profile").order_by("created_at", "id"))
        context["escalations"] = list(complaint.escalations.select_related("from_owner", "to_owner").order_by("on", "id"))
        context["error"] = kwargs.get("error")
        return context

    def _call(self, name, data):
        complaint, by = self.object, self.request.user
        if name == "step":
            return services.complaint_step_add(by=by, complaint=complaint, note=data["note"], on=data["on"])
        if name == "resolve":
            return services.complaint_resolve(by=by, complaint=complaint, result=data["result"], on=data["resolved_on"])
        if name == "close":
            return services.complaint_close(
                by=by,
                complaint=complaint,
                confirmation=data["confirmation"],
                note=data["confirmation_note"],
                result=data.get("result"),
            )
        if name == "reopen":
            return services.complaint_reopen(by=by, complaint=complaint, reason=data["reason"])
        return services.complaint_report_breach(by=by, complaint=complaint, note=data["note"])

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        name = request.POST.get("action")
        if name == "start":
            try:
                services.complaint_start(by=request.user, complaint=self.object)
            except DomainError as error:
                if isinstance(error, NotAllowed):
                    raise audit.RefusedWrite(str(error.message)) from None  # a 403, like the API's
                return render(request, self.template_name, self.get_context_data(error=error.message), status=error.status_code)
            messages.success(request, _("The complaint is in progress."))
            return redirect(self.object.get_absolute_url())
        if name not in self.FORMS:
            return render(request, self.template_name, self.get_context_data(error=_("Unknown action.")), status=400)
        kwargs = {"needs_result": self.object.state in UNRESOLVED_STATES} if name == "close" else {}
        form = self.FORMS[name](request.POST, **kwargs)
        if form.is_valid():
            try:
                self._call(name, form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(self.object.get_absolute_url())
        self.object.refresh_from_db()
        context = self.get_context_data(bound=(name, form))
        return render(request, self.template_name, context, status=400)


class ComplaintEditView(ScopedDetailView):
    """Change a complaint's severity, cause, description and product or channel (`complaint.handle`, not closed:
    relations.services.complaint_update; the SLA due day follows the severity)."""

    model = Complaint
    change_action = RIGHT
    template_name = "relations/complaint_edit.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related(*RELATED)

    def _render(self, form, status=200):
        return render(self.request, self.template_name, {"form": form, "object": self.object}, status=status)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        return self._render(ComplaintEditForm(user=request.user, complaint=self.object))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        form = ComplaintEditForm(request.POST, user=request.user, complaint=self.object)
        status = 400
        if form.is_valid():
            try:
                services.complaint_update(by=request.user, complaint=self.object, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)  # a missing right: 403
                status = error.status_code  # a closed complaint: 409
            else:
                messages.success(request, _("Saved."))
                return redirect(self.object.get_absolute_url())
        return self._render(form, status=status)
