from django.urls import path

from budgets import views

app_name = "budgets"

urlpatterns = [
    path("", views.BudgetListView.as_view(), name="budget_list"),
    path("new/", views.BudgetCreateView.as_view(), name="budget_create"),
    path("report/", views.BudgetVsActualView.as_view(), name="budget_vs_actual"),
    path("<int:pk>/", views.BudgetDetailView.as_view(), name="budget_detail"),
    path("<int:pk>/allocate/", views.BudgetAllocateView.as_view(), name="budget_allocate"),
    path("expenses/", views.ExpenseListView.as_view(), name="expense_list"),
    path("expenses/new/", views.ExpenseCreateView.as_view(), name="expense_create"),
    path("expenses/<int:pk>/", views.ExpenseDetailView.as_view(), name="expense_detail"),
]
