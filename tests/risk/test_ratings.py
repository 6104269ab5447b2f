"""Credit ratings (信誉等级): scheme checks, the approval flow, the rating run and its history, and the factor
values equal to an independent computation from the raw ledger — for several days, past ones included."""

import contextlib
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from approvals.services import request_approve, request_return
from core.errors import Conflict, DomainError, InvalidInput
from core.rights import SYSTEM, NotAllowed
from customers import services as ledger
from customers.models import Allocation, Customer, Invoice
from risk import services
from risk.choices import ChangeReason, RatingSubject, SchemeState
from risk.factors import customer_factors, months_before, whole_months
from risk.models import CustomerGradeChange, CustomerRating, RatingScheme
from risk.scoring import Scorer, clean_grades
from tests.customers.factories import CustomerFactory

D = Decimal
GRADES = [
    {"grade": "AAA", "from": "90", "to": "100"},
    {"grade": "AA", "from": "80", "to": "90"},
    {"grade": "A", "from": "70", "to": "80"},
    {"grade": "B", "from": "60", "to": "70"},
    {"grade": "C", "from": "40", "to": "60"},
    {"grade": "D", "from": "0", "to": "40"},
]
CUSTOMER_FACTORS = [
    {
        "factor": "overdue_share",
        "weight": "40",
        "bands": [{"from": "0", "score": "100"}, {"from": "0.2", "score": "60"}, {"from": "0.5", "score": "0"}],
    },
    {
        "factor": "oldest_overdue",
        "weight": "30",
        "bands": [{"from": "0", "score": "100"}, {"from": "31", "score": "50"}, {"from": "91", "score": "0"}],
    },
    {
        "factor": "limit_utilisation",
        "weight": "20",
        "bands": [{"from": "0", "score": "100"}, {"from": "1", "score": "20"}],
        "if_missing": "80",
    },
    {
        "factor": "tenure",
        "weight": "10",
        "bands": [{"from": "0", "score": "40"}, {"from": "12", "score": "100"}],
        "if_missing": "40",
    },
]


def approved(personas, subject="customer", factors=None):
    center = personas["center"].user
    scheme = services.scheme_create(
        subject=subject, name="客户信誉评级", factors=factors or CUSTOMER_FACTORS, grades=GRADES, by=center
    )
    request_approve(request=services.scheme_submit(scheme=scheme, by=center), by=personas["director"].user)
    scheme.refresh_from_db()
    return scheme


# ------------------------------------------------------------------------------------------ scheme input


@pytest.mark.parametrize(
    "grades, reason",
    [
        ([{**GRADES[0]}, {"grade": "AA", "from": "80", "to": "95"}, *GRADES[2:]], "overlap"),
        ([{**GRADES[0]}, {"grade": "AA", "from": "80", "to": "85"}, *GRADES[2:]], "gap"),
        ([{"grade": "AAA", "from": "90", "to": "99"}, *GRADES[1:]], "end at 100"),
        ([*GRADES[:-1], {"grade": "D", "from": "10", "to": "40"}], "start at 0"),
        ([GRADES[1], GRADES[0], *GRADES[2:]], "from the best"),
        ([*GRADES, GRADES[0]], "once"),
        ([{"grade": "Z", "from": "0", "to": "100"}, GRADES[-1]], "range"),
        ([{"grade": "AAA", "from": "1e999", "to": "100"}, GRADES[-1]], "range"),
    ],
)
def test_grade_ranges_that_overlap_or_leave_gaps_are_refused(grades, reason):
    with pytest.raises(InvalidInput) as refused:
        clean_grades(grades)
    assert refused.value.field == "grades" and reason in str(refused.value.message)


@pytest.mark.parametrize(
    "factors, reason",
    [
        ([{**CUSTOMER_FACTORS[0], "weight": "50"}, *CUSTOMER_FACTORS[1:]], "add up to exactly 100; these add up to 110"),
        ([*CUSTOMER_FACTORS, CUSTOMER_FACTORS[0]], "appears twice"),
        ([{**CUSTOMER_FACTORS[0], "factor": "appraisal_score"}, *CUSTOMER_FACTORS[1:]], "not a factor of this scheme's subject"),
        (
            [
                {**CUSTOMER_FACTORS[0], "bands": [{"from": "1", "score": "10"}, {"from": "0", "score": "20"}]},
                *CUSTOMER_FACTORS[1:],
            ],
            "thresholds rising",
        ),
        ([{**CUSTOMER_FACTORS[0], "bands": [{"from": "0", "score": "101"}]}, *CUSTOMER_FACTORS[1:]], "score from 0 to 100"),
        ([{**CUSTOMER_FACTORS[0], "weight": "40.001"}, *CUSTOMER_FACTORS[1:]], "above 0 and at most 100"),
        ([], "at least one factor"),
    ],
)
def test_bad_factors_are_refused_and_nothing_is_written(personas, factors, reason):
    with pytest.raises(InvalidInput) as refused:
        services.scheme_create(subject="customer", name="x", factors=factors, grades=GRADES, by=personas["center"].user)
    assert refused.value.field == "factors" and reason in str(refused.value.message)
    assert not RatingScheme.objects.exists()


