"""Pages of plans and targets: the plan list, create, detail (with the add-up status and the versions
sent for approval), edit (target lines with their splits, actions and budget lines), the target list
with attainment, a target's detail, and seasonal distributions.

Reads go through `for_user` (the Scoped* base views, or explicitly for related rows); every write goes
through plans.services; a refusal shows the service's message on the form (400) or, for a plan in a
state that does not allow the action, a page with the reason (409).
"""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core import audit
from core.errors import DomainError, InvalidInput
from core.periods import MONTH, QUARTER, YEAR, Period
from core.rights import may
from core.roles import staff_of
from core.scoping import get_in_scope, scope_of
from core.ui import id_choice_field
from core.views import ScopedDetailView, ScopedListView, ScopedViewMixin, apply_domain_error
from plans import selectors, services
from plans.choices import COUNT_METRICS, EDITABLE_STATES, DecompositionLevel, DistributionKind, PlanKind, PlanState
from plans.filtersets import PlanFilterSet, SeasonalDistributionFilterSet, TargetFilterSet
from plans.forms import (
    ActionLineFormSet,
    BudgetLineFormSet,
    DistributionForm,
    PlanCreateForm,
    PlanEditForm,
    TargetLineFormSet,
    month_field_name,
)
from plans.models import Plan, SeasonalDistribution, Target
from plans.rights import NewPlan
from plans.selectors import attainments
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile

HUNDRED = Decimal(100)


def _percent(rate):
    return None if rate is None else (rate * HUNDRED).quantize(Decimal("0.1"))


def _scoped_units(user):
    return OrgUnit.objects.for_user(user).filter(is_active=True).order_by("path")


def _unit_options(user):
    return [(u.pk, f"{'· ' * max(u.depth - 1, 0)}{u.display_name} ({u.code})") for u in _scoped_units(user)]


def with_attainment(targets):
    """[(target, {"target", "actual", "rate", "percent"})] for the targets given (in their order), with
    one query per metric whatever their number (plans.selectors.attainments)."""
    targets = list(targets)
    figures = attainments(targets=targets)
    rows = []
    for target in targets:
        figure = dict(figures[target.pk])
        figure["percent"] = _percent(figure.get("rate"))
        rows.append((target, figure))
    return rows


def _level_label(level):
    return DecompositionLevel(level).label


def add_up_status(target):
    """The decomposition check of a target shaped for the page: ok, and the problems in words."""
    problems = services.check_decomposition(target=target)
    shown = []
    for problem in problems:
        shown.append(
            {
                "level": _level_label(problem["level"]),
                "expected": problem["expected"],
                "actual": problem["actual"],
                "difference": problem["difference"],
                "short": abs(problem["difference"]),
                "over": problem["difference"] > 0,
                "missing": problem.get("missing") or [],
            }
        )
    return {"ok": not problems, "problems": shown}


# ------------------------------------------------------------------------------------------- targets


class TargetListView(ScopedListView):
    """Current targets in the user's scope, each with its actual and attainment."""

    model = Target
    change_action = "target.change"
    filterset_class = TargetFilterSet
    hidden_filters = ("staff", "current")
    title = gettext_lazy("Targets")
    template_name = "plans/target_list.html"

    def narrow_queryset(self, queryset):
        queryset = (
            queryset.current()
            .select_related("unit", "staff", "owner_unit")
            .order_by("period", "metric", "owner_unit__path", "staff_id")
        )
        return super().narrow_queryset(queryset)

    def adjust_filter_form(self, form):
        form.fields["unit"] = id_choice_field(gettext_lazy("org unit"), _unit_options(self.request.user))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = with_attainment(context["object_list"])
        return context


