"""Write-offs of bad debt (坏账核销, issue 16): proposed by the customer's salesperson or a manager above, decided
by a chain that ends with the director above the threshold, posted in the ledger on approval — the debt leaves the
ageing from that day while the ageing as of earlier days still shows it, the open balance follows, collections do
not move —, reversed through a second approval, and money recovered on written-off debt recorded apart. Bad input
is refused on its field with nothing written."""

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest
import time_machine

from approvals.choices import ApprovalKind, RequestState
from approvals.selectors import latest_request
from approvals.services import request_approve, request_return
from core.errors import Conflict, DomainError, InvalidInput
from core.rights import SYSTEM, NotAllowed
from customers import services as ledger
from customers.choices import InvoiceStatus
from customers.models import Allocation, Customer, Invoice
from customers.selectors import receivable_summary
from customers.services.writeoffs import write_off_post
from performance.services import summaries_rebuild
from plans.selectors import actual
from risk import services
from risk.choices import WriteOffReversalState, WriteOffState
from risk.models import Recovery, WriteOff, WriteOffLine, WriteOffReversal
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 16)  # a Monday
DECIDERS = {"provincial_manager": "pm_zhejiang", "regional_manager": "rm_east", "center_staff": "center", "director": "director"}


def _at(day):
    return time_machine.travel(datetime(day.year, day.month, day.day, 4, 0, tzinfo=UTC), tick=False)


@pytest.fixture(autouse=True)
def _clock():
    with _at(TODAY):
        yield


@pytest.fixture
def customer(personas, units):
    return CustomerFactory(district=units["330100"], salesperson=personas["rep_hangzhou"].staff)


def _invoice(customer, amount, issued=date(2025, 6, 1), due=date(2025, 7, 1)):
    return ledger.invoice_record(by=SYSTEM, customer=customer, issue_date=issued, due_date=due, amount=amount).invoice


def _decide_all(personas, subject, deciders=None):
    """Every step of the subject's request, decided by the person it names (or the pool's member)."""
    request = latest_request(subject)
    roles = []
    while request.state == RequestState.SUBMITTED:
        step = request.current_step
        roles.append(step.approver_role)
        request_approve(request=request, by=personas[(deciders or DECIDERS)[step.approver_role]].user, comment="同意")
        request.refresh_from_db()
    subject.refresh_from_db()
    return roles


def _open(customer, on):
    return receivable_summary(scope_qs=Invoice.objects.filter(customer=customer), as_of=on)["open"]


def test_an_approved_write_off_closes_the_debt_from_its_day_and_keeps_the_past(personas, customer):
    first = _invoice(customer, "30000.00")
    second = _invoice(customer, "20000.00", issued=date(2025, 8, 1), due=date(2025, 9, 1))
    ledger.payment_record(
        by=SYSTEM,
        customer=customer,
        received_on=date(2025, 9, 10),
        amount="5000.00",
        allocations=[{"invoice": first, "amount": "5000.00"}],
    )
    collected = actual(metric="collections", period="2026", unit=customer.district)
    write_off = services.write_off_propose(
        by=personas["rep_hangzhou"].user,
        customer=customer,
        lines=[{"invoice": first.pk, "amount": "25000.00"}, {"invoice": second.pk, "amount": "20000.00"}],
        reason="客户已破产清算，法院裁定终结",
        collection_history="2025-10 起三次上门催收，律师函两次",
    )
    assert write_off.total == D("45000.00") and write_off.state == WriteOffState.DRAFT
    request = services.write_off_submit(by=personas["rep_hangzhou"].user, write_off=write_off)
    assert request.kind == ApprovalKind.BAD_DEBT and request.amount == D("45000.00")
    # Under the threshold: province, region, the center's pool — no director.
    assert _decide_all(personas, write_off) == ["provincial_manager", "regional_manager", "center_staff"]
    assert write_off.state == WriteOffState.APPROVED and write_off.written_off_on == TODAY

    first.refresh_from_db()
    second.refresh_from_db()
    customer.refresh_from_db()
    assert first.status == second.status == InvoiceStatus.WRITTEN_OFF
    assert customer.open_balance == D("0.00") == ledger.exposures([customer.pk])[customer.pk]
    # The ageing as of yesterday still shows the debt; from today it is gone.
    assert _open(customer, date(2026, 3, 15)) == D("45000.00")
    assert _open(customer, TODAY) == D("0.00")
    # Nothing was collected: the write-off is no money.
    assert actual(metric="collections", period="2026", unit=customer.district) == collected
    summaries_rebuild()
    from performance.models import DistrictMonthFact

    march = DistrictMonthFact.objects.filter(district=customer.district, month=date(2026, 3, 1)).first()
    assert march is None or march.collections == D("0.00")
    # Each line points at its posting; nothing of the invoices was deleted.
    lines = list(write_off.lines.select_related("allocation"))
    assert all(line.allocation.origin == "write_off" and line.allocation.payment_id is None for line in lines)
    assert Invoice.objects.filter(customer=customer).count() == 2


