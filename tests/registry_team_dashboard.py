"""Scoping-contract entries of the team dashboard (团队看板, team app, issue 19), joined into tests.scoping_registry.

Like the sales dashboard, the page reads a unit (the reader's own, or ?unit=<id>), not an object by pk. It is walked
as a board: each persona opens their own unit's dashboard, whose figures cover an object (an open vacancy) exactly
when the object's district lies in that unit's subtree. Managers and the center read it; sales staff get 403. The
?unit= drill-down (inside → 200, outside → 404) is tested in tests/team/test_dashboard.py."""

from tests.registry_team_recruit import MANAGERS, vacancy_read
from tests.scoping_registry import Scoped


def _covered(response, vacancy):
    """The dashboard's unit holds the vacancy's district, and its open vacancies list it."""
    unit = response.context["unit"]
    listed = any(age.vacancy.pk == vacancy.pk for age in response.context["vacancies"])
    return vacancy.unit.path.startswith(unit.path) and listed


ENTRIES = [
    Scoped(
        name="team dashboard",
        make=vacancy_read,
        web_list="team:dashboard",
        web_visible=_covered,
        readers=MANAGERS,
    ),
]
