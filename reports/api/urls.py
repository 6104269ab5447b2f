from rest_framework.routers import DefaultRouter

from reports.api.views import BusinessReportViewSet, ReportRunViewSet

router = DefaultRouter()
# Runs first: "business-reports/runs/<id>/" must not be read as a report's detail.
router.register("business-reports/runs", ReportRunViewSet, basename="reportrun")
router.register("business-reports", BusinessReportViewSet, basename="businessreport")

urlpatterns = router.urls
