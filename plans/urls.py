from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("", views.PlanListView.as_view(), name="plan_list"),
    path("new/", views.PlanCreateView.as_view(), name="plan_create"),
    path("<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("<int:pk>/edit/", views.PlanEditView.as_view(), name="plan_edit"),
    path("<int:pk>/submit/", views.PlanActionView.as_view(action="submit"), name="plan_submit"),
    path("<int:pk>/withdraw/", views.PlanActionView.as_view(action="withdraw"), name="plan_withdraw"),
    path("<int:pk>/revise/", views.PlanActionView.as_view(action="revise"), name="plan_revise"),
    path("targets/", views.TargetListView.as_view(), name="target_list"),
    path("targets/<int:pk>/", views.TargetDetailView.as_view(), name="target_detail"),
    path("distributions/", views.DistributionListView.as_view(), name="distribution_list"),
    path("distributions/new/", views.DistributionFormView.as_view(), name="distribution_create"),
    path("distributions/<int:pk>/edit/", views.DistributionFormView.as_view(), name="distribution_edit"),
]
