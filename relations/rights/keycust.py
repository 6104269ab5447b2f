"""Who decides key customers and keeps their long-term plans (core/rights.py: the one rule for writes).

A customer is made a key customer (or stops being one) by a manager whose part of the tree holds the customer's
district office — its district manager, the provincial or the regional manager above — or by the Development
Center. The same people keep the customer's long-term plans (objectives, actions, closing) and write the quarterly
reviews. A salesperson reads their key customers' plans and does the actions given to them (workflow tasks), but
decides nothing here; a branch system's key neither.

- `keycust.decide` (a Customer): designate or undesignate it;
- `keycust.plan` (a Customer for a new plan, else a KeyCustomerPlan): open, change or close a plan, add objectives
  and actions;
- `keycust.review` (a KeyCustomerPlan): write a quarterly review.
"""

from django.utils.translation import gettext as _

from core.rights import Refusal, rule
from core.roles import Role, role_of
from core.scoping import scope_of

CENTER_ROLES = (Role.DIRECTOR, Role.CENTER_STAFF)
MANAGER_ROLES = (Role.REGIONAL_MANAGER, Role.PROVINCIAL_MANAGER, Role.DISTRICT_MANAGER)


def decides_for(user, customer):
    """True if `user` is the Development Center or a manager above (or of) the customer's district office."""
    role = role_of(user)
    if role in CENTER_ROLES:
        return True
    return role in MANAGER_ROLES and scope_of(user).covers_path(customer.district.path)


def _customer_of(subject):
    return getattr(subject, "customer", subject)


@rule("keycust.decide")
def may_decide(user, customer=None):
    """Designate `customer` a key customer or undesignate it (None: may this person decide at all?)."""
    if customer is None:
        return role_of(user) in CENTER_ROLES + MANAGER_ROLES or Refusal(_("Key customers are decided by managers."))
    return decides_for(user, customer) or Refusal(
        _("Only a manager above the customer's district office or the Development Center decides key customers.")
    )


@rule("keycust.plan")
def may_keep_plan(user, subject=None):
    """Open a plan for a customer, or change a plan (its objectives, actions, state)."""
    if subject is None:
        return role_of(user) in CENTER_ROLES + MANAGER_ROLES or Refusal(_("Key-customer plans are kept by managers."))
    return decides_for(user, _customer_of(subject)) or Refusal(
        _("Only a manager above the customer's district office or the Development Center keeps its plans.")
    )


@rule("keycust.review")
def may_review(user, plan):
    """Write a quarterly review of `plan`."""
    return decides_for(user, plan.customer) or Refusal(
        _("Only a manager above the customer's district office or the Development Center reviews its plans.")
    )
