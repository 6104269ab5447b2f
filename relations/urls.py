from django.urls import path  # noqa: F401 (each subject appends its paths)

app_name = "relations"

# Pages of customer relations (issue 18), mounted at /relations/. One block per subject.
urlpatterns = []

# Market intelligence (市场信息).
from relations.views import market as market_views  # noqa: E402

urlpatterns += [
    path("market/", market_views.MarketReportListView.as_view(), name="market_report_list"),
    path("market/overview/", market_views.MarketOverviewView.as_view(), name="market_overview"),
    path("market/new/", market_views.MarketReportCreateView.as_view(), name="market_report_create"),
    path("market/<int:pk>/", market_views.MarketReportDetailView.as_view(), name="market_report_detail"),
    path("market/<int:pk>/edit/", market_views.MarketReportEditView.as_view(), name="market_report_edit"),
]
