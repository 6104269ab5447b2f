"""Pages of customers, sales and receivables: customer archive, invoices, payments, ageing with
drill-down and its Excel export, collection plans, and the browser file import.

Every read goes through `for_user` (the Scoped* base views, or explicitly for the related rows);
every write through customers.services; a refused write shows the service's message on its field.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core import audit
from core.db_router import ReplicaReadMixin
from core.errors import DomainError
from core.jobs import job_reap
from core.money import ZERO
from core.rights import may
from core.roles import Role
from core.scoping import get_in_scope, scope_of
from core.ui import id_choice_field
from core.views import ScopedDetailView, ScopedListView, ScopedViewMixin, apply_domain_error
from customers import imports, services
from customers.choices import CollectionPlanStatus, InvoiceStatus, PaymentStatus
from customers.exports import ageing_xlsx
from customers.filtersets import CollectionPlanFilterSet, CustomerFilterSet, InvoiceFilterSet, PaymentFilterSet
from customers.forms import (
    AgeingForm,
    AllocationFormSet,
    CollectionPlanForm,
    CollectionPlanLineFormSet,
    ContactForm,
    CreditApplyForm,
    CustomerForm,
    FollowUpForm,
    ImportUploadForm,
    InvoiceCancelForm,
    PaymentForm,
    PaymentReverseForm,
)
from customers.models import CollectionPlan, Customer, ImportJob, ImportKind, ImportStatus, Invoice, Payment
from customers.selectors import (
    CHILD_LEVEL,
    ageing,
    ageing_for_unit,
    collection_plan_progress,
    customer_balance,
    with_open_amount,
    with_open_today,
)
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile

MONEY = DecimalField(max_digits=18, decimal_places=2)
# What a payment has allocated to invoices now (a reversed payment's allocations no longer count).
LIVE_ALLOCATED = Coalesce(
    Sum("allocations__amount", filter=Q(allocations__reversed_on__isnull=True)), Value(ZERO), output_field=MONEY
)


def _scoped_districts(user):
    return OrgUnit.objects.for_user(user).filter(kind=UnitKind.DISTRICT).order_by("code")


def _scoped_reps(user):
    return StaffProfile.objects.for_user(user).filter(role=Role.SALES_REP).select_related("unit").order_by("employee_no")


# A filter bar offers at most this many people in its salesperson select: a region has some 1,500 sales
# staff at national scale, and rendering them all made the customer list page miss its 150 ms (issue 21).
REP_CHOICES_MAX = 200


def _rep_choice(user, data=None):
    """The salesperson filter: the reader's sales staff, or — when they are more than REP_CHOICES_MAX —
    those of the district office chosen in the same filter bar (choose the office first), plus the one
    already chosen, so a link that names a salesperson keeps working."""
    reps = _scoped_reps(user)
    help_text = ""
    if reps.count() > REP_CHOICES_MAX:
        district = _int_or_none((data or {}).get("unit"))
        chosen = _int_or_none((data or {}).get("salesperson"))
        narrowed = Q(unit_id=district) if district is not None else Q(pk__in=[])
        reps = reps.filter(narrowed | Q(pk=chosen)) if chosen is not None else reps.filter(narrowed)
        if district is None:
            help_text = _("Choose a district office first to pick one of its salespeople.")
    field = id_choice_field(_("salesperson"), [(s.pk, f"{s.name} ({s.employee_no})") for s in reps])
    field.help_text = help_text
    return field


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class DistrictListMixin:
    """The ledger's list pages: filtered by district office; what a link names (…?customer=) stays out of
    the filter bar."""

    hidden_filters = ("external_id", "credit_code", "customer", "customer_external_id", "invoice", "owner", "unit_code")

    def adjust_filter_form(self, form):
        districts = [(u.pk, f"{u.name} ({u.code})") for u in _scoped_districts(self.request.user)]
        form.fields["unit"] = id_choice_field(_("district office"), districts)


# ----------------------------------------------------------------------------------------- customers


class CustomerListView(DistrictListMixin, ScopedListView):
    model = Customer
    change_action = "customer.change"
    filterset_class = CustomerFilterSet
    title = gettext_lazy("Customers")
    template_name = "customers/customer_list.html"

    def narrow_queryset(self, queryset):
        queryset = super().narrow_queryset(queryset.select_related("district", "salesperson"))
        return with_open_today(queryset)

    def adjust_filter_form(self, form):
        super().adjust_filter_form(form)
        form.fields["salesperson"] = _rep_choice(self.request.user, form.data)


def _history_rows(customer, limit=30):
    """The customer's change history, newest first, each change with who, when, through which door
    and what changed (field, old value, new value)."""
    records = list(
        customer.history.select_related("history_user", "history_user__staff_profile").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    fk_ids = {"district": set(), "salesperson": set()}
    pairs = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, excluded_fields=["updated_at", "created_at", "name_initials"])
            for change in delta.changes:
                changes.append(change)
                if change.field in fk_ids:
                    fk_ids[change.field].update(v for v in (change.old, change.new) if v)
        pairs.append((record, changes))
    names = {
        "district": dict(OrgUnit.objects.filter(pk__in=fk_ids["district"]).values_list("pk", "name")),
        "salesperson": dict(StaffProfile.objects.filter(pk__in=fk_ids["salesperson"]).values_list("pk", "name")),
    }
    rows = []
    for record, changes in pairs:
        shown = []
        for change in changes:
            field = Customer._meta.get_field(change.field)
            old, new = change.old, change.new
            if change.field in names:
                old, new = names[change.field].get(old, old), names[change.field].get(new, new)
            elif field.choices:
                labels = dict(field.choices)
                old, new = labels.get(old, old), labels.get(new, new)
            shown.append({"field": field.verbose_name, "old": old, "new": new})
        user = record.history_user
        who = None
        if user is not None:
            profile = getattr(user, "staff_profile", None)
            who = profile.name if profile is not None else user.get_username()
        rows.append({"record": record, "who": who, "changes": shown})
    return rows


class CustomerDetailView(ScopedDetailView):
    model = Customer
    change_action = "customer.change"
    template_name = "customers/customer_detail.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("district", "district__parent", "salesperson")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        customer, user = self.object, self.request.user
        today = timezone.localdate()
        context["today"] = today
        context["balance"] = customer_balance(customer=customer, as_of=today)
        context["contacts"] = customer.contacts.all()
        invoices = Invoice.objects.for_user(user).filter(customer=customer)
        context["invoices"] = with_open_amount(invoices.select_related("salesperson"), as_of=today).order_by(
            "-issue_date", "-id"
        )[:50]
        context["invoice_count"] = invoices.count()
        context["payments"] = (
            Payment.objects.for_user(user)
            .filter(customer=customer)
            .annotate(allocated=LIVE_ALLOCATED)
            .order_by("-received_on", "-id")[:50]
        )
        context["ageing"] = ageing(invoices=invoices, as_of=today, group_by="invoice")
        plans = list(CollectionPlan.objects.for_user(user).filter(customer=customer).select_related("owner", "invoice"))
        context["plans"] = [(plan, collection_plan_progress(plan=plan, as_of=today)) for plan in plans]
        context["history"] = _history_rows(customer)
        context["may_record_payment"] = may(user, "payment.create", customer)
        context["may_plan"] = may(user, "collection_plan.create", customer)
        if context["may_record_payment"] and context["balance"]["credit"] > 0:
            context.setdefault("credit_form", CreditApplyForm())
        return context


class CustomerCreditApplyView(CustomerDetailView):
    """POST: apply the customer's credit to its open invoices, oldest due first (the customer page's
    form). Applying credit allocates payments, so it needs the payment right."""

    change_action = "payment.change"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        form = CreditApplyForm(request.POST)
        if form.is_valid():
            try:
                rows = services.customer_credit_apply(
                    by=request.user, customer=self.object, on=form.cleaned_data["on"] or timezone.localdate()
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                applied = sum((row.amount for row in rows), ZERO)
                if rows:
                    messages.success(request, _("%(amount)s of credit was applied to open invoices.") % {"amount": applied})
                else:
                    messages.info(request, _("There was no credit or no open invoice to apply it to."))
                return redirect("customers:customer_detail", pk=self.object.pk)
        context = self.get_context_data(object=self.object, credit_form=form)
        return render(request, self.template_name, context, status=400)


class CustomerCreateView(ScopedViewMixin, View):
    model = Customer
    change_action = "customer.change"
    template_name = "customers/customer_form.html"

    def get(self, request, *args, **kwargs):
        self.require_change()
        return render(request, self.template_name, {"form": CustomerForm(user=request.user), "contact_form": ContactForm()})

    def post(self, request, *args, **kwargs):
        self.require_change()
        form = CustomerForm(request.POST, user=request.user)
        contact_form = ContactForm(request.POST)
        if form.is_valid() and contact_form.is_valid():
            try:
                customer = services.customer_create(by=request.user, **form.cleaned_data, contacts=contact_form.contacts())
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The customer %(name)s was created.") % {"name": customer.name})
                return redirect("customers:customer_detail", pk=customer.pk)
        return render(request, self.template_name, {"form": form, "contact_form": contact_form}, status=400)


class CustomerEditView(ScopedDetailView):
    model = Customer
    change_action = "customer.change"
    template_name = "customers/customer_form.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        return self._render(CustomerForm(initial=self._initial(), user=request.user))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        form = CustomerForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.customer_update(by=request.user, customer=self.object, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("customers:customer_detail", pk=self.object.pk)
        return self._render(form, status=400)

    def _initial(self):
        c = self.object
        return {
            "name": c.name,
            "kind": c.kind,
            "credit_code": c.credit_code or "",
            "external_id": c.external_id or "",
            "district": c.district_id,
            "salesperson": c.salesperson_id,
            "industry": c.industry,
            "province": c.province,
            "city": c.city,
            "address": c.address,
            "is_key": c.is_key,
            "credit_limit": c.credit_limit,
            "status": c.status,
        }

    def _render(self, form, status=200):
        return render(self.request, self.template_name, {"form": form, "object": self.object}, status=status)


# ------------------------------------------------------------------------------------ invoices, payments


class InvoiceListView(DistrictListMixin, ScopedListView):
    model = Invoice
    change_action = "invoice.change"
    filterset_class = InvoiceFilterSet
    title = gettext_lazy("Invoices")
    template_name = "customers/invoice_list.html"

    def narrow_queryset(self, queryset):
        queryset = super().narrow_queryset(queryset.select_related("customer", "district", "salesperson"))
        return with_open_amount(queryset, as_of=timezone.localdate())

    def adjust_filter_form(self, form):
        super().adjust_filter_form(form)
        form.fields["salesperson"] = _rep_choice(self.request.user, form.data)
        for name in ("due_date_after", "due_date_before", "issue_date_after", "issue_date_before"):
            form.fields[name].widget = forms.DateInput(attrs={"type": "date"})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        return context


class InvoiceDetailView(ScopedDetailView):
    model = Invoice
    change_action = "invoice.change"
    template_name = "customers/invoice_detail.html"

    def narrow_queryset(self, queryset):
        return with_open_amount(queryset.select_related("customer", "district", "salesperson"), as_of=timezone.localdate())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        invoice = self.object
        context["lines"] = invoice.lines.select_related("product")
        context["allocations"] = invoice.allocations.select_related("payment").order_by("allocated_on", "id")
        context["plans"] = CollectionPlan.objects.for_user(self.request.user).filter(invoice=invoice).select_related("owner")
        context["history"] = invoice.history.select_related("history_user").order_by("-history_date")[:20]
        context["today"] = timezone.localdate()
        context["may_plan"] = invoice.status == InvoiceStatus.OPEN and may(
            self.request.user, "collection_plan.create", invoice.customer
        )
        if context["may_change"] and invoice.status != InvoiceStatus.CANCELLED:
            context.setdefault("cancel_form", InvoiceCancelForm())
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        return self.form_action(
            form=InvoiceCancelForm(request.POST),
            context_name="cancel_form",
            action=lambda data: services.invoice_cancel(
                by=request.user, invoice=self.object, reason=data["reason"], on=data["on"]
            ),
            success_message=_("The invoice was cancelled."),
        )


class PaymentListView(DistrictListMixin, ScopedListView):
    model = Payment
    change_action = "payment.change"
    filterset_class = PaymentFilterSet
    hidden_filters = (*DistrictListMixin.hidden_filters, "salesperson")
    title = gettext_lazy("Payments")
    template_name = "customers/payment_list.html"

    def narrow_queryset(self, queryset):
        queryset = super().narrow_queryset(queryset.select_related("customer", "district"))
        return queryset.annotate(allocated=LIVE_ALLOCATED).order_by("-received_on", "-id")

    def adjust_filter_form(self, form):
        super().adjust_filter_form(form)
        for name in ("received_on_after", "received_on_before"):
            form.fields[name].widget = forms.DateInput(attrs={"type": "date"})


def _customer_from_request(request):
    """The customer a create page was opened for (?customer=) or posted (customer=), within the scope.

    A link naming a customer outside the scope is a 404, as for any other scoped object; a posted
    one is left to the form, whose scoped choice refuses it on the field."""
    raw = (request.POST if request.method == "POST" else request.GET).get("customer")
    if not raw:
        return None
    readable = Customer.objects.for_user(request.user).select_related("district")
    if request.method != "POST":
        return get_in_scope(request, Customer, queryset=readable, pk=raw)
    try:
        return readable.filter(pk=int(raw)).first()
    except (ValueError, OverflowError):
        return None


class PaymentDetailView(ScopedDetailView):
    """A payment with its allocations (live and reversed), the part kept as credit, and its reversal."""

    model = Payment
    change_action = "payment.change"
    template_name = "customers/payment_detail.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("customer", "district", "salesperson").annotate(allocated=LIVE_ALLOCATED)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        payment = self.object
        # All of the payment's allocations, as the invoice page shows all of an invoice's: they are
        # parts of this payment, whoever sells the invoices they went to.
        context["allocations"] = payment.allocations.select_related("invoice").order_by("allocated_on", "id")
        context["is_reversed"] = payment.status == PaymentStatus.REVERSED
        context["unallocated"] = None if context["is_reversed"] else payment.amount - payment.allocated
        if context["may_change"] and not context["is_reversed"]:
            context.setdefault("reverse_form", PaymentReverseForm())
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        return self.form_action(
            form=PaymentReverseForm(request.POST),
            context_name="reverse_form",
            action=lambda data: services.payment_reverse(
                by=request.user, payment=self.object, reason=data["reason"], on=data["on"]
            ),
            success_message=_("The payment was reversed; the invoices it paid are open again."),
        )


class PaymentCreateView(ScopedViewMixin, View):
    """Record a payment: allocated as the user says, or, with no allocation given, oldest due first
    (services.payment_record); the rest stays as the customer's credit."""

    model = Payment
    change_action = "payment.change"
    template_name = "customers/payment_form.html"

    def forms(self, customer, data=None):
        user = self.request.user
        invoices = Invoice.objects.none()
        if customer is not None:
            invoices = with_open_amount(
                Invoice.objects.for_user(user).filter(customer=customer, status=InvoiceStatus.OPEN),
                as_of=timezone.localdate(),
            ).order_by("due_date", "issue_date", "id")
        form = PaymentForm(data, user=user, customer=customer)
        formset = AllocationFormSet(data, prefix="allocations", form_kwargs={"invoices": invoices})
        return form, formset

    def _render(self, customer, form, formset, status=200):
        context = {"form": form, "formset": formset, "customer": customer}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        self.require_change()
        customer = _customer_from_request(request)
        return self._render(customer, *self.forms(customer))

    def post(self, request, *args, **kwargs):
        self.require_change()
        customer = _customer_from_request(request)
        form, formset = self.forms(customer, request.POST)
        if form.is_valid() and formset.is_valid():
            allocations = [
                {"invoice": row.cleaned_data["invoice"].pk, "amount": row.cleaned_data["amount"]}
                for row in formset
                if row.cleaned_data.get("invoice") is not None
            ]
            data = form.cleaned_data
            try:
                payment = services.payment_record(
                    by=request.user,
                    customer=data["customer"],
                    received_on=data["received_on"],
                    amount=data["amount"],
                    method=data["method"],
                    reference=data["reference"],
                    allocations=allocations or None,
                )
            except DomainError as error:
                if error.field == "allocations":
                    formset.non_form_errors().append(str(error.message))
                else:
                    apply_domain_error(form, error)
            else:
                messages.success(request, _("The payment was recorded."))
                return redirect("customers:payment_detail", pk=payment.pk)
        return self._render(customer, form, formset, status=400)


