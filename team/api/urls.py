from rest_framework.routers import SimpleRouter

from team.api.views import promo as promo_api

# Mounted at /api/v1/team/. SimpleRouter: no second API root (the one of /api/v1/ lists everything).
router = SimpleRouter()

# Capability assessment and promotion recommendations (能力评估、晋升建议), issue 19.
router.register("capability-models", promo_api.CapabilityModelViewSet, basename="team-capability-model")
router.register("assessment-cycles", promo_api.AssessmentCycleViewSet, basename="team-assessment-cycle")
router.register("assessments", promo_api.AssessmentViewSet, basename="team-assessment")
router.register("promotion-recommendations", promo_api.PromotionRecommendationViewSet, basename="team-promotion")

urlpatterns = router.urls
