"""Promotional materials (推广用品, issue 17): the catalogue, stock that never goes below zero, dispatches down the
tree and their receipt, use at events, and requirement plans through approvals. Bad input is refused on its
field with nothing written."""

import threading
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from approvals.choices import ApprovalKind, RequestState
from approvals.selectors import latest_request
from approvals.services import request_approve
from channels import services
from channels.choices import DispatchState, MaterialRequestState, MovementKind
from channels.models import MaterialDispatch, MaterialItem, MaterialMovement, MaterialRequest, MaterialStock, PromotionEvent
from core.errors import Conflict, InvalidInput
from core.rights import SYSTEM, NotAllowed

DECIDERS = {"provincial_manager": "pm_zhejiang", "regional_manager": "rm_east", "center_staff": "center", "director": "director"}
TABLES = (MaterialItem, MaterialStock, MaterialMovement, MaterialDispatch, MaterialRequest)


def counts():
    return {model.__name__: model.objects.count() for model in TABLES}


def stock(unit, item):
    row = MaterialStock.objects.filter(unit=unit, item=item).first()
    return row.quantity if row else 0


@pytest.fixture
def brochure(db):
    return services.material_item_create(by=SYSTEM, code="B-01", name="产品手册", uom="本", unit_cost="3.50")


@pytest.fixture
def east_stock(units, brochure):
    services.material_receive(by=SYSTEM, unit=units["HD"], item=brochure, quantity=100, on="2026-11-02")
    return brochure


def make_event(unit, **extra):
    return PromotionEvent.objects.create(
        kind="briefing", title="产品说明会", unit=unit, starts_on=date(2026, 11, 10), ends_on=date(2026, 11, 10), **extra
    )


# --- catalogue ----------------------------------------------------------------------------------------
def test_catalogue_is_kept_by_the_center(personas, brochure):
    item = services.material_item_create(by=personas["center"].user, code="G-01", name="帆布袋", uom="个", unit_cost="12")
    assert item.unit_cost == 12
    before = counts()
    with pytest.raises(NotAllowed):
        services.material_item_create(by=personas["rm_east"].user, code="G-02", name="雨伞", uom="把", unit_cost="20")
    with pytest.raises(InvalidInput) as error:
        services.material_item_create(by=personas["center"].user, code="B-01", name="重复", uom="本", unit_cost="1")
    assert error.value.field == "code"
    with pytest.raises(InvalidInput) as error:
        services.material_item_create(by=personas["center"].user, code="X", name="x", uom="个", unit_cost="1.001")
    assert error.value.field == "unit_cost"
    assert counts() == before


# --- stock ---------------------------------------------------------------------------------------------
def test_receipt_and_adjustment_keep_the_ledger(units, personas, east_stock):
    services.material_adjust(by=personas["rm_east"].user, unit=units["HD"], item=east_stock, quantity=-5, note="盘点短少")
    assert stock(units["HD"], east_stock) == 95
    rows = list(MaterialMovement.objects.filter(unit=units["HD"]).order_by("id").values_list("kind", "quantity", "balance_after"))
    assert rows == [(MovementKind.RECEIPT, 100, 100), (MovementKind.ADJUSTMENT, -5, 95)]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": -101}, "quantity"),
        ({"quantity": 0}, "quantity"),
        ({"quantity": "1.5"}, "quantity"),
        ({"quantity": "abc"}, "quantity"),
        ({"note": ""}, "note"),
        ({"item": 999999}, "item"),
        ({"unit": "x"}, "unit"),
    ],
)
def test_bad_adjustment_is_refused_on_its_field_with_nothing_written(units, personas, east_stock, change, field):
    before = counts()
    kwargs = {"unit": units["HD"], "item": east_stock, "quantity": -1, "note": "盘点", **change}
    with pytest.raises(InvalidInput) as error:
        services.material_adjust(by=personas["rm_east"].user, **kwargs)
    assert error.value.field == field
    assert counts() == before
    assert stock(units["HD"], east_stock) == 100


def test_database_refuses_negative_stock(units, east_stock):
    with pytest.raises(IntegrityError), transaction.atomic():
        MaterialStock.objects.filter(unit=units["HD"], item=east_stock).update(quantity=-1)


def test_stock_outside_ones_scope_is_not_allowed(units, personas, east_stock):
    before = counts()
    with pytest.raises(NotAllowed):
        services.material_receive(by=personas["rm_south"].user, unit=units["HD"], item=east_stock, quantity=1)
    with pytest.raises(NotAllowed):
        services.material_receive(by=personas["rep_hangzhou"].user, unit=units["330100"], item=east_stock, quantity=1)
    assert counts() == before


