"""Who may change what in risk control (core/rights.py).

The role table (core/roles.py) gives the Development Center's roles `risk.policy`: rating schemes (and
later warning rules) are company policy the center sets, submits for approval and revises; the center may
also run the rating by hand (the nightly job runs it as SYSTEM). The services ask these rules with
`ensure(by, ...)` before they write; pages and the API ask them with `may(...)` only to show or hide a form.
"""

from django.utils.translation import gettext as _

from core.rights import Refusal, rule
from core.roles import Role, can, staff_of
from core.scoping import scope_of


def _center(user, message):
    return can(user, "risk.policy") or Refusal(message)


@rule("rating_scheme.draft")
def may_draft_scheme(user, scheme=None):
    """Draft a rating scheme, change a draft or start the revision of the scheme in force."""
    return _center(user, _("Rating schemes are drafted by the Development Center."))


@rule("rating_scheme.submit")
def may_submit_scheme(user, scheme):
    return _center(user, _("Rating schemes are submitted by the Development Center."))


@rule("rating.run")
def may_run_rating(user, subject=None):
    return _center(user, _("Ratings are run by the Development Center (and every night by the system)."))


def _staff(user):
    return staff_of(user, active=True)


@rule("event.report")
def may_report_event(user, unit=None):
    """Report a special event of `unit` (without one: may this person report events at all?)."""
    if _staff(user) is None or not can(user, "event.report"):
        return Refusal(_("Special events are reported by a member of staff."))
    if unit is not None and not scope_of(user).covers_path(unit.path):
        return Refusal(_("%(unit)s is outside your part of the organisation.") % {"unit": unit}, field="unit")
    return True


def handles_event(user, event):
    """True if `user` handles `event`: its owner, a manager whose subtree holds its unit, or the center."""
    staff = _staff(user)
    if staff is None:
        return False
    if staff.pk == event.owner_id:
        return True
    scope = scope_of(user)
    return staff.role != Role.SALES_REP and not scope.own_only and scope.covers_path(event.unit.path)


def _handler(user, event):
    return handles_event(user, event) or Refusal(
        _("Only the event's owner, a manager above its unit or the Development Center may do this.")
    )


@rule("event.assign")
def may_assign_owner(user, event):
    """Give the event another owner."""
    return _handler(user, event)


@rule("event.add_step")
def may_add_step(user, event):
    """Add a step (with its deadline) to the event's procedure."""
    return _handler(user, event)


@rule("event.note")
def may_add_note(user, event):
    """Write a note into the event's timeline."""
    return _handler(user, event)


@rule("event.close")
def may_close(user, event):
    """Close the event with its summary."""
    return _handler(user, event)


@rule("event.complete_step")
def may_complete_step(user, step):
    """Mark a step done: the person it was given to, or whoever handles the event."""
    staff = _staff(user)
    if staff is not None and staff.pk == step.owner_id:
        return True
    return _handler(user, step.event)


# --- early warnings (预警) ------------------------------------------------------------------------------
@rule("warning_rule.change")
def may_change_warning_rule(user, warning_rule=None):
    """Set or change an early-warning rule: company policy the center sets directly."""
    return _center(user, _("Warning rules are set by the Development Center."))


@rule("warning.run")
def may_run_warnings(user, subject=None):
    return _center(user, _("The warning rules are run by the Development Center (and every night by the system)."))


def handles_warning(user, warning):
    """True if `user` handles `warning`: its owner, its supervisor, the manager it escalated to, a manager
    whose subtree holds its unit, or the center."""
    staff = _staff(user)
    if staff is None:
        return False
    if staff.pk in (warning.owner_id, warning.supervisor_id, warning.escalated_to_id):
        return True
    scope = scope_of(user)
    return staff.role != Role.SALES_REP and not scope.own_only and scope.covers_path(warning.unit.path)


def _warning_handler(user, warning):
    return handles_warning(user, warning) or Refusal(
        _("Only the warning's owner, its supervisor, a manager above its unit or the Development Center may do this.")
    )


@rule("warning.acknowledge")
def may_acknowledge_warning(user, warning):
    return _warning_handler(user, warning)


@rule("warning.act")
def may_record_warning_action(user, warning):
    return _warning_handler(user, warning)


@rule("warning.close")
def may_close_warning(user, warning):
    return _warning_handler(user, warning)
