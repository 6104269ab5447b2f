from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    """Channels: filled by its own issue; nothing placeholder lives here meanwhile."""

    name = "channels"
    verbose_name = _("Channels")
