"""The branch-system API: customers, products (read), invoices, payments, collection plans, ageing.

Every viewset reads through the scope (`ScopedViewSet`), writes through `customers.services`, and
resolves every reference in its input through the caller's scope. Single POSTs honour
`Idempotency-Key`; bulk upserts (`…/bulk/`) are idempotent by `external_id` (see `bulk.py`).
"""

from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core import audit
from core.api import RolePermission, ScopedViewSet, validated
from core.db_router import ReplicaReadMixin
from core.errors import InvalidInput
from core.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from core.money import ZERO
from core.roles import staff_of
from core.scoping import get_in_scope
from customers import exports, selectors, services
from customers.api import bulk
from customers.api import serializers as s
from customers.choices import PaymentStatus
from customers.filtersets import (
    CollectionPlanFilterSet,
    CreditBalanceFilterSet,
    CustomerFilterSet,
    InvoiceFilterSet,
    PaymentFilterSet,
    ProductFilterSet,
)
from customers.models import CollectionPlan, Customer, Invoice, Payment, Product
from customers.rights import new_customer_salesperson
from regions.models import OrgUnit

BULK_SCHEMA = {
    "request": bulk.BulkRequestSerializer,
    "responses": {200: bulk.BulkResponseSerializer, 400: bulk.BulkRefusalSerializer},
}


class CustomerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Customers' archives (客户档案) with their contacts; every change is kept in the history."""

    queryset = Customer.objects.all()
    serializer_class = s.CustomerSerializer
    filterset_class = CustomerFilterSet
    change_action = "customer.change"

    def narrow_queryset(self, queryset):
        return queryset.select_related("district", "salesperson").prefetch_related("contacts")

    @extend_schema(request=s.CustomerWriteSerializer, responses={201: s.CustomerSerializer}, parameters=[IDEMPOTENCY_PARAMETER])
    @idempotent
    def create(self, request):
        data = validated(self, s.CustomerWriteSerializer)
        if "salesperson" not in data:
            data["salesperson"] = new_customer_salesperson(request.user)
        customer = services.customer_create(by=request.user, **data)
        return Response(s.CustomerSerializer(customer).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.CustomerWriteSerializer, responses={200: s.CustomerSerializer})
    def partial_update(self, request, pk=None):
        customer = self.get_object()
        data = validated(self, s.CustomerWriteSerializer, partial=True)
        customer = services.customer_update(by=request.user, customer=customer, **data)
        return Response(s.CustomerSerializer(self.get_queryset().get(pk=customer.pk)).data)

    @extend_schema(
        parameters=[OpenApiParameter("as_of", OpenApiTypes.DATE, description="YYYY-MM-DD; defaults to today.")],
        responses={200: s.CustomerBalanceSerializer},
        filters=False,
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def balance(self, request, pk=None):
        """The customer's invoiced, allocated, open receivable and credit as of a date."""
        customer = self.get_object()
        query = validated(self, s.AsOfSerializer, data=request.query_params)
        as_of = query.get("as_of") or timezone.localdate()
        balance = selectors.customer_balance(customer=customer, as_of=as_of)
        body = {"customer": customer.pk, "as_of": as_of, "credit_limit": customer.credit_limit, **balance}
        return Response(s.CustomerBalanceSerializer(body).data)

    @extend_schema(
        request=s.CreditApplyInputSerializer,
        responses={200: s.CreditAppliedSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        filters=False,
    )
    # Applying credit allocates payments: the payment right, like recording a payment.
    @action(
        detail=True,
        methods=["post"],
        url_path="apply-credit",
        filterset_class=None,
        pagination_class=None,
        change_action="payment.change",
    )
    @idempotent
    def apply_credit(self, request, pk=None):
        """Apply the customer's credit (payments not allocated to any invoice) to its open invoices: to the
        invoices and amounts given, or, with `allocations` left out or null, oldest due first."""
        customer = self.get_object()
        data = validated(self, s.CreditApplyInputSerializer)
        on = data.get("on") or timezone.localdate()
        allocations = data.get("allocations")
        if allocations is not None:
            allocations = [{"invoice": row["invoice"], "amount": row["amount"]} for row in allocations]
        rows = services.customer_credit_apply(by=request.user, customer=customer, on=on, allocations=allocations)
        after = selectors.with_credit(Customer.objects.filter(pk=customer.pk)).values("credit", "open_balance").get()
        body = {
            "customer": customer.pk,
            "on": on,
            "applied": sum((row.amount for row in rows), ZERO),
            "allocations": [
                {
                    "payment": row.payment.pk,
                    "payment_external_id": row.payment.external_id,
                    "invoice": row.invoice.pk,
                    "invoice_external_id": row.invoice.external_id,
                    "invoice_number": row.invoice.number,
                    "amount": row.amount,
                }
                for row in rows
            ],
            **after,
        }
        return Response(s.CreditAppliedSerializer(body).data)

    @extend_schema(**BULK_SCHEMA)
    @action(detail=False, methods=["post"], url_path="bulk", filterset_class=None, pagination_class=None)
    def bulk(self, request):
        """Upsert up to 1,000 customers keyed by `external_id`, all or nothing."""
        return bulk.CustomerBulk(request=request).response()


class CreditBalanceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Customers' open receivable, available credit and credit limit now — one page for many customers
    (a branch syncing 300 customers reads one or a few pages, keyset-paginated, instead of 300 balances).
    `{id}` is the customer's id. For a position as of another date: `GET /customers/{id}/balance/`."""

    queryset = Customer.objects.all()
    serializer_class = s.CreditBalanceSerializer
    filterset_class = CreditBalanceFilterSet

    def narrow_queryset(self, queryset):
        return selectors.with_credit(queryset.select_related("district"))


class ProductViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Financial products (金融产品) and their price lists, the same for every unit: everyone reads them;
    the Development Center (its people and its API key) keeps them."""

    # Products belong to the whole company, not to a unit: there is no scope to apply, only a login to
    # read and the center's right ("product.change", core.roles.CENTER_ONLY) to write.
    queryset = Product.objects.prefetch_related("prices")
    serializer_class = s.ProductSerializer
    filterset_class = ProductFilterSet
    permission_classes = [permissions.IsAuthenticated, RolePermission]
    change_action = "product.change"

    @extend_schema(request=s.ProductWriteSerializer, responses={201: s.ProductSerializer}, parameters=[IDEMPOTENCY_PARAMETER])
    @idempotent
    def create(self, request):
        data = validated(self, s.ProductWriteSerializer)
        product = services.product_create(by=request.user, **data)
        return Response(s.ProductSerializer(self.get_queryset().get(pk=product.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ProductWriteSerializer, responses={200: s.ProductSerializer})
    def partial_update(self, request, pk=None):
        product = self.get_object()
        data = validated(self, s.ProductWriteSerializer, partial=True)
        services.product_update(by=request.user, product=product, **data)
        return Response(s.ProductSerializer(self.get_queryset().get(pk=product.pk)).data)

    @extend_schema(
        request=s.ProductPriceInputSerializer, responses={201: s.ProductSerializer}, parameters=[IDEMPOTENCY_PARAMETER]
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    @idempotent
    def prices(self, request, pk=None):
        """Add a list price from a date on (the price list keeps every earlier price)."""
        product = self.get_object()
        data = validated(self, s.ProductPriceInputSerializer)
        services.product_price_add(by=request.user, product=product, **data)
        return Response(s.ProductSerializer(self.get_queryset().get(pk=product.pk)).data, status=status.HTTP_201_CREATED)


class InvoiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Sales (invoices/orders): recorded with a credit check, cancelled with a reason, never deleted."""

    queryset = Invoice.objects.all()
    serializer_class = s.InvoiceSerializer
    filterset_class = InvoiceFilterSet
    change_action = "invoice.change"

    def narrow_queryset(self, queryset):
        return queryset.select_related("customer", "district").prefetch_related("lines__product")

    @extend_schema(
        request=s.InvoiceWriteSerializer, responses={201: s.InvoiceRecordedSerializer}, parameters=[IDEMPOTENCY_PARAMETER]
    )
    @idempotent
    def create(self, request):
        data = validated(self, s.InvoiceWriteSerializer)
        result = services.invoice_record(by=request.user, **data)
        invoice = self.get_queryset().get(pk=result.invoice.pk)
        invoice.exposure, invoice.credit_limit = result.exposure, result.credit_limit
        return Response(s.InvoiceRecordedSerializer(invoice).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ReasonSerializer, responses={200: s.InvoiceSerializer}, parameters=[IDEMPOTENCY_PARAMETER])
    @action(detail=True, methods=["post"], filterset_class=None)
    @idempotent
    def cancel(self, request, pk=None):
        """Cancel the invoice with a reason (refused while payments are allocated to it)."""
        invoice = self.get_object()
        data = validated(self, s.ReasonSerializer)
        invoice = services.invoice_cancel(by=request.user, invoice=invoice, **data)
        return Response(s.InvoiceSerializer(self.get_queryset().get(pk=invoice.pk)).data)

    @extend_schema(**BULK_SCHEMA)
    @action(detail=False, methods=["post"], url_path="bulk", filterset_class=None, pagination_class=None)
    def bulk(self, request):
        """Upsert up to 1,000 invoices keyed by `external_id`, all or nothing."""
        return bulk.InvoiceBulk(request=request).response()


class PaymentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Payments received (回款) and their allocations to invoices; reversed, never deleted."""

    queryset = Payment.objects.all()
    serializer_class = s.PaymentSerializer
    filterset_class = PaymentFilterSet
    change_action = "payment.change"

    def narrow_queryset(self, queryset):
        return queryset.select_related("customer", "district").prefetch_related("allocations__invoice")

    @extend_schema(
        request=s.PaymentWriteSerializer, responses={201: s.PaymentRecordedSerializer}, parameters=[IDEMPOTENCY_PARAMETER]
    )
    @idempotent
    def create(self, request):
        data = validated(self, s.PaymentWriteSerializer)
        if data.get("allocations") is not None:
            data["allocations"] = [{"invoice": row["invoice"], "amount": row["amount"]} for row in data["allocations"]]
        payment = services.payment_record(by=request.user, **data)
        return Response(s.PaymentRecordedSerializer(self._recorded(payment.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.PaymentUpdateSerializer, responses={200: s.PaymentRecordedSerializer})
    def partial_update(self, request, pk=None):
        """Correct a payment (method, reference; date and amount while unallocated) and, with
        `allocations`, allocate it anew (the old allocations end today with a reason, kept)."""
        payment = self.get_object()
        data = validated(self, s.PaymentUpdateSerializer, partial=True)
        allocations = data.pop("allocations", None)
        with transaction.atomic():
            if data:
                services.payment_update(by=request.user, payment=payment, **data)
            if allocations is not None:
                services.payment_reallocate(
                    by=request.user,
                    payment=payment,
                    allocations=[{"invoice": row["invoice"], "amount": row["amount"]} for row in allocations],
                    reason=_("Re-allocated: the allocations were changed through the API."),
                )
        return Response(s.PaymentRecordedSerializer(self._recorded(payment.pk)).data)

    def _recorded(self, pk):
        payment = self.get_queryset().get(pk=pk)
        live = sum((row.amount for row in payment.allocations.all() if row.reversed_on is None), ZERO)
        payment.unallocated = ZERO if payment.status == PaymentStatus.REVERSED else payment.amount - live
        return payment

    @extend_schema(request=s.ReasonSerializer, responses={200: s.PaymentSerializer}, parameters=[IDEMPOTENCY_PARAMETER])
    @action(detail=True, methods=["post"], filterset_class=None)
    @idempotent
    def reverse(self, request, pk=None):
        """Reverse the payment with a reason: its allocations stop counting, its invoices reopen."""
        payment = self.get_object()
        data = validated(self, s.ReasonSerializer)
        payment = services.payment_reverse(by=request.user, payment=payment, **data)
        return Response(s.PaymentSerializer(self.get_queryset().get(pk=payment.pk)).data)

    @extend_schema(**BULK_SCHEMA)
    @action(detail=False, methods=["post"], url_path="bulk", filterset_class=None, pagination_class=None)
    def bulk(self, request):
        """Upsert up to 1,000 payments keyed by `external_id`, all or nothing."""
        return bulk.PaymentBulk(request=request).response()


class CollectionPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Collection plans (账款回收计划): planned amounts by dates, an owner, follow-up notes."""

    queryset = CollectionPlan.objects.all()
    serializer_class = s.CollectionPlanSerializer
    filterset_class = CollectionPlanFilterSet
    change_action = "collection.change"

    def narrow_queryset(self, queryset):
        return queryset.select_related("customer", "owner", "district").prefetch_related("lines", "follow_ups__by")

    @extend_schema(
        request=s.CollectionPlanWriteSerializer, responses={201: s.CollectionPlanSerializer}, parameters=[IDEMPOTENCY_PARAMETER]
    )
    @idempotent
    def create(self, request):
        data = validated(self, s.CollectionPlanWriteSerializer)
        if "owner" not in data:
            data["owner"] = staff_of(request.user)
            if data["owner"] is None:
                raise InvalidInput(_("Name the owner of the plan."), field="owner")
        plan = services.collection_plan_create(by=request.user, **data)
        return Response(s.CollectionPlanSerializer(self.get_queryset().get(pk=plan.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.FollowUpInputSerializer, responses={201: s.CollectionPlanSerializer}, parameters=[IDEMPOTENCY_PARAMETER]
    )
    @action(detail=True, methods=["post"], url_path="follow-ups", filterset_class=None)
    @idempotent
    def follow_ups(self, request, pk=None):
        """Add a follow-up note to the plan (called, visited, promised to pay…)."""
        plan = self.get_object()
        data = validated(self, s.FollowUpInputSerializer)
        services.collection_plan_follow_up(by=request.user, plan=plan, **data)
        return Response(s.CollectionPlanSerializer(self.get_queryset().get(pk=plan.pk)).data, status=status.HTTP_201_CREATED)


# -------------------------------------------------------------------------------------------- ageing


class XlsxRenderer(BaseRenderer):
    """Lets `format=xlsx` through content negotiation; the view returns the workbook bytes itself."""

    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data) if not isinstance(data, bytes) else data


class _NoFormatOverride:
    URL_FORMAT_OVERRIDE = None


class ReportNegotiation(DefaultContentNegotiation):
    """`format` is the report's own parameter (json or xlsx), not DRF's renderer override."""

    settings = _NoFormatOverride


class AgeingRowSerializer(s.serializers.Serializer):
    key = s.serializers.JSONField(help_text="Id of the unit, salesperson, customer or invoice (null: total).")
    code = s.serializers.CharField(
        allow_null=True,
        help_text="What a branch system names the row by: the unit's code (e.g. 330100) for region, province and "
        "district rows; the employee number, or the customer's or invoice's external id (null: none, or the total).",
    )
    label = s.serializers.CharField()
    buckets = s.serializers.DictField(child=s.serializers.DecimalField(max_digits=18, decimal_places=2))
    total = s.serializers.DecimalField(max_digits=18, decimal_places=2)


class AgeingBucketSerializer(s.serializers.Serializer):
    key = s.serializers.CharField()
    label = s.serializers.CharField()
    first = s.serializers.IntegerField(allow_null=True)
    last = s.serializers.IntegerField(allow_null=True)


class AgeingReportSerializer(s.serializers.Serializer):
    unit = s.serializers.IntegerField(allow_null=True)
    unit_code = s.serializers.CharField(allow_null=True)
    as_of = s.serializers.DateField()
    by = s.serializers.CharField()
    buckets = AgeingBucketSerializer(many=True)
    rows = AgeingRowSerializer(many=True)
    totals = AgeingRowSerializer()


class AgeingReportView(ReplicaReadMixin, APIView):
    """Ageing (账龄) of open receivables as of a date, for a unit's subtree as the caller sees it."""

    permission_classes = [permissions.IsAuthenticated]
    renderer_classes = [JSONRenderer, XlsxRenderer]
    content_negotiation_class = ReportNegotiation

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        api_key = getattr(request.user, "api_key", None)
        audit.set_door(audit.Door.API, user=None if api_key else request.user, api_key_id=api_key.pk if api_key else None)

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", OpenApiTypes.INT, description="Org unit id; defaults to the caller's own unit."),
            OpenApiParameter(
                "unit_code",
                OpenApiTypes.STR,
                description="Org unit code (e.g. 330100), instead of `unit`: what branch systems use.",
            ),
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="YYYY-MM-DD; defaults to today."),
            OpenApiParameter(
                "by", OpenApiTypes.STR, enum=["child", "region", "province", "district", "salesperson", "customer", "invoice"]
            ),
            OpenApiParameter("buckets", OpenApiTypes.STR, description="Upper limits in days past due, e.g. 30,60,90."),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "xlsx"]),
        ],
        responses={
            200: OpenApiResponse(AgeingReportSerializer, description="JSON, or an .xlsx workbook with format=xlsx."),
        },
    )
    def get(self, request):
        query = s.AgeingQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        query = query.validated_data
        unit = None
        if query.get("unit") is not None or query.get("unit_code"):
            lookup = {"pk": query["unit"]} if query.get("unit") is not None else {"code": query["unit_code"]}
            unit = get_in_scope(request, OrgUnit, **lookup)
        buckets = selectors.buckets_from_days(query["buckets"]) if query.get("buckets") else None
        report = selectors.ageing_for_unit(
            user=request.user, unit=unit, as_of=query.get("as_of") or timezone.localdate(), by=query["by"], buckets=buckets
        )
        if query["format"] == "xlsx":
            content = exports.ageing_xlsx(report, title=_("Ageing as of %(date)s") % {"date": report.as_of.isoformat()})
            response = HttpResponse(content, content_type=XlsxRenderer.media_type)
            response["Content-Disposition"] = f'attachment; filename="ageing-{report.as_of.isoformat()}.xlsx"'
            return response
        body = {
            "unit": report.unit.pk if report.unit is not None else None,
            "unit_code": report.unit.code if report.unit is not None else None,
            "as_of": report.as_of,
            "by": report.group_by,
            "buckets": [{"key": b.key, "label": str(b.label), "first": b.first, "last": b.last} for b in report.buckets],
            "rows": report.rows,
            "totals": report.totals,
        }
        return Response(AgeingReportSerializer(body).data)
