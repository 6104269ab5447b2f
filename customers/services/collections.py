"""Collection plans for a customer's receivable, and the follow-ups noted on them."""

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import InvalidInput
from core.rights import ensure
from customers.choices import InvoiceStatus
from customers.models import CollectionPlan, CollectionPlanLine, FollowUp, Invoice
from customers.services.inputs import clean_date, clean_money, clean_text
from regions.models import StaffProfile


def _plan_lines(lines):
    if isinstance(lines, (str, bytes, dict)) or not hasattr(lines, "__iter__"):
        raise InvalidInput(_("Planned collections must be a list."), field="lines")
    result = []
    for n, line in enumerate(lines, start=1):
        if isinstance(line, dict):
            due_on, amount = line.get("due_on"), line.get("amount")
        elif isinstance(line, (tuple, list)) and len(line) == 2:
            due_on, amount = line
        else:
            raise InvalidInput(_("Planned collection %(n)d needs a date and an amount.") % {"n": n}, field="lines")
        due_on = clean_date(due_on, field="lines")
        amount = clean_money(amount, field="lines", label=_("Planned collection %(n)d: the amount") % {"n": n})
        result.append(CollectionPlanLine(due_on=due_on, amount=amount))
    if not result:
        raise InvalidInput(_("A collection plan needs at least one planned collection."), field="lines")
    return result


@transaction.atomic
def collection_plan_create(*, by, customer, owner, lines, invoice=None, note=""):
    """Plan the collection of a customer's (or one invoice's) receivable: amounts by dates, an owner."""
    ensure(by, "collection_plan.create", customer)
    note = clean_text(note, field="note", max_length=5000)
    line_rows = _plan_lines(lines)
    if invoice is not None and (not isinstance(invoice, Invoice) or invoice.customer_id != customer.pk):
        raise InvalidInput(_("The invoice is not an invoice of this customer."), field="invoice")
    if invoice is not None and invoice.status == InvoiceStatus.CANCELLED:
        raise InvalidInput(_("The invoice %(invoice)s is cancelled.") % {"invoice": invoice}, field="invoice")
    if not isinstance(owner, StaffProfile) or not owner.is_active:
        raise InvalidInput(_("The owner must be a member of staff in service."), field="owner")
    district = customer.district
    if not (owner.pk == customer.salesperson_id or district.path.startswith(owner.unit.path)):
        raise InvalidInput(
            _("%(name)s is neither the customer's salesperson nor a manager over its district office.") % {"name": owner.name},
            field="owner",
        )
    plan = CollectionPlan.objects.create(customer=customer, invoice=invoice, district=district, owner=owner, note=note)
    for row in line_rows:
        row.plan = plan
    CollectionPlanLine.objects.bulk_create(line_rows)
    return plan


@transaction.atomic
def collection_plan_follow_up(*, by, plan, note):
    """Note what was done to collect (called, visited, promised to pay…). The note is signed by the
    person acting (`by`'s staff profile; none for a branch system or the system)."""
    ensure(by, "collection_plan.follow_up", plan)
    note = clean_text(note, field="note", max_length=5000, required=True, label=_("A note"))
    return FollowUp.objects.create(plan=plan, by=getattr(by, "staff_profile", None), note=note)
