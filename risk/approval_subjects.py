"""Risk control's approval subjects (approvals.subjects), four of one shape: submitted while the request waits,
decided by the chain, their service told on approval.

- Rating schemes: in force once approved (retiring the scheme in force for the same subject); a draft again
  when returned or withdrawn.
- Grade overrides: in force once approved (applied to the subject's grade at once), until they expire.
- Improvement plans (整改方案): approved, each measure becomes a task and the plan runs from its first month
  (the nightly job); a draft again when returned or withdrawn.
- Changes of the warning rules: applied to the rule (or creating it) once approved.
- Credit-limit exceptions: counted by the credit check on their days once approved.
- Write-offs of bad debt: posted in the ledger once approved; their reversals reopen the debt.
"""

from approvals.choices import ApprovalKind, RequestState
from approvals.subjects import register_subject
from risk.choices import (
    CreditExceptionState,
    CreditPolicyState,
    HoldReleaseState,
    ImprovementState,
    OverrideState,
    RuleChangeState,
    SchemeState,
    SuggestionState,
    WriteOffReversalState,
    WriteOffState,
)
from risk.models import (
    CreditException,
    CreditHoldRelease,
    CreditLimitSuggestion,
    CreditPolicy,
    GradeOverride,
    ImprovementPlan,
    ProvisionPolicy,
    RatingScheme,
    WarningRuleChange,
    WriteOff,
    WriteOffReversal,
)
from risk.selectors import rule_change_rows
from risk.selectors.provisions import provision_policy_rows
from risk.services import (
    credit_exception_on_approved,
    credit_exception_snapshot,
    credit_hold_release_on_approved,
    credit_hold_release_snapshot,
    credit_limit_on_approved,
    credit_limit_snapshot,
    credit_policy_on_approved,
    credit_policy_snapshot,
    improvement_on_approved,
    improvement_snapshot,
    override_on_approved,
    override_snapshot,
    scheme_on_approved,
    scheme_snapshot,
    warning_rule_change_on_approved,
    warning_rule_change_snapshot,
    write_off_on_approved,
    write_off_reversal_on_approved,
    write_off_reversal_snapshot,
    write_off_snapshot,
)
from risk.services.provisions import provision_policy_on_approved, provision_policy_snapshot


def _register(model, kind, states, *, name, snapshot, on_approved, template, back, context=None):
    """Register `model` with the shape above: `states` its state enum, `name` the keyword its services take
    the object by, `back` the state a returned or withdrawn request leaves it in (its own state where it has
    one, else DRAFT), `context` what its review template needs besides the object and the snapshot."""

    def review(obj, request):
        extra = context(obj, request) if context else {}
        return template, {name: obj, "snapshot": request.snapshot, **extra}

    register_subject(
        model,
        kinds=[kind],
        waiting=states.SUBMITTED,
        states={
            RequestState.APPROVED: states.APPROVED,
            RequestState.RETURNED: back[RequestState.RETURNED] if back else states.DRAFT,
            RequestState.REJECTED: states.REJECTED,
            RequestState.WITHDRAWN: back[RequestState.WITHDRAWN] if back else states.DRAFT,
        },
        stamps={RequestState.APPROVED: "approved_at"},
        snapshot=lambda obj: snapshot(**{name: obj}),
        review=review,
        on_approved=lambda obj, request: on_approved(**{name: obj}),
    )