def test_only_the_center_drafts_and_runs(personas):
    with pytest.raises(NotAllowed):
        services.scheme_create(subject="customer", name="x", factors=CUSTOMER_FACTORS, grades=GRADES, by=personas["rm_east"].user)
    with pytest.raises(NotAllowed):
        services.rate(subject="customer", as_of=date(2026, 6, 30), by=personas["dm_hangzhou"].user)
    assert not RatingScheme.objects.exists()


def test_scoring_by_bands_weights_and_grade_ranges():
    scorer = Scorer(CUSTOMER_FACTORS, GRADES)
    # overdue share 0.25 → 60 × 0.4; oldest 31 → 50 × 0.3; no limit → 80 × 0.2; tenure 12 → 100 × 0.1.
    values = {"overdue_share": D("0.25"), "oldest_overdue": D("31"), "limit_utilisation": None, "tenure": D("12")}
    assert scorer.score(values) == D("65.00") and scorer.grade(D("65.00")) == "B"
    # Below the first band scores the first band; the best grade's range includes 100; 90 is AAA, 89.99 AA.
    assert scorer.band_score(D("-5"), [D(0), D(1)], [D(7), D(9)], D(0)) == D(7)
    assert [scorer.grade(D(x)) for x in ("100", "90", "89.99", "0", "39.99", "40")] == ["AAA", "AAA", "AA", "D", "D", "C"]


# ------------------------------------------------------------------------------------------ approval flow


def test_a_scheme_goes_through_approval_and_one_is_in_force(personas):
    center, director = personas["center"].user, personas["director"].user
    scheme = services.scheme_create(subject="customer", name="客户信誉评级", factors=CUSTOMER_FACTORS, grades=GRADES, by=center)
    request = services.scheme_submit(scheme=scheme, by=center)
    scheme.refresh_from_db()
    assert (scheme.state, request.kind) == (SchemeState.SUBMITTED, "rating_scheme")
    with pytest.raises(Conflict):
        services.scheme_update(scheme=scheme, by=center, name="改名")
    request_return(request=request, by=director, comment="权重再斟酌")
    scheme.refresh_from_db()
    assert scheme.state == SchemeState.DRAFT
    request_approve(request=services.scheme_submit(scheme=scheme, by=center), by=director)
    scheme.refresh_from_db()
    assert scheme.state == SchemeState.APPROVED and services.scheme_in_force("customer") == scheme
    draft = services.scheme_revise(scheme=scheme, by=center)
    assert (draft.version, draft.state, draft.factors.count()) == (2, SchemeState.DRAFT, len(CUSTOMER_FACTORS))
    request_approve(request=services.scheme_submit(scheme=draft, by=center), by=director)
    scheme.refresh_from_db()
    assert (scheme.state, services.scheme_in_force("customer")) == (SchemeState.RETIRED, draft)


# ------------------------------------------------------------------------------------------ rating runs


def _invoice(customer, issued, due, amount):
    return ledger.invoice_record(by=SYSTEM, customer=customer, issue_date=issued, due_date=due, amount=D(amount))


