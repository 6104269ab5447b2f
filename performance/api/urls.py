from django.urls import path

from performance.api.views import AttainmentView, RankingView, TurnoverView

urlpatterns = [
    path("reports/attainment/", AttainmentView.as_view(), name="report-attainment"),
    path("reports/rankings/", RankingView.as_view(), name="report-rankings"),
    path("reports/turnover/", TurnoverView.as_view(), name="report-turnover"),
]
