from rest_framework.routers import SimpleRouter

# Mounted at /api/v1/team/. SimpleRouter: no second API root (the one of /api/v1/ lists everything).
router = SimpleRouter()

urlpatterns = router.urls

# Recruitment (招聘), issue 19.
from team.api.views.recruit import CandidateViewSet, HeadcountRequestViewSet, VacancyViewSet  # noqa: E402

router.register("headcount-requests", HeadcountRequestViewSet, basename="team-headcount-request")
router.register("vacancies", VacancyViewSet, basename="team-vacancy")
router.register("candidates", CandidateViewSet, basename="team-candidate")

urlpatterns = router.urls
