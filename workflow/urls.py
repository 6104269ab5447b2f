from django.urls import path

from workflow import views

app_name = "workflow"

urlpatterns = [
    path("", views.TaskListView.as_view(), name="task_list"),
    path("new/", views.TaskCreateView.as_view(), name="task_create"),
    path("team/summary/", views.TeamSummaryView.as_view(), name="team_summary"),
    path("<int:pk>/", views.TaskDetailView.as_view(), name="task_detail"),
]
