from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Monthly and quarterly business reports (业务月报、季报) built by Celery, exported and submitted to the Development Center."""

    name = "reports"
    verbose_name = _("Business reports")
