"""Credit holds (暂停赊销, issue 16): the nightly job puts on hold customers of grade D or with an open invoice more
than N days overdue; a customer on hold gets no new invoice (one, a batch, an invoice moved to it), refused with
the reason, until a release is approved through the approval chain; a released customer is not held again for
the same thing; the page lists who is on hold and why."""

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest
import time_machine
from django.urls import reverse

from approvals.choices import ApprovalKind, RequestState
from approvals.selectors import latest_request
from approvals.services import request_approve, request_reject
from core.errors import Conflict, InvalidInput
from core.rights import SYSTEM, NotAllowed
from customers import services as ledger
from risk import services
from risk.choices import HoldReleaseState, HoldRule, HoldState, SchemeState
from risk.models import CreditHold, CreditHoldRelease, CustomerRating, RatingScheme
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 16)  # a Monday


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 3, 16, 4, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def late(personas, units):
    """A customer with an invoice due 2025-12-01: 105 days overdue today."""
    customer = CustomerFactory(district=units["330100"], salesperson=personas["rep_hangzhou"].staff)
    ledger.invoice_record(
        by=SYSTEM, customer=customer, issue_date=date(2025, 11, 1), due_date=date(2025, 12, 1), amount="5000.00"
    )
    return customer


@pytest.fixture
def graded_d(personas, units):
    scheme = services.scheme_create(
        subject="customer",
        name="逾期评级",
        factors=[{"factor": "overdue_share", "weight": "100", "bands": [{"from": "0", "score": "100"}]}],
        grades=[{"grade": "A", "from": "50", "to": "100"}, {"grade": "D", "from": "0", "to": "50"}],
        by=SYSTEM,
    )
    RatingScheme.objects.filter(pk=scheme.pk).update(state=SchemeState.APPROVED)
    customer = CustomerFactory(district=units["330100"], salesperson=personas["rep_hangzhou"].staff)
    CustomerRating.objects.create(
        customer=customer, scheme=scheme, score="10.00", grade="D", rated_on=TODAY, since=date(2026, 3, 1)
    )
    return customer


def _invoice(customer, amount="100.00", day=TODAY):
    return ledger.invoice_record(by=SYSTEM, customer=customer, issue_date=day, due_date=date(2026, 6, 30), amount=amount)


def test_the_job_holds_grade_d_and_long_overdue_customers_once(personas, late, graded_d, units):
    on_time = CustomerFactory(district=units["330100"])
    _invoice(on_time)
    paid_late = CustomerFactory(district=units["330100"])
    ledger.invoice_record(by=SYSTEM, customer=paid_late, issue_date=date(2025, 11, 1), due_date=date(2025, 12, 1), amount="10.00")
    ledger.payment_record(by=SYSTEM, customer=paid_late, received_on=date(2026, 3, 2), amount="10.00")
    assert services.credit_holds_refresh(by=SYSTEM, today=TODAY) == 2
    holds = {hold.customer_id: hold for hold in CreditHold.objects.all()}
    assert set(holds) == {late.pk, graded_d.pk}
    assert holds[late.pk].rule == HoldRule.OVERDUE and "2025-12-01" in holds[late.pk].detail
    assert holds[graded_d.pk].rule == HoldRule.GRADE_D
    assert holds[late.pk].unit_id == late.district_id and holds[late.pk].owner_id == late.salesperson_id
    assert services.credit_holds_refresh(by=SYSTEM, today=TODAY) == 0  # a second run places nothing
    assert CreditHold.objects.count() == 2
    # Not yet N days overdue: 2025-12-01 + 90 days is 2026-03-01; on that day nothing is held for it.
    CreditHold.objects.all().delete()
    assert services.credit_holds_refresh(by=SYSTEM, today=date(2026, 3, 1), overdue_days=90) == 1  # only grade D


def test_a_customer_on_hold_gets_no_new_invoice_by_any_door(personas, late, units):
    services.credit_holds_refresh(by=SYSTEM, today=TODAY)
    with pytest.raises(Conflict) as refused:
        _invoice(late)
    assert refused.value.field == "customer" and refused.value.code == "credit_hold"
    assert "2025-12-01" in refused.value.message
    with pytest.raises(ledger.BatchInvalid) as batch:
        ledger.invoice_record_many(
            by=SYSTEM,
            records=[{"customer": late, "issue_date": TODAY, "due_date": date(2026, 6, 30), "amount": D("1.00")}],
        )
    assert batch.value.errors[0].code == "credit_hold"
    other = CustomerFactory(district=units["330100"])
    invoice = _invoice(other).invoice
    with pytest.raises(Conflict):
        ledger.invoice_update(by=SYSTEM, invoice=invoice, customer=late)
    late.refresh_from_db()
    assert late.open_balance == D("5000.00")  # nothing was written


