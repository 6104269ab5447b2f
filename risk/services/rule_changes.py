"""Changes of the early-warning rules through the one approval mechanism (预警规则变更).

The Development Center does not set a rule directly: it drafts a proposal (WarningRuleChange) — the values it
wants an existing rule to have, or a new rule — with its reason, submits it (ApprovalKind.WARNING_RULE, the
center's pool decides, as for rating schemes), and the approval applies the values to the rule row (or
creates the rule) inside the decision's transaction. The rule row stays the same, so its open warnings keep
their rule and the one-open-warning-per-rule×subject constraint keeps holding. Returned, a proposal is edited
(a draft again) and submitted again; rejected or withdrawn, the rule is untouched.

Every service takes the actor (`by=`) and asks its right (risk/rights.py) before it writes; a proposal's row is
locked before its state changes. The values are checked by the rule's own check
(risk.services.warnings.clean_rule_fields), so a proposal can hold only values a rule may have.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from approvals.choices import ApprovalKind
from approvals.selectors import latest_request
from approvals.services import request_submit, request_withdraw
from core.errors import Conflict, InvalidInput
from core.rights import SYSTEM, ensure
from core.roles import staff_of
from regions.choices import UnitKind
from regions.models import OrgUnit
from risk.choices import RULE_CHANGE_EDITABLE_STATES, RULE_CHANGE_OPEN_STATES, RuleChangeState
from risk.models import WarningRule, WarningRuleChange
from risk.services.warnings import clean_rule_fields, clean_text, warning_rule_create, warning_rule_update

# The values a proposal carries, in the order the diff table shows them.
VALUE_FIELDS = ("name", "kind", "level", "threshold", "window", "severity", "deadline_days", "is_active")
REASON_MAX = 2000


def _staff(by):
    return None if by is SYSTEM else staff_of(by)


def _rule(rule):
    """The rule a proposal changes: None for a new rule, else a WarningRule (or its id)."""
    if rule is None or rule == "":
        return None
    if isinstance(rule, WarningRule):
        return rule
    try:
        found = WarningRule.objects.filter(pk=int(str(rule).strip())).first()
    except (TypeError, ValueError, OverflowError):
        found = None
    if found is None:
        raise InvalidInput(_("No such warning rule."), field="rule")
    return found


def _active(value):
    if isinstance(value, bool):
        return value
    if value in (None, ""):
        return True
    if str(value).strip().lower() in ("true", "1", "on", "yes"):
        return True
    if str(value).strip().lower() in ("false", "0", "off", "no"):
        return False
    raise InvalidInput(_("Say yes or no."), field="is_active")


def _values(*, rule, name, kind, threshold, window, severity, deadline_days, level, is_active):
    """The checked values of a proposal: those of a rule (the rule's own check), a kind that stays for a rule
    that already has warnings, and — for an existing rule — at least one value that differs."""
    values = clean_rule_fields(
        name=name, kind=kind, threshold=threshold, window=window, severity=severity, deadline_days=deadline_days, level=level
    )
    values["is_active"] = _active(is_active)
    if rule is not None:
        if values["kind"] != rule.kind and rule.warnings.exists():
            raise Conflict(_("This rule has warnings: its kind cannot change. Propose a new rule instead."), field="kind")
        if all(getattr(rule, key) == val for key, val in values.items()):
            raise InvalidInput(_("The proposal changes nothing: give at least one value that differs from the rule's."))
    return values


def _reason(reason):
    return clean_text(reason, field="reason", label=_("The reason"), max_length=REASON_MAX)


def _require_no_open_proposal(rule, *, exclude=None):
    if rule is None:
        return
    others = WarningRuleChange.objects.filter(rule=rule, state__in=RULE_CHANGE_OPEN_STATES)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.exists():
        raise Conflict(
            _("A change of this rule is already proposed: edit or withdraw that proposal first."),
            field="rule",
        )


def _lock(change):
    return WarningRuleChange.objects.select_for_update(of=("self",)).select_related("rule").get(pk=change.pk)


def _require_editable(change):
    if change.state not in RULE_CHANGE_EDITABLE_STATES:
        raise Conflict(
            _("Only a draft or returned proposal can be changed or submitted; this one is %(state)s.")
            % {"state": change.get_state_display()},
            field="state",
        )


# --- drafting ---------------------------------------------------------------------------------------------------
@transaction.atomic
def warning_rule_propose(
    *, by, reason, name, kind, threshold, severity, deadline_days=3, window=None, level=None, is_active=True, rule=None
):
    """Draft a proposal: the values `rule` should have (`rule` None: a new rule), with the reason. Refused on its
    field: a value a rule may not have (a threshold of the wrong kind or range, a window the kind does not
    take…), no reason, a kind change of a rule with warnings, a rule that already has a proposal open."""
    ensure(by, "warning_rule_change.draft")
    rule = _rule(rule)
    values = _values(
        rule=rule,
        name=name,
        kind=kind,
        threshold=threshold,
        window=window,
        severity=severity,
        deadline_days=deadline_days,
        level=level,
        is_active=is_active,
    )
    reason = _reason(reason)
    if rule is not None:
        WarningRule.objects.select_for_update().filter(pk=rule.pk).first()  # two proposals of one rule: one waits
    _require_no_open_proposal(rule)
    try:
        with transaction.atomic():
            return WarningRuleChange.objects.create(rule=rule, **values, reason=reason, drafted_by=_staff(by))
    except IntegrityError:
        raise Conflict(
            _("A change of this rule is already proposed: edit or withdraw that proposal first."), field="rule"
        ) from None


@transaction.atomic
def warning_rule_change_update(
    *, by, change, reason, name, kind, threshold, severity, deadline_days, window=None, level=None, is_active=True
):
    """Edit a draft or returned proposal (a returned one is a draft again); the rule it changes stays."""
    change = _lock(change)
    ensure(by, "warning_rule_change.draft", change)
    _require_editable(change)
    values = _values(
        rule=change.rule,
        name=name,
        kind=kind,
        threshold=threshold,
        window=window,
        severity=severity,
        deadline_days=deadline_days,
        level=level,
        is_active=is_active,
    )
    change.reason = _reason(reason)
    for key, val in values.items():
        setattr(change, key, val)
    change.state = RuleChangeState.DRAFT
    change.save()
    return change


# --- the approval -----------------------------------------------------------------------------------------------
def rule_values(obj):
    """A rule's (or a proposal's) values as the snapshot keeps them: JSON, a threshold without exponent."""
    return {
        "name": obj.name,
        "kind": obj.kind,
        "level": obj.level,
        "threshold": format(obj.threshold.normalize(), "f"),
        "window": obj.window,
        "severity": obj.severity,
        "deadline_days": obj.deadline_days,
        "is_active": obj.is_active,
    }


def warning_rule_change_snapshot(*, change):
    """What the reviewer decides on: the rule's values now (none for a new rule) and the proposed ones."""
    return {
        "rule": change.rule_id,
        "reason": change.reason,
        "old": rule_values(change.rule) if change.rule_id else None,
        "new": rule_values(change),
    }


