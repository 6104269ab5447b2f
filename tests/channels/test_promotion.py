"""Promotion events (推广活动, issue 17): holding one, its guests and leads, its expenses through budgets, its
results (converted leads, sales within the attribution window) and its effectiveness computed in the database.
Bad input is refused on its field with nothing written."""

from datetime import date
from decimal import Decimal as D

import pytest
import time_machine

from budgets.choices import ExpenseState
from budgets.services import budget_set
from channels import selectors, services
from channels.models import EventExpense, EventLead, EventParticipant, EventSale, PromotionEvent
from core.errors import Conflict, InvalidInput
from core.rights import SYSTEM, NotAllowed
from tests.customers.factories import CustomerFactory, InvoiceFactory

TABLES = (PromotionEvent, EventParticipant, EventLead, EventSale, EventExpense)


def counts():
    return {model.__name__: model.objects.count() for model in TABLES}


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(date(2026, 12, 1), tick=False):
        yield


@pytest.fixture
def event(units, personas):
    return services.promotion_event_create(
        by=personas["rep_hangzhou"].user,
        kind="briefing",
        title="杭州产品说明会",
        unit=units["330100"],
        starts_on="2026-09-10",
        ends_on="2026-09-10",
        place="西湖宾馆",
    )


@pytest.fixture
def customer(units, personas):
    return CustomerFactory(district=units["330100"], salesperson=personas["rep_hangzhou"].staff)


def test_a_salesperson_holds_their_own_event(event, personas):
    assert event.owner == personas["rep_hangzhou"].staff
    with pytest.raises(NotAllowed):
        services.promotion_lead_capture(by=personas["rep_hangzhou_2"].user, event=event, name="张三", contact="13800000000")
    with pytest.raises(NotAllowed):
        services.promotion_lead_capture(by=personas["dm_guangzhou"].user, event=event, name="张三", contact="13800000000")
    services.promotion_lead_capture(by=personas["dm_hangzhou"].user, event=event, name="张三", contact="13800000000")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "party"}, "kind"),
        ({"title": ""}, "title"),
        ({"ends_on": "2026-09-01"}, "ends_on"),
        ({"starts_on": "2026-02-30"}, "starts_on"),
        ({"products": [999999]}, "products"),
        ({"plan": 999999}, "plan"),
        ({"budget": 999999}, "budget"),
    ],
)
def test_bad_event_is_refused_on_its_field_with_nothing_written(units, personas, change, field):
    kwargs = {
        "kind": "salon",
        "title": "沙龙",
        "unit": units["330100"],
        "starts_on": "2026-09-10",
        "ends_on": "2026-09-11",
        **change,
    }
    before = counts()
    with pytest.raises(InvalidInput) as error:
        services.promotion_event_create(by=personas["dm_hangzhou"].user, **kwargs)
    assert error.value.field == field
    assert counts() == before


def test_results_within_the_window_and_effectiveness(event, customer, personas, units, settings):
    settings.PROMOTION_ATTRIBUTION_DAYS = 90
    rep = personas["rep_hangzhou"].user
    services.promotion_participant_add(by=rep, event=event, customer=customer, attended=True)
    lead = services.promotion_lead_capture(by=rep, event=event, name="李四", contact="13900000000")
    services.promotion_lead_capture(by=rep, event=event, name="王五", contact="13700000000")
    other = CustomerFactory(district=units["330100"], salesperson=personas["rep_hangzhou"].staff)
    services.promotion_lead_convert(by=rep, lead=lead, customer=other, on="2026-09-20")
    inside = InvoiceFactory(customer=customer, issue_date=date(2026, 12, 9 - 1), amount=D("5000.00"))  # day 89 after
    services.promotion_sale_attribute(by=rep, event=event, invoice=inside)
    before = counts()
    late = InvoiceFactory(customer=other, issue_date=date(2026, 12, 10), amount=D("7000.00"))  # day 91 after the event
    with pytest.raises(InvalidInput) as error:
        services.promotion_sale_attribute(by=rep, event=event, invoice=late)
    assert error.value.field == "invoice"
    stranger = InvoiceFactory(customer=CustomerFactory(district=units["330100"]), issue_date=date(2026, 10, 1))
    with pytest.raises(InvalidInput) as error:
        services.promotion_sale_attribute(by=rep, event=event, invoice=stranger)
    assert error.value.field == "invoice"
    with pytest.raises(Conflict):
        services.promotion_sale_attribute(by=rep, event=event, invoice=inside)
    assert counts() == before
    budget_set(unit=units["330100"], period="2026", category="marketing", amount="1000.00", by=SYSTEM)
    expense = services.promotion_expense_record(by=rep, event=event, amount="800.00", spent_on=date(2026, 9, 10))
    assert expense.state == ExpenseState.RECORDED
    over = services.promotion_expense_record(by=rep, event=event, amount="500.00", spent_on=date(2026, 9, 10))
    assert over.state == ExpenseState.PENDING  # beyond budget: waits for the approval, not counted yet
    row = selectors.events_with_results(PromotionEvent.objects.filter(pk=event.pk)).get()
    assert (row.lead_count, row.converted_count, row.sales_total, row.expense_total, row.cost) == (
        2,
        1,
        D("5000.00"),
        D("800.00"),
        D("800.00"),
    )
    assert row.cost_per_lead == D("400") and row.cost_per_yuan == D("0.16")
    [unit_row] = selectors.unit_results(PromotionEvent.objects.all())
    assert (unit_row["events"], unit_row["total_leads"], unit_row["cost_per_lead"]) == (1, 2, D("400"))


def test_the_window_is_a_setting(event, customer, personas, settings):
    settings.PROMOTION_ATTRIBUTION_DAYS = 10
    rep = personas["rep_hangzhou"].user
    services.promotion_participant_add(by=rep, event=event, customer=customer)
    invoice = InvoiceFactory(customer=customer, issue_date=date(2026, 9, 25))
    with pytest.raises(InvalidInput) as error:
        services.promotion_sale_attribute(by=rep, event=event, invoice=invoice)
    assert error.value.field == "invoice" and "10" in str(error.value.message)


def test_participant_is_a_customer_or_a_channel(event, personas):
    with pytest.raises(InvalidInput) as error:
        services.promotion_participant_add(by=personas["rep_hangzhou"].user, event=event)
    assert error.value.field == "customer"
    assert not EventParticipant.objects.exists()
