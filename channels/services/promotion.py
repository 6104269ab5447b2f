"""Promotion events (推广活动): hold one (kind, unit, owner, dates, place, products, the promotion plan and the
expense budget it belongs to), invite customers and channels, capture leads, record its expenses through budgets
(beyond budget through the over-budget approval, as every expense) and attribute its results — leads that became
customers and sales issued within settings.PROMOTION_ATTRIBUTION_DAYS after it.

Every write asks `promotion.event` (channels/rights.py) on the event; bad input is refused on its field with
nothing written."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.choices import ExpenseCategory
from budgets.models import Budget
from budgets.services import expense_record
from channels.choices import PromotionKind
from channels.models import Channel
from channels.models_promotion import EventExpense, EventLead, EventParticipant, EventSale, PromotionEvent
from channels.services.materials import clean_unit
from core.errors import Conflict, InvalidInput
from core.rights import SYSTEM, ensure
from customers.choices import InvoiceStatus
from customers.models import Customer, Invoice, Product
from customers.services.inputs import clean_date, clean_text
from plans.choices import PlanKind
from plans.models import Plan
from regions.models import StaffProfile


def attribution_days():
    return settings.PROMOTION_ATTRIBUTION_DAYS


def _pick(model, value, *, field, message):
    if value is None or value == "":
        return None
    if isinstance(value, model):
        return value
    try:
        obj = model._default_manager.filter(pk=int(value)).first()
    except (TypeError, ValueError):
        obj = None
    if obj is None:
        raise InvalidInput(message, field=field)
    return obj


def _clean_event(*, kind, title, unit, owner, starts_on, ends_on, place, products, plan, budget, note):
    if kind not in PromotionKind.values:
        raise InvalidInput(_("Choose the kind of event."), field="kind")
    title = clean_text(title, field="title", max_length=200, required=True)
    unit = clean_unit(unit)
    owner = _pick(StaffProfile, owner, field="owner", message=_("No such member of staff."))
    if owner is not None and not unit.contains(owner.unit):
        raise InvalidInput(_("The owner works outside %(unit)s.") % {"unit": unit}, field="owner")
    starts_on = clean_date(starts_on, field="starts_on")
    ends_on = clean_date(ends_on, field="ends_on")
    if ends_on < starts_on:
        raise InvalidInput(_("An event ends on or after the day it starts."), field="ends_on")
    place = clean_text(place, field="place", max_length=200)
    note = clean_text(note, field="note", max_length=2000)
    products = [_pick(Product, p, field="products", message=_("No such product.")) for p in (products or [])]
    plan = _pick(Plan, plan, field="plan", message=_("No such plan."))
    if plan is not None and (plan.kind != PlanKind.PROMOTION or not plan.unit.contains(unit)):
        raise InvalidInput(_("Choose a promotion plan of this unit or one above it."), field="plan")
    budget = _pick(Budget, budget, field="budget", message=_("No such budget."))
    if budget is not None and (
        not budget.is_current or not budget.unit.contains(unit) or not (budget.starts_on <= starts_on <= budget.ends_on)
    ):
        raise InvalidInput(
            _("Choose a current budget of this unit or one above it that covers the event's days."), field="budget"
        )
    return {
        "kind": kind,
        "title": title,
        "unit": unit,
        "owner": owner,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "place": place,
        "plan": plan,
        "budget": budget,
        "note": note,
    }, products


@transaction.atomic
def promotion_event_create(
    *, by, kind, title, unit, starts_on, ends_on, owner=None, place="", products=(), plan=None, budget=None, note=""
):
    """Hold a promotion event. Without an owner, its owner is whoever holds it if they work in its unit — so a
    salesperson's event is their own."""
    fields, products = _clean_event(
        kind=kind, title=title, unit=unit, owner=owner, starts_on=starts_on, ends_on=ends_on, place=place,
        products=products, plan=plan, budget=budget, note=note,
    )  # fmt: skip
    staff = None if by is SYSTEM else getattr(by, "staff_profile", None)
    if fields["owner"] is None and staff is not None and fields["unit"].contains(staff.unit):
        fields["owner"] = staff  # the person who holds it, when they work there (a salesperson always does)
    event = PromotionEvent(**fields)
    ensure(by, "promotion.event", event)
    event.save()
    event.products.set(products)
    return event


