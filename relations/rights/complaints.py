"""Who may log and handle complaints (core/rights.py: the one rule for writes).

Complaints are kept by those who keep the customers' archive: the role table's `customer.change` (the center,
every manager, sales staff and branch systems' keys), so no new right is needed. Inside it:

- `complaint.create` (a Customer; None: may this person log complaints at all?) — a salesperson for their own
  customers, a manager (or a branch key) for customers of their part of the tree, the center for any;
- `complaint.handle` (a Complaint: record a step, start, give the result, record the customer's confirmation,
  close, reopen, report an SLA breach, change its details) — its owner, its salesperson, a manager (or branch key)
  whose part of the tree holds its district office, the center;
- `complaint.escalate` — the escalation job's alone (it acts as SYSTEM); a person reports a breach instead.

Reading is the scope rule (`Complaint.objects.for_user`): outside it a complaint is a 404 before any right is asked.
"""

from django.utils.translation import gettext as _

from core.rights import Refusal, rule
from core.roles import can, staff_of
from core.scoping import scope_of

RIGHT = "customer.change"


@rule("complaint.create")
def may_create_complaint(user, customer=None):
    if not can(user, RIGHT):
        return Refusal(_("You have no right to log complaints."))
    if customer is None:
        return True
    scope = scope_of(user)
    if scope.own_only:
        staff = staff_of(user, active=True)
        return (staff is not None and customer.salesperson_id == staff.pk) or Refusal(
            _("A salesperson logs complaints of their own customers."), field="customer"
        )
    return scope.covers_path(customer.district.path) or Refusal(
        _("This customer is outside your part of the organisation."), field="customer"
    )


def handles_complaint(user, complaint):
    """True if `user` handles `complaint` (see the module's docstring)."""
    if not can(user, RIGHT):
        return False
    scope = scope_of(user)
    if scope.everything:
        return True
    staff = staff_of(user, active=True)
    if staff is not None and staff.pk in (complaint.owner_id, complaint.salesperson_id):
        return True
    if scope.own_only:
        return False
    return scope.covers_path(complaint.unit.path)


@rule("complaint.handle")
def may_handle_complaint(user, complaint):
    return handles_complaint(user, complaint) or Refusal(
        _(
            "Only the complaint's owner, its salesperson, a manager above its district office or the Development Center may do this."
        )
    )


@rule("complaint.escalate")
def may_escalate_complaints(user, complaint=None):
    return Refusal(_("Complaints past their SLA are escalated by the system; report a breach instead."))
