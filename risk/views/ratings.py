"""Pages of risk control: the risk overview of the reader's scope, the rating schemes (list, detail, draft,
edit, submit, revise) and the customer and staff grade lists.

Every read goes through `for_user` (the Scoped* base views); every write through risk.services; a refused
write shows the service's message on its field.
"""

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from approvals.selectors import latest_request
from core.errors import DomainError
from core.periods import Period
from core.scoping import scope_of
from core.ui import approval_url
from core.views import ActionDetailView, ScopedDetailView, ScopedListView, ScopedViewMixin, apply_domain_error, scope_label
from performance.selectors import default_unit
from performance.turnover import last_months, turnover
from risk import selectors, services
from risk.choices import GRADES
from risk.filtersets import CustomerRatingFilterSet, SchemeFilterSet, StaffRatingFilterSet
from risk.forms import (
    DEFAULT_GRADES,
    FactorFormSet,
    GradeFormSet,
    SchemeForm,
    factors_from,
    grades_from,
    initial_factors,
    initial_grades,
)
from risk.models import CustomerRating, RatingScheme, StaffRating


class RiskHomeView(ScopedViewMixin, TemplateView):
    """风险: the grade distribution of the reader's customers and sales staff and how it moved this month."""

    model = CustomerRating
    template_name = "risk/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        month_start = timezone.localdate().replace(day=1)
        user = self.request.user
        context["scope_label"] = scope_label(user)
        context["month_start"] = month_start
        context["customers"] = selectors.grade_distribution(user=user, subject="customer", month_start=month_start)
        context["staff"] = selectors.grade_distribution(user=user, subject="staff", month_start=month_start)
        context["schemes"] = {s.subject: s for s in RatingScheme.objects.for_user(user).filter(state="approved")}
        # Receivable turnover (应收周转) of the reader's unit over the last six complete months, from the summaries.
        unit = default_unit(user)
        if unit is not None and not scope_of(user).own_only:
            last = Period.of(timezone.localdate(), "month").previous()
            context["turnover_unit"] = unit
            context["turnover"] = turnover(user=user, unit=unit, months=last_months(last, 6))
        # Grade migration of the customers since the first of last month: from which grade to which, how many.
        since = (month_start - timedelta(days=1)).replace(day=1)
        moves = selectors.migration_matrix(user=user, subject="customer", since=since)
        context["migration_since"] = since
        context["migration"] = [[(old, new, moves.get((old, new), 0)) for new in GRADES] for old in GRADES] if moves else []
        context["forecast"] = selectors.forecast_panel(user=user)
        context["improvement"] = selectors.improvement_panel(user)
        context.update(selectors.warning_panel(user))
        # The provision for doubtful debts (坏账准备) is a link, not a panel: computed as of two month ends from the
        # facts it takes seconds at national scale, which this daily page cannot spend (its own page shows it).
        return context


# ------------------------------------------------------------------------------------------- schemes


def _scheme_error(form, formsets, error):
    target = formsets.get(error.field)
    if target is not None:
        target._non_form_errors = target.error_class([str(error.message)])
    else:
        apply_domain_error(form, error)


class SchemeListView(ScopedListView):
    model = RatingScheme
    change_action = "risk.policy"
    filterset_class = SchemeFilterSet
    title = gettext_lazy("Rating schemes")
    template_name = "risk/scheme_list.html"

    def narrow_queryset(self, queryset):
        return super().narrow_queryset(queryset).order_by("subject", "name", "-version", "id")


class SchemeFormMixin:
    template_name = "risk/scheme_form.html"

    def _render(self, form, factors, grades, status=200):
        context = {"form": form, "factors": factors, "grades": grades, "scheme": getattr(self, "object", None)}
        return render(self.request, self.template_name, context, status=status)

    def _bound(self):
        form = SchemeForm(self.request.POST)
        factors = FactorFormSet(self.request.POST, prefix="factors")
        grades = GradeFormSet(self.request.POST, prefix="grades")
        return form, factors, grades


