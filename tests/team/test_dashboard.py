"""The team dashboard (团队看板, issue 19): its figures for a unit and for each unit below it are the subjects'
selectors' (recruit, training, promo) as of today; the ?unit= drill-down stays inside the reader's scope (outside
→ 404, not a unit → 404, a salesperson → 403); the number of queries per request does not depend on the number of
child units."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.rights import SYSTEM
from regions.services import org_unit_create, staff_leave
from team.models import (
    Assessment,
    AssessmentCycle,
    AssessmentScore,
    CapabilityModel,
    Competency,
    Enrolment,
    PromotionRecommendation,
    TrainingSession,
)
from team.selectors.promo import PIPELINE_STAGES, distribution_table, promotion_pipeline
from team.selectors.recruit import average_days_open, headcount_vs_plan, turnover, vacancy_ages
from team.selectors.training import training_hours_total
from tests import scoping_registry  # noqa: F401  (first: it imports the registry modules in its order)
from tests.registry_team_recruit import vacancy_read
from tests.registry_team_training import make_course
from tests.scoping_registry import make_staff

TODAY = date(2026, 11, 16)
URL = "/team/dashboard/"


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel(datetime(2026, 11, 16, 4, 0, tzinfo=UTC), tick=False):
        yield


def _same(figures, unit):
    """The page's figures of `unit` are what the selectors answer for it today."""
    assert figures.unit.pk == unit.pk
    assert figures.headcount == headcount_vs_plan(unit, TODAY)
    assert figures.turnover == turnover(unit, TODAY)
    assert figures.average_days_open == average_days_open(unit, TODAY)
    assert figures.training_hours == training_hours_total(unit, start=date(2026, 1, 1), end=TODAY)
    assert figures.pipeline == promotion_pipeline(unit=unit, as_of=TODAY)


def test_the_dashboard_figures_are_the_selectors(personas, units):
    AssessmentCycle.objects.create(code="D-2025", name="旧", starts_on=date(2025, 7, 1), ends_on=date(2025, 12, 31))
    AssessmentCycle.objects.create(code="D-2026", name="新", starts_on=date(2026, 7, 1), ends_on=date(2026, 12, 31))
    vacancy = vacancy_read(units["330100"], None)
    vacancy_read(units["440100"], None)  # outside 浙江: not on the province's page
    response = personas["pm_zhejiang"].web().get(URL)
    assert response.status_code == 200
    context, zhejiang = response.context, units["330000"]
    assert context["unit"].pk == zhejiang.pk
    _same(context["figures"], zhejiang)
    listed = [age.vacancy for age in context["vacancies"]]
    assert vacancy.pk in {v.pk for v in listed} and all(v.unit.path.startswith(zhejiang.path) for v in listed)
    assert context["figures"].headcount.open_vacancies == len(listed) >= 1
    assert [age.vacancy.pk for age in context["vacancies"]] == [age.vacancy.pk for age in vacancy_ages(zhejiang, TODAY)]
    assert list(context["stages"]) == list(PIPELINE_STAGES)
    cycle = AssessmentCycle.objects.get(code="D-2026")
    assert context["cycle"] == cycle
    expected = distribution_table(unit=zhejiang, cycle=cycle)
    assert [(label, [row["levels"] for row in rows]) for label, rows, _ in context["distribution"]] == [
        (label, [row["levels"] for row in rows]) for label, rows, _ in expected
    ]
    children = zhejiang.children.filter(is_active=True).order_by("path")
    assert [row.unit.pk for row in context["children"]] == [child.pk for child in children]
    for row in context["children"]:
        _same(row, row.unit)
    hangzhou = next(row for row in context["children"] if row.unit.pk == units["330100"].pk)
    assert hangzhou.headcount.open_vacancies == len(listed)
    page = response.content.decode()
    assert f'href="{URL}?unit={units["330100"].pk}"' in page and 'id="kpi-turnover"' in page


