from rest_framework.routers import SimpleRouter

from risk.api.views import SpecialEventViewSet

# SimpleRouter: no second API root under /api/v1/risk/ (the one of /api/v1/ lists everything).
router = SimpleRouter()
router.register("events", SpecialEventViewSet, basename="special-event")

urlpatterns = router.urls