_register(
    RatingScheme,
    ApprovalKind.RATING_SCHEME,
    SchemeState,
    name="scheme",
    snapshot=scheme_snapshot,
    on_approved=scheme_on_approved,
    template="risk/_scheme_review.html",
    back={},
    context=lambda scheme, request: {"factors": list(scheme.factors.all())},
)
_register(
    GradeOverride,
    ApprovalKind.GRADE_OVERRIDE,
    OverrideState,
    name="override",
    snapshot=override_snapshot,
    on_approved=override_on_approved,
    template="risk/_override_review.html",
    back={RequestState.RETURNED: OverrideState.RETURNED, RequestState.WITHDRAWN: OverrideState.WITHDRAWN},
)
_register(
    ImprovementPlan,
    ApprovalKind.IMPROVEMENT_PLAN,
    ImprovementState,
    name="plan",
    snapshot=improvement_snapshot,
    on_approved=improvement_on_approved,
    template="risk/_improvement_review.html",
    back={},
)
_register(
    WarningRuleChange,
    ApprovalKind.WARNING_RULE,
    RuleChangeState,
    name="change",
    snapshot=warning_rule_change_snapshot,
    on_approved=warning_rule_change_on_approved,
    template="risk/_rule_change_review.html",
    back={RequestState.RETURNED: RuleChangeState.RETURNED, RequestState.WITHDRAWN: RuleChangeState.WITHDRAWN},
    context=lambda change, request: {
        "rows": rule_change_rows((request.snapshot or {}).get("old"), (request.snapshot or {}).get("new") or {})
    },
)
# Provision policies (坏账准备计提比例): in force once approved (retiring the policy in force); a draft again when
# returned or withdrawn.
_register(
    ProvisionPolicy,
    ApprovalKind.PROVISION_POLICY,
    SchemeState,
    name="policy",
    snapshot=provision_policy_snapshot,
    on_approved=provision_policy_on_approved,
    template="risk/_provision_policy_review.html",
    back={},
    context=lambda policy, request: {"rows": provision_policy_rows(policy.rates)},
)


# Credit-limit exceptions (信用额度例外, issue 16): in force once approved, on their days only (the credit check
# reads the dates); a draft again when returned, withdrawn when withdrawn.
_register(
    CreditException,
    ApprovalKind.CREDIT_LIMIT_EXCEPTION,
    CreditExceptionState,
    name="exception",
    snapshot=credit_exception_snapshot,
    on_approved=credit_exception_on_approved,
    template="risk/_credit_exception_review.html",
    back={RequestState.RETURNED: CreditExceptionState.RETURNED, RequestState.WITHDRAWN: CreditExceptionState.WITHDRAWN},
)


# Releases of credit holds (解除暂停赊销, issue 16): approved, the hold is released in the decision's transaction.
_register(
    CreditHoldRelease,
    ApprovalKind.CREDIT_HOLD_RELEASE,
    HoldReleaseState,
    name="release",
    snapshot=credit_hold_release_snapshot,
    on_approved=credit_hold_release_on_approved,
    template="risk/_credit_hold_release_review.html",
    back={RequestState.RETURNED: HoldReleaseState.RETURNED, RequestState.WITHDRAWN: HoldReleaseState.WITHDRAWN},
)


# The credit policy (信用政策, issue 16): in force once approved (retiring the one in force); a draft again when
# returned or withdrawn.
_register(
    CreditPolicy,
    ApprovalKind.CREDIT_POLICY,
    CreditPolicyState,
    name="policy",
    snapshot=credit_policy_snapshot,
    on_approved=credit_policy_on_approved,
    template="risk/_credit_policy_review.html",
    back={},
)


# A credit limit accepted beyond the policy's suggestion (issue 16): applied to the customer once approved.
_register(
    CreditLimitSuggestion,
    ApprovalKind.CREDIT_LIMIT_CHANGE,
    SuggestionState,
    name="suggestion",
    snapshot=credit_limit_snapshot,
    on_approved=credit_limit_on_approved,
    template="risk/_limit_suggestion_review.html",
    back={RequestState.RETURNED: SuggestionState.RETURNED, RequestState.WITHDRAWN: SuggestionState.WITHDRAWN},
)


# Write-offs of bad debt (坏账核销, issue 16): posted in the ledger once approved; a draft again when returned,
# withdrawn when withdrawn. Their reversals (撤销核销): approved, the postings end and the invoices are open again.
_register(
    WriteOff,
    ApprovalKind.BAD_DEBT,
    WriteOffState,
    name="write_off",
    snapshot=write_off_snapshot,
    on_approved=write_off_on_approved,
    template="risk/_write_off_review.html",
    back={RequestState.RETURNED: WriteOffState.RETURNED, RequestState.WITHDRAWN: WriteOffState.WITHDRAWN},
)
_register(
    WriteOffReversal,
    ApprovalKind.WRITE_OFF_REVERSAL,
    WriteOffReversalState,
    name="reversal",
    snapshot=write_off_reversal_snapshot,
    on_approved=write_off_reversal_on_approved,
    template="risk/_write_off_reversal_review.html",
    back={RequestState.RETURNED: WriteOffReversalState.RETURNED, RequestState.WITHDRAWN: WriteOffReversalState.WITHDRAWN},
)
