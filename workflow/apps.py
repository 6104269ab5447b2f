from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    """Process management (流程管理): tasks with an owner, a supervisor and a deadline."""

    name = "workflow"
    verbose_name = _("Tasks")
