from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import views as core_views

api_v1 = [
    path("", include("regions.api.urls")),
    path("", include("customers.api.urls")),
    path("", include("approvals.api.urls")),
    path("", include("plans.api.urls")),
    path("", include("workflow.api.urls")),
    path("", include("budgets.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("performance.api.urls")),
    path("", include("reports.api.urls")),
    path("", include("appraisal.api.urls")),
    path("", include("dashboard.api.urls")),
    path("risk/", include("risk.api.urls")),
    path("channels/", include("channels.api.urls")),
    path("relations/", include("relations.api.urls")),
    path("team/", include("team.api.urls")),
]

# The admin under the product's name, not "Django 管理".
admin.site.site_header = _("Regional Sales Management · Administration")
admin.site.site_title = _("Regional Sales Management")
admin.site.index_title = _("Master data and administration")

# A request refused before any view ran (too large, too many fields): JSON under /api/, the site's page elsewhere.
handler400 = "core.views.bad_request"
# No URL matched: JSON under /api/ (the schema documents a JSON 404 for every operation), a page elsewhere.
handler404 = "core.views.not_found"
# No right: the site's error page with the service's reason (a refused write), JSON under /api/.
handler403 = "core.views.permission_denied"

urlpatterns = [
    path("", include("home.urls")),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("login/", auth_views.LoginView.as_view(template_name="core/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("org/", include("regions.urls")),
    path("security/", include("core.urls")),
    path("customers/", include("customers.urls")),
    path("approvals/", include("approvals.urls")),
    path("plans/", include("plans.urls")),
    path("tasks/", include("workflow.urls")),
    path("budgets/", include("budgets.urls")),
    path("inbox/", include("notifications.urls")),
    path("performance/", include("performance.urls")),
    path("reports/", include("reports.urls")),
    path("appraisal/", include("appraisal.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("risk/", include("risk.urls")),
    path("channels/sales/", include("performance.channel_urls")),
    path("channels/", include("channels.urls")),
    path("relations/", include("relations.urls")),
    path("team/", include("team.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file (?script), not inline: the CSP forbids inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

# No route serves MEDIA_ROOT, not even in DEBUG: uploaded files are private and are read only through pages that
# apply the scope rule to the object owning them (core.views.ScopedFileView).
