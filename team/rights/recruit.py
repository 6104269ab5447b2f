"""Who may change headcount requests, vacancies and candidates (core/rights.py: the one rule for writes).

Recruitment is managing people: it needs the role table's `task.assign` (RECRUIT_RIGHT — the center and every
manager; not sales staff, not branch systems' keys), so no new right is added to the role table. Inside it,
the unit concerned must lie in the person's part of the organisation. Reading needs the same right (the pages'
and the API's `view_action`): a salesperson reads none of it, nor does a branch key.

- `headcount.request` (an OrgUnit, or a HeadcountRequest): draft, change, submit or withdraw a request of the unit;
- `vacancy.cancel` (a Vacancy): give up an open seat;
- `candidate.record` (a Vacancy): record a candidate for it;
- `candidate.move` (a Candidate): move them to another stage, record an interview;
- `candidate.hire` (a Vacancy): hire into it — regions' `staff.hire` of its unit (the center, regional and
  provincial managers: `staff.change`). A district manager takes candidates as far as an offer; the provincial
  manager (or above) hires, as for every hire into the staff archive.
"""

from django.utils.translation import gettext as _

from core.rights import Refusal, may, rule
from core.roles import can
from core.scoping import scope_of

RECRUIT_RIGHT = "task.assign"


def recruits_at(user, unit):
    """True if `user` may recruit for `unit`: the right, and the unit inside their part of the organisation."""
    return can(user, RECRUIT_RIGHT) and scope_of(user).covers_path(unit.path)


def _unit_of(obj):
    return getattr(obj, "unit", obj)


@rule("headcount.request")
def may_request_headcount(user, obj=None):
    """`obj`: the unit asked for (or its request); None: may this person ask for headcount at all?"""
    if not can(user, RECRUIT_RIGHT):
        return Refusal(_("Only a manager or the Development Center asks for headcount."))
    if obj is None:
        return True
    unit = _unit_of(obj)
    return scope_of(user).covers_path(unit.path) or Refusal(
        _("%(unit)s is outside your part of the organisation.") % {"unit": unit.name}, field="unit"
    )


@rule("vacancy.cancel")
def may_cancel_vacancy(user, vacancy):
    return recruits_at(user, vacancy.unit) or Refusal(_("Only a manager over the vacancy's unit may cancel it."))


@rule("candidate.record")
def may_record_candidate(user, vacancy=None):
    if vacancy is None:
        return can(user, RECRUIT_RIGHT)
    return recruits_at(user, vacancy.unit) or Refusal(_("Only a manager over the vacancy's unit records its candidates."))


@rule("candidate.move")
def may_move_candidate(user, candidate):
    return recruits_at(user, candidate.vacancy.unit) or Refusal(
        _("Only a manager over the vacancy's unit handles its candidates.")
    )


@rule("candidate.hire")
def may_hire_candidate(user, vacancy=None):
    """Hiring puts a person in the staff archive: regions' `staff.hire` of the vacancy's unit."""
    if may(user, "staff.hire", None if vacancy is None else vacancy.unit):
        return True
    return Refusal(_("Only the provincial or regional manager over the unit, or the Development Center, hires."))
