from rest_framework.routers import DefaultRouter

from appraisal.api.views import IncentiveSchemeViewSet, RewardViewSet, RunViewSet, SchemeViewSet, ScoreViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("appraisal/schemes", SchemeViewSet, basename="appraisal-scheme")
router.register("appraisal/runs", RunViewSet, basename="appraisal-run")
router.register("appraisal/scores", ScoreViewSet, basename="appraisal-score")
router.register("appraisal/incentive-schemes", IncentiveSchemeViewSet, basename="appraisal-incentive-scheme")
router.register("appraisal/reward-proposals", RewardViewSet, basename="appraisal-reward-proposal")

urlpatterns = router.urls
