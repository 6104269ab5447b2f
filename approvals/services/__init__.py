"""The one approval mechanism: submit, decide, withdraw, nudge, forward, add a reviewer, escalate.

- `policy`: one row per kind of request — its chain rule, its SLA, its thresholds (POLICY);
- `chains`: the chain of steps derived from the org tree and the policy, and who may act on a step;
- `transitions`: the moves on a request, each under the request's row lock, recorded and told;
- `jobs`: escalation and reminders of overdue requests, the working-calendar warning (Celery beat);
- `delegations`, `calendar_days`: the delegations people give and the Development Center's calendar;
- `records`, `notices`: the plumbing the moves share (locks, events, steps) and their messages.

What a subject (plan, budget, proposal…) does when its request is decided is declared once, in
approvals.subjects, and applied by the transitions.
"""

from approvals.services.calendar_days import calendar_day_delete, calendar_day_save
from approvals.services.chains import StepSpec, approvers_of, chain_for
from approvals.services.delegations import delegation_create, delegation_revoke
from approvals.services.jobs import (
    calendar_warn_center,
    request_escalate,
    request_remind,
    requests_escalate_overdue,
    requests_remind_overdue,
)
from approvals.services.notices import request_url
from approvals.services.policy import BIG_AMOUNT, POLICY, KindPolicy, Route, due_at_for, policy_of
from approvals.services.transitions import (
    bulk_decide,
    request_add_signer,
    request_approve,
    request_forward,
    request_nudge,
    request_reject,
    request_return,
    request_submit,
    request_withdraw,
)

__all__ = [
    # policy
    "BIG_AMOUNT",
    "POLICY",
    "KindPolicy",
    "Route",
    "due_at_for",
    "policy_of",
    # chains
    "StepSpec",
    "approvers_of",
    "chain_for",
    # transitions
    "bulk_decide",
    "request_add_signer",
    "request_approve",
    "request_forward",
    "request_nudge",
    "request_reject",
    "request_return",
    "request_submit",
    "request_withdraw",
    "request_url",
    # jobs
    "calendar_warn_center",
    "request_escalate",
    "request_remind",
    "requests_escalate_overdue",
    "requests_remind_overdue",
    # delegations and the working calendar
    "calendar_day_delete",
    "calendar_day_save",
    "delegation_create",
    "delegation_revoke",
]
