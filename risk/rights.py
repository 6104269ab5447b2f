"""Who may change what in risk control (core/rights.py).

The role table (core/roles.py) gives the Development Center's roles `risk.policy`: rating schemes and
warning rules are company policy the center drafts, submits for approval and revises; the center may
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


@rule("grade_override.request")
def may_request_override(user, subject):
    """Ask for a customer's or salesperson's grade to be set by hand: a manager (the role's `grade.override`)
    whose scope holds the subject — the scope is asked first, by the page or the service's caller — and never
    for one's own grade."""
    if not can(user, "grade.override"):
        return Refusal(_("Grade overrides are asked for by managers."))
    if getattr(subject, "user_id", None) is not None and subject.user_id == getattr(user, "pk", None):
        return Refusal(_("No one asks for their own grade to be changed."))
    return True


@rule("forecast.train")
def may_train_forecast(user, cutoff=None):
    """Train the default-risk model (提前预见) and score the customers with it: the Development Center by hand,
    the system monthly and nightly."""
    return _center(user, _("The default-risk model is trained and run by the Development Center (and by the system)."))


# --- improvement plans (整改) -------------------------------------------------------------------------------------


def manages_unit(user, unit):
    """True if `user` is a manager (or the center) whose part of the tree holds `unit`: the unit's own manager
    and every manager above it."""
    staff = _staff(user)
    if staff is None or staff.role == Role.SALES_REP:
        return False
    scope = scope_of(user)
    return not scope.own_only and scope.covers_path(unit.path)


@rule("improvement.draft")
def may_draft_improvement(user, unit=None):
    """Draft an improvement plan of `unit` or change a draft (without one: may this person draft plans at all?)."""
    if _staff(user) is None or _staff(user).role == Role.SALES_REP:
        return Refusal(_("Improvement plans are drafted by the unit's manager or a manager above it."))
    if unit is not None and not manages_unit(user, unit):
        return Refusal(_("%(unit)s is outside your part of the organisation.") % {"unit": unit}, field="unit")
    return True


@rule("improvement.edit")
def may_edit_improvement(user, plan):
    """Change or submit a draft improvement plan: the unit's manager or a manager above it."""
    return manages_unit(user, plan.unit) or Refusal(
        _("Only the unit's manager or a manager above it may change or submit its improvement plan.")
    )


@rule("improvement.close")
def may_close_improvement(user, plan):
    """Close an improvement plan with its review: the person who drafted it or a manager above them."""
    staff = _staff(user)
    if staff is not None and staff.pk == plan.drafted_by_id:
        return True
    drafter_unit = plan.drafted_by.unit
    if manages_unit(user, drafter_unit) and (scope_of(user).everything or scope_of(user).path != drafter_unit.path):
        return True
    return Refusal(_("An improvement plan is closed by the person who drafted it or a manager above them."))


@rule("improvement.flag")
def may_refresh_flags(user, subject=None):
    """Recompute the under-performance flags by hand (the nightly job runs it as SYSTEM)."""
    return _center(user, _("The flags are recomputed by the Development Center (and every night by the system)."))


# --- early warnings (预警) ------------------------------------------------------------------------------
@rule("warning_rule.change")
def may_change_warning_rule(user, warning_rule=None):
    """Write a rule row directly: nobody but the system (the approval of a proposal, demo seeding). People change
    the rules by proposing a change that the Development Center approves (warning_rule_change.*)."""
    return Refusal(_("Warning rules change through an approved proposal: propose a change instead."))


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


# --- changes of the warning rules (预警规则变更) ----------------------------------------------------------------
@rule("warning_rule_change.draft")
def may_draft_rule_change(user, change=None):
    """Propose a change of a warning rule (or a new rule), or edit a draft or returned proposal."""
    return _center(user, _("Changes of the warning rules are proposed by the Development Center."))


@rule("warning_rule_change.submit")
def may_submit_rule_change(user, change):
    return _center(user, _("Changes of the warning rules are submitted by the Development Center."))


@rule("warning_rule_change.withdraw")
def may_withdraw_rule_change(user, change):
    """Drop a proposal not yet decided (a submitted one: its submitter, as approvals asks)."""
    return _center(user, _("Changes of the warning rules are withdrawn by the Development Center."))


# --- provision policies (坏账准备计提比例) --------------------------------------------------------------------------
@rule("provision_policy.draft")
def may_draft_provision_policy(user, policy=None):
    """Draft a provision policy, change a draft or start the revision of the policy in force."""
    return _center(user, _("Provision policies are drafted by the Development Center."))


@rule("provision_policy.submit")
def may_submit_provision_policy(user, policy):
    return _center(user, _("Provision policies are submitted by the Development Center."))


# --- credit-limit exceptions (信用额度例外) -------------------------------------------------------------------
def handles_customer_credit(user, customer):
    """True if `user` may ask for more credit for `customer`: its own salesperson, or a manager (or the center)
    whose part of the tree holds the customer's district."""
    staff = _staff(user)
    if staff is None:
        return False
    if staff.role == Role.SALES_REP:
        return customer.salesperson_id == staff.pk and scope_of(user).covers_path(customer.district.path)
    return manages_unit(user, customer.district)


@rule("credit_exception.request")
def may_request_credit_exception(user, customer=None):
    """Ask for a credit-limit exception of `customer` (without one: may this person ask for any?)."""
    staff = _staff(user)
    if staff is None:
        return Refusal(_("Credit-limit exceptions are asked for by a member of staff."))
    if customer is not None and not handles_customer_credit(user, customer):
        return Refusal(
            _("Only the customer's salesperson or a manager above its district may ask for more credit."), field="customer"
        )
    return True


def _handles_exception(user, exception):
    return handles_customer_credit(user, exception.customer) or Refusal(
        _("Only the customer's salesperson or a manager above its district may change this exception.")
    )


@rule("credit_exception.edit")
def may_edit_credit_exception(user, exception):
    """Change or submit a draft or returned exception."""
    return _handles_exception(user, exception)


@rule("credit_exception.withdraw")
def may_withdraw_credit_exception(user, exception):
    """Drop an exception not decided yet (a submitted one: its submitter, as approvals asks)."""
    return _handles_exception(user, exception)


@rule("credit_exception.end")
def may_end_credit_exceptions(user, subject=None):
    """Stamp the ended exceptions and tell their salespeople: the nightly job (SYSTEM), or the center by hand."""
    return _center(user, _("Ended exceptions are closed by the Development Center (and every night by the system)."))


# --- credit holds (暂停赊销) --------------------------------------------------------------------------------------
@rule("credit_hold.refresh")
def may_refresh_holds(user, subject=None):
    """Run the hold rules by hand (the nightly job runs them as SYSTEM)."""
    return _center(user, _("The hold rules are run by the Development Center (and every night by the system)."))


@rule("credit_hold.release")
def may_request_hold_release(user, hold):
    """Ask for a hold to be released: the customer's salesperson or a manager above its district."""
    return handles_customer_credit(user, hold.customer) or Refusal(
        _("Only the customer's salesperson or a manager above its district may ask for the hold to be released.")
    )


# --- the credit policy (信用政策) ---------------------------------------------------------------------------------
@rule("credit_policy.draft")
def may_draft_credit_policy(user, policy=None):
    """Draft, change, submit, withdraw or revise the credit policy: the Development Center."""
    return _center(user, _("The credit policy is set by the Development Center."))


@rule("credit_limit.accept")
def may_accept_limit(user, suggestion):
    """Accept a suggested credit limit: a manager (or the center) above the customer's district."""
    return manages_unit(user, suggestion.unit) or Refusal(
        _("A suggested credit limit is accepted by a manager above the customer's district.")
    )


# --- write-offs of bad debt (坏账核销) ----------------------------------------------------------------------------
@rule("write_off.propose")
def may_propose_write_off(user, customer=None):
    """Propose a write-off of `customer`'s debt: its salesperson or a manager above its district (or the center)."""
    staff = _staff(user)
    if staff is None:
        return Refusal(_("Write-offs are proposed by a member of staff."))
    if customer is not None and not handles_customer_credit(user, customer):
        return Refusal(
            _("Only the customer's salesperson or a manager above its district may propose a write-off."), field="customer"
        )
    return True


@rule("write_off.edit")
def may_edit_write_off(user, write_off):
    """Change, submit or withdraw a write-off not decided yet."""
    return handles_customer_credit(user, write_off.customer) or Refusal(
        _("Only the customer's salesperson or a manager above its district may change this write-off.")
    )


@rule("write_off.reverse")
def may_reverse_write_off(user, write_off):
    """Ask for an approved write-off to be reversed: a manager above the customer's district, or the center."""
    return manages_unit(user, write_off.unit) or Refusal(
        _("A write-off is reversed at the request of a manager above the customer's district.")
    )


@rule("write_off.recover")
def may_record_recovery(user, customer):
    """Record money recovered on written-off debt: the customer's salesperson or a manager above its district."""
    return handles_customer_credit(user, customer) or Refusal(
        _("Only the customer's salesperson or a manager above its district may record a recovery."), field="customer"
    )
