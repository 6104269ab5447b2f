from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    """The one approval mechanism: every matter submitted for a decision (plans, budgets, proposals…)."""

    name = "approvals"
    verbose_name = _("Approvals")