class SchemeCreateView(SchemeFormMixin, ScopedViewMixin, View):
    model = RatingScheme
    change_action = "risk.policy"

    def get(self, request):
        self.require_change()
        subject = request.GET.get("subject") if request.GET.get("subject") in ("customer", "staff") else "customer"
        return self._render(
            SchemeForm(initial={"subject": subject}),
            FactorFormSet(prefix="factors"),
            GradeFormSet(prefix="grades", initial=initial_grades(DEFAULT_GRADES)),
        )

    def post(self, request):
        self.require_change()
        form, factors, grades = self._bound()
        if form.is_valid() and factors.is_valid() and grades.is_valid():
            try:
                scheme = services.scheme_create(
                    **form.cleaned_data, factors=factors_from(factors), grades=grades_from(grades), by=request.user
                )
            except DomainError as error:
                _scheme_error(form, {"factors": factors, "grades": grades}, error)
            else:
                messages.success(request, _("The scheme is drafted."))
                return redirect(scheme.get_absolute_url())
        return self._render(form, factors, grades, status=400)


class SchemeEditView(SchemeFormMixin, ScopedDetailView):
    model = RatingScheme
    change_action = "risk.policy"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        scheme = self.object
        form = SchemeForm(initial={"subject": scheme.subject, "name": scheme.name, "description": scheme.description})
        form.fields["subject"].disabled = True
        return self._render(
            form,
            FactorFormSet(prefix="factors", initial=initial_factors(scheme)),
            GradeFormSet(prefix="grades", initial=initial_grades(scheme.grades)),
        )

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        form, factors, grades = self._bound()
        form.fields["subject"].disabled = True
        form.initial["subject"] = self.object.subject
        if form.is_valid() and factors.is_valid() and grades.is_valid():
            try:
                services.scheme_update(
                    scheme=self.object,
                    by=request.user,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    factors=factors_from(factors),
                    grades=grades_from(grades),
                )
            except DomainError as error:
                _scheme_error(form, {"factors": factors, "grades": grades}, error)
            else:
                messages.success(request, _("The scheme is saved."))
                return redirect(self.object.get_absolute_url())
        return self._render(form, factors, grades, status=400)


class SchemeDetailView(ActionDetailView):
    model = RatingScheme
    change_action = "risk.policy"
    template_name = "risk/scheme_detail.html"
    actions = {
        "submit": (services.scheme_submit, gettext_lazy("The scheme is submitted to the Development Center.")),
        "revise": (services.scheme_revise, gettext_lazy("A new version is drafted.")),
    }
    action_object_name = "scheme"

    def narrow_queryset(self, queryset):
        return queryset.select_related("previous", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scheme = self.object
        context["factors"] = list(scheme.factors.all())
        context["total_weight"] = sum(f.weight for f in context["factors"])
        request = latest_request(scheme)
        context["approval"] = request
        context["approval_url"] = approval_url(request.pk) if request else None
        context["revisions"] = RatingScheme.objects.for_user(self.request.user).filter(previous=scheme)
        context["error"] = kwargs.get("error")
        return context


# ------------------------------------------------------------------------------------------- grades


class CustomerRatingListView(ScopedListView):
    model = CustomerRating
    filterset_class = CustomerRatingFilterSet
    title = gettext_lazy("Customer credit grades")
    template_name = "risk/customer_rating_list.html"

    def narrow_queryset(self, queryset):
        queryset = queryset.select_related("customer", "customer__district", "customer__salesperson")
        return super().narrow_queryset(queryset).order_by("score", "customer_id")


class StaffRatingListView(ScopedListView):
    model = StaffRating
    filterset_class = StaffRatingFilterSet
    title = gettext_lazy("Sales staff credit grades")
    template_name = "risk/staff_rating_list.html"

    def narrow_queryset(self, queryset):
        return super().narrow_queryset(queryset.select_related("staff", "staff__unit")).order_by("score", "staff_id")
