from django.urls import path

from appraisal import views

app_name = "appraisal"

urlpatterns = [
    path("", views.SchemeListView.as_view(), name="scheme_list"),
    path("schemes/new/", views.SchemeCreateView.as_view(), name="scheme_create"),
    path("schemes/<int:pk>/", views.SchemeDetailView.as_view(), name="scheme_detail"),
    path("schemes/<int:pk>/edit/", views.SchemeEditView.as_view(), name="scheme_edit"),
    path("runs/", views.RunListView.as_view(), name="run_list"),
    path("runs/new/", views.RunCreateView.as_view(), name="run_create"),
    path("runs/<int:pk>/", views.RunDetailView.as_view(), name="run_detail"),
    path("runs/<int:pk>/export/", views.RunExportView.as_view(), name="run_export"),
    path("scores/<int:pk>/", views.ScoreDetailView.as_view(), name="score_detail"),
    path("incentives/", views.IncentiveListView.as_view(), name="incentive_list"),
    path("incentives/new/", views.IncentiveCreateView.as_view(), name="incentive_create"),
    path("incentives/<int:pk>/", views.IncentiveDetailView.as_view(), name="incentive_detail"),
    path("rewards/", views.RewardListView.as_view(), name="reward_list"),
    path("rewards/new/", views.RewardCreateView.as_view(), name="reward_create"),
    path("rewards/<int:pk>/", views.RewardDetailView.as_view(), name="reward_detail"),
]
