"""Appraisal runs: scores against an independent computation from the raw facts, recomputation keeping
manual scores, ranks, who may score by hand, bad input, and a constant number of queries per run."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appraisal import services
from appraisal.models import AppraisalScore, ScoreItem
from core.errors import InvalidInput
from core.rights import SYSTEM, NotAllowed, may
from core.roles import Role
from customers.models import Allocation, Invoice
from plans.services import target_set
from regions.services import staff_hire
from tests.appraisal.conftest import approved_scheme
from tests.first_invoices import first_invoices

pytestmark = pytest.mark.django_db

CENT, RATE = Decimal("0.01"), Decimal("0.0001")
MONTH_START, MONTH_END = date(2026, 1, 1), date(2026, 1, 31)


def _q(value, places):
    return Decimal(value).quantize(places, rounding=ROUND_HALF_UP)


def _targets(facts):
    values = {}
    for n, rep in enumerate(rep for people in facts["reps"].values() for rep in people):
        values[rep.pk] = {
            "sales_amount": Decimal(50000 + 10000 * n),
            "collections": Decimal(40000 + 5000 * n),
            "new_customers": Decimal(1 + n % 2),
        }
        for metric, value in values[rep.pk].items():
            target_set(metric=metric, period="2026-01", staff=rep, value=value, by=SYSTEM)
    return values


def _independent(rep):
    """The figures of one salesperson for January 2026, straight from invoices, allocations and customers."""
    sales = sum(
        (
            i.amount
            for i in Invoice.objects.filter(
                salesperson=rep, cancelled_on__isnull=True, issue_date__range=(MONTH_START, MONTH_END)
            )
        ),
        Decimal(0),
    )
    collected = sum(
        (
            a.amount
            for a in Allocation.objects.filter(
                invoice__salesperson=rep, reversed_on__isnull=True, allocated_on__range=(MONTH_START, MONTH_END)
            )
        ),
        Decimal(0),
    )
    new = sum(1 for i in first_invoices().values() if i.salesperson_id == rep.pk and MONTH_START <= i.issue_date <= MONTH_END)
    as_of = MONTH_END
    open_total = open_overdue = Decimal(0)
    for invoice in Invoice.objects.filter(salesperson=rep, issue_date__lte=as_of):
        if invoice.cancelled_on is not None and invoice.cancelled_on <= as_of:
            continue
        paid = sum(
            (
                a.amount
                for a in invoice.allocations.all()
                if a.allocated_on <= as_of and (a.reversed_on is None or a.reversed_on > as_of)
            ),
            Decimal(0),
        )
        open_total += invoice.amount - paid
        if invoice.due_date < as_of:
            open_overdue += invoice.amount - paid
    share = _q(open_overdue / open_total, RATE) if open_total > 0 else Decimal(0)
    return {"sales": sales, "collected": collected, "new": Decimal(new), "share": share}


def _expected_total(figures, targets):
    sales_rate = _q(figures["sales"] / targets["sales_amount"], RATE)
    coll_rate = _q(figures["collected"] / targets["collections"], RATE)
    new_rate = _q(figures["new"] / targets["new_customers"], RATE)
    sales = _q(min(Decimal(120), sales_rate * 100), CENT)
    pct = coll_rate * 100
    coll = Decimal(100) if pct >= 100 else Decimal(90) if pct >= 80 else Decimal(60) if pct >= 50 else Decimal(0)
    overdue = _q(min(Decimal(100), (1 - figures["share"]) * 100), CENT)
    new = _q(min(Decimal(100), new_rate * 100), CENT)
    return _q((40 * sales + 30 * coll + 10 * overdue + 10 * new + 10 * 0) / 100, CENT)


def test_scores_match_an_independent_computation_from_the_raw_facts(facts, personas, units):
    targets = _targets(facts)
    scheme = approved_scheme(personas)
    run = services.run_compute(scheme=scheme, period="2026-01", by=personas["center"].user)
    reps = [rep for people in facts["reps"].values() for rep in people]
    scores = {s.staff_id: s for s in AppraisalScore.objects.filter(run=run)}
    # Every active salesperson of the company is scored (the personas' and the generated ones).
    assert set(scores) >= {rep.pk for rep in reps}
    assert run.people == len(scores)
    for rep in reps:
        figures = _independent(rep)
        lines = {line.item.kind: line for line in ScoreItem.objects.filter(score=scores[rep.pk]).select_related("item")}
        assert lines["sales_attainment"].actual == figures["sales"]
        assert lines["collections_attainment"].actual == figures["collected"]
        assert lines["new_customers"].actual == figures["new"]
        assert lines["overdue_share"].rate == figures["share"]
        assert scores[rep.pk].total == _expected_total(figures, targets[rep.pk]), rep.name


def test_ranks_among_peers_and_company_wide(facts, personas):
    _targets(facts)
    run = services.run_compute(scheme=approved_scheme(personas), period="2026-01", by=SYSTEM)
    scores = list(AppraisalScore.objects.filter(run=run).select_related("staff"))
    ordered = sorted(scores, key=lambda s: s.rank_company)
    assert [s.total for s in ordered] == sorted((s.total for s in scores), reverse=True)
    assert ordered[0].rank_company == 1
    by_district = defaultdict(list)
    for score in scores:
        assert score.peer_unit_id == score.staff.unit_id
        by_district[score.peer_unit_id].append(score)
    for group in by_district.values():
        best = max(group, key=lambda s: s.total)
        assert best.rank_peers == 1
        assert sorted(s.rank_peers for s in group)[-1] <= len(group)


def test_recompute_keeps_manual_scores_and_comments(facts, personas):
    _targets(facts)
    scheme = approved_scheme(personas)
    run = services.run_compute(scheme=scheme, period="2026-01", by=SYSTEM)
    rep = personas["rep_hangzhou"].staff
    score = AppraisalScore.objects.get(run=run, staff=rep)
    manual = ScoreItem.objects.get(score=score, item__kind="manual")
    before = score.total
    services.score_manual_set(score_item=manual, manual_score="80", comment="配合积极", by=personas["dm_hangzhou"].user)
    score.refresh_from_db()
    assert score.total == before + Decimal("8.00")
    target_set(metric="sales_amount", period="2026-01", staff=rep, value="1.00", by=SYSTEM)  # the facts change: recompute
    services.run_recompute(run=run, by=personas["center"].user)
    manual.refresh_from_db()
    assert (manual.manual_score, manual.item_score, manual.comment) == (Decimal("80.00"), Decimal("80.00"), "配合积极")
    score.refresh_from_db()
    sales = ScoreItem.objects.get(score=score, item__kind="sales_attainment")
    assert sales.item_score == Decimal("120.00")  # capped
    assert AppraisalScore.objects.filter(run=run, staff=rep).count() == 1


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("dm_hangzhou", True),
        ("pm_zhejiang", True),
        ("rm_east", True),
        ("center", True),
        ("dm_guangzhou", False),
        ("rm_south", False),
        ("rep_hangzhou", False),
        ("rep_hangzhou_2", False),
    ],
)
def test_who_may_score_a_salesperson_by_hand(facts, personas, persona, allowed):
    run = services.run_compute(scheme=approved_scheme(personas), period="2026-01", by=SYSTEM)
    score = AppraisalScore.objects.select_related("run__scheme", "unit").get(run=run, staff=personas["rep_hangzhou"].staff)
    manual = score.items.get(item__kind="manual")
    assert may(personas[persona].user, "appraisal.score", score) == allowed
    if not allowed:
        with pytest.raises(NotAllowed):
            services.score_manual_set(score_item=manual, manual_score="50", by=personas[persona].user)


def test_manual_score_bad_input(facts, personas):
    run = services.run_compute(scheme=approved_scheme(personas), period="2026-01", by=SYSTEM)
    score = AppraisalScore.objects.get(run=run, staff=personas["rep_hangzhou"].staff)
    dm = personas["dm_hangzhou"].user
    with pytest.raises(InvalidInput) as error:
        services.score_manual_set(score_item=score.items.get(item__kind="manual"), manual_score="101", by=dm)
    assert error.value.field == "manual_score"
    with pytest.raises(InvalidInput) as error:
        services.score_manual_set(score_item=score.items.get(item__kind="sales_attainment"), manual_score="50", by=dm)
    assert error.value.field == "item"


@pytest.mark.parametrize(
    ("period", "needle"),
    [
        ("2026-13", "is not a period"),
        ("abc", "is not a period"),
        ("2099-01", "has not begun"),
        ("2026-Q1", "choose a period of that kind"),
        ("2019-12", "valid from"),
    ],
)
def test_bad_periods_are_refused_with_a_clear_message(personas, period, needle):
    scheme = approved_scheme(personas)
    with pytest.raises(InvalidInput) as error:
        services.run_compute(scheme=scheme, period=period, by=personas["center"].user)
    assert error.value.field == "period"
    assert needle in str(error.value.message)


def test_managers_are_measured_on_their_units_subtree_and_own_tasks(facts, personas, units):
    from performance.selectors import actual_from_summary
    from workflow.services import task_complete, task_create

    dm = personas["dm_hangzhou"]
    target_set(metric="sales_amount", period="2026-01", unit=units["330100"], value="100000.00", by=SYSTEM)
    for n, done in enumerate([True, False]):
        task = task_create(title=f"走访{n}", owner=dm.staff, due_on=date(2026, 1, 20), by=None, allow_past=True)
        if done:
            from workflow.models import Task

            task_complete(task=task, by=dm.user)
            Task.objects.filter(pk=task.pk).update(completed_on=date(2026, 1, 19))
    scheme = approved_scheme(
        personas,
        role="district_manager",
        name="区县经理月度考核",
        items=[
            {"kind": "sales_attainment", "weight": "50"},
            {"kind": "task_completion", "weight": "30"},
            {"kind": "overdue_share", "weight": "20"},
        ],
    )
    run = services.run_compute(scheme=scheme, period="2026-01", by=SYSTEM)
    score = AppraisalScore.objects.get(run=run, staff=dm.staff)
    lines = {line.item.kind: line for line in score.items.select_related("item")}
    assert lines["sales_attainment"].actual == actual_from_summary(metric="sales_amount", period="2026-01", unit=units["330100"])
    assert lines["task_completion"].rate == Decimal("0.5000")
    assert lines["task_completion"].item_score == Decimal("50.00")
    # Managers compare with managers under the same parent unit (the province).
    assert score.peer_unit_id == units["330000"].pk


def _hire(units, n, start):
    codes = ["330100", "330200", "440100", "440300"]
    for k in range(n):
        staff_hire(
            by=SYSTEM,
            employee_no=f"Q{start + k:04d}",
            name=f"新业务员{k}",
            unit=units[codes[k % 4]],
            role=Role.SALES_REP,
            hire_date=date(2020, 1, 1),
        )


BULK_WRITES = tuple(
    f'{verb} "appraisal_{table}"' for verb in ("INSERT INTO", "UPDATE") for table in ("scoreitem", "appraisalscore")
)


def _reads(context):
    return [q for q in context.captured_queries if not q["sql"].startswith(BULK_WRITES)]


def test_a_run_is_computed_in_a_constant_number_of_queries(facts, personas, units):
    scheme = approved_scheme(personas)
    _hire(units, 2, 1)
    with CaptureQueriesContext(connection) as small:
        services.run_compute(scheme=scheme, period="2026-01", by=SYSTEM)
    _hire(units, 25, 100)
    with CaptureQueriesContext(connection) as large:
        run = services.run_compute(scheme=scheme, period="2026-02", by=SYSTEM)
    assert run.people >= 31
    # Reads are the same whatever the number of people. The bulk writes are one statement each on
    # PostgreSQL; SQLite splits them into batches of its 999-parameter limit (~100 rows each).
    assert len(_reads(large)) == len(_reads(small)), [q["sql"][:120] for q in large.captured_queries]
    if connection.vendor == "postgresql":
        assert len(large) == len(small)
    with CaptureQueriesContext(connection) as again:
        services.run_recompute(run=run, by=SYSTEM)
    assert len(again) <= len(large) + 2


def test_the_task_and_the_command_compute_runs(facts, personas):
    from django.core.management import call_command

    from appraisal.tasks import compute_run

    scheme = approved_scheme(personas)
    result = compute_run(scheme.pk, "2026-01")
    assert result["people"] >= 4
    call_command("compute_appraisal", "2026-02", "--scheme", str(scheme.pk))
    assert scheme.runs.count() == 2
    # The default period is the last finished month; twice is safe.
    first = compute_run(scheme.pk)
    assert compute_run(scheme.pk)["run"] == first["run"]
    assert timezone.localdate() - timedelta(days=62) <= scheme.runs.order_by("-period").first().period.start


def test_compute_all_skips_a_scheme_not_valid_yet(facts, personas):
    from appraisal.models import AppraisalScheme
    from appraisal.tasks import compute_all

    good = approved_scheme(personas)
    later = approved_scheme(personas, name="明年起")
    AppraisalScheme.objects.filter(pk=later.pk).update(valid_from=date(2099, 1, 1))
    results = compute_all()
    assert {r.get("run") is not None for r in results} == {True, False}
    assert good.runs.count() == 1 and later.runs.count() == 0
