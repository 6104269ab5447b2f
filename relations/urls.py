from django.urls import path  # noqa: F401 (each subject appends its paths)

app_name = "relations"

# Pages of customer relations (issue 18), mounted at /relations/. One block per subject.
urlpatterns = []

# Complaints (投诉), issue 18.
from relations.views import complaints as complaint_views  # noqa: E402

urlpatterns += [
    path("complaints/", complaint_views.ComplaintListView.as_view(), name="complaint_list"),
    path("complaints/queue/", complaint_views.ComplaintQueueView.as_view(), name="complaint_queue"),
    path("complaints/center/", complaint_views.ComplaintCenterView.as_view(), name="complaint_center"),
    path("complaints/new/", complaint_views.ComplaintCreateView.as_view(), name="complaint_create"),
    path("complaints/<int:pk>/", complaint_views.ComplaintDetailView.as_view(), name="complaint_detail"),
]
