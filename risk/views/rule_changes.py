"""Pages of the proposed changes of the early-warning rules (预警规则变更): the list of proposals (the shared list
view and its FilterSet), a proposal's page (old → new, its approval, submit and withdraw), and the form that
proposes a new rule or edits a draft or returned proposal. Proposing a change of an existing rule starts on
the rules list (risk.views.warnings.WarningRuleEditView).

Everyone inside the organisation reads the proposals, as they read the rules; the Development Center writes
them (its role right `risk.policy` shows the forms; the services ask the rules). A refused write shows the
service's message on its field (a missing right: 403)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from approvals.selectors import latest_request
from core.errors import DomainError
from core.rights import may
from core.ui import approval_url
from core.views import ActionDetailView, ScopedDetailView, ScopedListView, ScopedViewMixin, apply_domain_error
from risk import selectors, services
from risk.filtersets import WarningRuleChangeFilterSet
from risk.forms import WarningRuleChangeForm, rule_change_initial
from risk.models import WarningRuleChange

FORM_TEMPLATE = "risk/warning_rule_change_form.html"


class WarningRuleChangeListView(ScopedListView):
    """The proposed changes of the warning rules, newest first."""

    model = WarningRuleChange
    change_action = "risk.policy"
    filterset_class = WarningRuleChangeFilterSet
    title = gettext_lazy("Warning rule changes")
    template_name = "risk/warning_rule_change_list.html"

    def narrow_queryset(self, queryset):
        return super().narrow_queryset(queryset.select_related("rule", "drafted_by")).order_by("-created_at", "-id")


class WarningRuleChangeCreateView(ScopedViewMixin, View):
    """Propose a new rule (the center); saving drafts the proposal and opens it, to submit."""

    model = WarningRuleChange
    change_action = "risk.policy"

    def _render(self, form, status=200):
        return render(self.request, FORM_TEMPLATE, {"rule": None, "change": None, "form": form}, status=status)

    def get(self, request):
        self.require_change()
        return self._render(WarningRuleChangeForm(initial={"is_active": True, "deadline_days": 3}))

    def post(self, request):
        self.require_change()
        form = WarningRuleChangeForm(request.POST)
        if form.is_valid():
            try:
                change = services.warning_rule_propose(**form.cleaned_data, by=request.user)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The new rule is proposed as a draft; submit it for approval."))
                return redirect(change.get_absolute_url())
        return self._render(form, status=400)


class WarningRuleChangeEditView(ScopedDetailView):
    """Edit a draft or returned proposal (a returned one becomes a draft again); the rule it changes stays."""

    model = WarningRuleChange
    change_action = "risk.policy"
    template_name = FORM_TEMPLATE

    def narrow_queryset(self, queryset):
        return queryset.select_related("rule")

    def _render(self, form, status=200):
        change = self.object
        return render(self.request, self.template_name, {"rule": change.rule, "change": change, "form": form}, status=status)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        return self._render(WarningRuleChangeForm(initial=rule_change_initial(self.object)))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        form = WarningRuleChangeForm(request.POST)
        if form.is_valid():
            try:
                services.warning_rule_change_update(change=self.object, **form.cleaned_data, by=request.user)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The proposal is saved."))
                return redirect(self.object.get_absolute_url())
        return self._render(form, status=400)


class WarningRuleChangeDetailView(ActionDetailView):
    """A proposal: the rule's values against the proposed ones (as frozen at its last submission, else the rule's
    values now), the reason, its approval, and the actions the reader may take (edit, submit, withdraw)."""

    model = WarningRuleChange
    change_action = "risk.policy"
    template_name = "risk/warning_rule_change_detail.html"
    actions = {
        "submit": (services.warning_rule_change_submit, gettext_lazy("The proposal is submitted to the Development Center.")),
        "withdraw": (services.warning_rule_change_withdraw, gettext_lazy("The proposal is withdrawn.")),
    }
    action_object_name = "change"
    refusal_is_denial = True

    def narrow_queryset(self, queryset):
        return queryset.select_related("rule", "drafted_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        change, user = self.object, self.request.user
        request = latest_request(change)
        context["approval"] = request
        context["approval_url"] = approval_url(request.pk) if request else None
        if request is not None and change.state != "draft" and request.snapshot:
            old, new = request.snapshot.get("old"), request.snapshot.get("new") or {}
        else:
            old = services.rule_values(change.rule) if change.rule_id else None
            new = services.rule_values(change)
        context["rows"] = selectors.rule_change_rows(old, new)
        context["may_edit"] = change.is_editable and may(user, "warning_rule_change.draft", change)
        context["may_submit"] = change.is_editable and may(user, "warning_rule_change.submit", change)
        context["may_withdraw"] = (change.is_editable or change.state == "submitted") and may(
            user, "warning_rule_change.withdraw", change
        )
        context["error"] = kwargs.get("error")
        return context