class TargetDetailView(ScopedDetailView):
    """One target: its versions, its split (children and months), the add-up check and attainment."""

    model = Target
    change_action = "target.change"
    template_name = "plans/target_detail.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit", "unit__parent", "staff", "owner_unit", "parent", "distribution", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        target, user = self.object, self.request.user
        visible = Target.objects.for_user(user).select_related("unit", "staff", "created_by", "created_by__staff_profile")
        context["versions"] = visible.filter(
            metric=target.metric, period=str(target.period), unit_id=target.unit_id, staff_id=target.staff_id
        ).order_by("-version")
        current = visible.current().filter(metric=target.metric)
        children = current.none()
        if target.unit_id is not None:
            if target.unit.kind == UnitKind.DISTRICT:
                children = current.filter(period=str(target.period), staff__isnull=False, owner_unit_id=target.unit_id)
            else:
                children = current.filter(period=str(target.period), unit__parent_id=target.unit_id)
        children = list(children.order_by("unit__code", "staff__employee_no"))
        months = []
        if target.period.kind in (YEAR, QUARTER):
            periods = [str(p) for p in target.period.months()]
            months = current.filter(period__in=periods, unit_id=target.unit_id, staff_id=target.staff_id)
            months = sorted(months, key=lambda t: t.period)
        rows = with_attainment([target, *children, *months])  # one query per metric for all of them
        context["attainment"] = rows[0][1]
        context["children"] = rows[1 : 1 + len(children)]
        context["months"] = rows[1 + len(children) :]
        context["month_total"] = sum((t.value for t in months), Decimal("0.00")) if months else None
        context["fmt"] = (
            "count" if target.is_count else "money"
        )  # the metric's kind of figure (`|figure:fmt`): counts whole, money to the cent
        context["status"] = add_up_status(target) if target.is_current else None
        context["parent_visible"] = target.parent_id is not None and visible.filter(pk=target.parent_id).exists()
        return context


# -------------------------------------------------------------------------------- seasonal distributions


def distributions_for(user):
    """The seasonal distributions a user may read and use (the company's, their subtree's, their ancestors')."""
    return SeasonalDistribution.objects.for_user(user).select_related("unit")


