"""Reads of bad debts (呆坏账): what a write-off may name, the bad-debt register's figures per unit, and what of an
invoice is written off."""

from django.db.models import Count, Q, Sum

from core.money import ZERO, money
from customers.choices import InvoiceStatus
from customers.models import Allocation, AllocationOrigin, Invoice
from regions.choices import UnitKind
from regions.models import OrgUnit
from risk.choices import WriteOffState
from risk.services.write_offs import LINES_MAX


def write_off_candidates(customer, *, write_off=None):
    """[(invoice, what is open of it today)] a write-off of `customer` may name: its open invoices oldest due
    first, and those `write_off` names already (whatever their state now)."""
    named = set(write_off.lines.values_list("invoice_id", flat=True)) if write_off is not None else set()
    invoices = (
        Invoice.objects.unscoped()
        .filter(Q(status=InvoiceStatus.OPEN) | Q(pk__in=named), customer_id=customer.pk)
        .order_by("due_date", "id")[:LINES_MAX]
    )
    return [(invoice, invoice.amount - invoice.allocated) for invoice in invoices]


def written_off_amounts(invoice_ids):
    """{invoice id: the amount of it written off and not reversed}."""
    rows = (
        Allocation.objects.unscoped()
        .filter(invoice_id__in=list(invoice_ids), origin=AllocationOrigin.WRITE_OFF, reversed_on__isnull=True)
        .order_by()
        .values_list("invoice_id")
        .annotate(total=Sum("amount"))
    )
    return dict(rows)


def _child_of(children, path):
    return next((pk for pk, child_path in children if path.startswith(child_path)), None)


def register_figures(*, write_offs, recoveries, unit=None):
    """The bad-debt register's figures over `write_offs` and `recoveries` (both already scoped and filtered):
    in force (approved, not reversed), recovered on them, the net loss, reversed; and the same per child unit of
    `unit` (none for a district, or without one). Two grouped queries each."""
    totals = write_offs.aggregate(
        in_force=Sum("total", filter=Q(state=WriteOffState.APPROVED)),
        reversed=Sum("total", filter=Q(state=WriteOffState.REVERSED)),
    )
    recovered = recoveries.aggregate(total=Sum("amount"))["total"]
    figures = {
        "in_force": money(totals["in_force"] or ZERO),
        "reversed": money(totals["reversed"] or ZERO),
        "recovered": money(recovered or ZERO),
    }
    figures["net_loss"] = figures["in_force"] - figures["recovered"]
    rows = []
    if unit is not None and unit.kind != UnitKind.DISTRICT:
        children = list(OrgUnit.objects.filter(parent=unit).order_by("code").values_list("pk", "path"))
        names = dict(OrgUnit.objects.filter(parent=unit).values_list("pk", "name"))
        cells = {pk: {"in_force": ZERO, "recovered": ZERO, "count": 0} for pk, _p in children}
        for path, total, count in (
            write_offs.filter(state=WriteOffState.APPROVED)
            .order_by()
            .values_list("unit__path")
            .annotate(total=Sum("total"), count=Count("id"))
        ):
            child = _child_of(children, path)
            if child is not None:
                cells[child]["in_force"] += total
                cells[child]["count"] += count
        for path, total in recoveries.order_by().values_list("unit__path").annotate(total=Sum("amount")):
            child = _child_of(children, path)
            if child is not None:
                cells[child]["recovered"] += total
        for pk, _p in children:
            cell = cells[pk]
            rows.append({"unit": pk, "name": names[pk], **cell, "net_loss": cell["in_force"] - cell["recovered"]})
    figures["rows"] = rows
    return figures