def test_a_large_write_off_ends_with_the_director(personas, customer):
    invoice = _invoice(customer, "150000.00")
    write_off = services.write_off_propose(
        by=personas["dm_hangzhou"].user, customer=customer, lines=[{"invoice": invoice, "amount": "150000.00"}], reason="无法收回"
    )
    services.write_off_submit(by=personas["dm_hangzhou"].user, write_off=write_off)
    assert _decide_all(personas, write_off) == ["provincial_manager", "regional_manager", "center_staff", "director"]
    assert write_off.state == WriteOffState.APPROVED


@pytest.mark.parametrize(
    ("lines", "field", "words"),
    [
        ([], "lines", "at least one invoice"),
        ([{"invoice": "FIRST", "amount": "30000.01"}], "lines", "is open"),
        ([{"invoice": "FIRST", "amount": "0"}], "lines", "more than zero"),
        ([{"invoice": "FIRST", "amount": "-5"}], "lines", "more than zero"),
        ([{"invoice": "FIRST", "amount": "1.001"}], "lines", "two decimal"),
        ([{"invoice": "FIRST", "amount": "1e30"}], "lines", ""),
        ([{"invoice": "OTHER", "amount": "10.00"}], "lines", "not an invoice of"),
        ([{"invoice": "FIRST", "amount": "10.00"}, {"invoice": "FIRST", "amount": "10.00"}], "lines", "twice"),
        ([{"invoice": 10**20, "amount": "10.00"}], "lines", "unknown invoice"),
        ("not a list", "lines", "list"),
    ],
)
def test_bad_lines_are_refused_with_nothing_written(personas, customer, units, lines, field, words):
    first = _invoice(customer, "30000.00")
    other = _invoice(CustomerFactory(district=units["330100"]), "10000.00")
    ids = {"FIRST": first.pk, "OTHER": other.pk}
    if isinstance(lines, list):
        lines = [{**line, "invoice": ids.get(line["invoice"], line["invoice"])} for line in lines]
    with pytest.raises(InvalidInput) as refused:
        services.write_off_propose(by=personas["rep_hangzhou"].user, customer=customer, lines=lines, reason="无法收回")
    assert refused.value.field == field and words in str(refused.value.message)
    assert not WriteOff.objects.exists() and not WriteOffLine.objects.exists()


def test_no_reason_and_rights_are_refused(personas, customer, units):
    invoice = _invoice(customer, "30000.00")
    line = [{"invoice": invoice.pk, "amount": "100.00"}]
    with pytest.raises(InvalidInput) as refused:
        services.write_off_propose(by=personas["rep_hangzhou"].user, customer=customer, lines=line, reason="  ")
    assert refused.value.field == "reason"
    # Another district's manager, and another salesperson of the same district, may not propose it.
    for who in ("dm_guangzhou", "rep_hangzhou_2"):
        with pytest.raises(NotAllowed):
            services.write_off_propose(by=personas[who].user, customer=customer, lines=line, reason="无法收回")
    # Nobody posts a write-off in the ledger by hand: only the approval does.
    with pytest.raises(NotAllowed):
        write_off_post(by=personas["director"].user, customer=customer, lines=[(invoice.pk, D("100.00"))], on=TODAY)
    assert not WriteOff.objects.exists() and not Allocation.objects.exists()


