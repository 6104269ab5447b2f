from django.urls import path

from relations.views import complaints as complaint_views
from relations.views import keycust as keycust_views
from relations.views import market as market_views
from relations.views import suggestions as suggestion_views
from relations.views import visits as visit_views

app_name = "relations"

# Pages of customer relations in the field (issue 18), mounted at /relations/.
urlpatterns = [
    # key customers and their long-term plans (重点客户、客户长期规划)
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
    # suggestions (建议)
    path("suggestions/", suggestion_views.SuggestionListView.as_view(), name="suggestion_list"),
    path("suggestions/new/", suggestion_views.SuggestionCreateView.as_view(), name="suggestion_create"),
    path("suggestions/<int:pk>/", suggestion_views.SuggestionDetailView.as_view(), name="suggestion_detail"),
    # market intelligence (市场信息)
    path("market/", market_views.MarketReportListView.as_view(), name="market_report_list"),
    path("market/overview/", market_views.MarketOverviewView.as_view(), name="market_overview"),
    path("market/new/", market_views.MarketReportCreateView.as_view(), name="market_report_create"),
    path("market/<int:pk>/", market_views.MarketReportDetailView.as_view(), name="market_report_detail"),
    path("market/<int:pk>/edit/", market_views.MarketReportEditView.as_view(), name="market_report_edit"),
    # visits (客户走访)
    path("visits/", visit_views.VisitListView.as_view(), name="visit_list"),
    path("visits/new/", visit_views.VisitCreateView.as_view(), name="visit_create"),
    path("visits/plan/", visit_views.VisitPlanView.as_view(), name="visit_plan"),
    path("visits/coverage/", visit_views.VisitCoverageView.as_view(), name="visit_coverage"),
    path("visits/rules/", visit_views.VisitRuleListView.as_view(), name="visit_rule_list"),
    path("visits/rules/set/", visit_views.VisitRuleSetView.as_view(), name="visit_rule_set"),
    path("visits/rules/<int:pk>/delete/", visit_views.VisitRuleDeleteView.as_view(), name="visit_rule_delete"),
    path("visits/<int:pk>/", visit_views.VisitDetailView.as_view(), name="visit_detail"),
    path("visits/<int:pk>/edit/", visit_views.VisitEditView.as_view(), name="visit_edit"),
    # complaints (投诉)
    path("complaints/", complaint_views.ComplaintListView.as_view(), name="complaint_list"),
    path("complaints/queue/", complaint_views.ComplaintQueueView.as_view(), name="complaint_queue"),
    path("complaints/center/", complaint_views.ComplaintCenterView.as_view(), name="complaint_center"),
    path("complaints/new/", complaint_views.ComplaintCreateView.as_view(), name="complaint_create"),
    path("complaints/<int:pk>/", complaint_views.ComplaintDetailView.as_view(), name="complaint_detail"),
    path("complaints/<int:pk>/edit/", complaint_views.ComplaintEditView.as_view(), name="complaint_edit"),
]
