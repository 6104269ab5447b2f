from rest_framework.routers import SimpleRouter

# Mounted at /api/v1/relations/. SimpleRouter: no second API root (the one of /api/v1/ lists everything).
router = SimpleRouter()

urlpatterns = router.urls

# Market intelligence (市场信息).
from relations.api.views.market import MarketReportViewSet  # noqa: E402

router.register("market-reports", MarketReportViewSet, basename="relations-market-report")
urlpatterns = router.urls
