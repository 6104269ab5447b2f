"""How high a role sits, for appraisal: a person may score only someone whose role sits lower.

The rights themselves (appraisal.view / appraisal.scheme / appraisal.score / reward.propose) live in the one
role table, core/roles.py, and are asked with `core.roles.can`.
"""

from core.roles import Role, role_of

LEVEL = {
    Role.DIRECTOR: 0,
    Role.CENTER_STAFF: 0,
    Role.REGIONAL_MANAGER: 1,
    Role.PROVINCIAL_MANAGER: 2,
    Role.DISTRICT_MANAGER: 3,
    Role.SALES_REP: 4,
}


def level(principal):
    return LEVEL.get(role_of(principal))
