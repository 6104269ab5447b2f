"""Grade overrides: asked by a manager with a reason and an end, decided by the Development Center, applied
at once and by every rating while in force, ended by itself after its day; refusals write nothing."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from approvals.models import ApprovalRequest
from approvals.services import request_approve, request_reject
from core.errors import Conflict, InvalidInput
from core.rights import SYSTEM, NotAllowed
from customers import services as ledger
from risk import services
from risk.choices import ChangeReason, OverrideState
from risk.models import CustomerGradeChange, CustomerRating, GradeOverride
from tests.customers.factories import CustomerFactory
from tests.risk.test_ratings import approved

D = Decimal
RATED = date(2025, 3, 1)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2025, 3, 1, 4, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def late(personas, units):
    """A customer graded D on RATED (everything overdue, over its limit)."""
    approved(personas)
    customer = CustomerFactory(district=units["330100"], credit_limit=D("1000.00"))
    ledger.invoice_record(
        by=SYSTEM, customer=customer, issue_date=date(2025, 1, 10), due_date=date(2025, 2, 10), amount=D("1500.00")
    )
    services.rate(subject="customer", as_of=RATED, by=SYSTEM)
    assert CustomerRating.objects.get(customer=customer).grade == "D"
    return customer


def _ask(personas, customer, who="dm_hangzhou", **changes):
    fields = {"grade": "B", "reason": "已取得母公司担保函", "expires_on": RATED + timedelta(days=30)}
    fields.update(changes)
    return services.override_request(by=personas[who].user, customer=customer, **fields)


def _request(override):
    return ApprovalRequest.objects.get(content_type=ContentType.objects.get_for_model(GradeOverride), object_id=override.pk)


def _approve(personas, override):
    """The chain of a district's request to the center: the regional manager, then the center."""
    request_approve(request=_request(override), by=personas["rm_east"].user)
    request_approve(request=_request(override), by=personas["center"].user)


def test_an_approved_override_applies_at_once_and_in_every_rating_until_it_ends(personas, late, clock):
    override = _ask(personas, late)
    assert (override.state, override.computed_grade, override.owner_id) == (OverrideState.SUBMITTED, "D", late.salesperson_id)
    assert CustomerRating.objects.get(customer=late).grade == "D"  # nothing changes before the decision
    _approve(personas, override)
    override.refresh_from_db()
    rating = CustomerRating.objects.get(customer=late)
    assert override.state == OverrideState.APPROVED and (rating.grade, rating.override_id, rating.since) == (
        "B",
        override.pk,
        RATED,
    )
    change = CustomerGradeChange.objects.filter(customer=late).latest("id")
    assert (change.old_grade, change.new_grade, change.reason, change.overdue_share) == ("D", "B", ChangeReason.OVERRIDE, D("1"))

    # Rated again while in force: the override's grade, the computed one beside it, no new change.
    clock.move_to(datetime(2025, 3, 15, 4, 0, tzinfo=UTC))
    services.rate(subject="customer", as_of=date(2025, 3, 15), by=SYSTEM)
    rating = CustomerRating.objects.get(customer=late)
    assert (rating.grade, rating.computed_grade, rating.override_id) == ("B", "D", override.pk)
    assert CustomerGradeChange.objects.filter(customer=late).count() == 2

    # The day after it ends: the computed grade returns by itself and the change says why.
    clock.move_to(datetime(2025, 4, 1, 4, 0, tzinfo=UTC))
    services.rate(subject="customer", as_of=date(2025, 4, 1), by=SYSTEM)
    override.refresh_from_db()
    rating = CustomerRating.objects.get(customer=late)
    assert (override.state, override.ended_on) == (OverrideState.EXPIRED, date(2025, 4, 1))
    assert (rating.grade, rating.override_id) == ("D", None)
    change = CustomerGradeChange.objects.filter(customer=late).latest("id")
    assert (change.old_grade, change.new_grade, change.reason) == ("B", "D", ChangeReason.OVERRIDE_ENDED)


def test_a_rejected_override_changes_nothing(personas, late):
    override = _ask(personas, late)
    request_reject(request=_request(override), by=personas["director"].user, comment="担保不足")
    override.refresh_from_db()
    assert override.state == OverrideState.REJECTED and CustomerRating.objects.get(customer=late).grade == "D"
    _ask(personas, late)  # a new request may follow a rejected one


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"reason": "  "}, "reason"),
        ({"grade": "Z"}, "grade"),
        ({"expires_on": RATED}, "expires_on"),
        ({"expires_on": RATED + timedelta(days=400)}, "expires_on"),
        ({"expires_on": date(9999, 12, 31)}, "expires_on"),
    ],
)
def test_bad_requests_are_refused_on_their_field_and_write_nothing(personas, late, changes, field):
    with pytest.raises(InvalidInput) as refused:
        _ask(personas, late, **changes)
    assert refused.value.field == field
    assert not GradeOverride.objects.exists() and not ApprovalRequest.objects.filter(kind="grade_override").exists()


def test_who_may_ask(personas, late, units):
    with pytest.raises(NotAllowed):
        _ask(personas, late, who="rep_hangzhou")
    _ask(personas, late)
    with pytest.raises(Conflict):
        _ask(personas, late, who="rm_east")  # one waiting or in force at a time
    unrated = CustomerFactory(district=units["330100"])
    with pytest.raises(Conflict):
        _ask(personas, unrated)
    assert GradeOverride.objects.count() == 1


def test_request_page_finds_the_customer_in_scope_first(personas, late):
    url = reverse("risk:override_create") + f"?customer={late.pk}"
    assert personas["dm_guangzhou"].web().get(url).status_code == 404
    assert personas["rep_hangzhou"].web().get(url).status_code == 403
    page = personas["dm_hangzhou"].web().get(reverse("customers:customer_detail", kwargs={"pk": late.pk}))
    assert reverse("risk:override_create") in page.content.decode()
    refused = personas["dm_hangzhou"].web().post(url, {"grade": "B", "expires_on": "2025-03-31", "reason": ""})
    assert refused.status_code == 400 and not GradeOverride.objects.exists()
    made = personas["dm_hangzhou"].web().post(url, {"grade": "B", "expires_on": "2025-03-31", "reason": "担保函"})
    assert made.status_code == 302 and GradeOverride.objects.get().customer_id == late.pk
    listing = personas["rm_east"].web().get(reverse("risk:override_list"))
    assert [o.customer_id for o in listing.context["object_list"]] == [late.pk]
    assert personas["rm_south"].web().get(reverse("risk:override_list")).context["object_list"].count() == 0
