"""The sales-by-channel page, under /channels/sales/ beside the channel archive (channels/urls.py) but served by
performance, which reads the summaries: channels sits below performance and cannot import it."""

from django.urls import path

from performance import views

app_name = "channel_sales"

urlpatterns = [
    path("", views.ChannelSalesView.as_view(), name="sales"),
]
