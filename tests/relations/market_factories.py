"""Helpers of the market-intelligence tests: products and reports made through the service."""

from datetime import date

from core.rights import SYSTEM
from customers.models import Product
from relations.services import market_report_create


def product(code="P-MKT-1", name="稳健理财一号", active=True):
    return Product.objects.get_or_create(code=code, defaults={"name": name, "is_active": active})[0]


def report(unit, reporter, **fields):
    values = {
        "kind": "price",
        "title": "华信金融下调费率",
        "description": "客户反映华信金融费率下调",
        "observed_on": date(2026, 3, 10),
        "competitor": "华信金融",
        "price_change": "-5.00",
        "source": "visit",
        "reliability": "B",
        **fields,
    }
    return market_report_create(by=SYSTEM, reporter=reporter, unit=unit, **values)
