"""Who may plan and record visits (core/rights.py: the one rule for writes).

Visits are kept by those who keep the customers' archive: the role table's `customer.change` (the center, every
manager, sales staff and branch systems' keys), so this subject needs no new right in the role table. Inside it:

- `visit.record` (the customer or channel visited; None: may this person record visits at all?): the customer's or
  channel's salesperson, a manager (or branch key) whose part of the organisation holds its district office, or
  the Development Center — a salesperson records visits to their own customers and channels only;
- `visit_rule.change`: the Development Center (the visit rules are company policy);
- `visit.update` (a Visit: its record, marking it done, cancelling it): its visitor, whoever recorded it, a manager
  (or branch key) above its district office, or the center.

Reading is the scope rule alone (`Visit.objects.for_user`): the visitor reads their own visits, a manager their
subtree's. Pages and the API find a visit through the scope first (outside it: 404) before any right is asked.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from core.rights import Refusal, rule
from core.roles import can, staff_of
from core.scoping import scope_of

VISIT_RIGHT = "customer.change"


def _unit_path(subject):
    unit = getattr(subject, "district", None) or getattr(subject, "unit", None)
    return unit.path


def handles_subject(user, subject):
    """True if `user` may record visits to `subject` (a Customer or a Channel)."""
    if not can(user, VISIT_RIGHT):
        return False
    scope = scope_of(user)
    if scope.everything:
        return True
    staff = staff_of(user, active=True)
    if staff is not None and subject.salesperson_id is not None and staff.pk == subject.salesperson_id:
        return True
    if scope.own_only:
        return False
    return scope.covers_path(_unit_path(subject))


@rule("visit.record")
def may_record(user, subject=None):
    if not can(user, VISIT_RIGHT):
        return Refusal(_("You have no right to record visits."))
    if subject is None:
        return True
    return handles_subject(user, subject) or Refusal(
        _(
            "Only the salesperson of this customer or channel, a manager above its district office or the Development Center may record its visits."
        ),
        field="customer" if hasattr(subject, "district") else "channel",
    )


@rule("visit.update")
def may_update(user, visit):
    if not can(user, VISIT_RIGHT):
        return Refusal(_("You have no right to record visits."))
    scope = scope_of(user)
    if scope.everything:
        return True
    staff = staff_of(user, active=True)
    if staff is not None and visit.salesperson_id is not None and staff.pk == visit.salesperson_id:
        return True
    if visit.created_by_id is not None and isinstance(user, get_user_model()) and user.pk == visit.created_by_id:
        return True
    if scope.own_only:
        return Refusal(
            _("Only the visitor, a manager above the district office or the Development Center may change this visit.")
        )
    return scope.covers_path(visit.unit.path) or Refusal(_("This visit lies outside your part of the organisation."))


@rule("visit_rule.change")
def may_change_rules(user, rule_=None):
    """The visit rules (how often each class of customers is due a visit) are the Development Center's."""
    scope = scope_of(user)
    return (scope.everything and can(user, VISIT_RIGHT)) or Refusal(_("Only the Development Center sets the visit rules."))
