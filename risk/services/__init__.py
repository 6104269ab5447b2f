"""Every write of risk control, one module per subject; the public names are re-exported here."""

from risk.services.events import (
    event_add_note,
    event_add_step,
    event_assign_owner,
    event_close,
    event_complete_step,
    event_notify_reported,
    event_recipients,
    event_report,
    unit_manager,
)
from risk.services.forecasts import forecast_score, forecast_train, latest_model
from risk.services.improvement import (
    flags_refresh,
    improvement_close,
    improvement_create,
    improvement_on_approved,
    improvement_snapshot,
    improvement_submit,
    improvement_update,
    improvements_start,
)
from risk.services.overrides import override_on_approved, override_request, override_snapshot
from risk.services.provisions import (
    clean_rates,
    provision_policy_create,
    provision_policy_in_force,
    provision_policy_on_approved,
    provision_policy_revise,
    provision_policy_snapshot,
    provision_policy_submit,
    provision_policy_update,
    rate_field,
)
from risk.services.ratings import (
    rate,
    scheme_create,
    scheme_in_force,
    scheme_on_approved,
    scheme_revise,
    scheme_snapshot,
    scheme_submit,
    scheme_update,
)
from risk.services.rule_changes import (
    rule_values,
    warning_rule_change_on_approved,
    warning_rule_change_snapshot,
    warning_rule_change_submit,
    warning_rule_change_update,
    warning_rule_change_withdraw,
    warning_rule_propose,
)
from risk.services.warnings import (
    KIND_SPECS,
    rule_hits,
    warning_acknowledge,
    warning_close,
    warning_owner,
    warning_record_action,
    warning_rule_create,
    warning_rule_update,
    warnings_escalate,
    warnings_evaluate,
)

__all__ = [
    "flags_refresh",
    "improvement_close",
    "improvement_create",
    "improvement_on_approved",
    "improvement_snapshot",
    "improvement_submit",
    "improvement_update",
    "improvements_start",
    "event_add_note",
    "event_add_step",
    "event_assign_owner",
    "event_close",
    "event_complete_step",
    "event_notify_reported",
    "event_recipients",
    "event_report",
    "override_on_approved",
    "override_request",
    "override_snapshot",
    "forecast_score",
    "forecast_train",
    "latest_model",
    "rate",
    "scheme_create",
    "scheme_in_force",
    "scheme_on_approved",
    "scheme_revise",
    "scheme_snapshot",
    "scheme_submit",
    "scheme_update",
    "unit_manager",
    "KIND_SPECS",
    "rule_hits",
    "warning_acknowledge",
    "warning_close",
    "warning_owner",
    "warning_record_action",
    "warning_rule_create",
    "warning_rule_update",
    "warnings_escalate",
    "warnings_evaluate",
    "rule_values",
    "warning_rule_change_on_approved",
    "warning_rule_change_snapshot",
    "warning_rule_change_submit",
    "warning_rule_change_update",
    "warning_rule_change_withdraw",
    "warning_rule_propose",
    "clean_rates",
    "provision_policy_create",
    "provision_policy_in_force",
    "provision_policy_on_approved",
    "provision_policy_revise",
    "provision_policy_snapshot",
    "provision_policy_submit",
    "provision_policy_update",
    "rate_field",
]

from risk.services.credit_exceptions import (  # noqa: E402 — appended: credit control (#16)
    chain_levels,
    credit_exception_extras,
    credit_exception_on_approved,
    credit_exception_request,
    credit_exception_snapshot,
    credit_exception_submit,
    credit_exception_update,
    credit_exception_withdraw,
    credit_exceptions_end,
)

__all__ += [
    "chain_levels",
    "credit_exception_extras",
    "credit_exception_on_approved",
    "credit_exception_request",
    "credit_exception_snapshot",
    "credit_exception_submit",
    "credit_exception_update",
    "credit_exception_withdraw",
    "credit_exceptions_end",
]

from risk.services.credit_holds import (  # noqa: E402 — appended: credit holds (#16)
    HOLD_OVERDUE_DAYS,
    credit_hold_reasons,
    credit_hold_release_on_approved,
    credit_hold_release_request,
    credit_hold_release_snapshot,
    credit_holds_refresh,
)

__all__ += [
    "HOLD_OVERDUE_DAYS",
    "credit_hold_reasons",
    "credit_hold_release_on_approved",
    "credit_hold_release_request",
    "credit_hold_release_snapshot",
    "credit_holds_refresh",
]

from risk.services.credit_policy import (  # noqa: E402 — appended: credit policy (#16)
    clean_caps,
    clean_limits,
    credit_policy_at_limit_action,
    credit_policy_create,
    credit_policy_on_approved,
    credit_policy_revise,
    credit_policy_snapshot,
    credit_policy_submit,
    credit_policy_update,
    credit_policy_withdraw,
    policy_in_force,
    suggested_limit,
)

__all__ += [
    "clean_caps",
    "clean_limits",
    "credit_policy_at_limit_action",
    "credit_policy_create",
    "credit_policy_on_approved",
    "credit_policy_revise",
    "credit_policy_snapshot",
    "credit_policy_submit",
    "credit_policy_update",
    "credit_policy_withdraw",
    "policy_in_force",
    "suggested_limit",
]

from risk.services.credit_policy import credit_policy_caps  # noqa: E402 — appended: exposure caps (#16)

__all__ += ["credit_policy_caps"]

from risk.services.limit_suggestions import (  # noqa: E402 — appended: suggested limits (#16)
    credit_limit_accept,
    credit_limit_on_approved,
    credit_limit_snapshot,
    credit_limits_suggest,
)

__all__ += ["credit_limit_accept", "credit_limit_on_approved", "credit_limit_snapshot", "credit_limits_suggest"]

from risk.services.write_offs import (  # noqa: E402 — appended: write-offs (#16)
    recovery_record,
    write_off_on_approved,
    write_off_propose,
    write_off_reversal_on_approved,
    write_off_reversal_request,
    write_off_reversal_resubmit,
    write_off_reversal_snapshot,
    write_off_snapshot,
    write_off_submit,
    write_off_update,
    write_off_withdraw,
)

__all__ += [
    "recovery_record",
    "write_off_on_approved",
    "write_off_propose",
    "write_off_reversal_on_approved",
    "write_off_reversal_request",
    "write_off_reversal_resubmit",
    "write_off_reversal_snapshot",
    "write_off_snapshot",
    "write_off_submit",
    "write_off_update",
    "write_off_withdraw",
]

# Raising a market report (relations) as a special event in one step (issue 18).
from risk.services.market_events import event_raise_from_market_report  # noqa: E402

__all__ += ["event_raise_from_market_report"]
