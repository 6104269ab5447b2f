from django.urls import path  # noqa: F401 (each subject appends its paths)

app_name = "relations"

# Pages of customer relations (issue 18), mounted at /relations/. One block per subject.
urlpatterns = []

# --- key customers and their long-term plans (重点客户、客户长期规划) -----------------------------------------------
from relations.views import keycust as keycust_views  # noqa: E402

urlpatterns += [
    path("key-customers/", keycust_views.KeyCustomerListView.as_view(), name="keycust_list"),
    path("key-customers/designate/", keycust_views.KeyCustomerDesignateView.as_view(), name="keycust_designate"),
    path("key-customers/<int:pk>/", keycust_views.KeyCustomerDetailView.as_view(), name="keycust_detail"),
    path("key-customer-plans/", keycust_views.KeyCustomerPlanListView.as_view(), name="keycust_plan_list"),
    path("key-customer-plans/new/", keycust_views.KeyCustomerPlanCreateView.as_view(), name="keycust_plan_create"),
    path("key-customer-plans/<int:pk>/", keycust_views.KeyCustomerPlanDetailView.as_view(), name="keycust_plan_detail"),
    path("key-customer-plans/<int:pk>/edit/", keycust_views.KeyCustomerPlanEditView.as_view(), name="keycust_plan_edit"),
    path(
        "key-customer-plans/<int:pk>/review/", keycust_views.KeyCustomerReviewCreateView.as_view(), name="keycust_review_create"
    ),
    path("key-customer-reviews/<int:pk>/", keycust_views.KeyCustomerReviewDetailView.as_view(), name="keycust_review_detail"),
]

# --- suggestions (建议) ----------------------------------------------------------------------------------------------
from relations.views import suggestions as suggestion_views  # noqa: E402

urlpatterns += [
    path("suggestions/", suggestion_views.SuggestionListView.as_view(), name="suggestion_list"),
    path("suggestions/new/", suggestion_views.SuggestionCreateView.as_view(), name="suggestion_create"),
    path("suggestions/<int:pk>/", suggestion_views.SuggestionDetailView.as_view(), name="suggestion_detail"),
]

# Market intelligence (市场信息).
from relations.views import market as market_views  # noqa: E402

urlpatterns += [
    path("market/", market_views.MarketReportListView.as_view(), name="market_report_list"),
    path("market/overview/", market_views.MarketOverviewView.as_view(), name="market_overview"),
    path("market/new/", market_views.MarketReportCreateView.as_view(), name="market_report_create"),
    path("market/<int:pk>/", market_views.MarketReportDetailView.as_view(), name="market_report_detail"),
    path("market/<int:pk>/edit/", market_views.MarketReportEditView.as_view(), name="market_report_edit"),
]

# Visits (客户走访), issue 18.
from relations.views import visits as visit_views  # noqa: E402

urlpatterns += [
    path("visits/", visit_views.VisitListView.as_view(), name="visit_list"),
    path("visits/new/", visit_views.VisitCreateView.as_view(), name="visit_create"),
    path("visits/plan/", visit_views.VisitPlanView.as_view(), name="visit_plan"),
    path("visits/coverage/", visit_views.VisitCoverageView.as_view(), name="visit_coverage"),
    path("visits/<int:pk>/", visit_views.VisitDetailView.as_view(), name="visit_detail"),
    path("visits/<int:pk>/edit/", visit_views.VisitEditView.as_view(), name="visit_edit"),
]
