"""Who may write market intelligence (core/rights.py: the one rule for writes).

Market reports are written by the people in the field: every member of staff whose role keeps the customer
archive (the role table's `customer.change`: the center, every manager and sales staff — a new app needs no new
right in the role table). A branch system's key has no part in it (a report has a person who wrote it).

- `market_report.create` (the new MarketReport, unsaved; None: may this person write reports at all?): in their
  part of the organisation; a salesperson in their own district, as themselves;
- `market_report.update` / `market_report.delete` (a MarketReport): its reporter, a manager whose subtree holds
  its unit, or the Development Center;
- `market_report.raise` (a MarketReport): raise it as a special event (risk) — whoever may update it and may
  report special events (`event.report`, held by every working role).

Reading is the scope rule alone (`MarketReport.objects.for_user`): a salesperson reads their own reports, a
manager their subtree's, the center everything.
"""

from django.utils.translation import gettext as _

from core.rights import Refusal, rule
from core.roles import Role, can, role_of, staff_of
from core.scoping import scope_of

WRITE_RIGHT = "customer.change"


def writes_market(user):
    """True if `user` may write market reports at all (a person with the archive right)."""
    return staff_of(user, active=True) is not None and can(user, WRITE_RIGHT)


def handles_market_report(user, report):
    """True if `user` handles `report`: its reporter, a manager whose part holds its unit, or the center."""
    if not writes_market(user):
        return False
    scope = scope_of(user)
    if scope.everything:
        return True
    staff = staff_of(user, active=True)
    if staff.pk == report.reporter_id:
        return True
    if scope.own_only or role_of(user) == Role.SALES_REP:
        return False
    return scope.covers_path(report.unit.path)


@rule("market_report.create")
def may_create(user, report=None):
    if not writes_market(user):
        return Refusal(_("Market reports are written by members of staff who keep the customer archive."))
    if report is None:
        return True
    scope = scope_of(user)
    if scope.own_only:
        staff = staff_of(user, active=True)
        if report.reporter_id != staff.pk:
            return Refusal(_("A salesperson writes market reports of their own."), field="reporter")
    return scope.covers_path(report.unit.path) or Refusal(
        _("%(unit)s is outside your part of the organisation.") % {"unit": report.unit}, field="unit"
    )


def _handler(user, report):
    return handles_market_report(user, report) or Refusal(
        _("Only the report's author, a manager above its unit or the Development Center may do this.")
    )


@rule("market_report.update")
def may_update(user, report):
    return _handler(user, report)


@rule("market_report.delete")
def may_delete(user, report):
    return _handler(user, report)


@rule("market_report.raise")
def may_raise(user, report):
    if not can(user, "event.report"):
        return Refusal(_("You have no right to report special events."))
    return _handler(user, report)