class DistributionListView(ScopedListView):
    """The seasonal distributions a person may use (the company's, their subtree's, their ancestors')."""

    model = SeasonalDistribution
    change_action = "target.change"
    filterset_class = SeasonalDistributionFilterSet
    title = gettext_lazy("Seasonal distributions")
    template_name = "plans/distribution_list.html"

    def narrow_queryset(self, queryset):
        queryset = queryset.select_related("unit").prefetch_related("months").order_by("unit__path", "name", "id")
        return super().narrow_queryset(queryset)

    def adjust_filter_form(self, form):
        form.fields["unit"] = id_choice_field(gettext_lazy("org unit"), _unit_options(self.request.user))
        form.fields["kind"] = forms.ChoiceField(
            label=gettext_lazy("kind"), required=False, choices=[("", "---------"), *DistributionKind.choices]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        page = list(context["object_list"])
        rows = []
        for distribution in page:
            weights = {row.month: row.value for row in distribution.months.all()}
            rows.append(
                {
                    "object": distribution,
                    "months": [weights.get(m, Decimal("0.00")) for m in range(1, 13)],
                    "total": sum(weights.values(), Decimal("0.00")),
                    "editable": may(user, "distribution.save", distribution),
                }
            )
        context["rows"] = rows
        context["may_change"] = may(user, "distribution.save")
        return context


class DistributionFormView(LoginRequiredMixin, View):
    """Create (no pk) or change (pk) a seasonal distribution through plans.services.distribution_save."""

    template_name = "plans/distribution_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = None
        pk = kwargs.get("pk")
        if pk is not None:
            self.object = get_in_scope(request, SeasonalDistribution, queryset=distributions_for(request.user), pk=pk)
            if not may(request.user, "distribution.save", self.object):
                audit.log_denial(request, reason="no right for this action", status=403)
                raise PermissionDenied
        elif not may(request.user, "distribution.save"):
            audit.log_denial(request, reason="no right for this action", status=403)
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _form(self, data=None):
        user = self.request.user
        scope = scope_of(user)
        units = _scoped_units(user)
        initial = None
        if self.object is not None:
            weights = self.object.weights()
            initial = {"name": self.object.name, "unit": self.object.unit_id, "kind": self.object.kind}
            initial.update({month_field_name(m): weights.get(m, Decimal("0.00")) for m in range(1, 13)})
        elif getattr(user, "staff_profile", None) is not None and not scope.everything:
            initial = {"unit": user.staff_profile.unit_id}
        return DistributionForm(
            data, initial=initial, units=units, company_allowed=scope.everything, fixed=self.object is not None
        )

    def _render(self, form, status=200):
        return render(self.request, self.template_name, {"form": form, "object": self.object}, status=status)

    @staticmethod
    def _taken(form):
        # The service keys a distribution by (name, unit) and replaces one that exists: a new one must not.
        data = form.cleaned_data
        return SeasonalDistribution.objects.filter(name=data["name"].strip(), unit=data.get("unit")).exists()

    def get(self, request, *args, **kwargs):
        return self._render(self._form())

    def post(self, request, *args, **kwargs):
        form = self._form(request.POST)
        if form.is_valid() and self.object is None and self._taken(form):
            form.add_error("name", _("A seasonal distribution of this name already exists there; edit it instead."))
        elif form.is_valid():
            data = form.cleaned_data
            try:
                distribution = services.distribution_save(
                    name=data["name"], kind=data["kind"], values=form.values(), unit=data.get("unit"), by=request.user
                )
            except DomainError as error:
                if error.field == "values":
                    form.add_error(None, str(error.message))
                else:
                    apply_domain_error(form, error)
            else:
                messages.success(request, _("The seasonal distribution %(name)s was saved.") % {"name": distribution.name})
                return redirect("plans:distribution_list")
        return self._render(form, status=400)


# --------------------------------------------------------------------------------------------- plans


def _kind_choices(user):
    """The kinds of plan this person may start (a salesperson: the work plan only)."""
    return [(kind, label) for kind, label in PlanKind.choices if may(user, "plan.create", NewPlan(kind=kind))]


def period_options(today=None):
    """Periods a new plan is likely for: this year and next, their quarters from now on, the next months."""
    today = today or timezone.localdate()
    year = Period.year_of(today.year)
    quarter = Period.of(today, QUARTER)
    month = Period.of(today, MONTH)
    options = [year, year.next()]
    options += [q for q in [*year.children(), *year.next().children()] if q >= quarter]
    options += [month, month.next(), month.next().next()]
    return [str(p) for p in options]


def _plan_units(user):
    """The units a person may write a plan for: their own and those below it (a salesperson: their district)."""
    return _scoped_units(user)


class PlanListView(ScopedListView):
    """Plans in the user's scope; the user's own open drafts first."""

    model = Plan
    change_action = "plan.change"
    filterset_class = PlanFilterSet
    hidden_filters = ("author",)
    title = gettext_lazy("Plans")
    template_name = "plans/plan_list.html"

    def narrow_queryset(self, queryset):
        staff = staff_of(self.request.user)
        own_draft = Q(author_id=staff.pk, state__in=EDITABLE_STATES) if staff is not None else Q(pk__in=[])
        queryset = queryset.select_related("unit", "author").annotate(
            own_draft=Case(When(own_draft, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        return super().narrow_queryset(queryset).order_by("own_draft", "-updated_at", "-id")

    def adjust_filter_form(self, form):
        form.fields["unit"] = id_choice_field(gettext_lazy("org unit"), _unit_options(self.request.user))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_create"] = may(self.request.user, "plan.create")
        return context


class PlanCreateView(ScopedViewMixin, View):
    """Start a plan (a draft) and go on to its edit page."""

    model = Plan
    change_action = "plan.change"
    template_name = "plans/plan_create.html"

    def _form(self, data=None):
        user = self.request.user
        staff = staff_of(user)
        initial = {"unit": staff.unit_id} if staff is not None else {}
        return PlanCreateForm(data, initial=initial, kinds=_kind_choices(user), units=_plan_units(user))

    def _check(self):
        self.require_change()
        if not may(self.request.user, "plan.create"):
            audit.log_denial(self.request, reason="no right for this action", status=403)
            raise PermissionDenied

    def get(self, request, *args, **kwargs):
        self._check()
        return render(request, self.template_name, {"form": self._form(), "period_options": period_options()})

    def post(self, request, *args, **kwargs):
        self._check()
        form = self._form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                plan = services.plan_create(
                    kind=data["kind"], unit=data["unit"], period=data["period"].strip(), title=data["title"], by=request.user
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The plan was created as a draft; add its lines now."))
                return redirect("plans:plan_edit", pk=plan.pk)
        return render(request, self.template_name, {"form": form, "period_options": period_options()}, status=400)


def _target_rows(lines, check):
    """The plan's target lines with their splits and the add-up status of each line."""
    problems = {}
    for problem in check:
        # A disagreement between period levels shows on every line of the plan that takes part in it.
        keys = [tuple(key) for key in problem.get("line_keys") or []] or [(problem["metric"], problem["period"])]
        for key in keys:
            problems.setdefault(key, []).append(problem)
    rows = []
    for line in lines["targets"]:
        found = [
            {**problem, "short": abs(problem["difference"]), "over": problem["difference"] > 0}
            for problem in problems.get((line["metric"], line["period"]), [])
        ]
        total_children = sum((Decimal(c["value"]) for c in line["children"]), Decimal("0.00"))
        total_months = sum((Decimal(m["value"]) for m in line["months"]), Decimal("0.00"))
        rows.append(
            {
                **line,
                "problems": found,
                "ok": not found,
                "fmt": "count" if line["metric"] in COUNT_METRICS else "money",
                "children_total": total_children if line["children"] else None,
                "months_total": total_months if line["months"] else None,
            }
        )
    return rows


class PlanDetailView(ScopedDetailView):
    """A plan: its text and lines, whether its targets add up, its versions, and what the user may do."""

    model = Plan
    change_action = "plan.change"
    template_name = "plans/plan_detail.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit", "author", "revises")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan, user = self.object, self.request.user
        lines = selectors.plan_lines(plan)
        check = services.plan_check(plan=plan)
        context["lines"] = lines
        context["targets"] = rows = _target_rows(lines, check)
        if rows:
            # The current targets at the lines' keys (set when the plan was approved), to link to them.
            keys = Q()
            for row in rows:
                keys |= Q(metric=row["metric"], period=row["period"])
            current = Target.objects.for_user(user).current().filter(keys, unit_id=plan.unit_id, staff__isnull=True)
            by_key = {(t.metric, str(t.period)): t.pk for t in current.only("pk", "metric", "period")}
            for row in rows:
                row["target_id"] = by_key.get((row["metric"], row["period"]))
        context["check"] = check
        context["adds_up"] = not check
        context["budget_total"] = sum((Decimal(b["amount"]) for b in lines["budget"]), Decimal("0.00"))
        context["versions"] = selectors.plan_versions(plan)
        context["request_obj"] = selectors.plan_request(plan)
        context["revisions"] = Plan.objects.for_user(user).filter(revises=plan).order_by("id")
        context["may_edit"] = plan.is_editable and may(user, "plan.edit", plan)
        context["may_submit"] = plan.is_editable and may(user, "plan.submit", plan)
        context["may_withdraw"] = may(user, "plan.withdraw", plan)
        context["may_revise"] = plan.state in (PlanState.APPROVED, PlanState.REJECTED) and may(user, "plan.revise", plan)
        return context


class PlanActionView(ScopedDetailView):
    """POST of a button on the plan page: submit, withdraw or revise, each through its service. A refusal
    shows on the plan page with the service's status (400, 403, 409, 422) and its reasons."""

    model = Plan
    change_action = "plan.change"
    template_name = "plans/plan_detail.html"
    action = None  # "submit" | "withdraw" | "revise"

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit", "author", "revises")

    def get(self, request, *args, **kwargs):
        return redirect("plans:plan_detail", pk=kwargs["pk"])

    def post(self, request, *args, **kwargs):
        self.object = plan = self.get_object()
        self.require_change()
        try:
            if self.action == "submit":
                services.plan_submit(plan=plan, by=request.user)
                messages.success(request, _("The plan was submitted for approval."))
                target = redirect("plans:plan_detail", pk=plan.pk)
            elif self.action == "withdraw":
                services.plan_withdraw(plan=plan, by=request.user)
                messages.success(request, _("The plan was withdrawn; it can be changed again."))
                target = redirect("plans:plan_detail", pk=plan.pk)
            else:
                draft = services.plan_revise(plan=plan, by=request.user)
                messages.success(request, _("A new draft was made from the last version; change it and submit it again."))
                target = redirect("plans:plan_edit", pk=draft.pk)
        except DomainError as error:
            plan.refresh_from_db()
            view = PlanDetailView(request=request, kwargs=kwargs, object=plan)
            context = view.get_context_data(object=plan)
            context["refusal"] = str(error.message)
            context["refusal_list"] = [m["message"] for m in getattr(error, "mismatches", [])]
            return render(request, self.template_name, context, status=error.status_code)
        return target


class PlanEditView(ScopedDetailView):
    """The draft's title, text and lines: target lines with their split editor, actions and budget lines.
    Only drafts (and returned or withdrawn plans) are edited; any other state is a 409 page with the reason."""

    model = Plan
    change_action = "plan.change"
    template_name = "plans/plan_edit.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit", "author")

    def _guard(self):
        self.object = plan = self.get_object()
        self.require_change()
        if not plan.is_editable:
            reason = _("The plan is %(state)s; a draft is changed only before submission or after a return or withdrawal.") % {
                "state": plan.get_state_display()
            }
            audit.log_denial(self.request, reason="plan not editable", status=409)
            return render(self.request, "plans/plan_conflict.html", {"object": plan, "reason": reason}, status=409)
        if not may(self.request.user, "plan.edit", plan):
            audit.log_denial(self.request, reason="no right for this action", status=403)
            raise PermissionDenied
        return None

    # --- the forms --------------------------------------------------------------------------------
    def _setup(self):
        plan = self.object
        self.child_kind, self.children = selectors.child_split_columns(plan)
        self.months = plan.period.months() if plan.period.kind in (YEAR, QUARTER) else []
        self.distributions = list(
            SeasonalDistribution.objects.for_user(self.request.user)
            .filter(Q(unit__isnull=True) | Q(unit_id__in=[plan.unit_id, *plan.unit.ancestors().values_list("pk", flat=True)]))
            .order_by("name")
        )
        self.staff = (
            StaffProfile.objects.for_user(self.request.user)
            .filter(is_active=True, unit__path__startswith=plan.unit.path)
            .order_by("unit__path", "employee_no")
        )

    def _forms(self, data=None):
        plan = self.object
        lines = selectors.plan_lines(plan)
        plan_form = PlanEditForm(data, initial={"title": plan.title, "period": str(plan.period), "body": plan.body})
        target_initial = []
        for line in lines["targets"]:
            row = {
                "metric": line["metric"],
                "period": line["period"],
                "value": Decimal(line["value"]),
                "split_method": line["split_method"],
                "distribution": line["distribution"],
            }
            row.update({f"child_{c['id']}": Decimal(c["value"]) for c in line["children"]})
            row.update({f"month_{m['month']}": Decimal(m["value"]) for m in line["months"]})
            target_initial.append(row)
        targets = TargetLineFormSet(
            data,
            prefix="targets",
            initial=target_initial,
            children=self.children,
            months=self.months,
            distributions=self.distributions,
        )
        actions = ActionLineFormSet(
            data,
            prefix="actions",
            staff=self.staff,
            initial=[
                {"what": a["what"], "owner": a["owner"], "due_on": a["due_on"], "notes": a["notes"]} for a in lines["actions"]
            ],
        )
        budget = BudgetLineFormSet(
            data,
            prefix="budget",
            initial=[{"category": b["category"], "amount": Decimal(b["amount"]), "note": b["note"]} for b in lines["budget"]],
        )
        return plan_form, targets, actions, budget

    def _render(self, forms_, status=200, refusal=None, refusal_list=(), suggested=False):
        plan_form, targets, actions, budget = forms_
        plan = self.object
        check = services.plan_check(plan=plan)
        context = {
            "object": plan,
            "plan": plan,
            "plan_form": plan_form,
            "targets": targets,
            "actions": actions,
            "budget": budget,
            "child_kind": self.child_kind,
            "children": self.children,
            "months": self.months,
            "check": check,
            "refusal": refusal,
            "refusal_list": list(refusal_list),
            "suggested": suggested,
            "may_submit": plan.is_editable and may(self.request.user, "plan.submit", plan),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        refused = self._guard()
        if refused is not None:
            return refused
        self._setup()
        return self._render(self._forms())

    def post(self, request, *args, **kwargs):
        refused = self._guard()
        if refused is not None:
            return refused
        self._setup()
        forms_ = plan_form, targets, actions, budget = self._forms(request.POST)
        valid = all([plan_form.is_valid(), targets.is_valid(), actions.is_valid(), budget.is_valid()])
        if not valid:
            return self._render(forms_, status=400)
        plan = self.object
        data = plan_form.cleaned_data
        target_rows = [form.as_service_row(data["period"].strip() or plan.period) for form in targets if not form.is_blank()]
        action_rows = [form.as_service_row() for form in actions if not form.is_blank()]
        budget_rows = [form.as_service_row() for form in budget if not form.is_blank()]
        suggest = request.POST.get("suggest", "")
        suggested = None
        try:
            with transaction.atomic():
                services.plan_update(
                    plan=plan, by=request.user, title=data["title"], body=data["body"], period=data["period"].strip()
                )
                services.plan_lines_save(plan=plan, by=request.user, targets=target_rows, actions=action_rows, budget=budget_rows)
                if suggest:
                    # A suggestion is shown, not saved: the services split the lines as typed, the page reads
                    # the result into the form, and the transaction is rolled back — the person checks the
                    # values and saves them (or not). The draft stays as it was last saved.
                    self._suggest(suggest, targets)
                    suggested = self._forms()
                    transaction.set_rollback(True)
        except DomainError as error:
            self.object.refresh_from_db()
            self._place_error(error, plan_form, targets, actions, budget)
            return self._render(forms_, status=error.status_code, refusal=str(error.message))
        if suggested is not None:
            self.object.refresh_from_db()
            return self._render(suggested, suggested=True)
        if request.POST.get("then") == "submit":
            return self._submit()
        messages.success(request, _("Saved."))
        if request.POST.get("then") == "stay":
            return redirect("plans:plan_edit", pk=plan.pk)
        return redirect("plans:plan_detail", pk=plan.pk)

    def _submit(self):
        plan = self.object
        try:
            services.plan_submit(plan=plan, by=self.request.user)
        except DomainError as error:
            plan.refresh_from_db()
            messages.error(self.request, _("Saved, but not submitted."))
            refusal_list = [m["message"] for m in getattr(error, "mismatches", [])]
            return self._render(self._forms(), status=error.status_code, refusal=str(error.message), refusal_list=refusal_list)
        messages.success(self.request, _("The plan was submitted for approval."))
        return redirect("plans:plan_detail", pk=plan.pk)

    def _suggest(self, suggest, targets):
        """`suggest` = "<line index>:<shares|last_year|months>": fill that line's split through the service."""
        index, _sep, how = suggest.partition(":")
        try:
            form = targets.forms[int(index)]
        except (ValueError, IndexError):
            raise InvalidInput(_("Choose a target line to suggest values for."), field="targets") from None
        if form.is_blank():
            raise InvalidInput(_("Enter the line's metric and value before asking for a suggestion."), field="targets")
        data = form.cleaned_data
        period = (data.get("period") or "").strip() or None
        if how == "months":
            services.plan_split_suggest(
                plan=self.object,
                by=self.request.user,
                metric=data["metric"],
                period=period,
                method=None,
                distribution=data.get("distribution"),
                months=True,
            )
        elif how in ("shares", "last_year"):
            shares = None
            if how == "shares":
                typed = {child.pk: data.get(f"child_{child.pk}") for child in self.children}
                if any(typed.values()):
                    shares = {pk: value or 0 for pk, value in typed.items()}
                else:
                    shares = {child.pk: 1 for child in self.children}
            services.plan_split_suggest(
                plan=self.object,
                by=self.request.user,
                metric=data["metric"],
                period=period,
                method=how,
                shares=shares,
                months=False,
            )
        else:
            raise InvalidInput(_("Unknown suggestion."), field="targets")

    @staticmethod
    def _place_error(error, plan_form, targets, actions, budget):
        field = error.field
        if field in ("title", "body", "period"):
            plan_form.add_error(field, str(error.message))
        elif field == "actions":
            actions._non_form_errors = actions.error_class([str(error.message)], error_class="nonform")
        elif field == "budget":
            budget._non_form_errors = budget.error_class([str(error.message)], error_class="nonform")
        else:
            targets._non_form_errors = targets.error_class([str(error.message)], error_class="nonform")
