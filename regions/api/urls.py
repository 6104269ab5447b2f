from rest_framework.routers import DefaultRouter

from regions.api.views import ApiKeyViewSet, OrgUnitViewSet, StaffViewSet

router = DefaultRouter()
router.register("org-units", OrgUnitViewSet, basename="orgunit")
router.register("staff", StaffViewSet, basename="staff")
router.register("api-keys", ApiKeyViewSet, basename="apikey")

urlpatterns = router.urls
