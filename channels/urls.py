from django.urls import path

from channels import views

app_name = "channels"

urlpatterns = [
    path("", views.ChannelListView.as_view(), name="channel_list"),
    path("new/", views.ChannelCreateView.as_view(), name="channel_create"),
    path("<int:pk>/", views.ChannelDetailView.as_view(), name="channel_detail"),
    path("<int:pk>/edit/", views.ChannelEditView.as_view(), name="channel_edit"),
]