def _release_all(personas, release):
    deciders = {"provincial_manager": "pm_zhejiang", "regional_manager": "rm_east", "center_staff": "center"}
    request = latest_request(release)
    while request.state == RequestState.SUBMITTED:
        request_approve(request=request, by=personas[deciders[request.current_step.approver_role]].user, comment="同意")
        request.refresh_from_db()
    return request


def test_released_through_approval_and_not_held_again_for_the_same_thing(personas, late):
    services.credit_holds_refresh(by=SYSTEM, today=TODAY)
    hold = CreditHold.objects.get()
    with pytest.raises(InvalidInput) as refused:
        services.credit_hold_release_request(by=personas["rep_hangzhou"].user, hold=hold, reason=" ")
    assert refused.value.field == "reason"
    release = services.credit_hold_release_request(by=personas["rep_hangzhou"].user, hold=hold, reason="客户已承诺本月结清")
    request = latest_request(release)
    assert request.kind == ApprovalKind.CREDIT_HOLD_RELEASE
    assert [step.approver_role for step in request.steps.order_by("order")] == ["provincial_manager", "regional_manager"]
    with pytest.raises(Conflict):  # one release waiting at a time
        services.credit_hold_release_request(by=personas["dm_hangzhou"].user, hold=hold, reason="再问一次")
    with pytest.raises(Conflict):  # still on hold while the release waits
        _invoice(late)
    _release_all(personas, release)
    hold.refresh_from_db()
    assert (hold.state, hold.released_on) == (HoldState.RELEASED, TODAY)
    assert _invoice(late).invoice.pk  # invoices pass again
    assert services.credit_holds_refresh(by=SYSTEM, today=date(2026, 3, 17)) == 0  # the same old invoice: not again
    # A new invoice that passes N days overdue after the release puts the customer on hold again.
    ledger.invoice_record(by=SYSTEM, customer=late, issue_date=date(2026, 3, 17), due_date=date(2026, 3, 20), amount="1.00")
    assert services.credit_holds_refresh(by=SYSTEM, today=date(2026, 6, 19)) == 1


def test_a_grade_d_release_goes_to_the_center_and_a_rejection_keeps_the_hold(personas, graded_d):
    services.credit_holds_refresh(by=SYSTEM, today=TODAY)
    hold = CreditHold.objects.get()
    release = services.credit_hold_release_request(by=personas["dm_hangzhou"].user, hold=hold, reason="已取得担保")
    request = latest_request(release)
    assert [step.approver_role for step in request.steps.order_by("order")] == [
        "provincial_manager",
        "regional_manager",
        "center_staff",
    ]
    request_reject(request=request, by=personas["pm_zhejiang"].user, comment="风险过高")
    release.refresh_from_db()
    hold.refresh_from_db()
    assert release.state == HoldReleaseState.REJECTED and hold.state == HoldState.ON
    # Rejected, a new release may be asked for.
    assert services.credit_hold_release_request(by=personas["dm_hangzhou"].user, hold=hold, reason="补充担保").pk


@pytest.mark.parametrize("who", ["rep_hangzhou_2", "dm_guangzhou"])
def test_only_the_salesperson_or_a_manager_above_asks_for_a_release(personas, late, who):
    services.credit_holds_refresh(by=SYSTEM, today=TODAY)
    with pytest.raises(NotAllowed):
        services.credit_hold_release_request(by=personas[who].user, hold=CreditHold.objects.get(), reason="请解除")
    assert not CreditHoldRelease.objects.exists()


def test_the_job_is_the_systems_or_the_centers(personas):
    with pytest.raises(NotAllowed):
        services.credit_holds_refresh(by=personas["dm_hangzhou"].user, today=TODAY)


def test_the_page_lists_who_is_on_hold_and_why_and_takes_a_release(personas, late):
    services.credit_holds_refresh(by=SYSTEM, today=TODAY)
    hold = CreditHold.objects.get()
    web = personas["dm_hangzhou"].web()
    page = web.get(reverse("risk:credit_hold_list"))
    assert page.status_code == 200 and f'data-credit-hold="{hold.pk}"' in page.content.decode()
    assert "2025-12-01" in page.content.decode()
    assert personas["dm_guangzhou"].web().get(hold.get_absolute_url()).status_code == 404
    customer_page = web.get(reverse("customers:customer_detail", kwargs={"pk": late.pk})).content.decode()
    assert hold.get_absolute_url() in customer_page
    assert web.post(hold.get_absolute_url(), {"reason": ""}).status_code == 400
    assert web.post(hold.get_absolute_url(), {"reason": "客户已还款计划"}).status_code == 302
    assert CreditHoldRelease.objects.get().state == HoldReleaseState.SUBMITTED
