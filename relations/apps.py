from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelationsConfig(AppConfig):
    """Customer relations in the field (客户关系): visits to customers and channels, key customers and their
    long-term plans, market intelligence, complaints and suggestions (issue 18).

    Layer: above channels (a visit may be to a channel), below risk and reports — risk's warning rules read
    overdue visits and complaint spikes from here, and reports builds the monthly market-information report
    from here; this app never imports them."""

    name = "relations"
    verbose_name = _("Customer relations")
