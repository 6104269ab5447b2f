"""Credit-limit exceptions (信用额度例外, issue 16): drafted by the customer's salesperson or a manager above,
decided by a chain as long as the amount and the grade say; once approved, the credit check of one invoice and
of a batch uses limit + exception on its days, and the day after its end it no longer counts without anyone
acting (pinned clock). The nightly job stamps the ended ones and tells the salesperson once. Bad input is
refused on its field with nothing written."""

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from approvals.choices import ApprovalKind, RequestState
from approvals.selectors import latest_request
from approvals.services import request_approve, request_return
from core.errors import Conflict, InvalidInput
from core.rights import SYSTEM, NotAllowed
from customers import services as ledger
from customers.services.limits import effective_limit
from notifications.models import Notification
from risk import services
from risk.choices import CreditExceptionState
from risk.models import CreditException
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 16)  # a Monday


def _at(day):
    """Noon in Beijing on `day`."""
    return time_machine.travel(datetime(day.year, day.month, day.day, 4, 0, tzinfo=UTC), tick=False)


@pytest.fixture(autouse=True)
def _clock():
    with _at(TODAY):
        yield


@pytest.fixture
def customer(personas, units):
    customer = CustomerFactory(district=units["330100"], salesperson=personas["rep_hangzhou"].staff, credit_limit=D("100000.00"))
    ledger.invoice_record(
        by=SYSTEM, customer=customer, issue_date=date(2026, 3, 2), due_date=date(2026, 4, 30), amount="90000.00"
    )
    customer.refresh_from_db()
    return customer


def _request(personas, customer, who="rep_hangzhou", **changes):
    values = {
        "extra_amount": "50000.00",
        "valid_from": date(2026, 3, 16),
        "valid_to": date(2026, 3, 31),
        "reason": "春季大单，客户已提供银行保函",
        "evidence": "保函编号 BG-2026-031",
        **changes,
    }
    return services.credit_exception_request(by=personas[who].user, customer=customer, **values)


def _approve_all(personas, exception):
    """Every step of the exception's request, decided by the person it names (or the center's pool)."""
    request = latest_request(exception)
    deciders = {"provincial_manager": "pm_zhejiang", "regional_manager": "rm_east", "center_staff": "center"}
    deciders["director"] = "director"
    while request.state == RequestState.SUBMITTED:
        step = request.current_step
        request_approve(request=request, by=personas[deciders[step.approver_role]].user, comment="同意")
        request.refresh_from_db()
    exception.refresh_from_db()
    return request


def _invoice(customer, amount, day):
    return ledger.invoice_record(by=SYSTEM, customer=customer, issue_date=day, due_date=date(2026, 6, 30), amount=amount)


def _batch(customer, amount, day):
    return ledger.invoice_record_many(
        by=SYSTEM,
        records=[{"customer": customer, "issue_date": day, "due_date": date(2026, 6, 30), "amount": D(amount)}],
    )


# --- the credit check, before, during and after ----------------------------------------------------------------------


@override_settings(CREDIT_LIMIT_POLICY="refuse")
def test_an_invoice_refused_before_passes_while_valid_and_is_refused_the_day_after_the_end(personas, customer):
    with pytest.raises(Conflict) as refused:
        _invoice(customer, "20000.00", TODAY)
    assert refused.value.field == "amount" and refused.value.code == "credit_limit"
    with pytest.raises(ledger.BatchInvalid):  # the batch path refuses the same invoice
        _batch(customer, "20000.00", TODAY)

    exception = _request(personas, customer)
    assert effective_limit(customer, TODAY) == D("100000.00")  # a draft grants nothing
    services.credit_exception_submit(by=personas["rep_hangzhou"].user, exception=exception)
    assert effective_limit(customer, TODAY) == D("100000.00")  # nor does a request waiting for its decision
    _approve_all(personas, exception)
    assert exception.state == CreditExceptionState.APPROVED and exception.approved_at is not None

    result = _invoice(customer, "20000.00", TODAY)
    assert (result.credit_limit, result.exposure, result.over_credit_limit) == (D("150000.00"), D("110000.00"), False)
    with _at(date(2026, 3, 31)):  # the last day still counts
        [batch] = _batch(customer, "20000.00", date(2026, 3, 31))
        assert (batch.credit_limit, batch.exposure) == (D("150000.00"), D("130000.00"))
    with _at(date(2026, 4, 1)):  # the day after: nobody has done anything, the limit is the customer's own again
        assert effective_limit(customer, date(2026, 4, 1)) == D("100000.00")
        with pytest.raises(Conflict):
            _invoice(customer, "1.00", date(2026, 4, 1))
        with pytest.raises(ledger.BatchInvalid):
            _batch(customer, "1.00", date(2026, 4, 1))
    customer.refresh_from_db()
    assert customer.open_balance == D("130000.00")  # the refused ones wrote nothing


