"""Who may change capability models, assessments and promotion recommendations (core/rights.py).

The role table has no rights of its own for them; they reuse the appraisal rights they belong with (考核办法由
发展中心制定 — the center sets the rules, managers score their people):
- `capability.model` (a CapabilityModel or None), `assessment.cycle` (a cycle or None): `appraisal.scheme` —
  the Development Center;
- `assessment.self` (the StaffProfile assessed): the person themselves, in service;
- `assessment.manage` (the StaffProfile assessed): `appraisal.score` and being the person's direct manager
  (team.selectors.promo: the post one step above) — anyone else is refused on `staff`;
- `assessment.calibrate` (an Assessment): `appraisal.score`, the assessment's unit in the subtree, not one's own;
- `promotion.recommend` (a PromotionRecommendation): `reward.propose` and the person's unit in the subtree.
"""

from django.utils.translation import gettext as _

from core.rights import Refusal, rule
from core.roles import can, staff_of
from regions.rights import covers
from team.selectors.promo import is_direct_manager


@rule("capability.model")
def may_change_model(user, model=None):
    return can(user, "appraisal.scheme")


@rule("assessment.cycle")
def may_run_cycle(user, cycle=None):
    return can(user, "appraisal.scheme")


@rule("assessment.self")
def may_assess_self(user, staff):
    me = staff_of(user, active=True)
    if me is None or me.pk != staff.pk:
        return Refusal(_("Only the person themselves makes their self-assessment."), field="staff")
    return True


@rule("assessment.manage")
def may_assess(user, staff):
    if not can(user, "appraisal.score"):
        return False
    if not is_direct_manager(staff_of(user, active=True), staff):
        return Refusal(_("%(name)s is not one of your direct reports.") % {"name": staff.name}, field="staff")
    return True


@rule("assessment.calibrate")
def may_calibrate(user, assessment):
    if not can(user, "appraisal.score") or not covers(user, assessment.unit):
        return False
    me = staff_of(user)
    if me is not None and me.pk == assessment.staff_id:
        return Refusal(_("Nobody calibrates their own assessment."), field="staff")
    return True


@rule("promotion.recommend")
def may_recommend(user, recommendation):
    return can(user, "reward.propose") and covers(user, recommendation.from_unit)
