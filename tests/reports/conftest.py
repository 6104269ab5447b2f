"""A generated set of sales facts (tests/performance/facts.py), summarised, with targets and credit limits,
for the business reports."""

import pytest

from core.rights import SYSTEM
from customers.models import Customer
from performance import services
from plans.services import target_set
from tests.performance.facts import make_facts

MONTH = "2026-03"
QUARTER = "2026-Q1"
# Sales targets chosen so that some units are far above and some far below 80 %.
SALES_TARGETS = {
    "HQ": "900000.00",
    "HD": "400000.00",
    "HN": "5000000.00",
    "330000": "300000.00",
    "330100": "100000.00",
    "330200": "9000000.00",
    "440000": "200000.00",
    "440100": "100000.00",
}


@pytest.fixture
def facts(units, personas):
    data = make_facts(units, personas)
    # Credit limits low enough that some customers are over them at the periods' ends.
    for n, customer in enumerate(data["customers"]):
        if n % 3 == 0:
            Customer.objects.filter(pk=customer.pk).update(credit_limit="20000.00")
    services.summaries_rebuild()
    for period in (MONTH, QUARTER):
        for code, value in SALES_TARGETS.items():
            target_set(metric="sales_amount", period=period, unit=units[code], value=value, by=SYSTEM)
            target_set(metric="collections", period=period, unit=units[code], value="50000.00", by=SYSTEM)
            target_set(metric="new_customers", period=period, unit=units[code], value="2", by=SYSTEM)
    return data
