"""Pages of promotional materials (推广用品, issue 17) under /channels/materials/: each unit's stock, the ledger,
dispatches (send; the receiver confirms receipt on the dispatch's page), requirement plans (draft, submit,
withdraw; the center decides in approvals) and the catalogue.

Reads go through the scope; the role rights show the forms and the services ask the rules (channels/rights.py).
A refused write shows the service's message on its field (a missing right: 403)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from approvals.selectors import latest_request
from channels import selectors, services
from channels.choices import DispatchState, MaterialRequestState
from channels.filtersets import (
    MaterialDispatchFilterSet,
    MaterialItemFilterSet,
    MaterialMovementFilterSet,
    MaterialRequestFilterSet,
    MaterialStockFilterSet,
)
from channels.forms.materials import DispatchForm, MaterialItemForm, MaterialRequestForm, StockChangeForm
from channels.models_promotion import MaterialDispatch, MaterialItem, MaterialMovement, MaterialRequest, MaterialStock
from channels.services.materials import EDITABLE, SENDERS
from core.errors import DomainError
from core.rights import may
from core.ui import approval_url
from core.views import ActionDetailView, ScopedDetailView, ScopedListView, ScopedViewMixin, apply_domain_error
from regions.models import OrgUnit

FORM_TEMPLATE = "channels/material_form.html"


def _form_page(request, form, *, title, back, status=200, template=FORM_TEMPLATE, **extra):
    return render(request, template, {"form": form, "title": title, "back": back, **extra}, status=status)


# --- lists ----------------------------------------------------------------------------------------
class MaterialStockListView(ScopedListView):
    """Each unit's stock of each material in the reader's scope, with its value (quantity × unit cost)."""

    model = MaterialStock
    change_action = "budget.change"
    filterset_class = MaterialStockFilterSet
    unit_tree = OrgUnit
    title = gettext_lazy("Promotional materials · stock")
    template_name = "channels/material_stock_list.html"

    def narrow_queryset(self, queryset):
        return super().narrow_queryset(selectors.stock_with_value(queryset)).order_by("unit__path", "item__code")


class MaterialMovementListView(ScopedListView):
    """The ledger: every change of stock in the reader's scope, newest first."""

    model = MaterialMovement
    filterset_class = MaterialMovementFilterSet
    unit_tree = OrgUnit
    title = gettext_lazy("Promotional materials · ledger")
    template_name = "channels/material_movement_list.html"

    def narrow_queryset(self, queryset):
        return super().narrow_queryset(queryset.select_related("unit", "item", "event")).order_by("-id")


class MaterialDispatchListView(ScopedListView):
    model = MaterialDispatch
    change_action = "budget.change"
    filterset_class = MaterialDispatchFilterSet
    unit_tree = OrgUnit
    title = gettext_lazy("Promotional materials · dispatches")
    template_name = "channels/material_dispatch_list.html"

    def narrow_queryset(self, queryset):
        return super().narrow_queryset(queryset.select_related("from_unit", "to_unit", "item")).order_by("-id")


class MaterialRequestListView(ScopedListView):
    model = MaterialRequest
    change_action = "budget.change"
    filterset_class = MaterialRequestFilterSet
    unit_tree = OrgUnit
    title = gettext_lazy("Promotional materials · requirement plans")
    template_name = "channels/material_request_list.html"

    def narrow_queryset(self, queryset):
        return super().narrow_queryset(queryset.select_related("unit")).order_by("-id")


class MaterialItemListView(ScopedListView):
    model = MaterialItem
    change_action = "product.change"
    filterset_class = MaterialItemFilterSet
    title = gettext_lazy("Promotional materials · catalogue")
    template_name = "channels/material_item_list.html"

    def narrow_queryset(self, queryset):
        return super().narrow_queryset(queryset).order_by("code")


