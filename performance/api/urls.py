from django.urls import path

from performance.api.views import AttainmentView, ChannelSalesView, RankingView, TurnoverView

urlpatterns = [
    path("reports/attainment/", AttainmentView.as_view(), name="report-attainment"),
    path("reports/rankings/", RankingView.as_view(), name="report-rankings"),
    path("reports/turnover/", TurnoverView.as_view(), name="report-turnover"),
    # Beside the channel archive's endpoints (/api/v1/channels/…); included before them (config/urls.py).
    path("channels/sales/", ChannelSalesView.as_view(), name="channel-sales"),
]