# --- dispatch and receipt ------------------------------------------------------------------------------
def test_dispatch_then_receipt_moves_stock_down_the_tree(units, personas, east_stock):
    dispatch = services.material_dispatch(
        by=personas["rm_east"].user, from_unit=units["HD"], to_unit=units["330100"], item=east_stock, quantity=40, on="2026-11-03"
    )
    assert (stock(units["HD"], east_stock), stock(units["330100"], east_stock)) == (60, 0)
    with pytest.raises(NotAllowed):
        services.material_dispatch_receive(by=personas["dm_guangzhou"].user, dispatch=dispatch)
    services.material_dispatch_receive(by=personas["dm_hangzhou"].user, dispatch=dispatch, on="2026-11-05")
    dispatch.refresh_from_db()
    assert dispatch.state == DispatchState.RECEIVED
    assert (stock(units["HD"], east_stock), stock(units["330100"], east_stock)) == (60, 40)
    with pytest.raises(Conflict):
        services.material_dispatch_receive(by=personas["dm_hangzhou"].user, dispatch=dispatch)
    assert stock(units["330100"], east_stock) == 40


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": 101}, "quantity"),  # more than the region holds
        ({"quantity": -1}, "quantity"),
        ({"to_unit": "HN"}, "to_unit"),  # not below the sender
        ({"to_unit": "HD"}, "to_unit"),  # itself
        ({"from_unit": "330000", "to_unit": "330100"}, "from_unit"),  # a province does not dispatch
        ({"on": "2026-02-30"}, "sent_on"),
    ],
)
def test_bad_dispatch_is_refused_on_its_field_with_nothing_written(units, personas, east_stock, change, field):
    kwargs = {"from_unit": units["HD"], "to_unit": units["330100"], "item": east_stock, "quantity": 10, **change}
    for key in ("from_unit", "to_unit"):
        if isinstance(kwargs[key], str):
            kwargs[key] = units[kwargs[key]]
    before = counts()
    with pytest.raises(InvalidInput) as error:
        services.material_dispatch(by=personas["director"].user, **kwargs)
    assert error.value.field == field
    assert counts() == before
    assert stock(units["HD"], east_stock) == 100


def test_a_unit_cannot_dispatch_what_it_does_not_hold(units, personas, brochure):
    with pytest.raises(InvalidInput) as error:
        services.material_dispatch(
            by=personas["director"].user, from_unit=units["HQ"], to_unit=units["HD"], item=brochure, quantity=1
        )
    assert error.value.field == "quantity"
    assert not MaterialDispatch.objects.exists() and not MaterialMovement.objects.exists()


# --- use at events ------------------------------------------------------------------------------------
def test_consumption_against_an_event(units, personas, east_stock):
    dispatch = services.material_dispatch(by=SYSTEM, from_unit=units["HD"], to_unit=units["330100"], item=east_stock, quantity=10)
    services.material_dispatch_receive(by=SYSTEM, dispatch=dispatch)
    event = make_event(units["330100"], owner=personas["rep_hangzhou"].staff)
    movement = services.material_consume(by=personas["rep_hangzhou"].user, event=event, item=east_stock, quantity=7)
    assert (movement.kind, movement.quantity, movement.event_id) == (MovementKind.CONSUMPTION, -7, event.pk)
    before = counts()
    with pytest.raises(InvalidInput) as error:
        services.material_consume(by=personas["rep_hangzhou"].user, event=event, item=east_stock, quantity=4)
    assert error.value.field == "quantity"
    with pytest.raises(NotAllowed):
        services.material_consume(by=personas["dm_guangzhou"].user, event=event, item=east_stock, quantity=1)
    assert counts() == before and stock(units["330100"], east_stock) == 3


# --- requirement plans ---------------------------------------------------------------------------------
def _plan(units, personas, item, quantity=30):
    return services.material_request_create(
        by=personas["dm_hangzhou"].user,
        unit=units["330100"],
        period="2026-Q4",
        title="四季度推广用品",
        lines=[{"item": item.pk, "quantity": quantity, "purpose": "产品说明会"}],
    )


def _approve(personas, plan):
    request = latest_request(plan)
    while request.state == RequestState.SUBMITTED:
        request_approve(request=request, by=personas[DECIDERS[request.current_step.approver_role]].user, comment="同意")
        request.refresh_from_db()
    plan.refresh_from_db()


