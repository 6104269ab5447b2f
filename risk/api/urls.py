from django.urls import path
from rest_framework.routers import SimpleRouter

from risk.api.views import (
    CreditExceptionViewSet,
    CreditHoldViewSet,
    CreditPolicyViewSet,
    CustomerForecastViewSet,
    CustomerRatingViewSet,
    ImprovementPlanViewSet,
    LimitSuggestionViewSet,
    ProvisionPolicyViewSet,
    ProvisionReportView,
    RatingSchemeViewSet,
    RecoveryViewSet,
    SpecialEventViewSet,
    StaffRatingViewSet,
    WarningRuleChangeViewSet,
    WarningRuleViewSet,
    WarningViewSet,
    WriteOffViewSet,
)

# Mounted at /api/v1/risk/. SimpleRouter: no second API root (the one of /api/v1/ lists everything).
router = SimpleRouter()
router.register("customer-ratings", CustomerRatingViewSet, basename="risk-customer-rating")
router.register("staff-ratings", StaffRatingViewSet, basename="risk-staff-rating")
router.register("schemes", RatingSchemeViewSet, basename="risk-scheme")
router.register("events", SpecialEventViewSet, basename="special-event")
router.register("forecasts", CustomerForecastViewSet, basename="risk-forecast")
router.register("improvement-plans", ImprovementPlanViewSet, basename="improvement-plan")
router.register("warning-rules", WarningRuleViewSet, basename="risk-warning-rule")
router.register("warnings", WarningViewSet, basename="risk-warning")
router.register("warning-rule-changes", WarningRuleChangeViewSet, basename="risk-warning-rule-change")
router.register("provision-policies", ProvisionPolicyViewSet, basename="risk-provision-policy")

router.register("credit-exceptions", CreditExceptionViewSet, basename="risk-credit-exception")

router.register("credit-holds", CreditHoldViewSet, basename="risk-credit-hold")

router.register("credit-policies", CreditPolicyViewSet, basename="risk-credit-policy")

router.register("limit-suggestions", LimitSuggestionViewSet, basename="risk-limit-suggestion")

router.register("write-offs", WriteOffViewSet, basename="risk-write-off")
router.register("recoveries", RecoveryViewSet, basename="risk-recovery")

urlpatterns = router.urls
urlpatterns += [path("provisions/", ProvisionReportView.as_view(), name="risk-provisions")]
