"""Shared makers of the complaint tests: a product sold and one no longer sold, customers and channels of 杭州 and 广州."""

from datetime import UTC, datetime

import time_machine

from core.rights import SYSTEM
from customers.services import customer_create
from tests.channels.factories import ChannelFactory
from tests.customers.factories import ProductFactory


def at(day, hour=4):
    """Pin the clock to `day` (04:00 UTC = noon in Beijing)."""
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=UTC), tick=False)


class World:
    def __init__(self, personas, units):
        self.p = personas
        self.units = units
        self.product = ProductFactory(name="稳盈理财一号")
        self.retired = ProductFactory(name="已停售理财", is_active=False)
        self.customer = customer_create(
            by=SYSTEM,
            name="杭州西湖贸易有限公司",
            district=units["330100"],
            salesperson=personas["rep_hangzhou"].staff,
            external_id="HZ-C1",
        )
        self.bare_customer = customer_create(by=SYSTEM, name="杭州无人负责公司", district=units["330100"], external_id="HZ-C2")
        self.gz_customer = customer_create(by=SYSTEM, name="广州天河商贸公司", district=units["440100"], external_id="GZ-C1")
        self.channel = ChannelFactory(name="杭州城东银行", unit=units["330100"], salesperson=personas["rep_hangzhou"].staff)
        self.gz_channel = ChannelFactory(name="广州越秀证券", unit=units["440100"])
