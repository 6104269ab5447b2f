from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.ReportListView.as_view(), name="report_list"),
    path("build/", views.ReportBuildView.as_view(), name="report_build"),
    path("status/", views.ReportStatusView.as_view(), name="report_status"),
    path("<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("<int:pk>/analysis/", views.ReportActionView.as_view(action="analysis"), name="report_analysis"),
    path("<int:pk>/submit/", views.ReportActionView.as_view(action="submit"), name="report_submit"),
    path("<int:pk>/rebuild/", views.ReportActionView.as_view(action="rebuild"), name="report_rebuild"),
    path("<int:pk>/progress/", views.ReportProgressView.as_view(), name="report_progress"),
    path("<int:pk>/report.xlsx", views.ReportDownloadView.as_view(fmt="xlsx"), name="report_xlsx"),
    path("<int:pk>/report.pdf", views.ReportDownloadView.as_view(fmt="pdf"), name="report_pdf"),
]
