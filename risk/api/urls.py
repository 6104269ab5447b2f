from rest_framework.routers import DefaultRouter

from risk.api.views import CustomerRatingViewSet, RatingSchemeViewSet, StaffRatingViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("risk/customer-ratings", CustomerRatingViewSet, basename="risk-customer-rating")
router.register("risk/staff-ratings", StaffRatingViewSet, basename="risk-staff-rating")
router.register("risk/schemes", RatingSchemeViewSet, basename="risk-scheme")

urlpatterns = router.urls
