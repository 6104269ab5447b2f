from rest_framework.routers import SimpleRouter

# Mounted at /api/v1/relations/. SimpleRouter: no second API root (the one of /api/v1/ lists everything).
router = SimpleRouter()

urlpatterns = router.urls

# Complaints (投诉), issue 18.
from relations.api.views.complaints import ComplaintViewSet  # noqa: E402

router.register("complaints", ComplaintViewSet, basename="relations-complaint")
urlpatterns = router.urls
