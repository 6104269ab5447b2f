"""Credit limits suggested by the credit policy (建议信用额度, issue 16): the nightly job suggests a limit from the
latest grade and the last twelve months' sales; a manager accepts it — up to the suggestion applied at once, beyond
it through the approval chain."""

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest
import time_machine
from django.urls import reverse

from approvals.choices import ApprovalKind, RequestState
from approvals.selectors import latest_request
from approvals.services import request_approve
from core.errors import Conflict, InvalidInput
from core.rights import SYSTEM, NotAllowed
from customers import services as ledger
from risk import services
from risk.choices import CreditPolicyState, SchemeState, SuggestionState
from risk.models import CreditLimitSuggestion, CreditPolicy, CustomerRating, RatingScheme
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 16)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 3, 16, 4, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def customer(personas, units):
    policy = services.credit_policy_create(
        by=SYSTEM,
        name="额度政策",
        at_limit_action="flag",
        limits={"A": {"mode": "multiple", "multiple": "2", "floor": "1000", "ceiling": "100000"}},
    )
    CreditPolicy.objects.filter(pk=policy.pk).update(state=CreditPolicyState.APPROVED)
    scheme = services.scheme_create(
        subject="customer",
        name="评级",
        factors=[{"factor": "overdue_share", "weight": "100", "bands": [{"from": "0", "score": "100"}]}],
        grades=[{"grade": "A", "from": "50", "to": "100"}, {"grade": "D", "from": "0", "to": "50"}],
        by=SYSTEM,
    )
    RatingScheme.objects.filter(pk=scheme.pk).update(state=SchemeState.APPROVED)
    customer = CustomerFactory(district=units["330100"], salesperson=personas["rep_hangzhou"].staff, credit_limit=D("5000.00"))
    CustomerRating.objects.create(customer=customer, scheme=scheme, score="90", grade="A", rated_on=TODAY, since=TODAY)
    # 12,000 in the last twelve months (the first day of the window included): 1,000 a month.
    days = [date(2025, 3, 16)] + [date(2025 + (m > 12), (m - 1) % 12 + 1, 1) for m in range(4, 15)]
    for day in days:
        ledger.invoice_record(by=SYSTEM, customer=customer, issue_date=day, due_date=day, amount="1000.00")
    ledger.invoice_record(
        by=SYSTEM, customer=customer, issue_date=date(2025, 3, 15), due_date=date(2025, 3, 15), amount="9999.00"
    )
    return customer


def test_the_job_suggests_from_grade_and_sales_and_replaces_open_ones(customer):
    assert services.credit_limits_suggest(by=SYSTEM, today=TODAY) == 1
    suggestion = CreditLimitSuggestion.objects.get()
    assert (suggestion.monthly_sales, suggestion.suggested_limit, suggestion.current_limit) == (
        D("1000.00"),
        D("2000.00"),
        D("5000.00"),
    )
    assert services.credit_limits_suggest(by=SYSTEM, today=TODAY) == 1  # again: the same one, not two
    assert CreditLimitSuggestion.objects.count() == 1


def test_accepted_within_the_policy_is_applied_at_once(personas, customer):
    services.credit_limits_suggest(by=SYSTEM, today=TODAY)
    suggestion = CreditLimitSuggestion.objects.get()
    with pytest.raises(NotAllowed):  # a salesperson does not accept limits
        services.credit_limit_accept(by=personas["rep_hangzhou"].user, suggestion=suggestion)
    with pytest.raises(InvalidInput):
        services.credit_limit_accept(by=personas["dm_hangzhou"].user, suggestion=suggestion, limit="1.234")
    services.credit_limit_accept(by=personas["dm_hangzhou"].user, suggestion=suggestion, limit="1500")
    suggestion.refresh_from_db()
    customer.refresh_from_db()
    assert (suggestion.state, suggestion.accepted_limit, customer.credit_limit) == (
        SuggestionState.APPLIED,
        D("1500.00"),
        D("1500.00"),
    )
    with pytest.raises(Conflict):
        services.credit_limit_accept(by=personas["dm_hangzhou"].user, suggestion=suggestion)


def test_beyond_the_policy_goes_to_approval_and_is_applied_once_approved(personas, customer):
    services.credit_limits_suggest(by=SYSTEM, today=TODAY)
    suggestion = CreditLimitSuggestion.objects.get()
    services.credit_limit_accept(by=personas["dm_hangzhou"].user, suggestion=suggestion, limit="8000")
    customer.refresh_from_db()
    assert customer.credit_limit == D("5000.00")  # not before the decision
    request = latest_request(suggestion)
    assert request.kind == ApprovalKind.CREDIT_LIMIT_CHANGE
    deciders = {"provincial_manager": "pm_zhejiang", "regional_manager": "rm_east", "center_staff": "center"}
    while request.state == RequestState.SUBMITTED:
        request_approve(request=request, by=personas[deciders[request.current_step.approver_role]].user, comment="同意")
        request.refresh_from_db()
    customer.refresh_from_db()
    suggestion.refresh_from_db()
    assert (suggestion.state, customer.credit_limit) == (SuggestionState.APPROVED, D("8000.00"))


def test_pages(personas, customer):
    services.credit_limits_suggest(by=SYSTEM, today=TODAY)
    suggestion = CreditLimitSuggestion.objects.get()
    web = personas["dm_hangzhou"].web()
    listing = web.get(reverse("risk:limit_suggestion_list"))
    assert listing.status_code == 200 and f'data-limit-suggestion="{suggestion.pk}"' in listing.content.decode()
    assert web.post(suggestion.get_absolute_url(), {"limit": "-1"}).status_code == 400
    assert web.post(suggestion.get_absolute_url(), {"limit": ""}).status_code == 302
    customer.refresh_from_db()
    assert customer.credit_limit == D("2000.00")
