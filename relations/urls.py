from django.urls import path  # noqa: F401 (each subject appends its paths)

app_name = "relations"

# Pages of customer relations (issue 18), mounted at /relations/. One block per subject.
urlpatterns = []
