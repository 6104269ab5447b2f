"""This app's entries in the main navigation (core/nav.py)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import nav
from core.roles import can


@nav.entries(nav.CUSTOMERS, order=1)
def items(user, role):
    """Every role reads customers and receivables inside its scope (a salesperson: their own); the import
    page is for those who may change customers, invoices or payments."""
    entries = [(_("Customers"), reverse("customers:customer_list")), (_("Receivables & ageing"), reverse("customers:ageing"))]
    if any(can(user, right) for right in ("customer.change", "invoice.change", "payment.change")):
        entries.append((_("Import"), reverse("customers:import")))
    return entries
