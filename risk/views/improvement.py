"""Pages of the improvement of under-performing branches (整改): the list of units under improvement (flagged
units without a plan, and the plans with how each is doing), a plan's page (diagnosis, measures and their
tasks, expected against actual figures month by month, submit and close), the plan form (measures and
expected figures as formsets).

Every read goes through `for_user` (the Scoped* base views, `get_in_scope`); every write through
risk.services; a refused write shows the service's message on its field (a missing right: 403)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from approvals.selectors import latest_request
from core import audit
from core.errors import DomainError
from core.rights import NotAllowed, may
from core.scoping import get_in_scope
from core.ui import approval_url
from core.views import ScopedDetailView, ScopedListView, ScopedViewMixin, apply_domain_error
from regions.models import OrgUnit
from risk import selectors, services
from risk.choices import ImprovementState
from risk.filtersets import ImprovementPlanFilterSet
from risk.forms import (
    ImprovementCloseForm,
    ImprovementPlanForm,
    MeasureFormSet,
    TargetFormSet,
    initial_measures,
    initial_targets,
    measures_from,
    targets_from,
)
from risk.models import ImprovementPlan

# Progress is computed for the plans that run (approved or in progress): a draft has no actuals to compare.
RUNNING_STATES = (ImprovementState.APPROVED, ImprovementState.IN_PROGRESS)


class ImprovementListView(ScopedListView):
    """The units under improvement: flagged units still without a plan above the table, the plans below with
    how each is doing."""

    model = ImprovementPlan
    change_action = "task.assign"  # a manager's right (MANAGING): the services ask the rule
    filterset_class = ImprovementPlanFilterSet
    unit_tree = OrgUnit
    title = gettext_lazy("Units under improvement")
    template_name = "risk/improvement_list.html"

    def narrow_queryset(self, queryset):
        queryset = super().narrow_queryset(queryset.select_related("unit", "drafted_by"))
        return queryset.order_by("-created_at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = list(context.get("page_obj") or context["object_list"])
        for plan in rows:
            plan.progress = selectors.plan_progress(plan) if plan.state in RUNNING_STATES else None
        context["rows"] = rows
        context["flagged_units"] = selectors.flagged_units(self.request.user)
        context["thresholds"] = selectors.thresholds()
        return context


class ImprovementFormMixin:
    template_name = "risk/improvement_form.html"

    def _render(self, form, measures, targets, status=200):
        context = {"form": form, "measures": measures, "targets": targets, "plan": getattr(self, "object", None)}
        return render(self.request, self.template_name, context, status=status)

    def _bound(self):
        user = self.request.user
        form = ImprovementPlanForm(self.request.POST, user=user)
        measures = MeasureFormSet(self.request.POST, prefix="measures", user=user)
        targets = TargetFormSet(self.request.POST, prefix="targets")
        return form, measures, targets

    def _error(self, form, measures, targets, error):
        if isinstance(error, NotAllowed):
            raise audit.RefusedWrite(str(error.message))
        formsets = {"measures": measures, "targets": targets}
        target = formsets.get(error.field)
        if target is not None:
            target._non_form_errors = target.error_class([str(error.message)])
        else:
            apply_domain_error(form, error)


class ImprovementCreateView(ImprovementFormMixin, ScopedViewMixin, View):
    """Draft an improvement plan (optionally for one unit: ?unit=<id>, as the list's flagged units link)."""

    model = ImprovementPlan
    change_action = "task.assign"  # a manager's right (MANAGING): the services ask the rule

    def get(self, request):
        self.require_change()
        initial = {}
        if request.GET.get("unit"):
            unit = get_in_scope(request, OrgUnit, pk=request.GET["unit"])
            initial = {"unit": unit.pk}
        form = ImprovementPlanForm(initial=initial, user=request.user)
        return self._render(form, MeasureFormSet(prefix="measures", user=request.user), TargetFormSet(prefix="targets"))

    def post(self, request):
        self.require_change()
        form, measures, targets = self._bound()
        if form.is_valid() and measures.is_valid() and targets.is_valid():
            try:
                plan = services.improvement_create(
                    by=request.user,
                    unit=form.cleaned_data["unit"],
                    title=form.cleaned_data["title"],
                    diagnosis=form.cleaned_data["diagnosis"],
                    measures=measures_from(measures),
                    targets=targets_from(targets),
                )
            except DomainError as error:
                self._error(form, measures, targets, error)
            else:
                messages.success(request, _("The improvement plan is drafted."))
                return redirect(plan.get_absolute_url())
        return self._render(form, measures, targets, status=400)


class ImprovementEditView(ImprovementFormMixin, ScopedDetailView):
    """Change a draft plan (its unit stays)."""

    model = ImprovementPlan
    change_action = "task.assign"  # a manager's right (MANAGING): the services ask the rule

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit")

    def _form(self, data=None):
        plan = self.object
        form = ImprovementPlanForm(
            data, initial={"unit": plan.unit_id, "title": plan.title, "diagnosis": plan.diagnosis}, user=self.request.user
        )
        form.fields["unit"].disabled = True
        return form

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        plan = self.object
        return self._render(
            self._form(),
            MeasureFormSet(prefix="measures", user=request.user, initial=initial_measures(plan)),
            TargetFormSet(prefix="targets", initial=initial_targets(plan)),
        )

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        _form, measures, targets = self._bound()
        form = self._form(request.POST)
        if form.is_valid() and measures.is_valid() and targets.is_valid():
            try:
                services.improvement_update(
                    by=request.user,
                    plan=self.object,
                    title=form.cleaned_data["title"],
                    diagnosis=form.cleaned_data["diagnosis"],
                    measures=measures_from(measures),
                    targets=targets_from(targets),
                )
            except DomainError as error:
                self._error(form, measures, targets, error)
            else:
                messages.success(request, _("The improvement plan is saved."))
                return redirect(self.object.get_absolute_url())
        return self._render(form, measures, targets, status=400)


class ImprovementDetailView(ScopedDetailView):
    """A plan: its diagnosis and flags, measures with their tasks, expected against actual figures, the
    approval, and the actions the reader may take (edit, submit, close with a review)."""

    model = ImprovementPlan
    change_action = "task.assign"  # a manager's right (MANAGING): the services ask the rule
    template_name = "risk/improvement_detail.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit", "drafted_by__unit", "closed_by").prefetch_related("flags")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan, user = self.object, self.request.user
        context["measures"] = list(selectors.plan_measures(plan))
        context["progress"] = selectors.plan_progress(plan)
        request = latest_request(plan)
        context["approval"] = request
        context["approval_url"] = approval_url(request.pk) if request else None
        is_draft = plan.state == ImprovementState.DRAFT
        context["may_edit"] = is_draft and may(user, "improvement.edit", plan)
        if plan.state in RUNNING_STATES and may(user, "improvement.close", plan):
            context.setdefault("close_form", ImprovementCloseForm())
        context["error"] = kwargs.get("error")
        return context

    def post(self, request, *args, **kwargs):
        self.object = plan = self.get_object()
        self.require_change()
        action = request.POST.get("action")
        if action == "submit":
            try:
                services.improvement_submit(by=request.user, plan=plan)
            except DomainError as error:
                if isinstance(error, NotAllowed):
                    raise audit.RefusedWrite(str(error.message)) from None
                self.object.refresh_from_db()
                return render(request, self.template_name, self.get_context_data(error=error.message), status=error.status_code)
            messages.success(request, _("The improvement plan is submitted to the Development Center."))
            return redirect(plan.get_absolute_url())
        if action == "close":
            form = ImprovementCloseForm(request.POST)
            if form.is_valid():
                try:
                    services.improvement_close(by=request.user, plan=plan, review=form.cleaned_data["review"])
                except DomainError as error:
                    apply_domain_error(form, error)
                    self.object.refresh_from_db()
                    context = self.get_context_data(object=self.object, close_form=form)
                    return render(request, self.template_name, context, status=error.status_code)
                messages.success(request, _("The improvement plan is closed."))
                return redirect(plan.get_absolute_url())
            return render(request, self.template_name, self.get_context_data(close_form=form), status=400)
        raise PermissionDenied