def test_two_proposals_cannot_claim_the_same_debt(personas, customer):
    invoice = _invoice(customer, "30000.00")
    services.write_off_propose(
        by=personas["rep_hangzhou"].user, customer=customer, lines=[{"invoice": invoice, "amount": "20000.00"}], reason="无法收回"
    )
    with pytest.raises(Conflict) as refused:
        services.write_off_propose(
            by=personas["dm_hangzhou"].user,
            customer=customer,
            lines=[{"invoice": invoice, "amount": "10000.01"}],
            reason="无法收回",
        )
    assert refused.value.field == "lines"
    services.write_off_propose(
        by=personas["dm_hangzhou"].user, customer=customer, lines=[{"invoice": invoice, "amount": "10000.00"}], reason="无法收回"
    )
    assert WriteOff.objects.count() == 2


def test_a_payment_after_submission_makes_the_approval_refuse_and_write_nothing(personas, customer):
    invoice = _invoice(customer, "30000.00")
    write_off = services.write_off_propose(
        by=personas["rep_hangzhou"].user, customer=customer, lines=[{"invoice": invoice, "amount": "30000.00"}], reason="无法收回"
    )
    services.write_off_submit(by=personas["rep_hangzhou"].user, write_off=write_off)
    ledger.payment_record(
        by=SYSTEM, customer=customer, received_on=TODAY, amount="1000.00", allocations=[{"invoice": invoice, "amount": "1000.00"}]
    )
    request = latest_request(write_off)
    for role in ("pm_zhejiang", "rm_east"):
        request_approve(request=request, by=personas[role].user, comment="同意")
        request.refresh_from_db()
    with pytest.raises(DomainError) as refused:
        request_approve(request=request, by=personas["center"].user, comment="同意")
    assert "29,000.00" in str(refused.value.message)
    write_off.refresh_from_db()
    request.refresh_from_db()
    assert write_off.state == WriteOffState.SUBMITTED and request.state == RequestState.SUBMITTED
    assert not Allocation.objects.filter(origin="write_off").exists()
    # The reviewer returns it; edited to what is open, it passes.
    request_return(request=request, by=personas["center"].user, comment="金额已变，请修改")
    write_off.refresh_from_db()
    assert write_off.state == WriteOffState.RETURNED
    services.write_off_update(
        by=personas["rep_hangzhou"].user,
        write_off=write_off,
        lines=[{"invoice": invoice, "amount": "29000.00"}],
        reason="无法收回",
    )
    services.write_off_submit(by=personas["rep_hangzhou"].user, write_off=write_off)
    _decide_all(personas, write_off)
    customer.refresh_from_db()
    assert write_off.state == WriteOffState.APPROVED and customer.open_balance == D("0.00")


def _approved(personas, customer, amount="30000.00", invoice=None, by="rep_hangzhou", deciders=None):
    invoice = invoice or _invoice(customer, amount)
    write_off = services.write_off_propose(
        by=personas[by].user, customer=customer, lines=[{"invoice": invoice, "amount": amount}], reason="无法收回"
    )
    services.write_off_submit(by=personas[by].user, write_off=write_off)
    _decide_all(personas, write_off, deciders)
    return write_off