def test_plan_goes_to_the_center_and_is_dispatched_against(units, personas, east_stock):
    plan = _plan(units, personas, east_stock)
    services.material_request_submit(by=personas["dm_hangzhou"].user, request=plan)
    plan.refresh_from_db()
    assert plan.state == MaterialRequestState.SUBMITTED
    assert latest_request(plan).kind == ApprovalKind.MATERIAL_REQUEST
    line = plan.lines.get()
    with pytest.raises(Conflict):
        services.material_dispatch(
            by=SYSTEM, from_unit=units["HD"], to_unit=units["330100"], item=east_stock, quantity=5, request_line=line.pk
        )
    _approve(personas, plan)
    assert plan.state == MaterialRequestState.APPROVED and plan.approved_at is not None
    services.material_dispatch(
        by=personas["rm_east"].user,
        from_unit=units["HD"],
        to_unit=units["330100"],
        item=east_stock,
        quantity=20,
        request_line=line.pk,
    )
    before = counts()
    with pytest.raises(InvalidInput) as error:
        services.material_dispatch(
            by=personas["rm_east"].user,
            from_unit=units["HD"],
            to_unit=units["330100"],
            item=east_stock,
            quantity=11,
            request_line=line.pk,
        )
    assert error.value.field == "quantity"
    with pytest.raises(InvalidInput) as error:  # the line is Hangzhou's, not Wenzhou's
        services.material_dispatch(
            by=personas["rm_east"].user,
            from_unit=units["HD"],
            to_unit=units["330300"],
            item=east_stock,
            quantity=1,
            request_line=line.pk,
        )
    assert error.value.field == "request_line"
    assert counts() == before
    line.refresh_from_db()
    assert line.dispatched == 20


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"period": "2026-13"}, "period"),
        ({"title": ""}, "title"),
        ({"lines": []}, "lines"),
        ({"lines": [{"item": 999999, "quantity": 1}]}, "lines"),
        ({"lines": [{"item": "ITEM", "quantity": 0}]}, "lines"),
        ({"lines": [{"item": "ITEM", "quantity": 1}, {"item": "ITEM", "quantity": 2}]}, "lines"),
    ],
)
def test_bad_plan_is_refused_on_its_field_with_nothing_written(units, personas, brochure, change, field):
    kwargs = {
        "unit": units["330100"],
        "period": "2026-Q4",
        "title": "计划",
        "lines": [{"item": brochure.pk, "quantity": 1}],
        **change,
    }
    kwargs["lines"] = [{**line, "item": brochure.pk if line["item"] == "ITEM" else line["item"]} for line in kwargs["lines"]]
    before = counts()
    with pytest.raises(InvalidInput) as error:
        services.material_request_create(by=personas["dm_hangzhou"].user, **kwargs)
    assert error.value.field == field
    assert counts() == before


def test_plan_changes_only_while_editable_and_by_its_units_managers(units, personas, brochure):
    plan = _plan(units, personas, brochure)
    with pytest.raises(NotAllowed):
        services.material_request_submit(by=personas["dm_guangzhou"].user, request=plan)
    services.material_request_submit(by=personas["dm_hangzhou"].user, request=plan)
    with pytest.raises(Conflict):
        services.material_request_update(
            by=personas["dm_hangzhou"].user,
            request=plan,
            period="2026-Q4",
            title="改",
            lines=[{"item": brochure.pk, "quantity": 2}],
        )
    services.material_request_withdraw(by=personas["dm_hangzhou"].user, request=plan)
    plan.refresh_from_db()
    assert plan.state == MaterialRequestState.WITHDRAWN
    services.material_request_update(
        by=personas["dm_hangzhou"].user, request=plan, period="2026-Q4", title="改", lines=[{"item": brochure.pk, "quantity": 2}]
    )
    assert list(plan.lines.values_list("quantity", flat=True)) == [2]


# --- two at once (PostgreSQL) -------------------------------------------------------------------------
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_dispatches_at_once_never_take_the_stock_below_zero():
    from regions.models import OrgUnit
    from regions.services import load_default_organisation

    load_default_organisation(by=SYSTEM)  # transactional tests flush the database
    region = OrgUnit.objects.get(code="HD")
    targets = [OrgUnit.objects.get(code="330000"), OrgUnit.objects.get(code="330100")]
    item = services.material_item_create(by=SYSTEM, code="B-01", name="产品手册", uom="本", unit_cost="3.50")
    services.material_receive(by=SYSTEM, unit=region, item=item, quantity=100)
    for _round in range(5):
        barrier = threading.Barrier(2)
        sent, refused, errors = [], [], []

        def send(target, barrier=barrier, sent=sent, refused=refused, errors=errors):
            try:
                barrier.wait()
                sent.append(services.material_dispatch(by=SYSTEM, from_unit=region, to_unit=target, item=item, quantity=60))
            except InvalidInput as error:
                refused.append(error.field)
            except Exception as error:  # noqa: BLE001 (reported below)
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=send, args=(target,)) for target in targets]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        held = MaterialStock.objects.get(unit=region, item=item).quantity
        assert held >= 0
        # 100 in stock: exactly one of two 60s goes out; after that, none (40 < 60).
        assert (len(sent), refused) == ((1, ["quantity"]) if _round == 0 else (0, ["quantity", "quantity"]))
        assert held == 40
        assert MaterialMovement.objects.filter(unit=region, kind=MovementKind.DISPATCH_OUT).count() == 1
