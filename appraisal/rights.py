"""Who may do what in appraisal and incentives.

core/roles.py ROLE_TABLE holds no appraisal rights yet, so this app keeps its small table here, in one
place (pages and API both ask `may`). The rights follow the requirement: the Development Center drafts
appraisal and incentive schemes and runs the scoring (考核办法由发展中心制定); managers score their
people's manual items and propose rewards; branch systems (API keys) read nothing of it — appraisal is
about people, not the sales ledger they feed.
"""

from core.roles import BRANCH_SYSTEM, Role, role_of

CENTER = frozenset({Role.DIRECTOR, Role.CENTER_STAFF})
MANAGERS = CENTER | {Role.REGIONAL_MANAGER, Role.PROVINCIAL_MANAGER, Role.DISTRICT_MANAGER}
PEOPLE = MANAGERS | {Role.SALES_REP}

RIGHTS = {
    "appraisal.view": PEOPLE,
    # Drafting and submitting appraisal schemes, incentive schemes, computing runs.
    "appraisal.scheme": CENTER,
    # Entering manual item scores (for people below oneself, checked per score).
    "appraisal.score": MANAGERS,
    # Proposing rewards and special awards (for units and people inside one's scope).
    "reward.propose": MANAGERS,
}

# How high a role sits: a person may score only someone whose role sits lower.
LEVEL = {
    Role.DIRECTOR: 0,
    Role.CENTER_STAFF: 0,
    Role.REGIONAL_MANAGER: 1,
    Role.PROVINCIAL_MANAGER: 2,
    Role.DISTRICT_MANAGER: 3,
    Role.SALES_REP: 4,
}


def may(principal, action):
    role = role_of(principal)
    if role is None or role == BRANCH_SYSTEM:
        return False
    return role in RIGHTS.get(action, ())


def level(principal):
    return LEVEL.get(role_of(principal))