# --- forms ----------------------------------------------------------------------------------------
class MaterialItemCreateView(ScopedViewMixin, View):
    model = MaterialItem
    change_action = "product.change"
    title = gettext_lazy("Add a promotional material")

    def get(self, request):
        self.require_change()
        return _form_page(request, MaterialItemForm(), title=self.title, back="channels:material_item_list")

    def post(self, request):
        self.require_change()
        form = MaterialItemForm(request.POST)
        if form.is_valid():
            try:
                services.material_item_create(by=request.user, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The material is in the catalogue."))
                return redirect("channels:material_item_list")
        return _form_page(request, form, title=self.title, back="channels:material_item_list", status=400)


class StockChangeView(ScopedViewMixin, View):
    """A receipt from a supplier or a stock-take adjustment of a unit's stock."""

    model = MaterialStock
    change_action = "budget.change"
    title = gettext_lazy("Receive or adjust stock")

    def get(self, request):
        self.require_change()
        return _form_page(request, StockChangeForm(user=request.user), title=self.title, back="channels:material_stock_list")

    def post(self, request):
        self.require_change()
        form = StockChangeForm(request.POST, user=request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            service = services.material_receive if data.pop("kind") == StockChangeForm.RECEIPT else services.material_adjust
            try:
                service(by=request.user, **data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The stock is changed."))
                return redirect("channels:material_stock_list")
        return _form_page(request, form, title=self.title, back="channels:material_stock_list", status=400)


class DispatchCreateView(ScopedViewMixin, View):
    """Send materials from the center's or a region's stock to a unit below it (?request_line=… against a plan)."""

    model = MaterialDispatch
    change_action = "budget.change"
    title = gettext_lazy("Dispatch materials")

    def get(self, request):
        self.require_change()
        initial = {
            key: request.GET[key] for key in ("request_line", "to_unit", "item", "quantity") if request.GET.get(key, "").isdigit()
        }
        form = DispatchForm(user=request.user, initial=initial)
        return _form_page(request, form, title=self.title, back="channels:material_dispatch_list")

    def post(self, request):
        self.require_change()
        form = DispatchForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                dispatch = services.material_dispatch(by=request.user, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The materials are sent; the receiving unit confirms their receipt."))
                return redirect(dispatch.get_absolute_url())
        return _form_page(request, form, title=self.title, back="channels:material_dispatch_list", status=400)


class MaterialRequestCreateView(ScopedViewMixin, View):
    model = MaterialRequest
    change_action = "budget.change"
    title = gettext_lazy("Draft a requirement plan")
    template = "channels/material_request_form.html"

    def get(self, request):
        self.require_change()
        return _form_page(
            request,
            MaterialRequestForm(user=request.user),
            title=self.title,
            back="channels:material_request_list",
            template=self.template,
        )

    def post(self, request):
        self.require_change()
        form = MaterialRequestForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                plan = services.material_request_create(
                    by=request.user, lines=form.lines(), **{k: form.cleaned_data[k] for k in ("unit", "period", "title", "note")}
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The plan is drafted; submit it to the Development Center."))
                return redirect(plan.get_absolute_url())
        return _form_page(
            request, form, title=self.title, back="channels:material_request_list", template=self.template, status=400
        )


class MaterialRequestEditView(ScopedDetailView):
    """Change a draft, returned or withdrawn plan; its unit stays."""

    model = MaterialRequest
    change_action = "budget.change"
    template_name = "channels/material_request_form.html"
    title = gettext_lazy("Edit the requirement plan")

    def _render(self, form, status=200):
        return _form_page(
            self.request,
            form,
            title=self.title,
            back="channels:material_request_list",
            template=self.template_name,
            status=status,
            plan=self.object,
        )

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        initial = {"period": self.object.period, "title": self.object.title, "note": self.object.note}
        for n, line in enumerate(self.object.lines.order_by("id")):
            initial.update({f"item_{n}": line.item_id, f"quantity_{n}": line.quantity, f"purpose_{n}": line.purpose})
        return self._render(MaterialRequestForm(user=request.user, with_unit=False, initial=initial))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        form = MaterialRequestForm(request.POST, user=request.user, with_unit=False)
        if form.is_valid():
            try:
                services.material_request_update(
                    by=request.user,
                    request=self.object,
                    lines=form.lines(),
                    **{k: form.cleaned_data[k] for k in ("period", "title", "note")},
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The plan is saved."))
                return redirect(self.object.get_absolute_url())
        return self._render(form, status=400)


# --- details --------------------------------------------------------------------------------------
class MaterialRequestDetailView(ActionDetailView):
    """A requirement plan: its lines (with what has been dispatched against each), its approval, and submit /
    withdraw; once approved, a dispatch link per line for whoever may send from above."""

    model = MaterialRequest
    change_action = "budget.change"
    template_name = "channels/material_request_detail.html"
    actions = {
        "submit": (services.material_request_submit, gettext_lazy("The plan is submitted to the Development Center.")),
        "withdraw": (services.material_request_withdraw, gettext_lazy("The plan is withdrawn.")),
    }
    action_object_name = "request"
    refusal_is_denial = True

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan, user = self.object, self.request.user
        approval = latest_request(plan)
        may_edit = plan.state in EDITABLE and may(user, "material.request", plan.unit)
        context.update(
            plan=plan,
            lines=plan.lines.select_related("item").order_by("id"),
            approval=approval,
            approval_url=approval_url(approval.pk) if approval else None,
            may_edit=may_edit,
            may_submit=may_edit,
            may_withdraw=plan.state == MaterialRequestState.SUBMITTED and may(user, "material.request", plan.unit),
            may_dispatch=plan.state == MaterialRequestState.APPROVED
            and any(may(user, "material.dispatch", unit) for unit in plan.unit.ancestors() if unit.kind in SENDERS),
        )
        return context


def _receive(*, request, by):
    return services.material_dispatch_receive(dispatch=request, by=by)


class MaterialDispatchDetailView(ActionDetailView):
    """A dispatch: what was sent where and when; the receiving unit confirms receipt here."""

    model = MaterialDispatch
    change_action = "budget.change"
    template_name = "channels/material_dispatch_detail.html"
    actions = {"receive": (_receive, gettext_lazy("The materials are received into the unit's stock."))}
    action_object_name = "request"
    refusal_is_denial = True

    def narrow_queryset(self, queryset):
        return queryset.select_related("from_unit", "to_unit", "item")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        dispatch = self.object
        context["may_receive"] = dispatch.state == DispatchState.SENT and may(self.request.user, "material.receive", dispatch)
        context["movements"] = dispatch.movements.select_related("unit").order_by("id")
        return context
