from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    """Expense budgets by unit, period and category, allocated down the tree, and spending against them."""

    name = "budgets"
    verbose_name = _("Expense budgets")