def test_rating_run_keeps_each_change_once_with_its_factor_values(personas, units):
    scheme = approved(personas)
    good = CustomerFactory(district=units["330100"])
    late = CustomerFactory(district=units["330100"], credit_limit=D("1000.00"))
    _invoice(good, date(2025, 1, 10), date(2025, 2, 10), "500.00")
    ledger.payment_record(by=SYSTEM, customer=good, received_on=date(2025, 2, 1), amount=D("500.00"))
    _invoice(late, date(2025, 1, 10), date(2025, 2, 10), "1500.00")

    first = services.rate(subject="customer", as_of=date(2025, 3, 1), by=SYSTEM)
    assert first["rated"] == Customer.objects.count() and first["changed"] == Customer.objects.count()
    rating = CustomerRating.objects.get(customer=late)
    # Everything overdue (share 1 → 0), oldest 19 days (→ 100), utilisation 1.5 (→ 20), tenure 1 month (→ 40).
    assert (rating.overdue_share, rating.oldest_overdue, rating.limit_utilisation, rating.tenure) == (
        D("1"),
        D("19"),
        D("1.5"),
        D("1"),
    )
    assert (rating.score, rating.grade, rating.since) == (D("0") * 40 + D("30.00") + D("4.00") + D("4.00"), "D", date(2025, 3, 1))
    # Nothing open: no share, no oldest (the scores without a value, 100) 40 + 30, no limit 16, tenure 4 → 90, AAA.
    good_rating = CustomerRating.objects.get(customer=good)
    assert (good_rating.overdue_share, good_rating.score, good_rating.grade) == (None, D("90.00"), "AAA")

    # The same day again: nothing changes, no change row is added.
    again = services.rate(subject="customer", as_of=date(2025, 3, 1), by=SYSTEM)
    assert again["changed"] == 0 and CustomerGradeChange.objects.filter(customer=late).count() == 1

    # Paid two months later: the grade improves; the change keeps the values that produced it, since moves.
    ledger.payment_record(by=SYSTEM, customer=late, received_on=date(2025, 4, 1), amount=D("1500.00"))
    services.rate(subject="customer", as_of=date(2025, 5, 2), by=SYSTEM)
    rating = CustomerRating.objects.get(customer=late)
    change = CustomerGradeChange.objects.filter(customer=late).latest("on")
    assert (change.old_grade, change.new_grade, change.on, change.reason) == (
        "D",
        rating.grade,
        date(2025, 5, 2),
        ChangeReason.RATED,
    )
    assert (change.overdue_share, rating.since, rating.scheme_id) == (None, date(2025, 5, 2), scheme.pk)


def test_no_scheme_in_force_rates_nobody(personas):
    assert services.rate(subject=RatingSubject.CUSTOMER, as_of=date(2025, 3, 1), by=SYSTEM) is None
    assert not CustomerRating.objects.exists()


def test_calendar_helpers():
    assert months_before(date(2025, 5, 31), 3) == date(2025, 2, 28)
    assert months_before(date(2025, 1, 15), 1) == date(2024, 12, 15)
    assert [whole_months(date(2024, 1, 31), d) for d in (date(2024, 2, 29), date(2024, 3, 1), date(2025, 1, 31))] == [0, 1, 12]


# ------------------------------------------------------------------------------------------ the factors = an independent computation

BASE = date(2025, 1, 1)
day = st.integers(0, 200)
cents = st.integers(1, 500_000).map(lambda c: D(c) / 100)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("invoice"), st.integers(0, 2), day, st.integers(0, 60), cents),
        st.tuples(st.just("pay_to"), st.integers(0, 20), st.integers(0, 90), st.integers(1, 100)),
        st.tuples(st.just("reverse"), st.integers(0, 20), st.integers(0, 40)),
        st.tuples(st.just("cancel"), st.integers(0, 20), st.integers(0, 60)),
    ),
    min_size=1,
    max_size=25,
)
CHECK_DAYS = [BASE + timedelta(days=n) for n in (0, 45, 120, 200, 300)]


def _apply(op, customers):
    kind = op[0]
    invoices = list(Invoice.objects.filter(customer__in=customers).order_by("id"))
    if kind == "invoice":
        _, c, issued, term, amount = op
        _invoice(customers[c], BASE + timedelta(days=issued), BASE + timedelta(days=issued + term), amount)
    elif kind == "pay_to" and invoices:
        _, pick, later, percent = op
        invoice = invoices[pick % len(invoices)]
        if invoice.cancelled_on is None:
            open_now = invoice.amount - invoice.allocated
            share = (open_now * percent / 100).quantize(D("0.01"))
            if share > 0:
                ledger.payment_record(
                    by=SYSTEM,
                    customer=invoice.customer,
                    received_on=invoice.issue_date + timedelta(days=later),
                    amount=share,
                    allocations=[{"invoice": invoice, "amount": share}],
                )
    elif kind == "reverse":
        _, pick, later = op
        payments = list(invoices[0].customer.payments.all().order_by("id")) if invoices else []
        if payments:
            payment = payments[pick % len(payments)]
            if payment.reversed_on is None:
                ledger.payment_reverse(by=SYSTEM, payment=payment, reason="退票", on=payment.received_on + timedelta(days=later))
    elif kind == "cancel" and invoices:
        _, pick, later = op
        invoice = invoices[pick % len(invoices)]
        if invoice.cancelled_on is None:
            ledger.invoice_cancel(by=SYSTEM, invoice=invoice, reason="错开", on=invoice.issue_date + timedelta(days=later))