def test_a_reversal_through_approval_reopens_the_debt_from_its_day(personas, customer):
    write_off = _approved(personas, customer)
    later = date(2026, 4, 15)
    with _at(later):
        reversal = services.write_off_reversal_request(
            by=personas["dm_hangzhou"].user, write_off=write_off, reason="误核销，客户已重组恢复经营"
        )
        assert latest_request(reversal).kind == ApprovalKind.WRITE_OFF_REVERSAL
        assert _decide_all(personas, reversal) == ["regional_manager", "center_staff"]
    write_off.refresh_from_db()
    customer.refresh_from_db()
    assert reversal.state == WriteOffReversalState.APPROVED and write_off.state == WriteOffState.REVERSED
    assert write_off.reversed_on == later
    assert customer.open_balance == D("30000.00") == ledger.exposures([customer.pk])[customer.pk]
    assert Invoice.objects.get(customer=customer).status == InvoiceStatus.OPEN
    # Before the write-off, between it and the reversal, and after: open, closed, open again.
    assert [_open(customer, day) for day in (date(2026, 3, 15), date(2026, 4, 1), later)] == [
        D("30000.00"),
        D("0.00"),
        D("30000.00"),
    ]
    # Twice is refused; a salesperson may not ask for it.
    with pytest.raises(Conflict):
        services.write_off_reversal_request(by=personas["dm_hangzhou"].user, write_off=write_off, reason="再来一次")
    other = _approved(personas, customer, amount="100.00")
    with pytest.raises(NotAllowed):
        services.write_off_reversal_request(by=personas["rep_hangzhou"].user, write_off=other, reason="误核销")


def test_recoveries_are_recorded_apart_and_bounded(personas, customer, units):
    older = _approved(personas, customer, amount="10000.00")
    with _at(date(2026, 3, 20)):
        newer = _approved(personas, customer, amount="5000.00")
    collected = actual(metric="collections", period="2026", unit=customer.district)
    balance = Customer.objects.get(pk=customer.pk).open_balance
    with _at(date(2026, 4, 1)):
        # A customer with no written-off debt, too much, nothing, a day in the future: refused on the field.
        clean = CustomerFactory(district=units["330100"], salesperson=personas["rep_hangzhou"].staff)
        for kwargs, field in (
            ({"customer": clean, "amount": "10.00"}, "customer"),
            ({"customer": customer, "amount": "15000.01"}, "amount"),
            ({"customer": customer, "amount": "0"}, "amount"),
            ({"customer": customer, "amount": "10.00", "received_on": date(2026, 4, 2)}, "received_on"),
        ):
            with pytest.raises(InvalidInput) as refused:
                services.recovery_record(by=personas["rep_hangzhou"].user, **{"received_on": date(2026, 4, 1), **kwargs})
            assert refused.value.field == field
        assert not Recovery.objects.exists()
        # Money received before the newer write-off reaches only the older one.
        with pytest.raises(InvalidInput):
            services.recovery_record(
                by=personas["rep_hangzhou"].user, customer=customer, amount="10000.01", received_on=date(2026, 3, 18)
            )
        rows = services.recovery_record(
            by=personas["rep_hangzhou"].user, customer=customer, amount="12000.00", received_on=date(2026, 4, 1), reference="BK-1"
        )
    assert [(row.write_off_id, row.amount) for row in rows] == [(older.pk, D("10000.00")), (newer.pk, D("2000.00"))]
    # Apart from collections and the ledger.
    assert actual(metric="collections", period="2026", unit=customer.district) == collected
    assert Customer.objects.get(pk=customer.pk).open_balance == balance
    # A write-off with recoveries is not reversed.
    with pytest.raises(Conflict):
        services.write_off_reversal_request(by=personas["dm_hangzhou"].user, write_off=older, reason="误核销")
    assert not WriteOffReversal.objects.exists()


# --- pages and API -------------------------------------------------------------------------------------------------


