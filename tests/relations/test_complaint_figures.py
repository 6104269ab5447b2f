"""Done when: "complaint SLA figures equal independent computations from the raw records on a generated data set".

Hypothesis generates complaints (severity, day received, whether and when a result was given, whether and when
closed, some reopened) and logs them through the services; the selectors' figures (`sla_figures`, `center_view`,
the monthly report's section) are then compared with figures computed here from the raw rows alone — the due day
recounted with the `chinese_calendar` package's own working days (not approvals.calendar), breaches, met and
missed SLAs and handling times recounted day by day."""

from datetime import date, timedelta

import chinese_calendar
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.periods import Period
from core.rights import SYSTEM
from relations import services
from relations.models import Complaint
from relations.selectors.complaints import center_view, complaint_report_section, sla_figures
from tests.relations.complaint_helpers import World, at

pytestmark = pytest.mark.django_db
START = date(2025, 9, 1)
TODAY = date(2025, 11, 28)
SLA = {"low": 10, "medium": 5, "high": 3, "critical": 1}


def _working_days_after(day, n):
    while n:
        day += timedelta(days=1)
        if chinese_calendar.is_workday(day):
            n -= 1
    return day


def _working_days_between(a, b):
    return sum(1 for k in range(1, (b - a).days + 1) if chinese_calendar.is_workday(a + timedelta(days=k)))


complaint = st.fixed_dictionaries(
    {
        "severity": st.sampled_from(list(SLA)),
        "received": st.integers(0, 80),  # days after START
        "channel": st.booleans(),
        "gz": st.booleans(),
        "result_after": st.one_of(st.none(), st.integers(0, 20)),  # days after receipt
        "close_after": st.one_of(st.none(), st.integers(0, 5)),  # days after the result
        "reopen": st.booleans(),
    }
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(complaint, min_size=1, max_size=14))
def test_sla_figures_equal_an_independent_computation(personas, units, specs):
    with transaction.atomic():
        with at(TODAY):
            w = World(personas, units)
            for spec in specs:
                _make(w, spec)
        _compare(w, units)
        transaction.set_rollback(True)


def _make(w, spec):
    received = START + timedelta(days=spec["received"])
    customer = w.gz_customer if spec["gz"] else w.customer
    subject = (
        {"kind": "channel", "channel": w.gz_channel if spec["gz"] else w.channel}
        if spec["channel"]
        else {"kind": "product", "product": w.product}
    )
    c = services.complaint_create(
        by=SYSTEM, customer=customer, severity=spec["severity"], description="生成的投诉", received_on=received, **subject
    )
    if spec["result_after"] is None:
        return
    resolved = min(received + timedelta(days=spec["result_after"]), TODAY)
    services.complaint_resolve(by=SYSTEM, complaint=c, result="结果", on=resolved)
    if spec["close_after"] is None:
        return
    closed = min(resolved + timedelta(days=spec["close_after"]), TODAY)
    services.complaint_close(by=SYSTEM, complaint=c, confirmation="satisfied", on=closed)
    if spec["reopen"]:
        services.complaint_reopen(by=SYSTEM, complaint=c, reason="客户不满意")


def _expected(rows):
    exp = {"total": 0, "open": 0, "breached": 0, "resolved": 0, "met": 0, "missed": 0, "closed": 0, "handling": 0}
    for r in rows:
        due = _working_days_after(r.received_on, SLA[r.severity])
        assert r.due_on == due  # the SLA's due day, recounted
        exp["total"] += 1
        if r.state != "closed":
            exp["open"] += 1
        if r.resolved_on is None and due < TODAY:
            exp["breached"] += 1
        if r.resolved_on is not None:
            exp["resolved"] += 1
            exp["met" if r.resolved_on <= due else "missed"] += 1
        if r.state == "closed":
            exp["closed"] += 1
            exp["handling"] += _working_days_between(r.received_on, r.closed_on)
    return exp


def _compare(w, units):
    rows = list(Complaint.objects.all())
    exp = _expected(rows)
    got = sla_figures(Complaint.objects.all(), today=TODAY)
    assert {k: got[k] for k in ("total", "open", "breached", "resolved", "met", "missed", "closed")} == {
        k: exp[k] for k in ("total", "open", "breached", "resolved", "met", "missed", "closed")
    }
    assert got["handling_days_total"] == exp["handling"]
    if exp["closed"]:
        assert (
            abs(float(got["handling_days_average"]) - exp["handling"] / exp["closed"]) <= 0.05 + 1e-9
        )  # rounded to 0.1 (float error)
    # The center's view: its groups add up to the whole, and each region's figures are its own rows'.
    view = center_view(Complaint.objects.all(), today=TODAY)
    assert sum(g["total"] for g in view["by_region"]) == exp["total"]
    assert sum(g["total"] for g in view["by_product"]) + sum(g["total"] for g in view["by_channel"]) == exp["total"]
    for group in view["by_region"]:
        region = [r for r in rows if r.unit.path.startswith(f"{units['HQ'].path}{group['id']}/")]
        part = _expected(region)
        assert (group["total"], group["breached"], group["met"], group["closed"]) == (
            part["total"],
            part["breached"],
            part["met"],
            part["closed"],
        )
    # The monthly report's section for 华东, October 2025.
    month = Period.parse("2025-10")
    east = [r for r in rows if r.unit.path.startswith(units["HD"].path)]
    section = complaint_report_section(units["HD"], month)
    in_month = lambda d: d is not None and month.start <= d <= month.end  # noqa: E731
    assert section["received"] == sum(1 for r in east if in_month(r.received_on))
    assert section["closed"] == sum(1 for r in east if in_month(r.closed_on))
    open_at_end = [r for r in east if r.received_on <= month.end and (r.closed_on is None or r.closed_on > month.end)]
    assert section["open_at_end"] == len(open_at_end)
