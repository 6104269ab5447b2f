from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    """Risk control: filled by its own issue; nothing placeholder lives here meanwhile."""

    name = "risk"
    verbose_name = _("Risk control")