def test_pages_propose_submit_reverse_and_recover(personas, customer):
    from django.urls import reverse

    invoice = _invoice(customer, "8000.00")
    web = personas["rep_hangzhou"].web()
    page = web.get(reverse("customers:customer_detail", kwargs={"pk": customer.pk}))
    create_url = reverse("risk:write_off_create") + f"?customer={customer.pk}"
    assert page.status_code == 200 and create_url in page.content.decode()
    form = web.get(create_url)
    assert form.status_code == 200 and f'name="line_{invoice.pk}"' in form.content.decode()
    # More than is open, then nothing at all: the form again, in Chinese, naming the invoice; nothing written.
    too_much = web.post(create_url, {f"line_{invoice.pk}": "8000.01", "reason": "无法收回"})
    assert too_much.status_code == 400 and not WriteOff.objects.exists()
    assert "8,000.00" in too_much.content.decode()
    assert web.post(create_url, {"reason": "无法收回"}).status_code == 400 and not WriteOff.objects.exists()
    answer = web.post(create_url, {f"line_{invoice.pk}": "6000.00", "reason": "客户已注销", "collection_history": "三次上门"})
    write_off = WriteOff.objects.get()
    assert answer.status_code == 302 and answer["Location"] == write_off.get_absolute_url()
    assert (write_off.total, write_off.collection_history) == (D("6000.00"), "三次上门")
    assert web.post(write_off.get_absolute_url(), {"action": "submit"}).status_code == 302
    write_off.refresh_from_db()
    assert write_off.state == WriteOffState.SUBMITTED
    listing = web.get(reverse("risk:write_off_list"))
    assert f'data-write-off="{write_off.pk}"' in listing.content.decode()
    _decide_all(personas, write_off)
    assert write_off.state == WriteOffState.APPROVED
    # A salesperson does not ask for a reversal; the district's manager does (the reason is required).
    detail = web.get(write_off.get_absolute_url()).content.decode()
    assert 'value="reverse"' not in detail and 'value="recover"' in detail
    assert web.post(write_off.get_absolute_url(), {"action": "reverse", "reason": "误核销"}).status_code == 403
    manager = personas["dm_hangzhou"].web()
    assert manager.post(write_off.get_absolute_url(), {"action": "reverse", "reason": ""}).status_code == 400
    assert not WriteOffReversal.objects.exists()
    # Money recovered: too much is refused on the amount; within the write-off it is recorded.
    refused = web.post(write_off.get_absolute_url(), {"action": "recover", "amount": "6000.01", "received_on": "2026-03-16"})
    assert refused.status_code == 400 and not Recovery.objects.exists()
    recorded = web.post(
        write_off.get_absolute_url(), {"action": "recover", "amount": "500.00", "received_on": "2026-03-16", "reference": "BK-9"}
    )
    assert recorded.status_code == 302 and Recovery.objects.get().amount == D("500.00")
    recoveries = web.get(reverse("risk:recovery_list")).content.decode()
    assert f'data-recovery="{Recovery.objects.get().pk}"' in recoveries
    # Others' salespeople do not see it.
    assert personas["rep_hangzhou_2"].web().get(write_off.get_absolute_url()).status_code == 404


