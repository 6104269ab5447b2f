from rest_framework.routers import DefaultRouter

from plans.api.views import PlanViewSet, SeasonalDistributionViewSet, TargetViewSet

router = DefaultRouter()
router.register("targets", TargetViewSet, basename="target")
router.register("plans", PlanViewSet, basename="plan")
router.register("seasonal-distributions", SeasonalDistributionViewSet, basename="seasonaldistribution")

urlpatterns = router.urls