# ------------------------------------------------------------------------------------------- ageing


class AgeingView(ReplicaReadMixin, ScopedViewMixin, View):
    """Receivables ageing of a unit as of a date, with drill-down: region → province → district →
    salesperson → customer → invoice. The unit (and salesperson, customer) must be in the scope."""

    model = OrgUnit
    template_name = "customers/ageing.html"

    def _no_unit(self):
        audit.log_denial(self.request, reason="no unit in scope", status=404)
        raise Http404

    def build(self):
        request, user = self.request, self.request.user
        query = request.GET.copy()
        if not query.get("as_of"):
            # The field shows the date the table is "as of" (today unless asked), not an empty box.
            query["as_of"] = timezone.localdate().isoformat()
        form = AgeingForm(query)
        if not form.is_valid():
            return form, None
        data = form.cleaned_data
        units = self.get_queryset()
        if data["unit"]:
            unit = get_in_scope(request, OrgUnit, queryset=units, pk=data["unit"])
        else:
            scope = scope_of(user)
            unit = units.filter(kind=UnitKind.CENTER).first() if scope.everything else units.filter(path=scope.path).first()
            if unit is None:
                self._no_unit()
        salesperson = customer = None
        if data["salesperson"]:
            salesperson = get_in_scope(request, StaffProfile, pk=data["salesperson"])
        if data["customer"]:
            customer = get_in_scope(request, Customer, pk=data["customer"])
        by = data["by"]
        try:
            if salesperson is None and customer is None:
                report = ageing_for_unit(user=user, unit=unit, as_of=data["as_of"], by=by, buckets=data["buckets"])
            else:
                invoices = Invoice.objects.for_user(user).filter(district__path__startswith=unit.path)
                if salesperson is not None:
                    invoices = invoices.filter(salesperson=salesperson)
                if customer is not None:
                    invoices = invoices.filter(customer=customer)
                group_by = ("invoice" if customer is not None else "customer") if by == "child" else by
                report = ageing(invoices=invoices, as_of=data["as_of"], group_by=group_by, buckets=data["buckets"])
                report.unit = unit
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
            return form, None
        report.extra.update({"salesperson": salesperson, "customer": customer})
        return form, report

    def _link(self, report, row):
        params = {"as_of": report.as_of.isoformat()}
        key = row["key"]
        if key is None:
            return None
        if report.group_by in ("region", "province", "district"):
            params["unit"] = key
        elif report.group_by == "salesperson":
            params.update({"unit": report.unit.pk, "salesperson": key})
        elif report.group_by == "customer":
            params.update({"unit": report.unit.pk, "customer": key})
            if report.extra.get("salesperson"):
                params["salesperson"] = report.extra["salesperson"].pk
        else:
            return reverse("customers:invoice_detail", kwargs={"pk": key})
        return f"{reverse('customers:ageing')}?{urlencode(params)}"

    def title(self, report):
        parts = [_("Receivables ageing"), report.unit.display_name]
        for extra in ("salesperson", "customer"):
            if report.extra.get(extra) is not None:
                parts.append(report.extra[extra].name)
        return " · ".join(str(p) for p in parts)

    def get(self, request, *args, **kwargs):
        form, report = self.build()
        if report is None:
            return render(request, self.template_name, {"form": form, "report": None}, status=400)
        for row in report.rows:
            row["url"] = self._link(report, row)
        scoped_units = self.get_queryset()
        ancestors = [a for a in report.unit.ancestors() if scoped_units.filter(pk=a.pk).exists()]
        query = request.GET.copy()
        query["format"] = "xlsx"
        context = {
            "form": form,
            "report": report,
            "title": self.title(report),
            "ancestors": ancestors,
            "salesperson": report.extra.get("salesperson"),
            "customer": report.extra.get("customer"),
            "export_url": f"{reverse('customers:ageing_export')}?{request.GET.urlencode()}",
            "group_label": dict(AgeingForm.BY_CHOICES).get(report.group_by, report.group_by),
            "next_level": CHILD_LEVEL.get(report.unit.kind),
        }
        return render(request, self.template_name, context)


