"""Scoping-contract entries of the channels (joined into tests.scoping_registry.REGISTRY)."""

from tests.scoping_registry import Scoped

ENTRIES = []
WRITES = []


# --- sales by channel (helper chsales) -----------------------------------------------------------------------
# The page /channels/sales/ and its API twin /api/v1/channels/sales/ read the per-channel summaries
# (performance.ChannelMonthFact) of a unit given as ?unit= (default: the caller's own) through the scope rule:
# a channel's row shows only to those whose scope holds the invoice's district (a salesperson: the channels they
# are responsible for). The contract walks the page (the row shows or not); the API twin is walked persona by
# persona in tests/channels/test_channel_sales_pages.py (it has no object detail for the contract's API walk).


def _channel_with_a_sale(district, owner):
    """A channel of `owner` in `district` with a sale through it this month, summarised."""
    from django.utils import timezone

    from core.rights import SYSTEM
    from customers.services import invoice_record
    from performance.services import summaries_rebuild
    from tests.channels.factories import ChannelFactory
    from tests.scoping_registry import make_customer

    today = timezone.localdate()
    channel = ChannelFactory(unit=district, salesperson=owner.staff if owner is not None else None)
    customer = make_customer(district, owner)
    invoice_record(by=SYSTEM, customer=customer, issue_date=today, due_date=today, amount="321.00", channel=channel)
    summaries_rebuild(months=[today])
    return channel


def _channel_listed(response, channel):
    return any(row["channel"].pk == channel.pk and row["invoiced"] > 0 for row in response.context["table"]["rows"])


CHANNEL_SALES_ENTRIES = [
    Scoped(name="sales by channel page", make=_channel_with_a_sale, web_list="channel_sales:sales", web_visible=_channel_listed),
    Scoped(name="sales by channel API", make=_channel_with_a_sale, api_list="channel-sales"),
]

ENTRIES = [*ENTRIES, *CHANNEL_SALES_ENTRIES]
