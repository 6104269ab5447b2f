"""The kept counts of grades (GradeCount, GradeMoveCount) equal the ratings and changes counted live, for
every reader's scope, after rating runs on several days and after an override; the overview reads them in a
constant number of queries."""

from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from approvals.models import ApprovalRequest
from approvals.services import request_approve
from core.rights import SYSTEM
from customers import services as ledger
from risk import selectors, services
from risk.choices import GRADES
from risk.models import CustomerGradeChange, CustomerRating, GradeCount, GradeOverride, StaffRating
from tests.customers.factories import CustomerFactory
from tests.risk.test_ratings import GRADES as SCHEME_GRADES
from tests.risk.test_ratings import approved

D = Decimal


def _approval(override):
    return ApprovalRequest.objects.get(content_type=ContentType.objects.get_for_model(GradeOverride), object_id=override.pk)


READERS = ["director", "rm_east", "rm_south", "pm_zhejiang", "dm_hangzhou", "dm_guangzhou", "rep_hangzhou"]


@pytest.fixture
def rated(personas, units):
    """Customers in three districts of two regions, some of them late, rated at the end of two months."""
    approved(personas)
    rep = personas["rep_hangzhou"].staff
    for n, (code, late) in enumerate(
        [("330100", True), ("330100", False), ("330200", True), ("440100", True), ("440100", False)]
    ):
        customer = CustomerFactory(district=units[code], credit_limit=D("1000.00"), salesperson=rep if code == "330100" else None)
        amount = D("1500.00") if late else D("100.00")
        ledger.invoice_record(
            by=SYSTEM, customer=customer, issue_date=date(2025, 1, 5 + n), due_date=date(2025, 2, 5), amount=amount
        )
    with time_machine.travel(datetime(2025, 2, 1, 4, tzinfo=UTC), tick=False):
        services.rate(subject="customer", as_of=date(2025, 2, 1), by=SYSTEM)
    with time_machine.travel(datetime(2025, 3, 10, 4, tzinfo=UTC), tick=False):
        services.rate(subject="customer", as_of=date(2025, 3, 10), by=SYSTEM)


def _live(user, since):
    counts = Counter(CustomerRating.objects.for_user(user).values_list("grade", flat=True))
    moves = Counter(
        CustomerGradeChange.objects.for_user(user)
        .filter(on__gte=since)
        .exclude(old_grade="")
        .values_list("old_grade", "new_grade")
    )
    return counts, moves


def _kept(user, since):
    distribution = selectors.grade_distribution(user=user, subject="customer", month_start=since)
    counts = Counter({row["grade"]: row["count"] for row in distribution["grades"] if row["count"]})
    return counts, Counter(selectors.migration_matrix(user=user, subject="customer", since=since))


def test_kept_counts_equal_the_live_counts_for_every_reader(personas, rated):
    assert GradeCount.objects.filter(subject="customer").exists()
    seen = set()
    for name in READERS:
        user = personas[name].user
        for since in (date(2025, 2, 1), date(2025, 3, 1)):
            kept, live = _kept(user, since), _live(user, since)
            assert kept == live, (name, since)
            seen.add(sum(kept[0].values()))
    assert len(seen) > 2  # the readers see different numbers: the scopes are not all empty or all equal


def test_an_approved_override_moves_the_kept_counts_at_once(personas, rated):
    customer = CustomerRating.objects.filter(grade="D", customer__district__code="330100").first().customer
    with time_machine.travel(datetime(2025, 3, 12, 4, tzinfo=UTC), tick=False):
        override = services.override_request(
            by=personas["dm_hangzhou"].user, customer=customer, grade="B", reason="已取得担保", expires_on=date(2025, 4, 30)
        )
        request_approve(request=_approval(override), by=personas["rm_east"].user)
        request_approve(request=_approval(override), by=personas["center"].user)
    user = personas["dm_hangzhou"].user
    assert CustomerRating.objects.get(customer=customer).grade == "B"
    assert _kept(user, date(2025, 3, 1)) == _live(user, date(2025, 3, 1))
    assert _kept(user, date(2025, 3, 1))[1][("D", "B")] >= 1


def test_staff_counts_follow_the_staff_rating(personas, rated):
    center = personas["center"].user
    scheme = services.scheme_create(
        subject="staff",
        name="销售人员评级",
        factors=[
            {
                "factor": "customers_overdue_share",
                "weight": "100",
                "bands": [{"from": "0", "score": "100"}, {"from": "0.5", "score": "0"}],
            }
        ],
        grades=SCHEME_GRADES,
        by=center,
    )
    request_approve(request=services.scheme_submit(scheme=scheme, by=center), by=personas["director"].user)
    with time_machine.travel(datetime(2025, 3, 10, 4, tzinfo=UTC), tick=False):
        services.rate(subject="staff", as_of=date(2025, 3, 10), by=SYSTEM)
    for name in READERS:
        user = personas[name].user
        live = Counter(StaffRating.objects.for_user(user).values_list("grade", flat=True))
        kept = selectors.grade_distribution(user=user, subject="staff", month_start=date(2025, 3, 1))
        assert {row["grade"]: row["count"] for row in kept["grades"] if row["count"]} == dict(live), name
        assert kept["first"] == sum(live.values())


def _queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("risk:home"))
    assert response.status_code == 200
    return response, len(captured.captured_queries)


def test_the_overview_reads_in_constant_queries(personas, units, rated, client):
    client.force_login(personas["rm_east"].user)
    with time_machine.travel(datetime(2025, 3, 10, 4, tzinfo=UTC), tick=False):
        response, before = _queries(client)
        assert response.context["customers"]["total"] == CustomerRating.objects.for_user(personas["rm_east"].user).count()
        assert [g["grade"] for g in response.context["customers"]["grades"]] == GRADES
        # More customers, districts and changes add no query.
        for code in ("330100", "330200", "330100"):
            CustomerFactory(district=units[code])
        services.rate(subject="customer", as_of=date(2025, 3, 10), by=SYSTEM)
        response, after = _queries(client)
    assert response.context["customers"]["first"] >= 3 and after == before
