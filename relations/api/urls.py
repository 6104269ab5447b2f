from django.urls import path
from rest_framework.routers import SimpleRouter

from relations.api.views.complaints import ComplaintViewSet
from relations.api.views.keycust import KeyCustomerPlanViewSet, KeyCustomerViewSet
from relations.api.views.market import MarketReportViewSet
from relations.api.views.suggestions import SuggestionViewSet
from relations.api.views.visits import VisitCoverageView, VisitPlanViewSet, VisitRuleViewSet, VisitViewSet

# Mounted at /api/v1/relations/. SimpleRouter: no second API root (the one of /api/v1/ lists everything).
router = SimpleRouter()
router.register("key-customers", KeyCustomerViewSet, basename="relations-key-customer")
router.register("key-customer-plans", KeyCustomerPlanViewSet, basename="relations-key-customer-plan")
router.register("suggestions", SuggestionViewSet, basename="relations-suggestion")
router.register("market-reports", MarketReportViewSet, basename="relations-market-report")
router.register("visits", VisitViewSet, basename="relations-visit")
router.register("visit-plans", VisitPlanViewSet, basename="relations-visit-plan")
router.register("visit-rules", VisitRuleViewSet, basename="relations-visit-rule")
router.register("complaints", ComplaintViewSet, basename="relations-complaint")

urlpatterns = router.urls
urlpatterns += [path("visit-coverage/", VisitCoverageView.as_view(), name="relations-visit-coverage")]
