"""The demo promotion loads through the services once: the catalogue, materials bought, dispatched to 华东 and on to
杭州 and received, a 杭州 requirement plan approved by the center, a past briefing with guests, leads, an expense,
materials used and sales attributed within its window, a past salon and a coming conference — dates relative to
the pinned today."""

from datetime import UTC, date, datetime

import time_machine

from approvals.choices import RequestState
from approvals.selectors import latest_request
from channels.demo import load_demo_channels
from channels.demo_promotion import load_demo_promotion
from channels.models import (
    EventLead,
    EventSale,
    MaterialDispatch,
    MaterialMovement,
    MaterialRequest,
    MaterialStock,
    PromotionEvent,
)
from channels.services.promotion import attribution_window
from customers.demo import load_demo_customers
from regions.demo import load_demo_company

TODAY = date(2026, 3, 16)


@time_machine.travel(datetime(2026, 3, 16, 4, 0, tzinfo=UTC), tick=False)
def test_demo_promotion_loads_once_through_the_services(db):
    load_demo_company(reps_per_district=1)
    load_demo_customers(customers=120, months=12, today=TODAY, plans=0)
    load_demo_channels(today=TODAY)
    counts = load_demo_promotion(today=TODAY)
    assert counts["items"] == 4 and counts["dispatches"] == 8 and counts["events"] >= 2

    # Every dispatch was received; no stock is below zero, and each stock equals its movements' sum.
    assert not MaterialDispatch.objects.exclude(state="received").exists()
    for stock in MaterialStock.objects.all():
        moved = sum(MaterialMovement.objects.filter(unit=stock.unit, item=stock.item).values_list("quantity", flat=True))
        assert stock.quantity >= 0 and stock.quantity == moved, stock
    plan = MaterialRequest.objects.get()
    assert plan.state == "approved" and latest_request(plan).state == RequestState.APPROVED

    briefing = PromotionEvent.objects.get(kind="briefing")
    assert briefing.ends_on < TODAY and briefing.participants.filter(attended=True).exists()
    # Three leads; one became a customer where the district has a customer who did not come (not on this small set).
    assert EventLead.objects.filter(event=briefing).count() == 3
    assert EventLead.objects.filter(event=briefing, customer__isnull=False).count() <= 1
    first, last = attribution_window(briefing)
    sales = EventSale.objects.filter(event=briefing).select_related("invoice")
    assert all(first <= sale.invoice.issue_date <= last for sale in sales)
    assert PromotionEvent.objects.filter(starts_on__gt=TODAY).exists()

    assert load_demo_promotion(today=TODAY) == {"items": 0, "dispatches": 0, "events": 0, "attributed": 0}
