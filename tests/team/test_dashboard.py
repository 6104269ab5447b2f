"""The team dashboard (团队看板, issue 19): its figures for a unit and for each unit below it are the subjects'
selectors' (recruit, training, promo) as of today; the ?unit= drill-down stays inside the reader's scope (outside
→ 404, not a unit → 404, a salesperson → 403); the queries per request grow by a fixed number per child unit."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.rights import SYSTEM
from regions.services import org_unit_create
from team.models import AssessmentCycle
from team.selectors.promo import PIPELINE_STAGES, distribution_table, promotion_pipeline
from team.selectors.recruit import average_days_open, headcount_vs_plan, turnover, vacancy_ages
from team.selectors.training import training_hours_total
from tests import scoping_registry  # noqa: F401  (first: it imports the registry modules in its order)
from tests.registry_team_recruit import vacancy_read

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


def test_the_queries_grow_by_a_fixed_number_per_child_unit(personas, units):
    """The page composes the subjects' per-unit selectors, so each child row costs the same fixed number of
    queries, whatever the number of children (2, 3 or 5): no query per person, vacancy or recommendation."""
    province = org_unit_create(by=SYSTEM, kind="province", code="T99000", name="测试省", parent=units["HD"])
    web = personas["center"].web()

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert web.get(URL, {"unit": province.pk}).status_code == 200
        return len(captured)

    made = 0

    def add(n):
        nonlocal made
        for _ in range(n):
            made += 1
            district = org_unit_create(by=SYSTEM, kind="district", code=f"T99{made:03d}", name=f"测试地办{made}", parent=province)
            vacancy_read(district, None)

    add(2)
    two = queries()
    add(1)
    three = queries()
    add(2)
    five = queries()
    per_child = three - two
    assert five - three == 2 * per_child
    assert per_child <= 25
