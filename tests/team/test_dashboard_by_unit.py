"""The team dashboard's grouped figures (one query per figure for all the child units at once) equal the figures
of each child read on its own, and add up to the parent's, on generated data: people hired, moved between
districts of several provinces and leaving over three years, vacancies opened, filled and cancelled, hours
trained, capability results and promotion recommendations stamped at any hour of the day (so a stamp late in a
local day, or just after midnight, falls on the right day of the pipeline)."""

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from core.rights import SYSTEM
from core.roles import Role
from regions.models import OrgUnit
from regions.services import staff_hire, staff_leave, staff_move
from team.models import (
    Assessment,
    AssessmentCycle,
    AssessmentScore,
    CapabilityModel,
    Competency,
    Enrolment,
    HeadcountRequest,
    HeadcountState,
    PromotionRecommendation,
    TrainingSession,
    Vacancy,
    VacancyState,
)
from team.selectors.dashboard import figures_by_unit, unit_figures
from team.selectors.promo import (
    PIPELINE_STAGES,
    capability_distribution,
    capability_distribution_by_unit,
    promotion_pipeline,
)
from team.selectors.recruit import headcount_by_child, headcount_vs_plan
from team.selectors.training import training_hours_by_unit, training_hours_total
from team.services import course_create

FIRST, LAST = date(2023, 6, 1), date(2026, 11, 16)
DAYS = [date(2025, 2, 28), date(2025, 12, 31), date(2026, 6, 30), LAST]


def _day(rng, after, before=LAST):
    return after + timedelta(days=rng.randint(0, max(0, (before - after).days)))


def _moment(rng, day):
    """An aware instant on local day `day`, often near either end of it."""
    minute = rng.choice([0, 5, 23 * 60 + 55, rng.randint(0, 24 * 60 - 1)])
    return timezone.make_aware(datetime(day.year, day.month, day.day) + timedelta(minutes=minute))


def _world(seed, units):
    """People, vacancies, hours, capability results and recommendations in the districts of three provinces of
    华东 (and one of 华南, outside), from `seed`. Every row lies in a district, so the children add up."""
    rng = random.Random(seed)
    provinces = list(OrgUnit.objects.filter(parent=units["HD"], is_active=True).order_by("path")[:3])
    districts = []
    for province in provinces:
        districts += list(OrgUnit.objects.filter(parent=province, is_active=True).order_by("path")[:3])
    districts.append(units["440100"])
    people = []
    for n in range(30):
        hired = _day(rng, FIRST, date(2026, 10, 1))
        person = staff_hire(
            by=SYSTEM, employee_no=f"D{seed}{n:03d}", name=f"员工{n}", unit=rng.choice(districts), role=Role.SALES_REP,
            hire_date=hired,
        )  # fmt: skip
        day = hired
        for _move in range(rng.randint(0, 2)):
            day = _day(rng, day + timedelta(days=1))
            if day >= LAST:
                break
            person = staff_move(by=SYSTEM, staff=person, unit=rng.choice(districts), role=Role.SALES_REP, on=day)
        if rng.random() < 0.35:
            left = _day(rng, day + timedelta(days=1))
            if left <= LAST:
                staff_leave(by=SYSTEM, staff=person, on=left)
        people.append(person)
    fillers = iter(rng.sample(people, 20))
    for _n in range(20):
        unit = rng.choice(districts)
        request = HeadcountRequest.objects.create(
            unit=unit, role="sales_rep", headcount=1, reason="生成", state=HeadcountState.APPROVED
        )
        opened = _day(rng, FIRST, LAST)
        state = rng.choice([VacancyState.OPEN, VacancyState.FILLED, VacancyState.CANCELLED])
        Vacancy.objects.create(
            request=request, unit=unit, role="sales_rep", opened_on=opened, state=state,
            closed_on=None if state == VacancyState.OPEN else _day(rng, opened),
            filled_by=next(fillers) if state == VacancyState.FILLED else None,
        )  # fmt: skip
    course = course_create(by=SYSTEM, code=f"DB-{seed}", title="生成课程", kind="product", hours="2")
    for _n in range(12):
        start = _moment(rng, _day(rng, date(2025, 11, 1)))
        session = TrainingSession.objects.create(
            course=course, unit=units["HQ"], starts_at=start, ends_at=start + timedelta(hours=2), trainer="讲师", capacity=30
        )
        for person in rng.sample(people, rng.randint(1, 6)):
            Enrolment.objects.create(
                session=session, person=person, attended=rng.random() < 0.8, hours=Decimal(rng.choice(["1.5", "2", "3.5"]))
            )
    cycle = AssessmentCycle.objects.create(code=f"DB-{seed}", name="生成", starts_on=date(2026, 7, 1), ends_on=date(2026, 12, 31))
    model = CapabilityModel.objects.create(role=Role.SALES_REP, version=1, name="生成", state="approved")
    competencies = [Competency.objects.create(model=model, code=f"C{n}", name=f"能力{n}", levels=4, order=n) for n in range(2)]
    for person in rng.sample(people, 20):
        state = rng.choice(("self_assessed", "manager_assessed", "manager_assessed"))
        assessment = Assessment.objects.create(
            cycle=cycle, staff=person, unit=person.unit, role=Role.SALES_REP, model=model, state=state
        )
        for competency in competencies:
            AssessmentScore.objects.create(
                assessment=assessment, competency=competency, self_level=rng.randint(1, 4),
                manager_level=rng.choice([None, 1, 2, 3, 4]) if state == "manager_assessed" else None,
                calibrated_level=rng.choice([None, None, 1, 4]) if state == "manager_assessed" else None,
                calibration_reason="校准",
            )  # fmt: skip
    for person in rng.sample(people, 20):
        created = _moment(rng, _day(rng, date(2026, 5, 1), LAST))
        stamps = {"submitted_at": None, "approved_at": None, "applied_at": None, "decided_at": None}
        state = rng.choice(PIPELINE_STAGES)
        later = lambda stamp: _moment(rng, _day(rng, timezone.localdate(stamp), LAST + timedelta(days=5)))  # noqa: E731
        if state != "draft":
            stamps["submitted_at"] = later(created)
        if state in ("approved", "applied"):
            stamps["approved_at"] = later(stamps["submitted_at"])
        if state == "applied":
            stamps["applied_at"] = later(stamps["approved_at"])
        if state in ("returned", "rejected", "withdrawn"):
            stamps["decided_at"] = later(stamps["submitted_at"])
        PromotionRecommendation.objects.create(
            staff=person, from_unit=person.unit, from_role=Role.SALES_REP, to_unit=person.unit, to_role=Role.DISTRICT_MANAGER,
            effective_on=LAST, reason="生成", state=state, created_at=created, **stamps,
        )  # fmt: skip
    return cycle


