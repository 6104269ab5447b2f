from django.urls import path

from risk import views

app_name = "risk"

urlpatterns = [
    path("", views.RiskHomeView.as_view(), name="home"),
    path("schemes/", views.SchemeListView.as_view(), name="scheme_list"),
    path("schemes/new/", views.SchemeCreateView.as_view(), name="scheme_create"),
    path("schemes/<int:pk>/", views.SchemeDetailView.as_view(), name="scheme_detail"),
    path("schemes/<int:pk>/edit/", views.SchemeEditView.as_view(), name="scheme_edit"),
    path("grades/customers/", views.CustomerRatingListView.as_view(), name="customer_rating_list"),
    path("grades/staff/", views.StaffRatingListView.as_view(), name="staff_rating_list"),
    path("events/", views.EventListView.as_view(), name="event_list"),
    path("events/new/", views.EventReportView.as_view(), name="event_create"),
    path("events/<int:pk>/", views.EventDetailView.as_view(), name="event_detail"),
    path("overrides/", views.OverrideListView.as_view(), name="override_list"),
    path("overrides/new/", views.OverrideCreateView.as_view(), name="override_create"),
    path("forecast/", views.ForecastListView.as_view(), name="forecast_list"),
    path("forecast/train/", views.ForecastTrainView.as_view(), name="forecast_train"),
    path("improvement/", views.ImprovementListView.as_view(), name="improvement_list"),
    path("improvement/new/", views.ImprovementCreateView.as_view(), name="improvement_create"),
    path("improvement/<int:pk>/", views.ImprovementDetailView.as_view(), name="improvement_detail"),
    path("improvement/<int:pk>/edit/", views.ImprovementEditView.as_view(), name="improvement_edit"),
    path("warnings/", views.WarningListView.as_view(), name="warning_list"),
    path("warnings/<int:pk>/", views.WarningDetailView.as_view(), name="warning_detail"),
    path("warnings/rules/", views.WarningRuleListView.as_view(), name="warning_rule_list"),
    path("warnings/run/", views.WarningRunView.as_view(), name="warning_run"),
    path("warnings/rules/<int:pk>/edit/", views.WarningRuleEditView.as_view(), name="warning_rule_edit"),
    path("board/", views.RiskBoardView.as_view(), name="board"),
    path("warnings/rule-changes/", views.WarningRuleChangeListView.as_view(), name="warning_rule_change_list"),
    path("warnings/rule-changes/new/", views.WarningRuleChangeCreateView.as_view(), name="warning_rule_change_create"),
    path("warnings/rule-changes/<int:pk>/", views.WarningRuleChangeDetailView.as_view(), name="warning_rule_change_detail"),
    path("warnings/rule-changes/<int:pk>/edit/", views.WarningRuleChangeEditView.as_view(), name="warning_rule_change_edit"),
    path("credit/exceptions/", views.CreditExceptionListView.as_view(), name="credit_exception_list"),
    path("credit/exceptions/new/", views.CreditExceptionCreateView.as_view(), name="credit_exception_create"),
    path("credit/exceptions/<int:pk>/", views.CreditExceptionDetailView.as_view(), name="credit_exception_detail"),
    path("credit/exceptions/<int:pk>/edit/", views.CreditExceptionEditView.as_view(), name="credit_exception_edit"),
    path("credit/holds/", views.CreditHoldListView.as_view(), name="credit_hold_list"),
    path("credit/holds/<int:pk>/", views.CreditHoldDetailView.as_view(), name="credit_hold_detail"),
]
