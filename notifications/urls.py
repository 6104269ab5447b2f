from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.InboxView.as_view(), name="inbox"),
    path("read-all/", views.MarkAllReadView.as_view(), name="mark_all_read"),
    path("<int:pk>/", views.OpenView.as_view(), name="open"),
]
