"""Pages of bad debts (呆坏账, issue 16): write-offs — the list, the proposal (from a customer's page), a
write-off's page (its lines, its approval, submit, withdraw, ask for a reversal, record money recovered) and the
form that edits a draft or returned one —, the bad-debt register (write-offs in force, recoveries, net loss, per
unit) and the recoveries.

A salesperson reads and proposes write-offs of their own customers, a manager those of their part of the tree, the
Development Center all; the role right `customer.change` shows the forms and the services ask the rules
(risk/rights.py). A refused write shows the service's message on its field (a missing right: 403)."""

from django.contrib import messages
from django.db.models import OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from approvals.selectors import latest_request
from core.errors import DomainError
from core.money import ZERO
from core.rights import may
from core.scoping import get_in_scope
from core.ui import approval_url
from core.views import (
    ActionDetailView,
    ScopedDetailView,
    ScopedFileView,
    ScopedListView,
    ScopedViewMixin,
    apply_domain_error,
)
from customers.models import Customer
from customers.selectors import MONEY
from performance.selectors import default_unit
from risk import services
from risk.choices import WRITE_OFF_EDITABLE_STATES, WriteOffReversalState, WriteOffState
from risk.filtersets import RecoveryFilterSet, WriteOffFilterSet
from risk.forms import RecoveryForm, WriteOffForm, WriteOffReversalForm
from risk.models import Recovery, WriteOff
from risk.selectors import register_figures, write_off_candidates

FORM_TEMPLATE = "risk/write_off_form.html"


class WriteOffListView(ScopedListView):
    """The write-offs in the reader's scope (every state), newest first."""

    model = WriteOff
    change_action = "customer.change"
    filterset_class = WriteOffFilterSet
    title = gettext_lazy("Write-offs")
    template_name = "risk/write_off_list.html"

    def narrow_queryset(self, queryset):
        return super().narrow_queryset(queryset.select_related("customer", "unit")).order_by("-created_at", "-id")


