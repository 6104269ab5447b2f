from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    """Performance and reports: filled by its own issue; nothing placeholder lives here meanwhile."""

    name = "performance"
    verbose_name = _("Performance and reports")
