from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    """Channels (渠道): the channel archive — partners, their contacts, agreements, relationship log and the history
    of every state change (issue 17)."""

    name = "channels"
    # Not "channels": that label is Django Channels' (the websocket package), and two apps with one label
    # cannot be installed together. The folder keeps the design's name; models will be sales_channels.*.
    label = "sales_channels"
    verbose_name = _("Channels")

    def ready(self):
        # The new-channels metric's facts, given to plans (which cannot import channels): channels/metrics.py.
        from channels import metrics  # lazy: models are not loaded before ready()

        metrics.register()