def children_of(unit):
    return list(unit.children.filter(is_active=True).order_by("path"))


def _pipeline_from_rows(unit, as_of):
    """The pipeline recomputed in Python from the rows (each stamp's local day)."""
    counts = dict.fromkeys(PIPELINE_STAGES, 0)
    for r in PromotionRecommendation.objects.select_related("from_unit"):
        by = lambda stamp: stamp is not None and timezone.localtime(stamp).date() <= as_of  # noqa: E731
        if not r.from_unit.path.startswith(unit.path) or not by(r.created_at):
            continue
        if by(r.applied_at):
            counts["applied"] += 1
        elif by(r.approved_at):
            counts["approved"] += 1
        elif r.state in ("returned", "rejected", "withdrawn") and by(r.decided_at):
            counts[r.state] += 1
        elif by(r.submitted_at):
            counts["submitted"] += 1
        else:
            counts["draft"] += 1
    return counts


@pytest.mark.parametrize("seed", [19, 2026])
def test_the_figures_by_child_equal_each_childs_own(units, seed):
    with time_machine.travel(datetime(2026, 11, 16, 4, 0, tzinfo=UTC), tick=False):
        cycle = _world(seed, units)
    for code in ("HD", "330000"):
        parent = units[code]
        children = children_of(parent)
        assert len(children) >= 3
        for on in DAYS:
            grouped = figures_by_unit(parent, on, units=children)
            assert list(grouped) == [child.pk for child in children]
            for child in children:
                assert grouped[child.pk] == unit_figures(child, on), (code, child.code, on)
            # Every row lies in a district, so the additive figures of the children add up to the parent's.
            head = unit_figures(parent, on)
            rows = list(grouped.values())
            assert sum(row.headcount.in_post for row in rows) == head.headcount.in_post
            assert sum(row.headcount.open_vacancies for row in rows) == head.headcount.open_vacancies
            assert sum(row.headcount.approved_seats for row in rows) == head.headcount.approved_seats
            assert sum(row.headcount.filled_seats for row in rows) == head.headcount.filled_seats
            assert sum(row.turnover.leavers for row in rows) == head.turnover.leavers
            assert sum((row.training_hours for row in rows), Decimal(0)) == head.training_hours
            assert head.training_hours == training_hours_total(parent, start=date(on.year, 1, 1), end=on)
            assert Counter(head.pipeline) == sum((Counter(row.pipeline) for row in rows), Counter())
            assert head.pipeline == _pipeline_from_rows(parent, on)
        assert headcount_by_child(parent, LAST) == [headcount_vs_plan(child, LAST) for child in children]
        for row in training_hours_by_unit(parent, start=date(2026, 1, 1), end=LAST):
            assert row.hours == training_hours_total(row.unit, start=date(2026, 1, 1), end=LAST)
        distribution = capability_distribution_by_unit(unit=parent, cycle=cycle, units=children)
        total = Counter()
        for child in children:
            assert distribution[child.pk] == capability_distribution(unit=child, cycle=cycle), child.code
            total.update(distribution[child.pk])
        assert dict(total) == capability_distribution(unit=parent, cycle=cycle)
    # On the local day of every stamp, and the day before, each recommendation sits at its stage of that day.
    stamps = PromotionRecommendation.objects.values_list("created_at", "submitted_at", "approved_at", "applied_at", "decided_at")
    days = {timezone.localdate(stamp) - timedelta(days=back) for row in stamps for stamp in row if stamp for back in (0, 1)}
    for on in sorted(days):
        assert promotion_pipeline(unit=units["HD"], as_of=on) == _pipeline_from_rows(units["HD"], on), on
    # The data set is not trivial: figures in several children, leavers, hours, results and every stage.
    everything = figures_by_unit(units["HD"], LAST, units=children_of(units["HD"]))
    assert sum(1 for row in everything.values() if row.headcount.in_post) >= 2
    assert sum(row.turnover.leavers for row in everything.values()) >= 3
    assert sum(row.training_hours for row in everything.values()) > 0
    assert sum(capability_distribution(unit=units["HD"], cycle=cycle).values()) > 0
    assert sum(1 for n in unit_figures(units["HD"], LAST).pipeline.values() if n) >= 3
