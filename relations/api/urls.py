from rest_framework.routers import SimpleRouter

# Mounted at /api/v1/relations/. SimpleRouter: no second API root (the one of /api/v1/ lists everything).
router = SimpleRouter()

# Visits (客户走访), issue 18.
from relations.api.views.visits import VisitPlanViewSet, VisitViewSet  # noqa: E402

router.register("visits", VisitViewSet, basename="relations-visit")
router.register("visit-plans", VisitPlanViewSet, basename="relations-visit-plan")

urlpatterns = router.urls
