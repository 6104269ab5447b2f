from django.urls import path  # noqa: F401 (each subject appends its paths)

from team.views import promo

app_name = "team"

# Pages of team building and training (issue 19), mounted at /team/. One block per subject.
urlpatterns = []

# Capability assessment and promotion recommendations (能力评估、晋升建议).
urlpatterns += [
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
]