class AgeingExportView(AgeingView):
    """The ageing page as an .xlsx workbook, built from the same scoped report."""

    def get(self, request, *args, **kwargs):
        form, report = self.build()
        if report is None:
            return render(request, self.template_name, {"form": form, "report": None}, status=400)
        content = ageing_xlsx(report, title=self.title(report))
        response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        filename = f"ageing-{report.unit.code}-{report.as_of.isoformat()}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


# ----------------------------------------------------------------------------------- collection plans


class CollectionPlanListView(DistrictListMixin, ScopedListView):
    model = CollectionPlan
    change_action = "collection.change"
    filterset_class = CollectionPlanFilterSet
    hidden_filters = (*DistrictListMixin.hidden_filters, "salesperson")
    title = gettext_lazy("Collection plans")
    template_name = "customers/collectionplan_list.html"

    def narrow_queryset(self, queryset):
        queryset = super().narrow_queryset(queryset.select_related("customer", "invoice", "district", "owner"))
        return queryset.annotate(planned=Coalesce(Sum("lines__amount"), Value(ZERO), output_field=MONEY)).order_by("-id")


class CollectionPlanDetailView(ScopedDetailView):
    model = CollectionPlan
    change_action = "collection.change"
    template_name = "customers/collectionplan_detail.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("customer", "invoice", "district", "owner")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.object
        today = timezone.localdate()
        context["progress"] = collection_plan_progress(plan=plan, as_of=today)
        lines, cumulative = [], ZERO
        for line in plan.lines.all():
            cumulative += line.amount
            collected = (
                collection_plan_progress(plan=plan, as_of=min(line.due_on, today))["collected"] if line.due_on <= today else None
            )
            lines.append(
                {
                    "line": line,
                    "cumulative": cumulative,
                    "collected": collected,
                    "met": collected is not None and collected >= cumulative,
                }
            )
        context["lines"] = lines
        context["follow_ups"] = plan.follow_ups.select_related("by")
        context["is_active"] = plan.status == CollectionPlanStatus.ACTIVE
        if context["may_change"]:
            context.setdefault("follow_up_form", FollowUpForm())
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        return self.form_action(
            form=FollowUpForm(request.POST),
            context_name="follow_up_form",
            action=lambda data: services.collection_plan_follow_up(by=request.user, plan=self.object, note=data["note"]),
            success_message=_("The follow-up was recorded."),
        )


