from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    """Plans and approvals: filled by its own issue; nothing placeholder lives here meanwhile."""

    name = "plans"
    verbose_name = _("Plans and approvals")
