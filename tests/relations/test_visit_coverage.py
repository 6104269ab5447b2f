"""Coverage of key customers and overdue visits equal an independent computation from the raw visit records, on
generated data sets (hypothesis): visits done, planned and cancelled, moved and undone through the services, in
two provinces, with visit rules per class and kind. Also: each customer's kept last visit equals the maximum of
their done visits, and the worklist count and the risk rule read the same overdue customers."""

import datetime
from datetime import UTC

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.rights import SYSTEM
from customers.models import Customer
from customers.services import customer_create
from relations.models import CustomerLastVisit, Visit, VisitRule
from relations.selectors.visits import DEFAULT_INTERVALS, coverage, overdue_count, overdue_customers
from relations.services import visit_record, visit_rule_set, visit_update

TODAY = datetime.date(2026, 3, 18)
DISTRICTS = ["330100", "330200", "440100"]


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime.datetime(2026, 3, 18, 4, 0, tzinfo=UTC), tick=False):
        yield


class _Rollback(Exception):
    pass


customer_spec = st.tuples(
    st.sampled_from(DISTRICTS),
    st.booleans(),  # key
    st.sampled_from(["enterprise", "institution", "individual"]),
    st.integers(min_value=0, max_value=400),  # opened this many days ago
    st.lists(
        st.tuples(st.integers(min_value=-10, max_value=200), st.sampled_from(["done", "planned", "cancel", "move"])),
        max_size=5,
    ),
)


def _interval(rules, is_key, open_balance, kind):
    segment = "key" if is_key else ("trading" if open_balance > 0 else "other")
    return rules.get((segment, kind), rules.get((segment, ""), DEFAULT_INTERVALS[segment]))


def _oracle(unit, as_of):
    """Per child unit (by path) and in total: key customers, visited this month, never visited, overdue — from the
    visits themselves, customer by customer."""
    rules = {(r.segment, r.customer_kind): r.interval_days for r in VisitRule.objects.all()}
    month_start = as_of.replace(day=1)
    depth = unit.path.count("/") - 1
    rows, total = {}, [0, 0, 0, 0, 0]
    for c in Customer.objects.filter(is_key=True, status="active", district__path__startswith=unit.path).select_related(
        "district"
    ):
        done = [v.on for v in Visit.objects.filter(customer=c) if v.state == "done"]
        last = max(done) if done else None
        base = last or timezone.localtime(c.created_at).date()
        due = base + datetime.timedelta(days=_interval(rules, True, c.open_balance, c.kind))
        parts = c.district.path.strip("/").split("/")
        child = int(parts[depth]) if len(parts) > depth else None  # a district's own customers: no child unit
        figures = [
            1,
            int(last is not None and month_start <= last <= as_of),
            int(last is None),
            int(due < as_of),
            (as_of - last).days if last else 0,
        ]
        row = rows.setdefault(child, [0, 0, 0, 0, 0])
        for i, value in enumerate(figures):
            row[i] += value
            total[i] += value
    return rows, total


def _overdue_oracle(as_of, beyond=0):
    rules = {(r.segment, r.customer_kind): r.interval_days for r in VisitRule.objects.all()}
    out = {}
    for c in Customer.objects.filter(status="active"):
        done = [v.on for v in Visit.objects.filter(customer=c, state="done")]
        base = max(done) if done else timezone.localtime(c.created_at).date()
        days = (as_of - base).days - _interval(rules, c.is_key, c.open_balance, c.kind)
        if days > beyond:
            out[c.pk] = days
    return out


@pytest.mark.django_db
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(specs=st.lists(customer_spec, min_size=1, max_size=8), institution_key_days=st.sampled_from([None, 14, 45]))
def test_coverage_equals_the_raw_records(personas, units, specs, institution_key_days):
    director = personas["director"].user
    try:
        with transaction.atomic():
            if institution_key_days:
                visit_rule_set(by=SYSTEM, segment="key", customer_kind="institution", interval_days=institution_key_days)
            for n, (code, is_key, kind, opened, visits) in enumerate(specs):
                customer = customer_create(by=SYSTEM, name=f"客户{n}", district=units[code], is_key=is_key, kind=kind)
                Customer.objects.filter(pk=customer.pk).update(created_at=timezone.now() - datetime.timedelta(days=opened))
                made = []
                for back, what in visits:
                    day = TODAY - datetime.timedelta(days=back)
                    state = "planned" if what == "planned" or back < 0 else "done"
                    made.append(visit_record(by=SYSTEM, customer=customer, on=day, state=state))
                    if what == "cancel" and made[0].state != "cancelled":
                        made[0] = visit_update(by=SYSTEM, visit=made[0], state="cancelled")
                    if what == "move" and made[-1].state == "done":
                        made[-1] = visit_update(by=SYSTEM, visit=made[-1], on=made[-1].on - datetime.timedelta(days=20))
            # The kept last visit is the max of the done visits, customer by customer.
            for customer in Customer.objects.all():
                done = [v.on for v in Visit.objects.filter(customer=customer, state="done")]
                kept = CustomerLastVisit.objects.filter(customer=customer).values_list("last_on", flat=True).first()
                assert kept == (max(done) if done else None)
            for code in ("HQ", "HD", "330000", "330100"):
                unit = units[code]
                ours = coverage(user=director, unit=unit, as_of=TODAY)
                rows, total = _oracle(unit, TODAY)
                figures = lambda r: [r.customers, r.visited_this_month, r.never_visited, r.overdue, r.days_total]  # noqa: E731
                assert figures(ours["total"]) == total
                if not ours["by_person"]:
                    assert {r.key.pk: figures(r) for r in ours["rows"] if r.customers} == rows
            assert overdue_customers(TODAY) == _overdue_oracle(TODAY)
            assert overdue_customers(TODAY, beyond=30) == _overdue_oracle(TODAY, beyond=30)
            key_overdue = {pk for pk in _overdue_oracle(TODAY) if Customer.objects.get(pk=pk).is_key}
            assert overdue_count(director, TODAY) == len(key_overdue)
            raise _Rollback
    except _Rollback:
        pass


@pytest.mark.django_db
def test_the_risk_rule_opens_a_warning_for_a_customer_overdue_past_the_threshold(personas, units):
    from risk.models import Warning
    from risk.services import warning_rule_create, warnings_evaluate

    old = customer_create(
        by=SYSTEM, name="久未拜访的重点客户", district=units["330100"], is_key=True, salesperson=personas["rep_hangzhou"].staff
    )
    fresh = customer_create(by=SYSTEM, name="刚拜访的重点客户", district=units["330100"], is_key=True)
    visit_record(by=SYSTEM, customer=old, on=TODAY - datetime.timedelta(days=75))  # 45 days overdue (key: 30)
    visit_record(by=SYSTEM, customer=fresh, on=TODAY - datetime.timedelta(days=10))
    rule = warning_rule_create(by=SYSTEM, name="走访逾期超过30天", kind="visits_overdue", threshold="30", severity="low")
    warnings_evaluate(as_of=TODAY, by=SYSTEM)
    opened = Warning.objects.filter(rule=rule)
    assert [(w.customer_id, int(w.value)) for w in opened] == [(old.pk, 45)]
    assert overdue_count(personas["rep_hangzhou"].user, TODAY) == 1
