"""Pages of contracts (合同, issue 17): the list (filtered), a contract's page (its details, the signed copy's
download, its meetings, its filing approval and the buttons its state allows), the form that drafts one (from a
customer's or a channel's id: ?customer= / ?channel=) and the one that edits it.

The reader sees the contracts of their part of the tree (a salesperson their own); the role right
`customer.change` shows the forms, and the services ask the rules (channels/rights.py). A refused write shows
the service's message on its field; a missing right is a 403."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from approvals.selectors import latest_request
from channels import services
from channels.choices import CONTRACT_EDITABLE_STATES, CONTRACT_MOVES, ContractState
from channels.filtersets import ContractFilterSet
from channels.forms import ContractForm, ContractMeetingForm
from channels.models import Channel, Contract
from core.errors import DomainError
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

FORM_TEMPLATE = "channels/contract_form.html"
FIELDS = ("kind", "title", "amount", "starts_on", "ends_on", "signed_on", "note")


def _move(to):
    def move(*, contract, by):
        return services.contract_move(by=by, contract=contract, to=to)

    return move


def _values(form):
    values = {name: form.cleaned_data[name] for name in FIELDS}
    if form.cleaned_data.get("file"):
        values["file"] = form.cleaned_data["file"]
    return values


class ContractListView(ScopedListView):
    """The contracts in the reader's scope, newest first."""

    model = Contract
    change_action = "customer.change"
    filterset_class = ContractFilterSet
    title = gettext_lazy("Contracts")
    template_name = "channels/contract_list.html"

    def narrow_queryset(self, queryset):
        queryset = queryset.select_related("customer", "channel", "unit", "owner")
        return super().narrow_queryset(queryset).order_by("-created_at", "-id")


class ContractCreateView(ScopedViewMixin, View):
    """?customer=<id> or ?channel=<id> (or the same posted): the party, looked up in the reader's scope."""

    model = Contract
    change_action = "customer.change"

    def _party(self, request):
        for name, model in (("customer", Customer), ("channel", Channel)):
            pk = request.GET.get(name) or request.POST.get(name)
            if pk:
                return name, get_in_scope(request, model, pk=pk)
        raise Http404

    def _render(self, form, party, status=200):
        context = {"form": form, "party": party[1], "party_field": party[0], "contract": None}
        return render(self.request, FORM_TEMPLATE, context, status=status)

    def get(self, request):
        self.require_change()
        return self._render(ContractForm(), self._party(request))

    def post(self, request):
        self.require_change()
        party = self._party(request)
        form = ContractForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                contract = services.contract_create(by=request.user, **{party[0]: party[1]}, **_values(form))
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The contract is drafted."))
                return redirect(contract.get_absolute_url())
        return self._render(form, party, status=400)


class ContractEditView(ScopedDetailView):
    """Edit a contract not yet submitted for filing (the party stays)."""

    model = Contract
    change_action = "customer.change"
    template_name = FORM_TEMPLATE

    def _render(self, form, status=200):
        context = {"form": form, "party": self.object.party, "contract": self.object}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        return self._render(ContractForm(initial={name: getattr(self.object, name) for name in FIELDS}))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        form = ContractForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.contract_update(by=request.user, contract=self.object, **_values(form))
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The contract is saved."))
                return redirect(self.object.get_absolute_url())
        return self._render(form, status=400)


class ContractDetailView(ActionDetailView):
    """A contract: its details, the signed copy, its meetings, its filing approval, and what the reader may do."""

    model = Contract
    change_action = "customer.change"
    template_name = "channels/contract_detail.html"
    actions = {
        "submit": (services.contract_submit, gettext_lazy("The contract is submitted for filing.")),
        "withdraw": (services.contract_withdraw, gettext_lazy("The filing request is withdrawn.")),
        "review": (_move(ContractState.UNDER_REVIEW), gettext_lazy("The contract is under review.")),
        "draft": (_move(ContractState.DRAFT), gettext_lazy("The contract is a draft again.")),
        "sign": (_move(ContractState.SIGNED), gettext_lazy("The contract is signed.")),
        "terminate": (_move(ContractState.TERMINATED), gettext_lazy("The contract is terminated.")),
        "renew": (_move(ContractState.RENEWED), gettext_lazy("The contract is marked renewed.")),
    }
    action_object_name = "contract"
    refusal_is_denial = True
    MOVES = {
        "review": ContractState.UNDER_REVIEW,
        "draft": ContractState.DRAFT,
        "sign": ContractState.SIGNED,
        "terminate": ContractState.TERMINATED,
        "renew": ContractState.RENEWED,
    }

    def narrow_queryset(self, queryset):
        return queryset.select_related("customer", "channel", "unit", "owner")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contract, user = self.object, self.request.user
        request = latest_request(contract)
        writes = may(user, "contract.write", contract)
        allowed = CONTRACT_MOVES.get(contract.state, set())
        context["approval"] = request
        context["approval_url"] = approval_url(request.pk) if request else None
        context["meetings"] = list(contract.meetings.order_by("on", "id"))
        context["may_write"] = writes
        context["may_edit"] = writes and contract.state in CONTRACT_EDITABLE_STATES
        context["may_submit"] = writes and contract.state == ContractState.SIGNED
        context["may_withdraw"] = writes and contract.state == ContractState.FILING
        context["moves"] = [(name, to.label) for name, to in self.MOVES.items() if writes and to in allowed]
        context["meeting_form"] = kwargs.get("meeting_form") or ContractMeetingForm(initial={"on": timezone.localdate()})
        context["error"] = kwargs.get("error")
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") != "meeting":
            return super().post(request, *args, **kwargs)
        self.object = self.get_object()
        self.require_change()
        form = ContractMeetingForm(request.POST)
        if form.is_valid():
            try:
                services.contract_meeting_add(by=request.user, contract=self.object, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The meeting is recorded."))
                return redirect(self.object.get_absolute_url())
        return render(request, self.template_name, self.get_context_data(meeting_form=form), status=400)


class ContractFileView(ScopedFileView):
    """The download of a contract's signed copy, for whoever reads the contract (outside the scope: 404)."""

    model = Contract
    file_field = "file"
