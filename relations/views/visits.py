"""Pages of visits: the list, recording a visit (a short form for a phone), a visit's page (mark a planned visit
done, cancel it) and its edit form, whom to visit this week (the visit plan), and coverage of key customers per
unit and person. Every read goes through `for_user` (the Scoped* base views); every write through
relations.services; a refused write shows the service's message on its field (a missing right: 403)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core import audit
from core.errors import DomainError
from core.rights import NotAllowed, may
from core.roles import Role, role_of, staff_of
from core.scoping import get_in_scope
from core.ui import id_choice_field
from core.views import ScopedDetailView, ScopedListView, ScopedViewMixin, apply_domain_error
from customers.models import Customer
from regions.models import OrgUnit, StaffProfile
from relations.filtersets.visits import VisitFilterSet
from relations.forms.visits import VisitForm, VisitRuleForm
from relations.models.visits import Visit, VisitRule, VisitState
from relations.rights.visits import VISIT_RIGHT
from relations.selectors.visits import coverage, rules_in_force, visit_plan, week_of
from relations.services import visits as services

REP_CHOICES_MAX = 200


def _reps(user):
    reps = StaffProfile.objects.for_user(user).filter(role=Role.SALES_REP, is_active=True).order_by("unit__path", "employee_no")
    return reps[:REP_CHOICES_MAX]


class VisitListView(ScopedListView):
    model = Visit
    change_action = VISIT_RIGHT
    filterset_class = VisitFilterSet
    hidden_filters = ("customer", "channel", "external_id")
    unit_tree = OrgUnit
    title = gettext_lazy("Visits")
    template_name = "relations/visits_list.html"

    def narrow_queryset(self, queryset):
        queryset = super().narrow_queryset(queryset.select_related("customer", "channel", "unit", "salesperson"))
        return queryset.order_by("-on", "-id")

    def adjust_filter_form(self, form):
        form.fields["salesperson"] = id_choice_field(
            _("visited by"), [(s.pk, f"{s.name} ({s.employee_no})") for s in _reps(self.request.user)]
        )


class VisitCreateView(ScopedViewMixin, View):
    """Record a visit (or plan one): a short form with today's date and the salesperson's own customers."""

    model = Visit
    change_action = VISIT_RIGHT
    template_name = "relations/visits_form.html"

    def _customer(self):
        raw = self.request.GET.get("customer") or ""
        if raw.isdigit():
            return Customer.objects.for_user(self.request.user).filter(pk=int(raw)).first()
        return None

    def get(self, request, *args, **kwargs):
        self.require_change()
        form = VisitForm(user=request.user, customer=self._customer(), initial={"state": request.GET.get("state") or "done"})
        return render(request, self.template_name, {"form": form})

    def post(self, request, *args, **kwargs):
        self.require_change()
        form = VisitForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                visit = services.visit_record(by=request.user, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                if visit.task_id:
                    messages.success(request, _("The visit was recorded; the next step is in your tasks."))
                else:
                    messages.success(request, _("The visit was recorded."))
                return redirect("relations:visit_detail", pk=visit.pk)
        return render(request, self.template_name, {"form": form}, status=400)


class VisitDetailView(ScopedDetailView):
    """A visit: its record, the follow-up task, and (for those who may) mark it done or cancel it."""

    model = Visit
    change_action = VISIT_RIGHT
    template_name = "relations/visits_detail.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("customer", "channel", "unit", "salesperson", "task", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visit = self.object
        context["may_update"] = visit.state != VisitState.CANCELLED and may(self.request.user, "visit.update", visit)
        context["may_mark_done"] = context["may_update"] and visit.state == VisitState.PLANNED
        context["error"] = kwargs.get("error")
        return context

    def post(self, request, *args, **kwargs):
        self.object = visit = self.get_object()
        self.require_change()
        action = request.POST.get("action")
        if action == "done":
            changes = {"state": VisitState.DONE, "on": min(visit.on, timezone.localdate())}
            message = _("The visit was marked done.")
        elif action == "cancel":
            changes, message = {"state": VisitState.CANCELLED}, _("The visit was cancelled.")
        else:
            raise PermissionDenied
        try:
            services.visit_update(by=request.user, visit=visit, **changes)
        except DomainError as error:
            if error.status_code == 403:
                raise PermissionDenied(str(error.message)) from None
            context = self.get_context_data(object=visit, error=str(error.message))
            return render(request, self.template_name, context, status=error.status_code)
        messages.success(request, message)
        return redirect("relations:visit_detail", pk=visit.pk)


class VisitEditView(ScopedDetailView):
    model = Visit
    change_action = VISIT_RIGHT
    template_name = "relations/visits_form.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("customer", "channel", "unit", "salesperson")

    def _initial(self):
        v = self.object
        fields = ("on", "state", "kind", "notes", "needs", "competitors", "participants", "next_step", "next_on")
        return {name: getattr(v, name) for name in fields}

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        form = VisitForm(initial=self._initial(), user=request.user, edit=True)
        return render(request, self.template_name, {"form": form, "object": self.object})

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        form = VisitForm(request.POST, user=request.user, edit=True)
        if form.is_valid():
            try:
                services.visit_update(by=request.user, visit=self.object, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("relations:visit_detail", pk=self.object.pk)
        return render(request, self.template_name, {"form": form, "object": self.object}, status=400)


class VisitPlanView(ScopedViewMixin, TemplateView):
    """Whom to visit this week (本周走访计划): a salesperson's own customers and channels due by Sunday, overdue
    first, with the visits planned for them; a manager picks a salesperson of their scope (without one: their key
    customers due)."""

    model = Customer
    change_action = VISIT_RIGHT
    template_name = "relations/visits_plan.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, today = self.request.user, timezone.localdate()
        reps = list(_reps(user)) if role_of(user) != Role.SALES_REP else []
        raw = self.request.GET.get("salesperson") or ""
        salesperson = next((rep for rep in reps if str(rep.pk) == raw), None)
        if role_of(user) == Role.SALES_REP:
            salesperson = staff_of(user, active=True)
        context.update(
            rows=visit_plan(user=user, as_of=today, salesperson=salesperson),
            week=week_of(today),
            today=today,
            reps=reps,
            salesperson=salesperson,
            key_only=salesperson is None and role_of(user) != Role.SALES_REP,
        )
        return context


class VisitCoverageView(ScopedViewMixin, TemplateView):
    """Coverage of key customers (重点客户走访覆盖) in a unit of the reader's scope, per child unit or per person:
    visited this month, never visited, overdue, days since the last visit; and the key customers, most overdue
    first, 50 to a page (a region has hundreds: rendering 200 of them was half the request) — the figures are over
    all of them."""

    model = Customer
    template_name = "relations/visits_coverage.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, today = self.request.user, timezone.localdate()
        units = OrgUnit.objects.for_user(user).order_by("path")
        raw = self.request.GET.get("unit") or ""
        unit = None
        if raw.isdigit():
            unit = get_in_scope(self.request, OrgUnit, pk=int(raw))
        if unit is None:
            staff = staff_of(user)
            unit = staff.unit if staff is not None else units.first()
        by = "person" if self.request.GET.get("by") == "person" else "unit"
        table = coverage(user=user, unit=unit, as_of=today, by=by) if unit is not None else None
        page_obj = Paginator(table["customers"] if table else [], self.paginate_by).get_page(self.request.GET.get("page"))
        context.update(
            unit=unit,
            units=units,
            by=by,
            table=table,
            today=today,
            page_obj=page_obj,
            is_paginated=page_obj.has_other_pages(),
            shown=page_obj.object_list,
        )
        return context


class VisitRuleListView(ScopedListView):
    """The visit rules (走访频次): how often each class of customers is due a visit — the intervals in force (a rule,
    or the default) and the rules set; everyone reads them, the Development Center sets and removes them."""

    model = VisitRule
    change_action = VISIT_RIGHT
    title = gettext_lazy("Visit rules")
    template_name = "relations/visits_rules.html"

    def narrow_queryset(self, queryset):
        return super().narrow_queryset(queryset).order_by("segment", "customer_kind", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["in_force"] = rules_in_force()
        context["may_set"] = may(self.request.user, "visit_rule.change")
        return context


class VisitRuleSetView(ScopedViewMixin, View):
    """Set a visit rule (`visit_rule.change`: the Development Center): the class, optionally one type of customer,
    and the interval; a rule for the same class and type is replaced. ?segment=&customer_kind= fills the form."""

    model = VisitRule
    change_action = VISIT_RIGHT
    template_name = "relations/visits_rule_form.html"

    def _initial(self):
        segment, kind = self.request.GET.get("segment") or "", self.request.GET.get("customer_kind") or ""
        rule = VisitRule.objects.for_user(self.request.user).filter(segment=segment, customer_kind=kind).first()
        return {"segment": segment, "customer_kind": kind, "interval_days": rule.interval_days if rule else None}

    def get(self, request, *args, **kwargs):
        self.require_change()
        if not may(request.user, "visit_rule.change"):
            raise PermissionDenied
        return render(request, self.template_name, {"form": VisitRuleForm(initial=self._initial())})

    def post(self, request, *args, **kwargs):
        self.require_change()
        form = VisitRuleForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                services.visit_rule_set(by=request.user, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)  # not the center: 403
                status = error.status_code
            else:
                messages.success(request, _("The visit rule was saved."))
                return redirect("relations:visit_rule_list")
        return render(request, self.template_name, {"form": form}, status=status)


class VisitRuleDeleteView(ScopedViewMixin, View):
    """Remove a visit rule (the center): the class's general rule (or the default) applies again."""

    model = VisitRule
    change_action = VISIT_RIGHT

    def post(self, request, pk):
        rule = get_in_scope(request, VisitRule, pk=pk)
        self.require_change()
        try:
            services.visit_rule_delete(by=request.user, rule=rule)
        except NotAllowed as error:
            raise audit.RefusedWrite(str(error.message)) from None  # logged as a denial, a 403 like the API's
        messages.success(request, _("The visit rule was removed."))
        return redirect("relations:visit_rule_list")
