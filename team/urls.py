from django.urls import path  # noqa: F401 (each subject appends its paths)

app_name = "team"

# Pages of team building and training (issue 19), mounted at /team/. One block per subject.
urlpatterns = []

# Training (培训).
from team.views import training as training_views  # noqa: E402

urlpatterns += [
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
]
