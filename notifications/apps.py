from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """The in-app inbox and e-mail messages: submissions, decisions, reminders and escalations."""

    name = "notifications"
    verbose_name = _("Notifications")