class CollectionPlanCreateView(ScopedViewMixin, View):
    """Plan the collection of a customer's (or one invoice's) receivable: owner, note and planned
    amounts by dates (services.collection_plan_create)."""

    model = CollectionPlan
    change_action = "collection.change"
    template_name = "customers/collectionplan_form.html"

    def _render(self, customer, form, formset, status=200):
        context = {"form": form, "formset": formset, "customer": customer}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        self.require_change()
        customer = _customer_from_request(request)
        form = CollectionPlanForm(user=request.user, customer=customer)
        raw_invoice = request.GET.get("invoice", "")
        if raw_invoice and customer is not None:
            invoices = form.fields["invoice"].queryset
            invoice = invoices.filter(pk=int(raw_invoice)).first() if raw_invoice.isdigit() else None
            if invoice is None:
                # Not an invoice of this customer in the scope: the link is wrong.
                raise Http404
            form.fields["invoice"].initial = invoice.pk
        return self._render(customer, form, CollectionPlanLineFormSet(prefix="lines"))

    def post(self, request, *args, **kwargs):
        self.require_change()
        customer = _customer_from_request(request)
        form = CollectionPlanForm(request.POST, user=request.user, customer=customer)
        formset = CollectionPlanLineFormSet(request.POST, prefix="lines")
        if form.is_valid() and formset.is_valid():
            lines = [
                {"due_on": row.cleaned_data["due_on"], "amount": row.cleaned_data["amount"]}
                for row in formset
                if row.cleaned_data.get("due_on") is not None
            ]
            data = form.cleaned_data
            try:
                plan = services.collection_plan_create(
                    by=request.user,
                    customer=data["customer"],
                    invoice=data["invoice"],
                    owner=data["owner"],
                    note=data["note"],
                    lines=lines,
                )
            except DomainError as error:
                if error.field == "lines":
                    formset.non_form_errors().append(str(error.message))
                else:
                    apply_domain_error(form, error)
            else:
                messages.success(request, _("The collection plan was created."))
                return redirect("customers:collectionplan_detail", pk=plan.pk)
        return self._render(customer, form, formset, status=400)


