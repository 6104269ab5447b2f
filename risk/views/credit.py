"""Pages of credit control (信用控制, issue 16): the credit-limit exceptions — the list (the shared list view and
its FilterSet), the request form (from a customer's page), an exception's page (its days, its approval, submit
and withdraw) and the form that edits a draft or returned one.

A salesperson reads and asks for the exceptions of their own customers, a manager those of their part of the
tree, the Development Center all; the role right `customer.change` shows the forms and the services ask the
rules (risk/rights.py). A refused write shows the service's message on its field (a missing right: 403)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from approvals.selectors import latest_request
from core.errors import DomainError
from core.rights import may
from core.scoping import get_in_scope
from core.ui import approval_url
from core.views import ActionDetailView, ScopedDetailView, ScopedListView, ScopedViewMixin, apply_domain_error
from customers.models import Customer
from customers.services.limits import effective_limit
from risk import services
from risk.choices import Grade
from risk.filtersets import CreditExceptionFilterSet, CreditHoldFilterSet, LimitSuggestionFilterSet
from risk.forms import (
    CreditExceptionForm,
    CreditPolicyForm,
    HoldReleaseForm,
    LimitAcceptForm,
    credit_exception_initial,
    credit_policy_initial,
)
from risk.models import CreditException, CreditHold, CreditLimitSuggestion, CreditPolicy

FORM_TEMPLATE = "risk/credit_exception_form.html"


class CreditExceptionListView(ScopedListView):
    """The credit-limit exceptions in the reader's scope, newest first."""

    model = CreditException
    change_action = "customer.change"
    filterset_class = CreditExceptionFilterSet
    title = gettext_lazy("Credit-limit exceptions")
    template_name = "risk/credit_exception_list.html"

    def narrow_queryset(self, queryset):
        return super().narrow_queryset(queryset.select_related("customer", "unit")).order_by("-created_at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        return context


class CreditExceptionCreateView(ScopedViewMixin, View):
    """?customer=<id> (or the same in the posted form): the customer, looked up in the reader's scope after the
    role's right; saving drafts the exception and opens it, to submit."""

    model = CreditException
    change_action = "customer.change"

    def _customer(self, request):
        pk = request.GET.get("customer") or request.POST.get("customer")
        if not pk:
            raise Http404
        return get_in_scope(request, Customer, pk=pk)

    def _render(self, form, customer, status=200):
        context = {"form": form, "customer": customer, "exception": None, "limit": effective_limit(customer)}
        return render(self.request, FORM_TEMPLATE, context, status=status)

    def get(self, request):
        self.require_change()
        customer = self._customer(request)
        return self._render(CreditExceptionForm(initial={"valid_from": timezone.localdate()}), customer)

    def post(self, request):
        self.require_change()
        customer = self._customer(request)
        form = CreditExceptionForm(request.POST)
        if form.is_valid():
            try:
                exception = services.credit_exception_request(by=request.user, customer=customer, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The exception is drafted; submit it for approval."))
                return redirect(exception.get_absolute_url())
        return self._render(form, customer, status=400)


class CreditExceptionEditView(ScopedDetailView):
    """Edit a draft or returned exception (a returned one becomes a draft again); the customer stays."""

    model = CreditException
    change_action = "customer.change"
    template_name = FORM_TEMPLATE

    def narrow_queryset(self, queryset):
        return queryset.select_related("customer")

    def _render(self, form, status=200):
        exception = self.object
        context = {"form": form, "customer": exception.customer, "exception": exception}
        context["limit"] = effective_limit(exception.customer)
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        return self._render(CreditExceptionForm(initial=credit_exception_initial(self.object)))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        form = CreditExceptionForm(request.POST)
        if form.is_valid():
            try:
                services.credit_exception_update(exception=self.object, **form.cleaned_data, by=request.user)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The exception is saved."))
                return redirect(self.object.get_absolute_url())
        return self._render(form, status=400)


class CreditExceptionDetailView(ActionDetailView):
    """An exception: the customer's limit with and without it, its days, reason and evidence, its approval, and
    the actions the reader may take (edit, submit, withdraw)."""

    model = CreditException
    change_action = "customer.change"
    template_name = "risk/credit_exception_detail.html"
    actions = {
        "submit": (services.credit_exception_submit, gettext_lazy("The exception is submitted for approval.")),
        "withdraw": (services.credit_exception_withdraw, gettext_lazy("The exception is withdrawn.")),
    }
    action_object_name = "exception"
    refusal_is_denial = True

    def narrow_queryset(self, queryset):
        return queryset.select_related("customer", "unit", "requested_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        exception, user = self.object, self.request.user
        today = timezone.localdate()
        request = latest_request(exception)
        context["approval"] = request
        context["approval_url"] = approval_url(request.pk) if request else None
        context["today"] = today
        context["applies_today"] = exception.applies_on(today)
        context["limit_today"] = effective_limit(exception.customer, today)
        context["may_edit"] = exception.is_editable and may(user, "credit_exception.edit", exception)
        context["may_submit"] = context["may_edit"]
        context["may_withdraw"] = (exception.is_editable or exception.state == "submitted") and may(
            user, "credit_exception.withdraw", exception
        )
        context["error"] = kwargs.get("error")
        return context


# --- credit holds (暂停赊销) ------------------------------------------------------------------------------------
class CreditHoldListView(ScopedListView):
    """The customers on credit hold and why (the released ones with ?state=released)."""

    model = CreditHold
    change_action = "customer.change"
    filterset_class = CreditHoldFilterSet
    title = gettext_lazy("Customers on credit hold")
    template_name = "risk/credit_hold_list.html"

    def narrow_queryset(self, queryset):
        return super().narrow_queryset(queryset.select_related("customer", "unit", "owner")).order_by("-placed_on", "-id")


class CreditHoldDetailView(ScopedDetailView):
    """A hold: why, since when, its releases asked so far, and the form asking for its release."""

    model = CreditHold
    change_action = "customer.change"
    template_name = "risk/credit_hold_detail.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("customer", "unit", "owner")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        hold, user = self.object, self.request.user
        releases = list(hold.releases.order_by("-created_at", "-id"))
        context["releases"] = [(release, latest_request(release)) for release in releases]
        waiting = any(release.state == "submitted" for release in releases)
        context["may_release"] = hold.state == "on" and not waiting and may(user, "credit_hold.release", hold)
        context["form"] = kwargs.get("form") or HoldReleaseForm()
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        form = HoldReleaseForm(request.POST)
        if form.is_valid():
            try:
                services.credit_hold_release_request(hold=self.object, by=request.user, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The release is submitted for approval."))
                return redirect(self.object.get_absolute_url())
        return render(request, self.template_name, self.get_context_data(form=form), status=400)


# --- the credit policy (信用政策) -----------------------------------------------------------------------------------
POLICY_FORM = "risk/credit_policy_form.html"


class CreditPolicyListView(ScopedListView):
    """The credit policy's versions, newest first: everyone inside the organisation reads them."""

    model = CreditPolicy
    change_action = "risk.policy"
    title = gettext_lazy("Credit policy")
    template_name = "risk/credit_policy_list.html"

    def narrow_queryset(self, queryset):
        return super().narrow_queryset(queryset.select_related("drafted_by")).order_by("-version", "-id")


class CreditPolicyCreateView(ScopedViewMixin, View):
    """Draft a credit policy (the center)."""

    model = CreditPolicy
    change_action = "risk.policy"

    def _render(self, form, status=200):
        return render(self.request, POLICY_FORM, {"form": form, "policy": None, "grades": Grade.values}, status=status)

    def get(self, request):
        self.require_change()
        return self._render(CreditPolicyForm(initial={"hold_grade_d": True, "at_limit_action": "flag"}))

    def post(self, request):
        self.require_change()
        form = CreditPolicyForm(request.POST)
        if form.is_valid():
            try:
                policy = services.credit_policy_create(**form.cleaned_data, by=request.user)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The credit policy is drafted; submit it for approval."))
                return redirect(policy.get_absolute_url())
        return self._render(form, status=400)


class CreditPolicyEditView(ScopedDetailView):
    """Change a draft policy."""

    model = CreditPolicy
    change_action = "risk.policy"
    template_name = POLICY_FORM

    def _render(self, form, status=200):
        context = {"form": form, "policy": self.object, "grades": Grade.values}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        return self._render(CreditPolicyForm(initial=credit_policy_initial(self.object)))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        form = CreditPolicyForm(request.POST)
        if form.is_valid():
            try:
                services.credit_policy_update(policy=self.object, **form.cleaned_data, by=request.user)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The credit policy is saved."))
                return redirect(self.object.get_absolute_url())
        return self._render(form, status=400)


class CreditPolicyDetailView(ActionDetailView):
    """A version of the policy: its rules and caps, its approval, and submit / withdraw / revise."""

    model = CreditPolicy
    change_action = "risk.policy"
    template_name = "risk/credit_policy_detail.html"
    actions = {
        "submit": (services.credit_policy_submit, gettext_lazy("The credit policy is submitted to the Development Center.")),
        "withdraw": (services.credit_policy_withdraw, gettext_lazy("The credit policy is withdrawn: a draft again.")),
        "revise": (services.credit_policy_revise, gettext_lazy("A new version is drafted from the policy in force.")),
    }
    action_object_name = "policy"
    refusal_is_denial = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        policy, user = self.object, self.request.user
        request = latest_request(policy)
        context["approval"] = request
        context["approval_url"] = approval_url(request.pk) if request else None
        context["caps"] = [{"unit": cap.unit.name, "cap": cap.cap} for cap in policy.caps.select_related("unit")]
        allowed = may(user, "credit_policy.draft", policy)
        context["may_edit"] = allowed and policy.is_editable
        context["may_withdraw"] = allowed and policy.state == "submitted"
        context["may_revise"] = allowed and policy.state == "approved"
        context["error"] = kwargs.get("error")
        return context


# --- suggested credit limits (建议信用额度) -------------------------------------------------------------------------
class LimitSuggestionListView(ScopedListView):
    """The credit limits the policy suggests for the customers in the reader's scope."""

    model = CreditLimitSuggestion
    change_action = "customer.change"
    filterset_class = LimitSuggestionFilterSet
    title = gettext_lazy("Suggested credit limits")
    template_name = "risk/limit_suggestion_list.html"

    def narrow_queryset(self, queryset):
        return super().narrow_queryset(queryset.select_related("customer")).order_by("-suggested_on", "-id")


class LimitSuggestionDetailView(ScopedDetailView):
    """A suggestion, and the form accepting it (as suggested or changed) for a manager above the district."""

    model = CreditLimitSuggestion
    change_action = "customer.change"
    template_name = "risk/limit_suggestion_detail.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("customer", "policy")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        suggestion = self.object
        request = latest_request(suggestion)
        context["approval_url"] = approval_url(request.pk) if request else None
        context["may_accept"] = suggestion.state == "open" and may(self.request.user, "credit_limit.accept", suggestion)
        context["form"] = kwargs.get("form") or LimitAcceptForm()
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        form = LimitAcceptForm(request.POST)
        if form.is_valid():
            try:
                result = services.credit_limit_accept(suggestion=self.object, by=request.user, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                applied = result.state == "applied"
                messages.success(
                    request, _("The credit limit is applied.") if applied else _("The credit limit is submitted for approval.")
                )
                return redirect(self.object.get_absolute_url())
        return render(request, self.template_name, self.get_context_data(form=form), status=400)
