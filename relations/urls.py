from django.urls import path  # noqa: F401 (each subject appends its paths)

app_name = "relations"

# Pages of customer relations (issue 18), mounted at /relations/. One block per subject.
urlpatterns = []

# Visits (客户走访), issue 18.
from relations.views import visits as visit_views  # noqa: E402

urlpatterns += [
    path("visits/", visit_views.VisitListView.as_view(), name="visit_list"),
    path("visits/new/", visit_views.VisitCreateView.as_view(), name="visit_create"),
    path("visits/plan/", visit_views.VisitPlanView.as_view(), name="visit_plan"),
    path("visits/coverage/", visit_views.VisitCoverageView.as_view(), name="visit_coverage"),
    path("visits/<int:pk>/", visit_views.VisitDetailView.as_view(), name="visit_detail"),
    path("visits/<int:pk>/edit/", visit_views.VisitEditView.as_view(), name="visit_edit"),
]
