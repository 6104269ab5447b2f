"""The team dashboard's figures (团队看板, issue 19 Deliver item 5): one unit subtree as of a day, and the same
figures for each active unit directly below it (the drill-down). Composed only from the subjects' selectors —
recruit (headcount vs plan, vacancies and days open, 12-month rolling turnover), training (hours this year),
promo (capability distribution of the latest cycle, promotion pipeline) — so the page shows what they define.

The caller passes a unit it found in the reader's scope."""

import datetime
from dataclasses import dataclass

from team.models.promo import AssessmentCycle
from team.selectors.promo import PIPELINE_STAGES, distribution_table, promotion_pipeline
from team.selectors.recruit import (
    HeadcountFigures,
    TurnoverFigures,
    average_days_open,
    headcount_by_child,
    headcount_vs_plan,
    turnover,
    vacancy_ages,
)
from team.selectors.training import training_hours_by_unit, training_hours_total

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


def unit_figures(unit, on, *, headcount=None, hours=None):
    """The figures of `unit`'s subtree on `on` (hours: from 1 January of `on`'s year to `on`). `headcount` and
    `hours` may be passed when the caller has them from a by-child selector."""
    return UnitFigures(
        unit=unit,
        headcount=headcount if headcount is not None else headcount_vs_plan(unit, on),
        average_days_open=average_days_open(unit, on),
        turnover=turnover(unit, on),
        training_hours=hours if hours is not None else training_hours_total(unit, start=year_start(on), end=on),
        pipeline=promotion_pipeline(unit=unit, as_of=on),
    )


def team_dashboard(unit, on):
    """{unit figures, the open vacancies with their days open, the latest cycle and its capability distribution,
    the pipeline's stages, one row of figures per active child unit}."""
    cycle = latest_cycle()
    hours = {row.unit.pk: row.hours for row in training_hours_by_unit(unit, start=year_start(on), end=on)}
    children = [
        unit_figures(figures.unit, on, headcount=figures, hours=hours.get(figures.unit.pk))
        for figures in headcount_by_child(unit, on)
    ]
    return {
        "figures": unit_figures(unit, on),
        "vacancies": vacancy_ages(unit, on),
        "cycle": cycle,
        "distribution": distribution_table(unit=unit, cycle=cycle) if cycle is not None else [],
        "stages": PIPELINE_STAGES,
        "children": children,
    }