class BadDebtRegisterView(ScopedListView):
    """The bad-debt register (坏账登记簿): write-offs posted (in force or reversed) with what was recovered on each;
    above, the totals of the filtered register and, for a unit above a district, the same per child unit."""

    model = WriteOff
    change_action = "customer.change"
    filterset_class = WriteOffFilterSet
    title = gettext_lazy("Bad-debt register")
    template_name = "risk/bad_debt_register.html"

    def narrow_queryset(self, queryset):
        recovered = (
            Recovery.objects.unscoped().filter(write_off=OuterRef("pk")).order_by().values("write_off").annotate(s=Sum("amount"))
        )
        queryset = queryset.filter(state__in=(WriteOffState.APPROVED, WriteOffState.REVERSED)).annotate(
            recovered=Coalesce(Subquery(recovered.values("s"), output_field=MONEY), Value(ZERO), output_field=MONEY)
        )
        return super().narrow_queryset(queryset.select_related("customer", "unit")).order_by("-written_off_on", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        write_offs = self.object_list  # the scoped, filtered register (every page)
        recoveries = Recovery.objects.for_user(self.request.user).filter(write_off__in=write_offs.values("pk"))
        unit = default_unit(self.request.user)
        context["figures"] = register_figures(write_offs=write_offs, recoveries=recoveries, unit=unit)
        context["register_unit"] = unit
        return context


class RecoveryListView(ScopedListView):
    """Money recovered on written-off debt (坏账收回) in the reader's scope, newest first."""

    model = Recovery
    change_action = "customer.change"
    filterset_class = RecoveryFilterSet
    title = gettext_lazy("Recoveries of written-off debt")
    template_name = "risk/recovery_list.html"

    def narrow_queryset(self, queryset):
        return super().narrow_queryset(queryset.select_related("customer", "write_off")).order_by("-received_on", "-id")


def _lines_initial(write_off):
    return {f"line_{pk}": f"{amount:.2f}" for pk, amount in write_off.lines.values_list("invoice_id", "amount")}


class WriteOffCreateView(ScopedViewMixin, View):
    """?customer=<id> (or the same in the posted form): the customer, looked up in the reader's scope after the
    role's right; saving drafts the write-off and opens it, to submit."""

    model = WriteOff
    change_action = "customer.change"

    def _customer(self, request):
        pk = request.GET.get("customer") or request.POST.get("customer")
        if not pk:
            raise Http404
        return get_in_scope(request, Customer, pk=pk)

    def _render(self, form, customer, status=200):
        return render(self.request, FORM_TEMPLATE, {"form": form, "customer": customer, "write_off": None}, status=status)

    def get(self, request):
        self.require_change()
        customer = self._customer(request)
        return self._render(WriteOffForm(invoices=write_off_candidates(customer)), customer)

    def post(self, request):
        self.require_change()
        customer = self._customer(request)
        form = WriteOffForm(request.POST, request.FILES, invoices=write_off_candidates(customer))
        if form.is_valid():
            try:
                write_off = services.write_off_propose(
                    by=request.user,
                    customer=customer,
                    lines=form.lines(),
                    reason=form.cleaned_data["reason"],
                    collection_history=form.cleaned_data["collection_history"],
                    attachment=form.cleaned_data["attachment"],
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The write-off is drafted; submit it for approval."))
                return redirect(write_off.get_absolute_url())
        return self._render(form, customer, status=400)


class WriteOffEditView(ScopedDetailView):
    """Edit a draft or returned write-off (a returned one becomes a draft again); the customer stays."""

    model = WriteOff
    change_action = "customer.change"
    template_name = FORM_TEMPLATE

    def narrow_queryset(self, queryset):
        return queryset.select_related("customer")

    def _render(self, form, status=200):
        context = {"form": form, "customer": self.object.customer, "write_off": self.object}
        return render(self.request, self.template_name, context, status=status)

    def _form(self, *args, **kwargs):
        return WriteOffForm(*args, invoices=write_off_candidates(self.object.customer, write_off=self.object), **kwargs)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        initial = {"reason": self.object.reason, "collection_history": self.object.collection_history}
        return self._render(self._form(initial={**initial, **_lines_initial(self.object)}))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        form = self._form(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.write_off_update(
                    by=request.user,
                    write_off=self.object,
                    lines=form.lines(),
                    reason=form.cleaned_data["reason"],
                    collection_history=form.cleaned_data["collection_history"],
                    attachment=form.cleaned_data["attachment"],
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The write-off is saved."))
                return redirect(self.object.get_absolute_url())
        return self._render(form, status=400)


class WriteOffDetailView(ActionDetailView):
    """A write-off: its lines, reason and collection history, its approval, and what the reader may do — edit,
    submit, withdraw; once in force, ask for a reversal or record money recovered."""

    model = WriteOff
    change_action = "customer.change"
    template_name = "risk/write_off_detail.html"
    actions = {
        "submit": (services.write_off_submit, gettext_lazy("The write-off is submitted for approval.")),
        "withdraw": (services.write_off_withdraw, gettext_lazy("The write-off is withdrawn.")),
    }
    action_object_name = "write_off"
    refusal_is_denial = True

    def narrow_queryset(self, queryset):
        return queryset.select_related("customer", "unit", "requested_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        write_off, user = self.object, self.request.user
        request = latest_request(write_off)
        context["approval"] = request
        context["approval_url"] = approval_url(request.pk) if request else None
        context["lines"] = list(write_off.lines.select_related("invoice", "allocation").order_by("invoice__due_date", "id"))
        context["recoveries"] = list(write_off.recoveries.order_by("received_on", "id"))
        context["recovered"] = sum((row.amount for row in context["recoveries"]), 0)
        reversals = list(write_off.reversals.order_by("-created_at", "-id"))
        context["reversals"] = [(reversal, latest_request(reversal)) for reversal in reversals]
        editable = write_off.state in WRITE_OFF_EDITABLE_STATES
        context["may_edit"] = editable and may(user, "write_off.edit", write_off)
        context["may_submit"] = context["may_edit"]
        context["may_withdraw"] = (editable or write_off.state == WriteOffState.SUBMITTED) and may(
            user, "write_off.edit", write_off
        )
        waiting = any(r.state in (WriteOffReversalState.SUBMITTED, WriteOffReversalState.RETURNED) for r in reversals)
        in_force = write_off.state == WriteOffState.APPROVED
        context["may_reverse"] = (
            in_force and not waiting and not context["recoveries"] and may(user, "write_off.reverse", write_off)
        )
        context["may_recover"] = in_force and may(user, "write_off.recover", write_off.customer)
        context["reversal_form"] = kwargs.get("reversal_form") or WriteOffReversalForm()
        context["recovery_form"] = kwargs.get("recovery_form") or RecoveryForm(initial={"received_on": timezone.localdate()})
        context["error"] = kwargs.get("error")
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action not in ("reverse", "recover"):
            return super().post(request, *args, **kwargs)
        self.object = self.get_object()
        self.require_change()
        if action == "reverse":
            form = WriteOffReversalForm(request.POST)
            if form.is_valid():
                try:
                    services.write_off_reversal_request(by=request.user, write_off=self.object, **form.cleaned_data)
                except DomainError as error:
                    apply_domain_error(form, error)
                else:
                    messages.success(request, _("The reversal is submitted for approval."))
                    return redirect(self.object.get_absolute_url())
            return render(request, self.template_name, self.get_context_data(reversal_form=form), status=400)
        form = RecoveryForm(request.POST)
        if form.is_valid():
            try:
                services.recovery_record(by=request.user, customer=self.object.customer, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The recovery is recorded."))
                return redirect(self.object.get_absolute_url())
        return render(request, self.template_name, self.get_context_data(recovery_form=form), status=400)


class WriteOffAttachmentView(ScopedFileView):
    """The download of a write-off's attachment, for whoever reads the write-off (outside the scope: 404)."""

    model = WriteOff
    file_field = "attachment"
