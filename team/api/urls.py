from rest_framework.routers import SimpleRouter

from team.api.views import promo as promo_api
from team.api.views.recruit import CandidateViewSet, HeadcountRequestViewSet, VacancyViewSet
from team.api.views.training import CourseViewSet, EnrolmentViewSet, TrainingSessionViewSet

# Mounted at /api/v1/team/. SimpleRouter: no second API root (the one of /api/v1/ lists everything).
router = SimpleRouter()
# Recruitment (招聘), issue 19.
router.register("headcount-requests", HeadcountRequestViewSet, basename="team-headcount-request")
router.register("vacancies", VacancyViewSet, basename="team-vacancy")
router.register("candidates", CandidateViewSet, basename="team-candidate")
# Training (培训), issue 19.
router.register("courses", CourseViewSet, basename="team-course")
router.register("training-sessions", TrainingSessionViewSet, basename="team-training-session")
router.register("enrolments", EnrolmentViewSet, basename="team-enrolment")

# Capability assessment and promotion recommendations (能力评估、晋升建议), issue 19.
router.register("capability-models", promo_api.CapabilityModelViewSet, basename="team-capability-model")
router.register("assessment-cycles", promo_api.AssessmentCycleViewSet, basename="team-assessment-cycle")
router.register("assessments", promo_api.AssessmentViewSet, basename="team-assessment")
router.register("promotion-recommendations", promo_api.PromotionRecommendationViewSet, basename="team-promotion")

urlpatterns = router.urls