def _q(number):
    return None if number is None else D(number).quantize(D("0.0001"), rounding=ROUND_HALF_UP)


def _by_hand(customer, on):
    """The factors of one customer on `on`, from its invoices and allocations read one by one."""
    invoices = [
        i
        for i in Invoice.objects.filter(customer=customer)
        if i.issue_date <= on and (i.cancelled_on is None or i.cancelled_on > on)
    ]
    live = [
        a
        for a in Allocation.objects.filter(invoice__customer=customer)
        if a.allocated_on <= on and (a.reversed_on is None or a.reversed_on > on)
    ]
    open_of = {i.pk: i.amount - sum((a.amount for a in live if a.invoice_id == i.pk), D(0)) for i in invoices}
    total = sum(open_of.values(), D(0))
    overdue = [i for i in invoices if i.due_date < on]
    overdue_total = sum((open_of[i.pk] for i in overdue), D(0))
    if total > 0:
        share = _q(overdue_total / total)
        beyond = (
            _q(sum((open_of[i.pk] * (on - i.due_date).days for i in overdue), D(0)) / overdue_total)
            if overdue_total > 0
            else _q(0)
        )
        oldest = _q(max([(on - i.due_date).days for i in overdue if open_of[i.pk] > 0], default=0))
    else:
        share = beyond = oldest = None

    def delay(window):
        rows = [
            a
            for a in Allocation.objects.filter(invoice__customer=customer).select_related("invoice")
            if window(a.allocated_on) and (a.reversed_on is None or a.reversed_on > on)
        ]
        amount = sum((a.amount for a in rows), D(0))
        if not amount:
            return None
        return _q(sum((a.amount * max(0, (a.allocated_on - a.invoice.due_date).days) for a in rows), D(0)) / amount)

    recent = delay(lambda d: months_before(on, 3) < d <= on)
    earlier = delay(lambda d: months_before(on, 9) < d <= months_before(on, 3))
    first = min((i.issue_date for i in invoices), default=None)
    return {
        "days_beyond_terms": beyond,
        "overdue_share": share,
        "oldest_overdue": oldest,
        "delay_trend": None if recent is None or earlier is None else _q(recent - earlier),
        "limit_utilisation": _q(total / customer.credit_limit) if customer.credit_limit else None,
        "tenure": D(whole_months(first, on)).quantize(D("0.0001")) if first else None,
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_factors_equal_an_independent_computation_on_any_day(units, ops):
    from django.db import transaction

    try:
        with transaction.atomic():
            customers = [
                CustomerFactory(district=units["330100"], credit_limit=D(limit)) for limit in ("0.00", "2000.00", "50000.00")
            ]
            for op in ops:
                # A posting the ledger refuses (cancelling a paid invoice…) leaves the ledger as it was.
                with contextlib.suppress(DomainError):
                    _apply(op, customers)
            for on in CHECK_DAYS:
                expected = {customer.pk: _by_hand(customer, on) for customer in customers}
                with mock.patch("risk.factors.timezone.localdate", return_value=on + timedelta(days=400)):
                    computed = customer_factors(on)  # a day long past: from the facts
                assert {pk: computed[pk] for pk in expected} == expected, on
                # The same day as "today": from the kept figures, with the invoices later postings touched
                # (allocations, reversals, cancellations dated after it) taken from the facts.
                with mock.patch("risk.factors.timezone.localdate", return_value=on):
                    kept = customer_factors(on)
                assert {pk: kept[pk] for pk in expected} == expected, ("kept", on)
                # A recent past day (within KEPT_REACH of today): the kept figures with everything touched since.
                with mock.patch("risk.factors.timezone.localdate", return_value=on + timedelta(days=30)):
                    recent = customer_factors(on)
                assert {pk: recent[pk] for pk in expected} == expected, ("kept, a month back", on)
            raise _Rollback
    except _Rollback:
        pass


class _Rollback(Exception):
    pass
