"""Pages of key customers (重点客户) and their long-term plans (客户长期规划):

- the key-customer list (key now, and the formerly key with their history) and a key customer's page — its
  decisions (reason, who, when), its plans, and the form that undesignates it (or designates it again);
- the designation form (a customer of the reader's scope, with the reason);
- the plan list, the plan form (new, from a key customer's page; edit), the plan's page — objectives, actions (each
  a task: its owner, deadline and state), reviews, and the forms that add an objective or an action or close it —,
  the quarterly review form and a review's page (each objective's target against the actual from the ledger).

The reader sees what their scope holds (a salesperson their own customers'); the role right `customer.change`
shows the forms and the services ask the rules (relations/rights/keycust.py). A refused write shows on its field
(400/409); a missing right is a 403; outside the scope a 404."""

from django.contrib import messages
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.errors import DomainError
from core.rights import may
from core.scoping import get_in_scope
from core.views import ScopedDetailView, ScopedListView, ScopedViewMixin, apply_domain_error
from customers.models import Customer
from regions.models import OrgUnit
from relations import services
from relations.filtersets import KeyCustomerFilterSet, KeyCustomerPlanFilterSet
from relations.forms.keycust import ActionForm, CloseForm, DecisionForm, DesignateForm, ObjectiveForm, PlanForm, ReviewForm
from relations.models.keycust import KeyCustomerDecision, KeyCustomerPlan, PlanReview, PlanState
from relations.selectors.keycust import flag_has_decision, key_customers

# The role-table right that shows the forms (the rules in relations/rights/keycust.py narrow it to managers).
CHANGE = "customer.change"


def _latest(field):
    decisions = KeyCustomerDecision.objects.filter(customer=OuterRef("pk")).order_by("-created_at", "-id")
    return Subquery(decisions.values(field)[:1])


