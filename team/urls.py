from django.urls import path  # noqa: F401 (each subject appends its paths)

app_name = "team"

# Pages of team building and training (issue 19), mounted at /team/. One block per subject.
urlpatterns = []