def test_api_refuses_bad_input_naming_the_field_and_writes_nothing(personas, customer, units):
    from django.urls import reverse

    invoice = _invoice(customer, "8000.00")
    api = personas["rep_hangzhou"].api(language="zh-hans")
    url = reverse("risk-write-off-list")
    body = {"customer": customer.pk, "lines": [{"invoice": invoice.pk, "amount": "8000.00"}], "reason": "客户已注销"}
    other = CustomerFactory(district=units["330100"], salesperson=personas["rep_hangzhou"].staff)
    foreign = _invoice(other, "100.00")
    for change, field in (
        ({"lines": [{"invoice": invoice.pk, "amount": "8000.01"}]}, "lines"),
        ({"lines": [{"invoice": foreign.pk, "amount": "10.00"}]}, "lines"),
        ({"lines": [{"invoice": invoice.pk, "amount": "-1"}]}, "lines"),
        ({"lines": [{"invoice": invoice.pk, "amount": "1e999999"}]}, "lines"),
        ({"lines": []}, "lines"),
        ({"reason": "坏\x00账"}, "reason"),
        ({"reason": ""}, "reason"),
        ({"customer": 2**62}, "customer"),
        ({"surprise": 1}, "surprise"),
    ):
        answer = api.post(url, {**body, **change}, format="json")
        assert answer.status_code == 400, (change, answer.content)
        errors = answer.json()["errors"]
        assert field in errors, (change, errors)
        if field == "lines" and change["lines"]:
            # The reason in the user's language (the zh-hans catalog), not the English msgid.
            assert any("\u4e00" <= ch <= "\u9fff" for ch in str(errors[field])), errors
    assert not WriteOff.objects.exists()
    created = api.post(url, body, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["state"] == "draft" and data["total"] == "8000.00" and data["lines"][0]["invoice"] == invoice.pk
    # Another proposal for the same debt: refused on the lines (it is claimed).
    assert api.post(url, body, format="json").status_code in (400, 409)
    detail = reverse("risk-write-off-detail", kwargs={"pk": data["id"]})
    assert (
        api.patch(
            detail, {"lines": [{"invoice": invoice.pk, "amount": "7000.00"}], "reason": "客户已注销"}, format="json"
        ).status_code
        == 200
    )
    assert api.post(reverse("risk-write-off-submit", kwargs={"pk": data["id"]}), {}, format="json").json()["state"] == "submitted"
    # Recoveries: nothing written off yet → 400 on the customer.
    recovery = api.post(
        reverse("risk-recovery-list"), {"customer": customer.pk, "amount": "10.00", "received_on": "2026-03-16"}, format="json"
    )
    assert recovery.status_code == 400 and "customer" in recovery.json()["errors"]
    assert not Recovery.objects.exists()


def test_the_register_figures_equal_the_facts(personas, customer, units):
    """The register's totals and its rows per child unit (for the regional manager: per province) equal sums over
    the write-offs and recoveries themselves; a reversed write-off counts as reversed, not in force."""
    from django.urls import reverse

    ningbo = CustomerFactory(district=units["330200"])
    guangzhou = CustomerFactory(district=units["440100"])
    south_deciders = {**DECIDERS, "provincial_manager": "pm_guangdong", "regional_manager": "rm_south"}
    kept = _approved(personas, customer, amount="30000.00")
    # 宁波 has no district persona: its province's manager proposes, and the region decides from the second step on.
    other = _approved(personas, ningbo, amount="12000.00", by="pm_zhejiang")
    reversed_one = _approved(personas, customer, amount="5000.00")
    south = _approved(personas, guangzhou, amount="7000.00", by="dm_guangzhou", deciders=south_deciders)
    with _at(date(2026, 3, 20)):
        services.recovery_record(by=SYSTEM, customer=customer, amount="1000.00", received_on=date(2026, 3, 20))
        services.recovery_record(by=SYSTEM, customer=ningbo, amount="2500.00", received_on=date(2026, 3, 20))
        reversal = services.write_off_reversal_request(by=personas["dm_hangzhou"].user, write_off=reversed_one, reason="误核销")
    # The reversal's decision, through approvals (region, center).
    request = latest_request(reversal)
    with _at(date(2026, 3, 20)):
        while request.state == RequestState.SUBMITTED:
            request_approve(request=request, by=personas[DECIDERS[request.current_step.approver_role]].user, comment="同意")
            request.refresh_from_db()
    reversed_one.refresh_from_db()
    assert reversed_one.state == WriteOffState.REVERSED
    # The recovery of 1,000 went to the oldest write-off of the customer in force.
    in_force = {kept.pk: kept.total, other.pk: other.total}
    recovered = {
        row.write_off_id: row.amount for row in Recovery.objects.filter(write_off__unit__path__startswith=units["HD"].path)
    }
    response = personas["rm_east"].web().get(reverse("risk:bad_debt_register"))
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures["in_force"] == sum(in_force.values()) == D("42000.00")
    assert figures["recovered"] == sum(recovered.values()) == D("3500.00")
    assert figures["net_loss"] == D("38500.00") and figures["reversed"] == D("5000.00")
    rows = {row["unit"]: row for row in figures["rows"]}
    assert rows[units["330000"].pk]["in_force"] == D("42000.00") and rows[units["330000"].pk]["count"] == 2
    assert south.pk not in {row.pk for row in response.context["object_list"]}  # 华南 is not 华东's
    center = personas["center"].web().get(reverse("risk:bad_debt_register")).context["figures"]
    assert center["in_force"] == D("49000.00") and {row["name"] for row in center["rows"]} >= {units["HD"].name, units["HN"].name}
