from django.urls import path

from team.views import promo, recruit
from team.views import training as training_views
from team.views.dashboard import TeamDashboardView

app_name = "team"

# Pages of team building and training (issue 19), mounted at /team/.
urlpatterns = [
    # recruitment (招聘): headcount requests, vacancies, candidates
    path("headcount-requests/", recruit.HeadcountRequestListView.as_view(), name="headcount_request_list"),
    path("headcount-requests/new/", recruit.HeadcountRequestCreateView.as_view(), name="headcount_request_create"),
    path("headcount-requests/<int:pk>/", recruit.HeadcountRequestDetailView.as_view(), name="headcount_request_detail"),
    path("headcount-requests/<int:pk>/edit/", recruit.HeadcountRequestEditView.as_view(), name="headcount_request_edit"),
    path("vacancies/", recruit.VacancyListView.as_view(), name="vacancy_list"),
    path("vacancies/<int:pk>/", recruit.VacancyDetailView.as_view(), name="vacancy_detail"),
    path("candidates/", recruit.CandidateListView.as_view(), name="candidate_list"),
    path("candidates/new/", recruit.CandidateCreateView.as_view(), name="candidate_create"),
    path("candidates/<int:pk>/", recruit.CandidateDetailView.as_view(), name="candidate_detail"),
    # training (培训)
    path("courses/", training_views.CourseListView.as_view(), name="course_list"),
    path("courses/new/", training_views.CourseFormView.as_view(), name="course_create"),
    path("courses/<int:pk>/", training_views.CourseDetailView.as_view(), name="course_detail"),
    path("courses/<int:pk>/edit/", training_views.CourseFormView.as_view(), name="course_edit"),
    path("training-sessions/", training_views.TrainingSessionListView.as_view(), name="training_session_list"),
    path("training-sessions/new/", training_views.TrainingSessionCreateView.as_view(), name="training_session_create"),
    path("training-sessions/<int:pk>/", training_views.TrainingSessionDetailView.as_view(), name="training_session_detail"),
    path("training/mine/", training_views.MyTrainingView.as_view(), name="my_training"),
    path("training/units/", training_views.UnitTrainingRedirectView.as_view(), name="unit_training_mine"),
    path("training/units/<int:pk>/", training_views.UnitTrainingView.as_view(), name="unit_training"),
    # capability assessment and promotion recommendations (能力评估、晋升建议)
    path("capability-models/", promo.CapabilityModelListView.as_view(), name="capability_model_list"),
    path("capability-models/new/", promo.CapabilityModelCreateView.as_view(), name="capability_model_create"),
    path("capability-models/<int:pk>/", promo.CapabilityModelDetailView.as_view(), name="capability_model_detail"),
    path("assessment-cycles/", promo.AssessmentCycleListView.as_view(), name="assessment_cycle_list"),
    path("assessment-cycles/new/", promo.AssessmentCycleCreateView.as_view(), name="assessment_cycle_create"),
    path("assessment-cycles/<int:pk>/", promo.AssessmentCycleDetailView.as_view(), name="assessment_cycle_detail"),
    path("assessment-cycles/<int:pk>/self/", promo.SelfAssessmentView.as_view(), name="self_assessment"),
    path("assessments/", promo.AssessmentListView.as_view(), name="assessment_list"),
    path("assessments/<int:pk>/", promo.AssessmentDetailView.as_view(), name="assessment_detail"),
    path("promotions/", promo.PromotionListView.as_view(), name="promotion_list"),
    path("promotions/new/", promo.PromotionCreateView.as_view(), name="promotion_create"),
    path("promotions/<int:pk>/", promo.PromotionDetailView.as_view(), name="promotion_detail"),
    path("staff/<int:pk>/development/", promo.StaffDevelopmentView.as_view(), name="staff_development"),
    # the team dashboard (团队看板)
    path("dashboard/", TeamDashboardView.as_view(), name="dashboard"),
]