@transaction.atomic
def promotion_event_update(
    *, by, event, kind, title, starts_on, ends_on, owner=None, place="", products=(), plan=None, budget=None, note=""
):
    """Change an event's particulars (its unit stays)."""
    event = PromotionEvent.objects.select_for_update(of=("self",)).select_related("unit").get(pk=event.pk)
    ensure(by, "promotion.event", event)
    fields, products = _clean_event(
        kind=kind, title=title, unit=event.unit, owner=owner or event.owner, starts_on=starts_on, ends_on=ends_on,
        place=place, products=products, plan=plan, budget=budget, note=note,
    )  # fmt: skip
    for name, value in fields.items():
        setattr(event, name, value)
    ensure(by, "promotion.event", event)
    event.save()
    event.products.set(products)
    return event


@transaction.atomic
def promotion_participant_add(*, by, event, customer=None, channel=None, attended=False):
    """Invite a customer or a channel (one of them); `attended` once they came. Again: updates `attended`."""
    ensure(by, "promotion.event", event)
    customer = _pick(Customer, customer, field="customer", message=_("No such customer."))
    channel = _pick(Channel, channel, field="channel", message=_("No such channel."))
    if (customer is None) == (channel is None):
        raise InvalidInput(_("Invite either a customer or a channel."), field="customer")
    key = {"customer": customer} if customer is not None else {"channel": channel}
    participant, _created = EventParticipant.objects.update_or_create(event=event, **key, defaults={"attended": bool(attended)})
    return participant


@transaction.atomic
def promotion_lead_capture(*, by, event, name, contact):
    ensure(by, "promotion.event", event)
    name = clean_text(name, field="name", max_length=100, required=True)
    contact = clean_text(contact, field="contact", max_length=100, required=True)
    return EventLead.objects.create(event=event, name=name, contact=contact)


@transaction.atomic
def promotion_lead_convert(*, by, lead, customer, on=None):
    """The lead became `customer` (a customer of the ledger)."""
    lead = EventLead.objects.select_for_update(of=("self",)).select_related("event__unit").get(pk=lead.pk)
    ensure(by, "promotion.event", lead.event)
    customer = _pick(Customer, customer, field="customer", message=_("No such customer."))
    if customer is None:
        raise InvalidInput(_("Choose the customer the lead became."), field="customer")
    if lead.customer_id is not None:
        raise Conflict(_("This lead has become a customer already."), field="customer")
    on = timezone.localdate() if on in (None, "") else clean_date(on, field="on")
    if on < lead.event.starts_on:
        raise InvalidInput(_("A lead becomes a customer on or after the event."), field="on")
    lead.customer, lead.converted_on = customer, on
    lead.save(update_fields=["customer", "converted_on"])
    return lead


def attribution_window(event):
    """(first day, last day) in which a sale counts as the event's result."""
    return event.starts_on, event.ends_on + timedelta(days=attribution_days())


@transaction.atomic
def promotion_sale_attribute(*, by, event, invoice):
    """Attribute a sale to the event: an invoice (not cancelled) to a customer the event reached — a guest or a
    lead that became a customer — issued within the attribution window."""
    ensure(by, "promotion.event", event)
    invoice = _pick(Invoice, invoice, field="invoice", message=_("No such invoice."))
    if invoice is None:
        raise InvalidInput(_("Choose the invoice."), field="invoice")
    if invoice.status == InvoiceStatus.CANCELLED:
        raise InvalidInput(_("A cancelled invoice is no one's result."), field="invoice")
    first, last = attribution_window(event)
    if not (first <= invoice.issue_date <= last):
        raise InvalidInput(
            _("Only a sale issued from %(first)s to %(last)s (%(days)s days after the event) counts as its result.")
            % {"first": first.isoformat(), "last": last.isoformat(), "days": attribution_days()},
            field="invoice",
        )
    reached = (
        EventParticipant.objects.filter(event=event, customer=invoice.customer_id).exists()
        or EventLead.objects.filter(event=event, customer=invoice.customer_id).exists()
    )
    if not reached:
        raise InvalidInput(_("The invoice's customer was neither a guest of the event nor one of its leads."), field="invoice")
    if EventSale.objects.filter(event=event, invoice=invoice).exists():
        raise Conflict(_("This sale is attributed to the event already."), field="invoice")
    return EventSale.objects.create(event=event, invoice=invoice, amount=invoice.amount)


@transaction.atomic
def promotion_expense_record(*, by, event, amount, spent_on, description=""):
    """An expense of the event, recorded through budgets against the event's unit (marketing and promotion):
    within its budget it counts at once, beyond it it waits for the over-budget approval."""
    ensure(by, "promotion.event", event)
    expense = expense_record(
        unit=event.unit, category=ExpenseCategory.MARKETING, spent_on=spent_on, amount=amount, description=description, by=by
    )
    EventExpense.objects.create(event=event, expense=expense)
    return expense
