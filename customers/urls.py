from django.urls import path

from customers import product_views, views

app_name = "customers"

urlpatterns = [
    path("", views.CustomerListView.as_view(), name="customer_list"),
    path("new/", views.CustomerCreateView.as_view(), name="customer_create"),
    path("<int:pk>/", views.CustomerDetailView.as_view(), name="customer_detail"),
    path("<int:pk>/edit/", views.CustomerEditView.as_view(), name="customer_edit"),
    path("<int:pk>/apply-credit/", views.CustomerCreditApplyView.as_view(), name="customer_credit_apply"),
    path("invoices/", views.InvoiceListView.as_view(), name="invoice_list"),
    path("invoices/<int:pk>/", views.InvoiceDetailView.as_view(), name="invoice_detail"),
    path("payments/", views.PaymentListView.as_view(), name="payment_list"),
    path("payments/new/", views.PaymentCreateView.as_view(), name="payment_create"),
    path("payments/<int:pk>/", views.PaymentDetailView.as_view(), name="payment_detail"),
    path("ageing/", views.AgeingView.as_view(), name="ageing"),
    path("ageing/export/", views.AgeingExportView.as_view(), name="ageing_export"),
    path("collection-plans/", views.CollectionPlanListView.as_view(), name="collectionplan_list"),
    path("collection-plans/new/", views.CollectionPlanCreateView.as_view(), name="collectionplan_create"),
    path("collection-plans/<int:pk>/", views.CollectionPlanDetailView.as_view(), name="collectionplan_detail"),
    path("products/", product_views.ProductListView.as_view(), name="product_list"),
    path("products/new/", product_views.ProductCreateView.as_view(), name="product_create"),
    path("products/<int:pk>/", product_views.ProductEditView.as_view(), name="product_edit"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("import/template/<str:kind>.<str:fmt>", views.ImportTemplateView.as_view(), name="import_template"),
    path("import/<int:pk>/", views.ImportJobView.as_view(), name="import_job"),
    path("import/<int:pk>/progress/", views.ImportJobProgressView.as_view(), name="import_job_progress"),
]