@override_settings(CREDIT_LIMIT_POLICY="flag")
def test_flagged_against_the_limit_with_the_exception(personas, customer):
    exception = _request(personas, customer, extra_amount="15000.00")
    services.credit_exception_submit(by=personas["dm_hangzhou"].user, exception=exception)
    _approve_all(personas, exception)
    assert _invoice(customer, "15000.00", TODAY).over_credit_limit is False  # 105,000 ≤ 115,000
    assert _invoice(customer, "10000.01", TODAY).over_credit_limit is True  # 115,000.01 > 115,000


def test_a_customer_without_a_limit_stays_without_one(personas, units):
    customer = CustomerFactory(district=units["330100"], salesperson=personas["rep_hangzhou"].staff)
    exception = _request(personas, customer)
    CreditException.objects.filter(pk=exception.pk).update(state=CreditExceptionState.APPROVED)
    assert effective_limit(customer, TODAY) == D("0.00")  # zero is "no limit"; an exception adds to a limit


# --- the chain -------------------------------------------------------------------------------------------------------


def test_chain_levels_grow_with_the_amount_and_a_worse_grade():
    assert services.chain_levels(D("50000.00"), "A") == 1
    assert services.chain_levels(D("50000.01"), "A") == 2
    assert services.chain_levels(D("200000.01"), "AA") == 3
    assert services.chain_levels(D("1000000.01"), "AAA") == 4
    assert services.chain_levels(D("50000.00"), "C") == 2
    assert services.chain_levels(D("50000.00"), "D") == 3
    assert services.chain_levels(D("50000.00"), "") == 2  # not graded: as C
    assert services.chain_levels(D("900000.00"), "D") == 4  # never beyond the director


def _chain(exception):
    return [step.approver_role for step in latest_request(exception).steps.order_by("order")]


def test_the_chain_climbs_the_tree_as_high_as_the_levels_say(personas, customer):
    small = _request(personas, customer, extra_amount="30000.00", valid_to=date(2026, 3, 20))
    request = services.credit_exception_submit(by=personas["rep_hangzhou"].user, exception=small)
    assert request.kind == ApprovalKind.CREDIT_LIMIT_EXCEPTION and request.amount == D("30000.00")
    assert _chain(small) == ["provincial_manager", "regional_manager"]  # not graded: one level more than a good grade
    assert request.snapshot["credit_limit"] == "100000.00" and request.snapshot["open_balance"] == "90000.00"

    large = _request(personas, customer, extra_amount="2000000.00", valid_from=date(2026, 4, 1), valid_to=date(2026, 4, 30))
    services.credit_exception_submit(by=personas["rep_hangzhou"].user, exception=large)
    assert _chain(large) == ["provincial_manager", "regional_manager", "center_staff", "director"]


# --- returned, edited, withdrawn ---------------------------------------------------------------------------------


def test_returned_is_edited_and_submitted_again_and_withdrawn(personas, customer):
    exception = _request(personas, customer)
    services.credit_exception_submit(by=personas["rep_hangzhou"].user, exception=exception)
    request_return(request=latest_request(exception), by=personas["pm_zhejiang"].user, comment="金额过大")
    exception.refresh_from_db()
    assert exception.state == CreditExceptionState.RETURNED
    services.credit_exception_update(
        by=personas["rep_hangzhou"].user,
        exception=exception,
        extra_amount="30000.00",
        valid_from=date(2026, 3, 16),
        valid_to=date(2026, 3, 31),
        reason="减少金额",
    )
    exception.refresh_from_db()
    assert (exception.state, exception.extra_amount) == (CreditExceptionState.DRAFT, D("30000.00"))
    services.credit_exception_submit(by=personas["rep_hangzhou"].user, exception=exception)
    assert latest_request(exception).version == 2
    services.credit_exception_withdraw(by=personas["rep_hangzhou"].user, exception=exception)
    exception.refresh_from_db()
    assert exception.state == CreditExceptionState.WITHDRAWN
    # Withdrawn, its days are free again.
    assert _request(personas, customer).state == CreditExceptionState.DRAFT


# --- the end -------------------------------------------------------------------------------------------------------


def test_the_nightly_job_stamps_the_end_and_tells_the_salesperson_once(personas, customer):
    exception = _request(personas, customer)
    services.credit_exception_submit(by=personas["rep_hangzhou"].user, exception=exception)
    _approve_all(personas, exception)
    rep = personas["rep_hangzhou"].user
    assert services.credit_exceptions_end(by=SYSTEM, today=date(2026, 3, 31)) == 0  # still its last day
    before = Notification.objects.filter(recipient=rep).count()
    with _at(date(2026, 4, 1)):
        from risk.tasks import credit_exceptions_end

        assert credit_exceptions_end() == 1
        assert credit_exceptions_end() == 0  # a second run: nothing to stamp, nobody told again
    exception.refresh_from_db()
    assert exception.ended_on == date(2026, 4, 1) and exception.state == CreditExceptionState.APPROVED
    told = Notification.objects.filter(recipient=rep).order_by("-id")
    assert told.count() == before + 1
    assert exception.customer.name in told[0].title


