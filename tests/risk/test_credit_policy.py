"""The credit policy (信用政策, issue 16): drafted by the Development Center, approved through its pool, one in force;
while in force its at-limit action replaces the CREDIT_LIMIT_POLICY setting and its hold rules drive the nightly
hold job; its suggested limits follow the grade (a multiple of monthly sales between floor and ceiling, or fixed).
Bad input (an unknown grade, a ceiling below the floor, a cap below zero or of a region) is refused on its field."""

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from approvals.choices import ApprovalKind
from approvals.selectors import latest_request
from approvals.services import request_approve
from core.errors import Conflict, InvalidInput
from core.rights import SYSTEM, NotAllowed
from customers import services as ledger
from risk import services
from risk.choices import CreditPolicyState
from risk.models import CreditHold, CreditPolicy
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 16)

LIMITS = {
    "A": {"mode": "multiple", "multiple": "3", "floor": "10000", "ceiling": "500000"},
    "D": {"mode": "fixed", "amount": "0"},
}


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 3, 16, 4, 0, tzinfo=UTC), tick=False):
        yield


def _draft(personas, **changes):
    values = {
        "name": "2026年信用政策",
        "at_limit_action": "refuse",
        "limits": LIMITS,
        "hold_grade_d": False,
        "hold_overdue_days": 30,
        "caps": [{"unit": "330100", "cap": "5000000"}, {"unit": "330000", "cap": "20000000.00"}],
        "reason": "收紧赊销",
        **changes,
    }
    return services.credit_policy_create(by=personas["center"].user, **values)


def _approve(personas, policy):
    services.credit_policy_submit(by=personas["center"].user, policy=policy)
    request = latest_request(policy)
    assert request.kind == ApprovalKind.CREDIT_POLICY
    request_approve(request=request, by=personas["director"].user, comment="同意")
    policy.refresh_from_db()
    return policy


def test_drafted_approved_and_in_force_one_at_a_time(personas):
    first = _approve(personas, _draft(personas))
    assert first.state == CreditPolicyState.APPROVED and services.policy_in_force() == first
    assert {(cap.unit.code, cap.cap) for cap in first.caps.select_related("unit")} == {
        ("330100", D("5000000.00")),
        ("330000", D("20000000.00")),
    }
    second = services.credit_policy_revise(by=personas["center"].user, policy=first)
    assert (second.version, second.state, second.caps.count()) == (2, CreditPolicyState.DRAFT, 2)
    with pytest.raises(Conflict):  # one revision at a time
        services.credit_policy_revise(by=personas["center"].user, policy=first)
    _approve(personas, second)
    first.refresh_from_db()
    assert first.state == CreditPolicyState.RETIRED and services.policy_in_force().pk == second.pk


@override_settings(CREDIT_LIMIT_POLICY="flag")
def test_the_policy_in_force_decides_the_at_limit_action(personas, units):
    customer = CustomerFactory(district=units["330100"], credit_limit=D("100.00"))
    assert ledger.invoice_record(
        by=SYSTEM, customer=customer, issue_date=TODAY, due_date=date(2026, 4, 30), amount="150.00"
    ).over_credit_limit  # the setting: flagged
    _approve(personas, _draft(personas))  # refuse
    with pytest.raises(Conflict):
        ledger.invoice_record(by=SYSTEM, customer=customer, issue_date=TODAY, due_date=date(2026, 4, 30), amount="1.00")
    with pytest.raises(ledger.BatchInvalid):
        ledger.invoice_record_many(
            by=SYSTEM,
            records=[{"customer": customer, "issue_date": TODAY, "due_date": date(2026, 4, 30), "amount": D("1.00")}],
        )


def test_the_hold_job_follows_the_policys_rules(personas, units):
    customer = CustomerFactory(district=units["330100"])
    ledger.invoice_record(by=SYSTEM, customer=customer, issue_date=date(2026, 1, 1), due_date=date(2026, 2, 1), amount="9.00")
    assert services.credit_holds_refresh(by=SYSTEM, today=TODAY) == 0  # 43 days: under the default 90
    _approve(personas, _draft(personas, hold_overdue_days=30))
    assert services.credit_holds_refresh(by=SYSTEM, today=TODAY) == 1
    assert "30" in CreditHold.objects.get().detail


def test_suggested_limits_per_grade():
    assert services.suggested_limit(LIMITS, "A", D("1000.00")) == D("10000.00")  # 3,000: raised to the floor
    assert services.suggested_limit(LIMITS, "A", D("50000.00")) == D("150000.00")
    assert services.suggested_limit(LIMITS, "A", D("900000.00")) == D("500000.00")  # the ceiling
    assert services.suggested_limit(LIMITS, "D", D("900000.00")) == D("0")
    assert services.suggested_limit(LIMITS, "B", D("900000.00")) is None  # the policy says nothing


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"limits": {"E": {"mode": "fixed", "amount": "1"}}}, "limits"),
        ({"limits": {"A": {"mode": "multiple", "multiple": "3", "floor": "9", "ceiling": "8"}}}, "limits"),
        ({"limits": {"A": {"mode": "multiple", "multiple": "0", "floor": "0", "ceiling": "8"}}}, "limits"),
        ({"limits": {"A": {"mode": "fixed", "amount": "-1"}}}, "limits"),
        ({"caps": [{"unit": "330100", "cap": "-1"}]}, "caps"),
        ({"caps": [{"unit": "HD", "cap": "1"}]}, "caps"),  # a region: caps are for districts and provinces
        ({"caps": [{"unit": "330100", "cap": "1"}, {"unit": "330100", "cap": "2"}]}, "caps"),
        ({"at_limit_action": "warn"}, "at_limit_action"),
        ({"hold_overdue_days": 0}, "hold_overdue_days"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_input_is_refused_on_its_field_with_nothing_written(personas, changes, field):
    with pytest.raises(InvalidInput) as refused:
        _draft(personas, **changes)
    assert refused.value.field == field
    assert not CreditPolicy.objects.exists()


def test_only_the_center_sets_the_policy(personas):
    with pytest.raises(NotAllowed):
        services.credit_policy_create(
            by=personas["rm_east"].user, name="x", at_limit_action="flag", limits={}, caps=[], reason=""
        )


def test_pages_draft_and_submit(personas):
    web = personas["center"].web()
    form = {
        "name": "2026年信用政策",
        "at_limit_action": "flag",
        "hold_grade_d": "on",
        "hold_overdue_days": "60",
        "caps": "330100: 5000000\n330000: 1000000",
        "reason": "",
        "A_mode": "multiple",
        "A_multiple": "3",
        "A_floor": "10000",
        "A_ceiling": "500000",
        "D_mode": "fixed",
        "D_amount": "0",
    }
    assert web.post(reverse("risk:credit_policy_create"), {**form, "A_ceiling": "1"}).status_code == 400
    answer = web.post(reverse("risk:credit_policy_create"), form)
    policy = CreditPolicy.objects.get()
    assert answer.status_code == 302 and policy.limits["A"]["ceiling"] == "500000.00" and policy.caps.count() == 2
    assert web.get(reverse("risk:credit_policy_edit", kwargs={"pk": policy.pk})).status_code == 200
    assert web.post(policy.get_absolute_url(), {"action": "submit"}).status_code == 302
    policy.refresh_from_db()
    assert policy.state == CreditPolicyState.SUBMITTED
    page = personas["rep_hangzhou"].web().get(reverse("risk:credit_policy_list"))
    assert page.status_code == 200 and f'data-credit-policy="{policy.pk}"' in page.content.decode()
