from rest_framework.routers import SimpleRouter

# Mounted at /api/v1/team/. SimpleRouter: no second API root (the one of /api/v1/ lists everything).
router = SimpleRouter()

# Training (培训), issue 19.
from team.api.views.training import CourseViewSet, EnrolmentViewSet, TrainingSessionViewSet  # noqa: E402

router.register("courses", CourseViewSet, basename="team-course")
router.register("training-sessions", TrainingSessionViewSet, basename="team-training-session")
router.register("enrolments", EnrolmentViewSet, basename="team-enrolment")

urlpatterns = router.urls
