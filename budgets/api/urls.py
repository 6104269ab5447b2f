from rest_framework.routers import DefaultRouter

from budgets.api.views import BudgetViewSet, ExpenseViewSet

router = DefaultRouter()
router.register("budgets", BudgetViewSet, basename="budget")
router.register("expenses", ExpenseViewSet, basename="expense")

urlpatterns = router.urls
