from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The managers' dashboard (驾驶舱): attainment, receivables, rankings, trends, alerts and drill-down."""

    name = "dashboard"
    verbose_name = _("Dashboard")
