"""The demo shows one complaint-spike warning: seed_demo loads the complaints before the warning run, and the demo's
rules include a complaint spike (more than eight in seven days) that only 杭州 — its wave of eight complaints after
a trading-system upgrade, and its share of the others — trips; at two sizes of the generated ledger.
"""

from datetime import UTC, date, datetime

import pytest
import time_machine

from channels.demo import load_demo_channels
from customers.demo import load_demo_customers
from home.management.commands.seed_demo import Command
from regions.demo import load_demo_company
from relations.demo_complaints import load_demo_complaints
from relations.models import Complaint
from risk.demo_warnings import load_demo_warnings
from risk.models import Warning

TODAY = date(2026, 3, 16)


def test_seed_demo_loads_the_complaints_before_the_warning_run():
    loaders = [load for _label, load in Command._later_loaders()]
    assert loaders.index(load_demo_complaints) < loaders.index(load_demo_warnings)


@pytest.mark.parametrize("customers", [150, 600])
@time_machine.travel(datetime(2026, 3, 16, 4, 0, tzinfo=UTC), tick=False)
def test_the_demo_warning_run_opens_one_complaint_spike(db, customers):
    load_demo_company(reps_per_district=1)
    load_demo_customers(customers=customers, months=2, today=TODAY, plans=0)
    load_demo_channels(today=TODAY)
    load_demo_complaints(today=TODAY)
    load_demo_warnings(today=TODAY)
    spikes = list(Warning.objects.filter(rule__kind="complaint_spike").select_related("unit", "rule"))
    received = Complaint.objects.filter(unit__code="330100", received_on__gt=date(2026, 3, 9)).count()
    assert [(w.unit.code, int(w.value)) for w in spikes] == [("330100", received)]
    assert (
        received > 8 and Complaint.objects.filter(unit__code="330100", cause="system", received_on__gt=date(2026, 3, 9)).exists()
    )
