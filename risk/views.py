"""Pages of risk control: the risk overview of the reader's scope, the rating schemes (list, detail, draft,
edit, submit, revise) and the customer and staff grade lists.

Every read goes through `for_user` (the Scoped* base views); every write through risk.services; a refused
write shows the service's message on its field.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from approvals.selectors import latest_request
from core.errors import DomainError
from core.rights import may
from core.scoping import get_in_scope
from core.ui import approval_url
from core.views import ScopedDetailView, ScopedListView, ScopedViewMixin, apply_domain_error, scope_label
from customers.models import Customer
from regions.models import OrgUnit
from risk import selectors, services
from risk.filtersets import CustomerRatingFilterSet, SchemeFilterSet, SpecialEventFilterSet, StaffRatingFilterSet
from risk.forms import (
    DEFAULT_GRADES,
    AddStepForm,
    AssignOwnerForm,
    CloseForm,
    CompleteStepForm,
    EventReportForm,
    FactorFormSet,
    GradeFormSet,
    NoteForm,
    SchemeForm,
    factors_from,
    grades_from,
    initial_factors,
    initial_grades,
)
from risk.models import CustomerRating, EventStep, RatingScheme, SpecialEvent, StaffRating


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


class SchemeDetailView(ScopedDetailView):
    model = RatingScheme
    change_action = "risk.policy"
    template_name = "risk/scheme_detail.html"
    actions = {
        "submit": (services.scheme_submit, gettext_lazy("The scheme is submitted to the Development Center.")),
        "revise": (services.scheme_revise, gettext_lazy("A new version is drafted.")),
    }

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

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        name = request.POST.get("action")
        if name not in self.actions:
            return render(request, self.template_name, self.get_context_data(error=_("Unknown action.")), status=400)
        service, success = self.actions[name]
        try:
            result = service(scheme=self.object, by=request.user)
        except DomainError as error:
            self.object.refresh_from_db()
            return render(request, self.template_name, self.get_context_data(error=error.message), status=error.status_code)
        messages.success(request, success)
        if isinstance(result, RatingScheme) and result.pk != self.object.pk:
            return redirect(result.get_absolute_url())
        return redirect(self.object.get_absolute_url())


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


class EventListView(ScopedListView):
    model = SpecialEvent
    change_action = "event.report"
    filterset_class = SpecialEventFilterSet
    hidden_filters = ("owner",)
    unit_tree = OrgUnit
    title = gettext_lazy("Special events")
    template_name = "risk/event_list.html"

    def narrow_queryset(self, queryset):
        queryset = super().narrow_queryset(queryset.select_related("unit", "owner", "reported_by"))
        return queryset.order_by("-occurred_on", "-id")


class EventReportView(ScopedViewMixin, View):
    """Report a special event (optionally for one customer: ?customer=<id>)."""

    model = SpecialEvent
    change_action = "event.report"
    template_name = "risk/event_form.html"

    def _customer(self, request):
        raw = request.GET.get("customer")
        if not raw:
            return None
        return get_in_scope(request, Customer, pk=raw)

    def get(self, request, *args, **kwargs):
        self.require_change()
        customer = self._customer(request)
        form = EventReportForm(user=request.user, customer=customer)
        return render(request, self.template_name, {"form": form, "customer": customer})

    def post(self, request, *args, **kwargs):
        self.require_change()
        customer = self._customer(request)
        form = EventReportForm(request.POST, user=request.user, customer=customer)
        if form.is_valid():
            try:
                event = services.event_report(**form.cleaned_data, by=request.user)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(
                    request, _("The event was reported; the regional manager and the Development Center are being told.")
                )
                return redirect("risk:event_detail", pk=event.pk)
        return render(request, self.template_name, {"form": form, "customer": customer}, status=400)


class EventDetailView(ScopedDetailView):
    """An event: what happened, its owner, its procedure and its timeline; the forms that handle it."""

    model = SpecialEvent
    change_action = "event.report"
    template_name = "risk/event_detail.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit", "owner__unit", "reported_by__unit").prefetch_related("customers", "products")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event, user = self.object, self.request.user
        steps = list(selectors.event_steps(event))
        context["steps"] = steps
        context["timeline"] = selectors.event_timeline(event)
        context["customers"] = event.customers.filter(pk__in=Customer.objects.for_user(user).values("pk")).order_by("name")
        if event.is_open:
            if may(user, "event.assign", event):
                context.setdefault("assign_form", AssignOwnerForm(event=event, user=user))
            if may(user, "event.add_step", event):
                context.setdefault("step_form", AddStepForm(event=event, user=user))
            if may(user, "event.note", event):
                context.setdefault("note_form", NoteForm())
            if may(user, "event.close", event):
                context.setdefault("close_form", CloseForm())
            for step in steps:
                step.may_complete = not step.is_done and may(user, "event.complete_step", step)
        return context

    def post(self, request, *args, **kwargs):
        self.object = event = self.get_object()
        self.require_change()
        action = request.POST.get("action")
        user = request.user
        if action == "assign":
            return self.form_action(
                form=AssignOwnerForm(request.POST, event=event, user=user),
                context_name="assign_form",
                action=lambda data: services.event_assign_owner(event=event, owner=data["owner"], by=user),
                success_message=_("The event has a new owner."),
            )
        if action == "add_step":
            return self.form_action(
                form=AddStepForm(request.POST, event=event, user=user),
                context_name="step_form",
                action=lambda data: services.event_add_step(event=event, by=user, **data),
                success_message=_("The step was added to the procedure."),
            )
        if action == "complete_step":
            form = CompleteStepForm(request.POST)
            step = None
            if form.is_valid():
                step = EventStep.objects.filter(event=event, pk=form.cleaned_data["step"]).first()
                if step is None:
                    form.add_error("step", _("No such step of this event."))
            return self.form_action(
                form=form,
                context_name="complete_form",
                action=lambda data: services.event_complete_step(step=step, note=data["note"], by=user),
                success_message=_("The step is done."),
            )
        if action == "note":
            return self.form_action(
                form=NoteForm(request.POST),
                context_name="note_form",
                action=lambda data: services.event_add_note(event=event, text=data["text"], by=user),
                success_message=_("The note was added to the timeline."),
            )
        if action == "close":
            return self.form_action(
                form=CloseForm(request.POST),
                context_name="close_form",
                action=lambda data: services.event_close(event=event, summary=data["summary"], by=user),
                success_message=_("The event was closed."),
            )
        raise PermissionDenied
