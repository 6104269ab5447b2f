from rest_framework.routers import SimpleRouter

# Mounted at /api/v1/relations/. SimpleRouter: no second API root (the one of /api/v1/ lists everything).
router = SimpleRouter()

# Key customers and their long-term plans (helper keycust).
from relations.api.views.keycust import KeyCustomerPlanViewSet, KeyCustomerViewSet  # noqa: E402

router.register("key-customers", KeyCustomerViewSet, basename="relations-key-customer")
router.register("key-customer-plans", KeyCustomerPlanViewSet, basename="relations-key-customer-plan")
# Suggestions (helper keycust).
from relations.api.views.suggestions import SuggestionViewSet  # noqa: E402

router.register("suggestions", SuggestionViewSet, basename="relations-suggestion")

urlpatterns = router.urls

# Market intelligence (市场信息).
from relations.api.views.market import MarketReportViewSet  # noqa: E402

router.register("market-reports", MarketReportViewSet, basename="relations-market-report")
# Visits (客户走访), issue 18.
from relations.api.views.visits import VisitPlanViewSet, VisitViewSet  # noqa: E402

router.register("visits", VisitViewSet, basename="relations-visit")
router.register("visit-plans", VisitPlanViewSet, basename="relations-visit-plan")

urlpatterns = router.urls
