from django.urls import path

from approvals import calendar_views, views

app_name = "approvals"

urlpatterns = [
    path("", views.RequestListView.as_view(), name="request_list"),
    path("queue/", views.QueueView.as_view(), name="queue"),
    path("waiting/", views.WaitingView.as_view(), name="waiting"),
    path("mine/", views.MineView.as_view(), name="mine"),
    path("delegations/", views.DelegationsView.as_view(), name="delegations"),
    path("<int:pk>/", views.RequestDetailView.as_view(), name="detail"),
    path("calendar/", calendar_views.CalendarListView.as_view(), name="calendar"),
    path("calendar/<int:pk>/", calendar_views.CalendarDayEditView.as_view(), name="calendar_day"),
]