class KeyCustomerListView(ScopedListView):
    """Key customers of the reader's scope with their latest decision and their active plans."""

    model = Customer
    change_action = CHANGE
    filterset_class = KeyCustomerFilterSet
    unit_tree = OrgUnit
    title = gettext_lazy("Key customers")
    template_name = "relations/keycust_list.html"

    def narrow_queryset(self, queryset):
        queryset = key_customers(self.request.user).filter(pk__in=queryset.values("pk"))
        queryset = queryset.select_related("district", "salesperson").annotate(
            decided_on=_latest("decided_on"),
            decided_by_name=_latest("decided_by_name"),
            decision_reason=_latest("reason"),
            decision_is_key=_latest("is_key"),
            active_plans=Count("key_plans", filter=Q(key_plans__state=PlanState.ACTIVE)),
        )
        return super().narrow_queryset(queryset).order_by("-is_key", "name", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_decide"] = self.may_change() and may(self.request.user, "keycust.decide")
        for row in context["object_list"]:
            row.decided = flag_has_decision(row.is_key, row.decision_is_key)
        return context


class KeyCustomerDetailView(ScopedDetailView):
    """A key customer (or a formerly key one): its decisions, its plans, and the decision form."""

    model = Customer
    change_action = CHANGE
    template_name = "relations/keycust_detail.html"

    def narrow_queryset(self, queryset):
        return key_customers(self.request.user).filter(pk__in=queryset.values("pk")).select_related("district", "salesperson")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        customer, user = self.object, self.request.user
        context["decisions"] = list(customer.key_decisions.order_by("-created_at", "-id"))
        context["decided"] = flag_has_decision(customer.is_key, context["decisions"][0].is_key if context["decisions"] else None)
        context["plans"] = list(KeyCustomerPlan.objects.for_user(user).filter(customer=customer).order_by("-starts_on", "-id"))
        context["may_decide"] = self.may_change() and may(user, "keycust.decide", customer)
        context["may_plan"] = self.may_change() and customer.is_key and may(user, "keycust.plan", customer)
        context["decision_form"] = kwargs.get("decision_form") or DecisionForm()
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        form = DecisionForm(request.POST)
        service = services.key_customer_undesignate if self.object.is_key else services.key_customer_designate
        if form.is_valid():
            try:
                service(by=request.user, customer=self.object, reason=form.cleaned_data["reason"])
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                done = (
                    _("The customer is no longer a key customer.") if self.object.is_key else _("The customer is a key customer.")
                )
                messages.success(request, done)
                return redirect(request.path)
        self.object.refresh_from_db()
        return render(request, self.template_name, self.get_context_data(object=self.object, decision_form=form), status=400)


class KeyCustomerDesignateView(ScopedViewMixin, View):
    """Make a customer of the reader's scope a key customer (?customer=<id> chooses it beforehand)."""

    model = Customer
    change_action = CHANGE
    template_name = "relations/keycust_designate.html"

    def _render(self, form, status=200):
        return render(self.request, self.template_name, {"form": form}, status=status)

    def get(self, request):
        self.require_change()
        initial = {}
        if request.GET.get("customer"):
            initial["customer"] = get_in_scope(request, Customer, pk=request.GET["customer"]).pk
        return self._render(DesignateForm(user=request.user, initial=initial))

    def post(self, request):
        self.require_change()
        form = DesignateForm(request.POST, user=request.user)
        if form.is_valid():
            customer = form.cleaned_data["customer"]
            try:
                services.key_customer_designate(by=request.user, customer=customer, reason=form.cleaned_data["reason"])
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The customer is a key customer."))
                return redirect("relations:keycust_detail", pk=customer.pk)
        return self._render(form, status=400)


class KeyCustomerPlanListView(ScopedListView):
    model = KeyCustomerPlan
    change_action = CHANGE
    filterset_class = KeyCustomerPlanFilterSet
    unit_tree = OrgUnit
    title = gettext_lazy("Key-customer plans")
    template_name = "relations/keycust_plan_list.html"

    def narrow_queryset(self, queryset):
        queryset = queryset.select_related("customer", "customer__district").annotate(
            objective_count=Count("objectives", distinct=True), review_count=Count("reviews", distinct=True)
        )
        return super().narrow_queryset(queryset).order_by("state", "-starts_on", "-id")


class KeyCustomerPlanCreateView(ScopedViewMixin, View):
    """A new plan for the key customer ?customer=<id> (looked up in the reader's scope)."""

    model = KeyCustomerPlan
    change_action = CHANGE
    template_name = "relations/keycust_plan_form.html"

    def _customer(self, request):
        pk = request.GET.get("customer") or request.POST.get("customer")
        if not pk:
            raise Http404
        return get_in_scope(request, Customer, pk=pk)

    def _render(self, form, customer, status=200):
        return render(self.request, self.template_name, {"form": form, "customer": customer, "plan": None}, status=status)

    def get(self, request):
        self.require_change()
        return self._render(PlanForm(), self._customer(request))

    def post(self, request):
        self.require_change()
        customer = self._customer(request)
        form = PlanForm(request.POST)
        if form.is_valid():
            try:
                plan = services.key_plan_create(by=request.user, customer=customer, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The plan is opened."))
                return redirect(plan.get_absolute_url())
        return self._render(form, customer, status=400)


class KeyCustomerPlanEditView(ScopedDetailView):
    model = KeyCustomerPlan
    change_action = CHANGE
    template_name = "relations/keycust_plan_form.html"

    def _render(self, form, status=200):
        context = {"form": form, "customer": self.object.customer, "plan": self.object}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        fields = ("title", "starts_on", "ends_on", "summary")
        return self._render(PlanForm(initial={name: getattr(self.object, name) for name in fields}))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        form = PlanForm(request.POST)
        if form.is_valid():
            try:
                services.key_plan_update(by=request.user, plan=self.object, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The plan is saved."))
                return redirect(self.object.get_absolute_url())
        return self._render(form, status=400)


class KeyCustomerPlanDetailView(ScopedDetailView):
    """A plan: its term, objectives, actions (tasks) and reviews, and the forms of whoever keeps it."""

    model = KeyCustomerPlan
    change_action = CHANGE
    template_name = "relations/keycust_plan_detail.html"
    FORMS = {"objective": "objective_form", "action": "action_form", "close": "close_form"}

    def narrow_queryset(self, queryset):
        return queryset.select_related("customer", "customer__district", "customer__salesperson")

    def _forms(self, data=None):
        plan, user = self.object, self.request.user
        return {
            "objective_form": ObjectiveForm(data),
            "action_form": ActionForm(data, plan=plan, user=user),
            "close_form": CloseForm(data),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan, user = self.object, self.request.user
        keeps = self.may_change() and may(user, "keycust.plan", plan)
        context["objectives"] = list(plan.objectives.select_related("product").order_by("due_on", "id"))
        context["actions"] = list(plan.actions.select_related("task", "task__owner", "objective").order_by("id"))
        context["reviews"] = list(plan.reviews.order_by("-period", "-id"))
        context["may_keep"] = keeps and plan.state == PlanState.ACTIVE
        context["may_review"] = self.may_change() and plan.state == PlanState.ACTIVE and may(user, "keycust.review", plan)
        forms = self._forms()
        for name in self.FORMS.values():
            context[name] = kwargs.get(name) or forms[name]
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        kind = request.POST.get("action_kind")
        if kind not in self.FORMS:
            raise Http404
        form = self._forms(request.POST)[self.FORMS[kind]]
        plan, by, status = self.object, request.user, 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                if kind == "objective":
                    services.key_plan_objective_add(by=by, plan=plan, **data)
                    done = _("The objective is added.")
                elif kind == "action":
                    services.key_plan_action_add(by=by, plan=plan, **data)
                    done = _("The action is added and given as a task.")
                else:
                    services.key_plan_close(by=by, plan=plan, reason=data["reason"])
                    done = _("The plan is closed.")
            except DomainError as error:
                apply_domain_error(form, error)
                status = error.status_code
            else:
                messages.success(request, done)
                return redirect(plan.get_absolute_url())
        self.object.refresh_from_db()
        return render(request, self.template_name, self.get_context_data(**{self.FORMS[kind]: form}), status=status)


class KeyCustomerReviewCreateView(ScopedDetailView):
    """The quarterly review of a plan: the quarter, rating, assessment; figures of manual objectives; notes."""

    model = KeyCustomerPlan
    change_action = CHANGE
    template_name = "relations/keycust_review_form.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("customer", "customer__district")

    def _render(self, form, status=200):
        return render(self.request, self.template_name, {"form": form, "plan": self.object}, status=status)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        return self._render(ReviewForm(plan=self.object))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        form = ReviewForm(request.POST, plan=self.object)
        if form.is_valid():
            try:
                review = services.key_plan_review_write(by=request.user, plan=self.object, **form.values())
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The review is recorded."))
                return redirect(review.get_absolute_url())
        return self._render(form, status=400)


class KeyCustomerReviewDetailView(ScopedDetailView):
    """A quarterly review: per objective, the target, the quarter's actual, the actual to date and the progress."""

    model = PlanReview
    template_name = "relations/keycust_review_detail.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("plan", "plan__customer")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lines"] = list(self.object.lines.select_related("objective", "objective__product"))
        return context
