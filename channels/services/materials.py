"""Promotional materials (推广用品): the catalogue, each unit's stock, dispatches down the tree, their receipt,
use at promotion events, and requirement plans through approvals.

The one rule written here: a unit never gives out what it does not hold. Every change of a stock goes through
`_move`, which runs on a row locked by `_lock_stock` and writes the ledger row with the balance after it; a
change that would take the stock below zero is refused on the field `quantity` with nothing written (the
database's check constraint is the last guard). Lock order, everywhere: the dispatch or requirement-plan line
first, then the stock rows — so two writers never wait on each other crosswise.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.choices import ApprovalKind
from approvals.selectors import latest_request
from approvals.services import request_submit, request_withdraw
from channels.choices import DispatchState, MaterialRequestState, MovementKind
from channels.models_promotion import (
    MaterialDispatch,
    MaterialItem,
    MaterialMovement,
    MaterialRequest,
    MaterialRequestLine,
    MaterialStock,
    PromotionEvent,
)
from core.errors import Conflict, InvalidInput
from core.money import parse_money
from core.periods import parse_input as parse_period
from core.rights import SYSTEM, ensure
from customers.services.inputs import clean_date, clean_text
from regions.models import OrgUnit

MAX_QUANTITY = 10**9
EDITABLE = (MaterialRequestState.DRAFT, MaterialRequestState.RETURNED, MaterialRequestState.WITHDRAWN)
SENDERS = ("center", "region")


# --- input checks ---------------------------------------------------------------------------------
def clean_quantity(value, *, field="quantity", signed=False):
    """A whole number of pieces: > 0 (or ≠ 0 when `signed`, for an adjustment), below a billion."""
    if isinstance(value, bool):
        value = None
    try:
        number = int(value)
        if str(number) != str(value).strip() and number != value:
            raise ValueError
    except (TypeError, ValueError):
        raise InvalidInput(_("Enter a whole number of pieces."), field=field) from None
    if abs(number) >= MAX_QUANTITY:
        raise InvalidInput(_("That quantity is too large."), field=field)
    if signed and number == 0:
        raise InvalidInput(_("An adjustment changes the stock by at least one piece."), field=field)
    if not signed and number <= 0:
        raise InvalidInput(_("Enter a quantity above zero."), field=field)
    return number


def clean_unit(value, *, field="unit"):
    if not isinstance(value, OrgUnit):
        try:
            value = OrgUnit.objects.filter(pk=int(value)).first()
        except (TypeError, ValueError):
            value = None
        if value is None:
            raise InvalidInput(_("No such org unit."), field=field)
    if not value.is_active:
        raise InvalidInput(_("%(unit)s is closed.") % {"unit": value}, field=field)
    return value


def _item(value, *, field="item"):
    if not isinstance(value, MaterialItem):
        try:
            value = MaterialItem.objects.filter(pk=int(value)).first()
        except (TypeError, ValueError):
            value = None
        if value is None:
            raise InvalidInput(_("No such promotional material."), field=field)
    if not value.is_active:
        raise InvalidInput(_("%(item)s is no longer in use.") % {"item": value}, field=field)
    return value


def _day(value, field="on"):
    if value is None or value == "":
        return timezone.localdate()
    return clean_date(value, field=field)


# --- the stock ------------------------------------------------------------------------------------
def _lock_stock(unit, item, *, create):
    """The stock row of (unit, item), locked; made (at zero) first when `create` — a unit about to receive."""
    if create:
        MaterialStock.objects.get_or_create(unit=unit, item=item)
    return MaterialStock.objects.select_for_update().filter(unit=unit, item=item).first()


def _move(*, unit, item, delta, kind, on, by, dispatch=None, event=None, note=""):
    """Change the stock of (unit, item) by `delta` under its row lock and write the ledger row; below zero is
    refused on `quantity` (nothing written: the caller's transaction rolls back)."""
    stock = _lock_stock(unit, item, create=delta > 0)
    held = stock.quantity if stock is not None else 0
    if held + delta < 0:
        raise InvalidInput(
            _("%(unit)s holds only %(held)s %(uom)s of %(item)s.")
            % {"unit": unit, "held": held, "uom": item.uom, "item": item.name},
            field="quantity",
            code="insufficient_stock",
        )
    stock.quantity = held + delta
    stock.save(update_fields=["quantity", "updated_at"])
    return MaterialMovement.objects.create(
        unit=unit,
        item=item,
        kind=kind,
        quantity=delta,
        balance_after=stock.quantity,
        on=on,
        dispatch=dispatch,
        event=event,
        note=note,
        by=None if by is SYSTEM else by,
    )


@transaction.atomic
def material_item_create(*, by, code, name, uom, unit_cost):
    """Add a material to the catalogue (the Development Center)."""
    ensure(by, "material.catalogue")
    code = clean_text(code, field="code", max_length=30, required=True)
    name = clean_text(name, field="name", max_length=100, required=True)
    uom = clean_text(uom, field="uom", max_length=20, required=True)
    unit_cost = parse_money(unit_cost, field="unit_cost")
    if MaterialItem.objects.filter(code=code).exists():
        raise InvalidInput(_("A material with this code exists already."), field="code")
    return MaterialItem.objects.create(code=code, name=name, uom=uom, unit_cost=unit_cost)


@transaction.atomic
def material_receive(*, by, unit, item, quantity, on=None, note=""):
    """Materials received from a supplier into `unit`'s stock."""
    unit, item = clean_unit(unit), _item(item)
    quantity = clean_quantity(quantity)
    on = _day(on)
    note = clean_text(note, field="note", max_length=200)
    ensure(by, "material.stock", unit)
    return _move(unit=unit, item=item, delta=quantity, kind=MovementKind.RECEIPT, on=on, by=by, note=note)


@transaction.atomic
def material_adjust(*, by, unit, item, quantity, note, on=None):
    """A stock-take adjustment of `unit`'s stock by `quantity` pieces (+ or −), with its reason."""
    unit, item = clean_unit(unit), _item(item)
    quantity = clean_quantity(quantity, signed=True)
    on = _day(on)
    note = clean_text(note, field="note", max_length=200, required=True)
    ensure(by, "material.stock", unit)
    return _move(unit=unit, item=item, delta=quantity, kind=MovementKind.ADJUSTMENT, on=on, by=by, note=note)


@transaction.atomic
def material_dispatch(*, by, from_unit, to_unit, item, quantity, request_line=None, on=None):
    """Send `quantity` of `item` from the center's or a region's stock to a unit below it — optionally against a
    line of the receiver's approved requirement plan (never more than the line asks for). The sender's stock
    goes down now; the receiver's goes up when it confirms the receipt (`material_dispatch_receive`)."""
    from_unit = clean_unit(from_unit, field="from_unit")
    to_unit = clean_unit(to_unit, field="to_unit")
    item = _item(item)
    quantity = clean_quantity(quantity)
    on = _day(on, "sent_on")
    if from_unit.kind not in SENDERS:
        raise InvalidInput(_("Materials are dispatched from the Development Center's or a region's stock."), field="from_unit")
    if to_unit.pk == from_unit.pk or not from_unit.contains(to_unit):
        raise InvalidInput(_("Materials are dispatched to a unit below %(unit)s.") % {"unit": from_unit}, field="to_unit")
    ensure(by, "material.dispatch", from_unit)
    line = None
    if request_line is not None:
        line_id = request_line.pk if isinstance(request_line, MaterialRequestLine) else request_line
        try:
            line = MaterialRequestLine.objects.select_for_update().select_related("request").filter(pk=int(line_id)).first()
        except (TypeError, ValueError):
            line = None
        if line is None or line.request.unit_id != to_unit.pk or line.item_id != item.pk:
            raise InvalidInput(_("Choose a line of the receiving unit's plan for this material."), field="request_line")
        if line.request.state != MaterialRequestState.APPROVED:
            raise Conflict(_("Only an approved requirement plan is dispatched against."), field="request_line")
        if line.dispatched + quantity > line.quantity:
            raise InvalidInput(
                _("The plan asks for %(left)s more at most.") % {"left": line.quantity - line.dispatched}, field="quantity"
            )
    dispatch = MaterialDispatch.objects.create(
        from_unit=from_unit,
        to_unit=to_unit,
        item=item,
        quantity=quantity,
        request_line=line,
        sent_on=on,
        sent_by=None if by is SYSTEM else by,
    )
    _move(unit=from_unit, item=item, delta=-quantity, kind=MovementKind.DISPATCH_OUT, on=on, by=by, dispatch=dispatch)
    if line is not None:
        line.dispatched += quantity
        line.save(update_fields=["dispatched"])
    return dispatch


@transaction.atomic
def material_dispatch_receive(*, by, dispatch, on=None):
    """The receiving unit confirms a dispatch: the materials enter its stock."""
    dispatch = MaterialDispatch.objects.select_for_update(of=("self",)).select_related("to_unit", "item").get(pk=dispatch.pk)
    ensure(by, "material.receive", dispatch)
    if dispatch.state != DispatchState.SENT:
        raise Conflict(_("This dispatch has been received already."), field="state")
    on = _day(on, "received_on")
    if on < dispatch.sent_on:
        raise InvalidInput(_("Materials are received on or after the day they were sent."), field="received_on")
    dispatch.state = DispatchState.RECEIVED
    dispatch.received_on = on
    dispatch.received_by = None if by is SYSTEM else by
    dispatch.save(update_fields=["state", "received_on", "received_by"])
    _move(
        unit=dispatch.to_unit,
        item=dispatch.item,
        delta=dispatch.quantity,
        kind=MovementKind.DISPATCH_IN,
        on=on,
        by=by,
        dispatch=dispatch,
    )
    return dispatch


@transaction.atomic
def material_consume(*, by, event, item, quantity, on=None, note=""):
    """Materials used at a promotion event, out of the event's unit's stock."""
    if not isinstance(event, PromotionEvent):
        raise InvalidInput(_("Choose the promotion event."), field="event")
    item = _item(item)
    quantity = clean_quantity(quantity)
    on = _day(on)
    note = clean_text(note, field="note", max_length=200)
    ensure(by, "material.consume", event)
    return _move(unit=event.unit, item=item, delta=-quantity, kind=MovementKind.CONSUMPTION, on=on, by=by, event=event, note=note)


# --- requirement plans (推广用品需求计划) ---------------------------------------------------------------
def _clean_lines(lines):
    """[(item, quantity, purpose)] from [{item, quantity, purpose}], one line per material, at least one."""
    if not isinstance(lines, (list, tuple)) or not lines:
        raise InvalidInput(_("Add at least one line."), field="lines")
    cleaned, seen = [], set()
    for number, line in enumerate(lines, start=1):
        if not isinstance(line, dict):
            raise InvalidInput(_("Line %(n)s is not a line.") % {"n": number}, field="lines")
        try:
            item = _item(line.get("item"), field="lines")
            quantity = clean_quantity(line.get("quantity"), field="lines")
            purpose = clean_text(line.get("purpose"), field="lines", max_length=200)
        except InvalidInput as error:
            raise InvalidInput(_("Line %(n)s: %(error)s") % {"n": number, "error": error.message}, field="lines") from None
        if item.pk in seen:
            raise InvalidInput(_("Line %(n)s: %(item)s is on the plan twice.") % {"n": number, "item": item}, field="lines")
        seen.add(item.pk)
        cleaned.append((item, quantity, purpose))
    return cleaned


def _write_lines(request, lines):
    request.lines.all().delete()
    MaterialRequestLine.objects.bulk_create(
        [MaterialRequestLine(request=request, item=item, quantity=quantity, purpose=purpose) for item, quantity, purpose in lines]
    )


@transaction.atomic
def material_request_create(*, by, unit, period, title, lines, note=""):
    """Draft a unit's requirement plan for a period."""
    unit = clean_unit(unit)
    period = parse_period(period)
    title = clean_text(title, field="title", max_length=200, required=True)
    note = clean_text(note, field="note", max_length=2000)
    lines = _clean_lines(lines)
    ensure(by, "material.request", unit)
    request = MaterialRequest.objects.create(
        unit=unit, period=str(period), title=title, note=note, created_by=None if by is SYSTEM else by
    )
    _write_lines(request, lines)
    return request


def _lock_request(request):
    return MaterialRequest.objects.select_for_update(of=("self",)).select_related("unit").get(pk=request.pk)


def _require_editable(request):
    if request.state not in EDITABLE:
        raise Conflict(_("Only a draft, returned or withdrawn plan can be changed."), field="state")


@transaction.atomic
def material_request_update(*, by, request, period, title, lines, note=""):
    """Change a plan not waiting for a decision nor decided."""
    request = _lock_request(request)
    ensure(by, "material.request", request.unit)
    _require_editable(request)
    period = parse_period(period)
    title = clean_text(title, field="title", max_length=200, required=True)
    note = clean_text(note, field="note", max_length=2000)
    lines = _clean_lines(lines)
    request.period, request.title, request.note = str(period), title, note
    request.save(update_fields=["period", "title", "note"])
    _write_lines(request, lines)
    return request


def material_request_snapshot(*, request):
    """What the center decides on, frozen at submission: the unit, the period and each line with its cost."""
    lines = list(request.lines.select_related("item").order_by("id"))
    return {
        "unit": request.unit_id,
        "unit_name": request.unit.name,
        "period": request.period,
        "total_cost": str(sum((line.item.unit_cost * line.quantity for line in lines), start=0)),
        "lines": [
            {
                "item": line.item_id,
                "code": line.item.code,
                "name": line.item.name,
                "uom": line.item.uom,
                "quantity": line.quantity,
                "unit_cost": str(line.item.unit_cost),
                "purpose": line.purpose,
            }
            for line in lines
        ],
    }


@transaction.atomic
def material_request_submit(*, by, request):
    """Submit a plan to the Development Center (ApprovalKind.MATERIAL_REQUEST)."""
    request = _lock_request(request)
    ensure(by, "material.request", request.unit)
    _require_editable(request)
    if not request.lines.exists():
        raise InvalidInput(_("Add at least one line."), field="lines")
    snapshot = material_request_snapshot(request=request)
    approval = request_submit(
        subject=request,
        kind=ApprovalKind.MATERIAL_REQUEST,
        unit=request.unit,
        title=_("Promotional materials: %(title)s") % {"title": request.title},
        by=by,
        snapshot=snapshot,
        amount=snapshot["total_cost"],
    )
    request.state = MaterialRequestState.SUBMITTED
    request.save(update_fields=["state"])
    return approval


@transaction.atomic
def material_request_withdraw(*, by, request):
    """Drop a plan not decided yet: a draft or returned one at once, a submitted one through approvals (which sets
    its state; only its submitter may withdraw the request)."""
    request = _lock_request(request)
    ensure(by, "material.request", request.unit)
    if request.state == MaterialRequestState.SUBMITTED:
        request_withdraw(request=latest_request(request), by=by)
        request.refresh_from_db()
        return request
    if request.state not in (MaterialRequestState.DRAFT, MaterialRequestState.RETURNED):
        raise Conflict(_("Only a plan not decided yet can be withdrawn."), field="state")
    request.state = MaterialRequestState.WITHDRAWN
    request.save(update_fields=["state"])
    return request
