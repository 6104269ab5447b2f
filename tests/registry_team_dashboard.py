"""Scoping-contract entries of the team dashboard (团队看板, team app, issue 19), joined into tests.scoping_registry.

Like the sales dashboard, the page reads a unit (the reader's own, or ?unit=<id>), not an object by pk. It is walked
as a board: each persona opens their own unit's dashboard, whose figures cover an object (an open vacancy) exactly
when the object's district lies in that unit's subtree. Managers and the center read it; sales staff get 403. The
?unit= drill-down (inside → 200, outside → 404) is tested in tests/team/test_dashboard.py."""

from tests.scoping_registry import Scoped, unowned

# The recruitment right's holders (tests/registry_team_recruit.py MANAGERS; not imported: that module imports the
# registry, which imports this one).
MANAGERS = frozenset({"director", "center", "rm_east", "rm_south", "pm_zhejiang", "pm_guangdong", "dm_hangzhou", "dm_guangzhou"})


@unowned
def _open_vacancy(district, owner):
    from tests.registry_team_recruit import vacancy_read

    return vacancy_read(district, owner)


def _covered(response, vacancy):
    """The dashboard's unit holds the vacancy's district, and its open vacancies list it."""
    unit = response.context["unit"]
    listed = any(age.vacancy.pk == vacancy.pk for age in response.context["vacancies"])
    return vacancy.unit.path.startswith(unit.path) and listed


ENTRIES = [
    Scoped(
        name="team dashboard",
        make=_open_vacancy,
        web_list="team:dashboard",
        web_visible=_covered,
        readers=MANAGERS,
    ),
]