def test_the_drill_down_stays_in_scope(personas, units):
    hangzhou, ningbo = units["330100"], units["330200"]
    pm, dm = personas["pm_zhejiang"].web(), personas["dm_hangzhou"].web()
    assert pm.get(URL, {"unit": hangzhou.pk}).context["unit"].pk == hangzhou.pk
    assert dm.get(URL).context["unit"].pk == hangzhou.pk
    assert dm.get(URL, {"unit": hangzhou.pk}).status_code == 200
    assert dm.get(URL, {"unit": ningbo.pk}).status_code == 404  # a sister district
    assert dm.get(URL, {"unit": units["330000"].pk}).status_code == 404  # the unit above
    assert pm.get(URL, {"unit": units["440100"].pk}).status_code == 404
    assert pm.get(URL, {"unit": "abc"}).status_code == 404
    assert pm.get(URL, {"unit": "99999999"}).status_code == 404
    assert personas["center"].web().get(URL, {"unit": units["440100"].pk}).status_code == 200
    assert personas["rep_hangzhou"].web().get(URL).status_code == 403
    assert personas["rep_hangzhou"].web().get(URL, {"unit": hangzhou.pk}).status_code == 403
    nav = pm.get("/").content.decode()
    assert f'href="{URL}"' in nav
    assert f'href="{URL}"' not in personas["rep_hangzhou"].web().get("/").content.decode()


def _district_with_figures(province, n, cycle):
    """A district under `province` with something in every figure: an open vacancy, a person in post, one who left
    this year, hours trained this year, a completed assessment of the cycle and a submitted recommendation."""
    district = org_unit_create(by=SYSTEM, kind="district", code=f"T99{n:03d}", name=f"测试地办{n}", parent=province)
    vacancy_read(district, None)
    person = make_staff(district, None)
    staff_leave(by=SYSTEM, staff=make_staff(district, None), on=date(2026, 6, 30))
    start = timezone.now() - timedelta(days=30)
    session = TrainingSession.objects.create(
        course=make_course(district, None), unit=district, starts_at=start, ends_at=start + timedelta(hours=4),
        trainer="讲师", capacity=9,
    )  # fmt: skip
    Enrolment.objects.create(session=session, person=person, attended=True, hours="3.5")
    model = CapabilityModel.objects.get(role="sales_rep", state="approved", name="测试模型")
    assessment = Assessment.objects.create(
        cycle=cycle, staff=person, unit=district, role="sales_rep", model=model, state="manager_assessed"
    )
    for competency in model.competencies.all():
        AssessmentScore.objects.create(assessment=assessment, competency=competency, self_level=3, manager_level=2 + n % 3)
    PromotionRecommendation.objects.create(
        staff=person, from_unit=district, from_role="sales_rep", to_unit=district, to_role="district_manager",
        effective_on=TODAY, reason="测试", state="submitted", submitted_at=timezone.now(),
    )  # fmt: skip
    return district


# The whole request: 12 queries for the figures (six grouped ones for the unit, six for all its children), the
# children, the open vacancies, the latest cycle and its distribution (counts, models, competencies), and what every
# page reads (session, user, scope, the unit, the trail above it, the navigation's counts): 27 in 2026-12, on SQLite
# and PostgreSQL alike.
QUERY_BUDGET = 30


def test_the_queries_do_not_depend_on_the_number_of_child_units(personas, units):
    """Each figure of the unit and of all its children is read with a fixed number of grouped queries: a province
    with one district and with four (each holding vacancies, people, leavers, hours, assessments and
    recommendations) costs the same number of queries, within QUERY_BUDGET for the whole request. (Before the
    grouped selectors: 59 with one child, 125 with four — 22 more per child.)"""
    model = CapabilityModel.objects.create(role="sales_rep", version=1, name="测试模型", state="approved")
    for n in range(2):
        Competency.objects.create(model=model, code=f"C{n}", name=f"能力{n}", levels=5, order=n)
    cycle = AssessmentCycle.objects.create(code="Q-2026", name="测试周期", starts_on=date(2026, 7, 1), ends_on=date(2026, 12, 31))
    province = org_unit_create(by=SYSTEM, kind="province", code="T99000", name="测试省", parent=units["HD"])
    web = personas["center"].web()

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = web.get(URL, {"unit": province.pk})
        assert response.status_code == 200
        return len(captured), response.context

    _district_with_figures(province, 1, cycle)
    one, context = queries()
    assert len(context["children"]) == 1 and context["children"][0].in_flight == 1
    for n in (2, 3, 4):
        _district_with_figures(province, n, cycle)
    four, context = queries()
    assert len(context["children"]) == 4
    assert context["figures"].headcount.in_post == 4 and context["figures"].turnover.leavers == 4
    assert all(row.headcount.open_vacancies == 2 and row.training_hours == Decimal("3.5") for row in context["children"])
    assert sum(row["total"] for _label, rows, _levels in context["distribution"] for row in rows) == 4 * 2
    assert one == four <= QUERY_BUDGET, (one, four)