def test_the_job_is_the_systems_or_the_centers(personas):
    with pytest.raises(NotAllowed):
        services.credit_exceptions_end(by=personas["rm_east"].user, today=TODAY)
    assert services.credit_exceptions_end(by=personas["center"].user, today=TODAY) == 0


# --- bad input -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"valid_from": date(2026, 3, 20), "valid_to": date(2026, 3, 19)}, "valid_to"),
        ({"valid_from": date(2026, 3, 15)}, "valid_from"),  # yesterday
        ({"valid_to": date(2027, 3, 31)}, "valid_to"),  # more than a year
        ({"extra_amount": "0"}, "extra_amount"),
        ({"extra_amount": "-5.00"}, "extra_amount"),
        ({"extra_amount": "1.234"}, "extra_amount"),
        ({"extra_amount": "100000000.01"}, "extra_amount"),  # absurd
        ({"extra_amount": "1e30"}, "extra_amount"),
        ({"extra_amount": "abc"}, "extra_amount"),
        ({"reason": "  "}, "reason"),
        ({"valid_to": "2026-13-01"}, "valid_to"),
    ],
)
def test_bad_input_is_refused_on_its_field_with_nothing_written(personas, customer, changes, field):
    with pytest.raises(InvalidInput) as refused:
        _request(personas, customer, **changes)
    assert refused.value.field == field
    assert not CreditException.objects.exists()


def test_overlapping_exceptions_of_one_customer_are_refused(personas, customer):
    _request(personas, customer)  # 16–31 March, a draft
    with pytest.raises(Conflict) as refused:
        _request(personas, customer, valid_from=date(2026, 3, 31), valid_to=date(2026, 4, 10))
    assert refused.value.field == "valid_from" and "2026-03-16" in refused.value.message
    assert CreditException.objects.count() == 1
    _request(personas, customer, valid_from=date(2026, 4, 1), valid_to=date(2026, 4, 10))  # the day after: fine


@pytest.mark.parametrize("who", ["rep_hangzhou_2", "dm_guangzhou", "pm_guangdong"])
def test_a_customer_outside_ones_part_is_refused_on_the_customer(personas, customer, who):
    with pytest.raises(NotAllowed) as refused:
        _request(personas, customer, who=who)
    assert refused.value.field == "customer"
    assert not CreditException.objects.exists()


# --- pages and API -------------------------------------------------------------------------------------------------


def test_pages_request_submit_and_show_on_the_customer_page(personas, customer):
    web = personas["rep_hangzhou"].web()
    page = web.get(reverse("customers:customer_detail", kwargs={"pk": customer.pk}))
    assert page.status_code == 200
    create_url = reverse("risk:credit_exception_create") + f"?customer={customer.pk}"
    assert create_url in page.content.decode()
    assert web.get(create_url).status_code == 200
    bad = web.post(
        create_url,
        {"extra_amount": "50000", "valid_from": "2026-03-20", "valid_to": "2026-03-19", "reason": "保函"},
    )
    assert bad.status_code == 400 and not CreditException.objects.exists()
    answer = web.post(
        create_url, {"extra_amount": "50000", "valid_from": "2026-03-16", "valid_to": "2026-03-31", "reason": "保函"}
    )
    exception = CreditException.objects.get()
    assert answer.status_code == 302 and answer["Location"] == exception.get_absolute_url()
    assert web.post(exception.get_absolute_url(), {"action": "submit"}).status_code == 302
    exception.refresh_from_db()
    assert exception.state == CreditExceptionState.SUBMITTED
    listing = web.get(reverse("risk:credit_exception_list"))
    assert listing.status_code == 200 and f'data-credit-exception="{exception.pk}"' in listing.content.decode()
    assert personas["rep_hangzhou_2"].web().get(exception.get_absolute_url()).status_code == 404


def test_api_create_refuses_bad_input_naming_the_field(personas, customer, units):
    api = personas["rep_hangzhou"].api(language="en")
    url = reverse("risk-credit-exception-list")
    body = {"customer": customer.pk, "extra_amount": "50000.00", "valid_from": "2026-03-16", "valid_to": "2026-03-31"}
    answer = api.post(url, {**body, "reason": "保函"}, format="json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["state"] == "draft" and answer.json()["extra_amount"] == "50000.00"
    overlap = api.post(url, {**body, "reason": "再来一次"}, format="json")
    assert overlap.status_code == 409 and "valid_from" in overlap.json()["errors"]
    other = CustomerFactory(district=units["440100"], credit_limit=D("1000.00"))
    outside = api.post(url, {**body, "customer": other.pk, "reason": "保函"}, format="json")
    assert outside.status_code == 400 and "customer" in outside.json()["errors"]
    assert CreditException.objects.count() == 1
