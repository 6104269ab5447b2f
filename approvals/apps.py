from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    """The one approval mechanism: every matter submitted for a decision (plans, budgets, proposals…)."""

    name = "approvals"
    verbose_name = _("Approvals")

    def ready(self):
        from approvals import checks  # noqa: F401  (registers the system check)

        # Every app declares its approval subjects in its own `approval_subjects.py` (approvals.subjects);
        # a misspelt keyword there stops the start-up, a hook that does not resolve fails `manage.py check`.
        autodiscover_modules("approval_subjects")