# ------------------------------------------------------------------------------------------- import


class ImportView(ScopedListView):
    """Upload a file; below, the recent import jobs in scope."""

    model = ImportJob
    paginate_by = 20
    template_name = "customers/import.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit", "created_by", "created_by__staff_profile")

    def may_change(self):
        return may(self.request.user, "customer.import")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", kwargs.get("form") or ImportUploadForm())
        context["kinds"] = [(kind, label, imports.COLUMNS[kind]) for kind, label in ImportKind.choices]
        context["sync_max_rows"] = imports.sync_max_rows()
        return context

    def post(self, request, *args, **kwargs):
        self.require_change()
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            kind = form.cleaned_data["kind"]
            if not may(request.user, "customer.import", kind):
                audit.log_denial(request, reason="no right for this import", status=403)
                raise PermissionDenied
            job = imports.job_start(by=request.user, kind=kind, upload=form.cleaned_data["file"])
            return redirect("customers:import_job", pk=job.pk)
        self.object_list = self.get_queryset()
        return render(request, self.template_name, self.get_context_data(form=form), status=400)


class ImportJobView(ScopedDetailView):
    model = ImportJob
    template_name = "customers/import_job.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit", "created_by")

    def get_object(self, queryset=None):
        job = super().get_object(queryset)
        # The reaper's check for the job on screen: a job whose worker died shows failed at once, not
        # "running" until the next beat (one UPDATE, only while a worker holds the job).
        if job.heartbeat_at is not None and job_reap(ImportJob, where=Q(pk=job.pk)):
            job.refresh_from_db()
        return job

    def may_change(self):
        job = getattr(self, "object", None)
        return job is not None and may(self.request.user, "customer.import", job.kind)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.object
        context["job"] = job
        context["may_commit"] = context["may_change"] and job.status == ImportStatus.VALIDATED and job.commit_requested_at is None
        context["columns"] = imports.COLUMNS[job.kind]
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        job = imports.job_request_commit(by=request.user, job=self.object)
        if job.status == ImportStatus.COMMITTED:
            counts = job.result or {}
            messages.success(
                request,
                _("Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
                % {
                    "created": counts.get("created", 0),
                    "updated": counts.get("updated", 0),
                    "unchanged": counts.get("unchanged", 0),
                },
            )
        elif job.status == ImportStatus.FAILED:
            messages.error(request, _("Nothing was imported: a row was refused. See the errors below."))
        return redirect("customers:import_job", pk=job.pk)


class ImportJobProgressView(ImportJobView):
    """The progress box of a running job, polled by htmx; reloads the page when the job is done."""

    template_name = "customers/_import_progress.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if not self.object.is_running and request.headers.get("HX-Request"):
            response["HX-Refresh"] = "true"
        return response


class ImportTemplateView(LoginRequiredMixin, View):
    """A template file with the Chinese headers and one example row."""

    def get(self, request, kind, fmt):
        if kind not in ImportKind.values or fmt not in ("xlsx", "csv"):
            raise Http404
        if fmt == "xlsx":
            content = imports.template_xlsx(kind)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            content = imports.template_csv(kind)
            content_type = "text/csv; charset=utf-8"
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="import-{kind}.{fmt}"'
        return response
