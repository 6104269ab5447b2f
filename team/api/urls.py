from rest_framework.routers import SimpleRouter

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

urlpatterns = router.urls
