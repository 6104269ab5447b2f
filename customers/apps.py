from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    """Customers, sales and receivables: filled by its own issue; nothing placeholder lives here meanwhile."""

    name = "customers"
    verbose_name = _("Customers, sales and receivables")
