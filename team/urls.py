from django.urls import path  # noqa: F401 (each subject appends its paths)

app_name = "team"

# Pages of team building and training (issue 19), mounted at /team/. One block per subject.
urlpatterns = []

# Recruitment (招聘): headcount requests, vacancies, candidates.
from team.views import recruit  # noqa: E402

urlpatterns += [
    path("headcount-requests/", recruit.HeadcountRequestListView.as_view(), name="headcount_request_list"),
    path("headcount-requests/new/", recruit.HeadcountRequestCreateView.as_view(), name="headcount_request_create"),
    path("headcount-requests/<int:pk>/", recruit.HeadcountRequestDetailView.as_view(), name="headcount_request_detail"),
    path("headcount-requests/<int:pk>/edit/", recruit.HeadcountRequestEditView.as_view(), name="headcount_request_edit"),
    path("vacancies/", recruit.VacancyListView.as_view(), name="vacancy_list"),
    path("vacancies/<int:pk>/", recruit.VacancyDetailView.as_view(), name="vacancy_detail"),
    path("candidates/", recruit.CandidateListView.as_view(), name="candidate_list"),
    path("candidates/new/", recruit.CandidateCreateView.as_view(), name="candidate_create"),
    path("candidates/<int:pk>/", recruit.CandidateDetailView.as_view(), name="candidate_detail"),
]
