"""The team dashboard's figures (团队看板, issue 19 Deliver item 5): one unit subtree as of a day, and the same
figures for each active unit directly below it (the drill-down). Composed only from the subjects' selectors —
recruit (headcount vs plan, vacancies and days open, 12-month rolling turnover), training (hours this year),
promo (capability distribution of the latest cycle, promotion pipeline) — so the page shows what they define.

Every figure is read through the subjects' `…_by_unit` selectors, which split a subtree between several units in
one grouped query each: the unit's figures are one pass, its children's another, so the page costs the same
number of queries whatever the number of children (tests/team/test_dashboard.py holds it to a budget).

The caller passes a unit it found in the reader's scope."""

import datetime
from dataclasses import dataclass

from team.models.promo import AssessmentCycle
from team.selectors.promo import PIPELINE_STAGES, distribution_table, promotion_pipeline_by_unit
from team.selectors.recruit import (
    HeadcountFigures,
    TurnoverFigures,
    average_days_open_by_unit,
    headcount_by_unit,
    turnover_by_unit,
    vacancy_ages,
)
from team.selectors.training import trained_by_unit

# The pipeline stages still on their way (a recommendation neither applied nor decided against).
IN_FLIGHT = ("draft", "submitted", "approved")


def latest_cycle():
    """The latest assessment cycle, closed or open (by its start, then the newest)."""
    return AssessmentCycle.objects.order_by("-starts_on", "-id").first()


def year_start(on):
    return datetime.date(on.year, 1, 1)


@dataclass(frozen=True)
class UnitFigures:
    """The dashboard's figures of one unit subtree on day `on`."""

    unit: object
    headcount: HeadcountFigures
    average_days_open: object  # Decimal or None
    turnover: TurnoverFigures
    training_hours: object  # Decimal
    pipeline: dict  # {stage: count}

    @property
    def in_flight(self):
        return sum(self.pipeline[stage] for stage in IN_FLIGHT)


def figures_by_unit(unit, on, *, units=None):
    """{unit id: UnitFigures on `on`} for each of `units` — units of `unit`'s subtree, none below another (its
    children, or `unit` alone: the default) —; hours from 1 January of `on`'s year to `on`.
    Six queries, however many units."""
    units = [unit] if units is None else list(units)
    headcount = headcount_by_unit(unit, on, units=units)
    days_open = average_days_open_by_unit(unit, on, units=units)
    rolling = turnover_by_unit(unit, on, units=units)
    hours = trained_by_unit(unit, start=year_start(on), end=on, units=units)
    pipeline = promotion_pipeline_by_unit(unit=unit, as_of=on, units=units)
    return {
        u.pk: UnitFigures(
            unit=u,
            headcount=headcount[u.pk],
            average_days_open=days_open[u.pk],
            turnover=rolling[u.pk],
            training_hours=hours[u.pk][0],
            pipeline=pipeline[u.pk],
        )
        for u in units
    }


def unit_figures(unit, on):
    """The figures of `unit`'s subtree on `on` (hours: from 1 January of `on`'s year to `on`)."""
    return figures_by_unit(unit, on)[unit.pk]


def team_dashboard(unit, on):
    """{unit figures, the open vacancies with their days open, the latest cycle and its capability distribution,
    the pipeline's stages, one row of figures per active child unit (in tree order)}."""
    cycle = latest_cycle()
    children = list(unit.children.filter(is_active=True).order_by("path"))
    by_child = figures_by_unit(unit, on, units=children)
    return {
        "figures": unit_figures(unit, on),
        "vacancies": vacancy_ages(unit, on),
        "cycle": cycle,
        "distribution": distribution_table(unit=unit, cycle=cycle) if cycle is not None else [],
        "stages": PIPELINE_STAGES,
        "children": [by_child[child.pk] for child in children],
    }
