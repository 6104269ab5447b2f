from django.urls import path

from core import lockout_views as views

app_name = "core"

urlpatterns = [
    path("lockouts/", views.LockoutListView.as_view(), name="lockouts"),
]