@transaction.atomic
def warning_rule_change_submit(*, by, change):
    """Submit a draft or returned proposal to the Development Center's approval (报发展中心审批)."""
    change = _lock(change)
    ensure(by, "warning_rule_change.submit", change)
    _require_editable(change)
    if change.rule_id and change.kind != change.rule.kind and change.rule.warnings.exists():
        raise Conflict(_("This rule has warnings: its kind cannot change. Propose a new rule instead."), field="kind")
    title = (
        _("Warning rule change: %(name)s") % {"name": change.rule.name}
        if change.rule_id
        else _("New warning rule: %(name)s") % {"name": change.name}
    )
    request = request_submit(
        subject=change, kind=ApprovalKind.WARNING_RULE, unit=OrgUnit.objects.get(kind=UnitKind.CENTER), title=title, by=by
    )
    change.state = RuleChangeState.SUBMITTED
    change.submitted_at = request.submitted_at
    change.save(update_fields=["state", "submitted_at", "updated_at"])
    return request


@transaction.atomic
def warning_rule_change_withdraw(*, by, change):
    """Drop a proposal not decided yet: a draft or returned one at once; a submitted one through approvals (its
    submitter, while no reviewer has decided a step)."""
    change = _lock(change)
    ensure(by, "warning_rule_change.withdraw", change)
    if change.state == RuleChangeState.SUBMITTED:
        request_withdraw(request=latest_request(change), by=by)  # approvals sets the state (WITHDRAWN)
        change.refresh_from_db()
        return change
    _require_editable(change)
    change.state = RuleChangeState.WITHDRAWN
    change.save(update_fields=["state", "updated_at"])
    return change


def warning_rule_change_on_approved(*, change):
    """The approval hook (risk/approval_subjects.py), inside the decision's transaction: the values are written
    to the rule (the same row: its open warnings keep it) or the new rule is created. A value that no longer
    fits (the rule gained warnings and the kind changes) refuses the approval with the reason."""
    values = {key: getattr(change, key) for key in VALUE_FIELDS}
    if change.rule_id is None:
        change.rule = warning_rule_create(by=SYSTEM, **values, created_by=change.drafted_by)
        change.save(update_fields=["rule", "updated_at"])
    else:
        warning_rule_update(by=SYSTEM, rule=change.rule, **values)
