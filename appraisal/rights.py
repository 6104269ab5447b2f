"""Who may change what in appraisal and incentives (core/rights.py), and how high a role sits.

The role table (core/roles.py) says which roles hold `appraisal.scheme` (the Development Center drafts
schemes and runs the scoring), `appraisal.score` and `reward.propose` (managers); the rules below add
what the object decides — a person is scored only by someone whose role sits higher, never by
themselves. The services ask these rules with `ensure(by, ...)` before they write; pages and the API
ask them with `may(...)` only to show or hide a form.
"""

from django.utils.translation import gettext as _

from core.rights import Refusal, rule
from core.roles import Role, can, role_of
from core.scoping import scope_of

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


def _center(user, message):
    return can(user, "appraisal.scheme") or Refusal(message)


@rule("appraisal_scheme.draft")
def may_draft_scheme(user, scheme=None):
    """Draft a scheme, change a draft or start its revision."""
    return _center(user, _("Appraisal schemes are drafted by the Development Center."))


@rule("appraisal_scheme.submit")
def may_submit_scheme(user, scheme):
    return _center(user, _("Appraisal schemes are submitted by the Development Center."))


@rule("appraisal_scheme.retire")
def may_retire_scheme(user, scheme):
    return _center(user, _("Appraisal schemes are retired by the Development Center."))


@rule("appraisal_run.compute")
def may_compute_run(user, scheme):
    """Compute (or recompute) the scores of a scheme (the unit is the service's input check)."""
    return _center(user, _("Appraisals are computed by the Development Center."))


@rule("incentive_scheme.set")
def may_set_incentive_scheme(user, scheme=None):
    return _center(user, _("Incentive schemes are set by the Development Center."))


@rule("reward.propose")
def may_propose_reward(user, proposal=None):
    """Propose a reward, change a draft proposal or submit it (whom it is for: the service's input check)."""
    return can(user, "reward.propose") or Refusal(_("Rewards are proposed by managers and the Development Center."))


@rule("appraisal.score")
def may_score(user, score):
    """Enter a manual score: a manager (or the center) whose scope covers the person's unit and whose role
    sits above the person's — their own manager or a higher one; never oneself."""
    refusal = Refusal(_("Only the person's manager or a higher manager scores their manual items."))
    if not can(user, "appraisal.score"):
        return refusal
    staff = getattr(user, "staff_profile", None)
    if staff is not None and staff.pk == score.staff_id:
        return refusal
    mine, theirs = level(user), LEVEL.get(score.run.scheme.role)
    if mine is not None and theirs is not None and mine < theirs and scope_of(user).covers_path(score.unit.path):
        return True
    return refusal
