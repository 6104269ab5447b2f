"""Pages of early warnings: the list of warnings, a warning's page (acknowledge, record an action, close with a
resolution — each shown only to those who may), the rules (the Development Center proposes changes of them
through approval, risk.views.rule_changes, and runs them).

Reads go through `for_user` (the Scoped* base views); writes through risk.services, which ask the rights: a
refusal shows the service's message on its field (400/409/422), a missing right is a 403."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.errors import DomainError
from core.rights import may
from core.views import ScopedDetailView, ScopedListView, ScopedViewMixin, apply_domain_error
from regions.models import OrgUnit
from risk import services
from risk.choices import RULE_CHANGE_OPEN_STATES
from risk.filtersets import WarningFilterSet
from risk.forms import WarningActionForm, WarningCloseForm, WarningRuleChangeForm, WarningRunForm, rule_change_initial
from risk.models import Warning, WarningRule, WarningRuleChange


class WarningListView(ScopedListView):
    model = Warning
    filterset_class = WarningFilterSet
    hidden_filters = ("owner",)
    unit_tree = OrgUnit
    title = gettext_lazy("Early warnings")
    template_name = "risk/warning_list.html"

    def narrow_queryset(self, queryset):
        queryset = super().narrow_queryset(queryset.select_related("rule", "customer", "unit", "owner", "escalated_to"))
        return queryset.order_by("-opened_on", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        return context


class WarningDetailView(ScopedDetailView):
    """A warning: the rule and the value that tripped it, its owner, supervisor, deadline and escalation; the
    forms that handle it for those who may."""

    model = Warning
    template_name = "risk/warning_detail.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("rule", "customer", "unit", "owner__unit", "supervisor", "escalated_to", "closed_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        warning, user = self.object, self.request.user
        context["today"] = timezone.localdate()
        if warning.is_open:
            context["may_acknowledge"] = warning.state == "open" and may(user, "warning.acknowledge", warning)
            if may(user, "warning.act", warning):
                context.setdefault("action_form", WarningActionForm())
            if may(user, "warning.close", warning):
                context.setdefault("close_form", WarningCloseForm())
        return context

    def post(self, request, *args, **kwargs):
        # No role right is asked here: the services ask whether this person handles this warning.
        self.object = warning = self.get_object()
        action, user = request.POST.get("action"), request.user
        if action == "acknowledge":
            return self.form_action(
                form=forms.Form(request.POST),
                context_name="acknowledge_form",
                action=lambda data: services.warning_acknowledge(warning=warning, by=user),
                success_message=_("The warning was acknowledged."),
            )
        if action == "act":
            return self.form_action(
                form=WarningActionForm(request.POST),
                context_name="action_form",
                action=lambda data: services.warning_record_action(warning=warning, action=data["action_text"], by=user),
                success_message=_("The action was recorded."),
            )
        if action == "close":
            return self.form_action(
                form=WarningCloseForm(request.POST),
                context_name="close_form",
                action=lambda data: services.warning_close(warning=warning, resolution=data["resolution"], by=user),
                success_message=_("The warning was closed."),
            )
        raise PermissionDenied


class WarningRuleListView(ScopedListView):
    """The early-warning rules (everyone reads them). The center proposes a change of a rule or a new rule here
    (through approval: nothing changes until the proposal is approved) and runs the rules."""

    model = WarningRule
    change_action = "risk.policy"
    title = gettext_lazy("Warning rules")
    template_name = "risk/warning_rule_list.html"

    def narrow_queryset(self, queryset):
        # The proposal still open for each rule (at most one: a constraint), to link it instead of a second one.
        open_change = WarningRuleChange.objects.filter(rule=OuterRef("pk"), state__in=RULE_CHANGE_OPEN_STATES).values("pk")
        return super().narrow_queryset(queryset).annotate(open_change_id=Subquery(open_change[:1])).order_by("kind", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["may_change"]:
            context.setdefault("run_form", WarningRunForm(initial={"as_of": timezone.localdate()}))
        return context


class WarningRunView(ScopedViewMixin, View):
    """The center's button: run every active rule now (the nightly job does the same as the system)."""

    model = WarningRule
    change_action = "risk.policy"

    def post(self, request, *args, **kwargs):
        self.require_change()
        form = WarningRunForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
            return redirect("risk:warning_rule_list")
        try:
            result = services.warnings_evaluate(as_of=form.cleaned_data["as_of"], by=request.user)
        except DomainError as error:
            apply_domain_error(form, error)
            messages.error(request, str(error.message))
            return redirect("risk:warning_rule_list")
        messages.success(
            request,
            _("Warnings run: %(opened)d opened, %(closed)d closed as cleared, %(kept)d still open.") % result,
        )
        return redirect("risk:warning_list")


class WarningRuleEditView(ScopedDetailView):
    """Propose a change of a rule (the center): the form starts from the rule's values; saving drafts a
    proposal (nothing changes until it is approved) and opens it, to submit."""

    model = WarningRule
    change_action = "risk.policy"
    template_name = "risk/warning_rule_change_form.html"

    def _render(self, form, status=200):
        return render(self.request, self.template_name, {"rule": self.object, "change": None, "form": form}, status=status)

    def get(self, request, *args, **kwargs):
        self.object = rule = self.get_object()
        self.require_change()
        return self._render(WarningRuleChangeForm(initial=rule_change_initial(rule)))

    def post(self, request, *args, **kwargs):
        self.object = rule = self.get_object()
        self.require_change()
        form = WarningRuleChangeForm(request.POST)
        if form.is_valid():
            try:
                change = services.warning_rule_propose(rule=rule, **form.cleaned_data, by=request.user)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The change is drafted; submit it for approval."))
                return redirect(change.get_absolute_url())
        return self._render(form, status=400)
