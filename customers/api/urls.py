from django.urls import path
from rest_framework.routers import DefaultRouter

from customers.api.views import (
    AgeingReportView,
    CollectionPlanViewSet,
    CreditBalanceViewSet,
    CustomerViewSet,
    InvoiceViewSet,
    PaymentViewSet,
    ProductViewSet,
)

router = DefaultRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register("credit-balances", CreditBalanceViewSet, basename="creditbalance")
router.register("products", ProductViewSet, basename="product")
router.register("invoices", InvoiceViewSet, basename="invoice")
router.register("payments", PaymentViewSet, basename="payment")
router.register("collection-plans", CollectionPlanViewSet, basename="collectionplan")

urlpatterns = [
    path("reports/ageing/", AgeingReportView.as_view(), name="report-ageing"),
    *router.urls,
]
