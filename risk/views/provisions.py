"""Pages of the provisions for doubtful debts (坏账准备): the provision policies (list, draft, detail with submit
and revise, edit) — company policy every principal reads and the Development Center writes — and the
provision of a unit as of a month end, drilled down company → region → province → district → customer."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from approvals.selectors import latest_request
from core import audit
from core.errors import DomainError
from core.rights import may
from core.scoping import get_in_scope
from core.ui import approval_url
from core.views import ActionDetailView, ScopedDetailView, ScopedListView, ScopedViewMixin, apply_domain_error, scope_label
from performance.selectors import default_unit
from regions.models import OrgUnit
from risk import services
from risk.filtersets import ProvisionPolicyFilterSet
from risk.forms import ProvisionPolicyForm, ProvisionQueryForm, provision_policy_initial
from risk.models import ProvisionPolicy
from risk.selectors.provisions import provision_policy_rows, provision_report

FORM_TEMPLATE = "risk/provision_policy_form.html"


class ProvisionPolicyListView(ScopedListView):
    """The provision policies, newest version first."""

    model = ProvisionPolicy
    change_action = "risk.policy"
    filterset_class = ProvisionPolicyFilterSet
    title = gettext_lazy("Provision policies")
    template_name = "risk/provision_policy_list.html"

    def narrow_queryset(self, queryset):
        return super().narrow_queryset(queryset).order_by("-version", "-id")


class ProvisionPolicyCreateView(ScopedViewMixin, View):
    """Draft a provision policy (the center); saving opens it, to submit."""

    model = ProvisionPolicy
    change_action = "risk.policy"

    def _render(self, form, status=200):
        return render(self.request, FORM_TEMPLATE, {"form": form, "policy": None}, status=status)

    def get(self, request):
        self.require_change()
        return self._render(ProvisionPolicyForm())

    def post(self, request):
        self.require_change()
        form = ProvisionPolicyForm(request.POST)
        if form.is_valid():
            try:
                policy = services.provision_policy_create(**form.values(), by=request.user)
            except DomainError as error:
                apply_domain_error(form, error)  # a bad rate on its bucket's field
            else:
                messages.success(request, _("The provision policy is drafted."))
                return redirect(policy.get_absolute_url())
        return self._render(form, status=400)


class ProvisionPolicyEditView(ScopedDetailView):
    """Edit a draft policy."""

    model = ProvisionPolicy
    change_action = "risk.policy"
    template_name = FORM_TEMPLATE

    def _render(self, form, status=200):
        return render(self.request, self.template_name, {"form": form, "policy": self.object}, status=status)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        return self._render(ProvisionPolicyForm(initial=provision_policy_initial(self.object)))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        form = ProvisionPolicyForm(request.POST)
        if form.is_valid():
            try:
                services.provision_policy_update(policy=self.object, **form.values(), by=request.user)
            except DomainError as error:
                apply_domain_error(form, error)  # a bad rate on its bucket's field
            else:
                messages.success(request, _("The provision policy is saved."))
                return redirect(self.object.get_absolute_url())
        return self._render(form, status=400)


class ProvisionPolicyDetailView(ActionDetailView):
    """A policy: its rate per bucket, its approval, and submit (a draft) or revise (the one in force)."""

    model = ProvisionPolicy
    change_action = "risk.policy"
    template_name = "risk/provision_policy_detail.html"
    actions = {
        "submit": (services.provision_policy_submit, gettext_lazy("The policy is submitted to the Development Center.")),
        "revise": (services.provision_policy_revise, gettext_lazy("A new version is drafted.")),
    }
    action_object_name = "policy"

    def narrow_queryset(self, queryset):
        return queryset.select_related("previous", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        policy, user = self.object, self.request.user
        request = latest_request(policy)
        context["rows"] = provision_policy_rows(policy.rates)
        context["approval"] = request
        context["approval_url"] = approval_url(request.pk) if request else None
        context["revisions"] = ProvisionPolicy.objects.for_user(user).filter(previous=policy)
        context["may_edit"] = policy.is_editable and may(user, "provision_policy.draft", policy)
        context["may_submit"] = policy.is_editable and may(user, "provision_policy.submit", policy)
        context["may_revise"] = policy.state == "approved" and may(user, "provision_policy.draft", policy)
        context["error"] = kwargs.get("error")
        return context


class ProvisionView(ScopedViewMixin, View):
    """The provision for doubtful debts (坏账准备) of a unit as of a month end, by the policy in force, and its
    movement since the month end before; drill down company → region → province → district → customer. The
    unit must be in the reader's scope (outside: 404); a salesperson sees their own customers."""

    model = OrgUnit
    template_name = "risk/provisions.html"

    def build(self):
        request = self.request
        form = ProvisionQueryForm(request.GET)
        if not form.is_valid():
            return form, None
        units = self.get_queryset()
        if form.cleaned_data["unit"]:
            unit = get_in_scope(request, OrgUnit, queryset=units, pk=form.cleaned_data["unit"])
        else:
            unit = default_unit(request.user)
            if unit is None:
                audit.log_denial(request, reason="no unit in scope", status=404)
                raise Http404
        return form, provision_report(user=request.user, unit=unit, month=form.cleaned_data["month"])

    def get(self, request, *args, **kwargs):
        form, report = self.build()
        if report is None:
            return render(request, self.template_name, {"form": form, "report": None}, status=400)
        month = str(report.month)
        for row in report.rows:
            if row["key"] is None:
                row["url"] = None
            elif report.level == "customer":
                row["url"] = reverse("customers:customer_detail", kwargs={"pk": row["key"]})
            else:
                row["url"] = f"{reverse('risk:provisions')}?{urlencode({'unit': row['key'], 'month': month})}"
        scoped_units = self.get_queryset()
        ancestors = [a for a in report.unit.ancestors() if scoped_units.filter(pk=a.pk).exists()]
        context = {
            "form": form,
            "report": report,
            "ancestors": ancestors,
            "month": month,
            "scope_label": scope_label(request.user),
            "policy_url": report.policy.get_absolute_url() if report.policy else reverse("risk:provision_policy_list"),
        }
        return render(request, self.template_name, context)
