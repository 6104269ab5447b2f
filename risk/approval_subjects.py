"""Risk control's approval subjects (approvals.subjects). Rating schemes: submitted while the request waits;
in force once approved (retiring the scheme in force for the same subject); a draft again when returned or
withdrawn. Grade overrides: in force once approved (applied to the subject's grade at once), until they
expire. Changes of the warning rules: applied to the rule once approved (below)."""

from approvals.choices import ApprovalKind, RequestState
from approvals.subjects import register_subject
from risk.choices import ImprovementState, OverrideState, RuleChangeState, SchemeState
from risk.models import GradeOverride, ImprovementPlan, RatingScheme, WarningRuleChange
from risk.selectors import rule_change_rows
from risk.services import (
    improvement_on_approved,
    improvement_snapshot,
    override_on_approved,
    override_snapshot,
    scheme_on_approved,
    scheme_snapshot,
    warning_rule_change_on_approved,
    warning_rule_change_snapshot,
)


def snapshot_scheme(scheme):
    return scheme_snapshot(scheme=scheme)


def review_scheme(scheme, request):
    return "risk/_scheme_review.html", {"scheme": scheme, "factors": list(scheme.factors.all()), "snapshot": request.snapshot}


def on_scheme_approved(scheme, request):
    scheme_on_approved(scheme=scheme)


register_subject(
    RatingScheme,
    kinds=[ApprovalKind.RATING_SCHEME],
    waiting=SchemeState.SUBMITTED,
    states={
        RequestState.APPROVED: SchemeState.APPROVED,
        RequestState.RETURNED: SchemeState.DRAFT,
        RequestState.REJECTED: SchemeState.REJECTED,
        RequestState.WITHDRAWN: SchemeState.DRAFT,
    },
    stamps={RequestState.APPROVED: "approved_at"},
    snapshot=snapshot_scheme,
    review=review_scheme,
    on_approved=on_scheme_approved,
)


def snapshot_override(override):
    return override_snapshot(override=override)


def review_override(override, request):
    return "risk/_override_review.html", {"override": override, "snapshot": request.snapshot}


def on_override_approved(override, request):
    override_on_approved(override=override)


register_subject(
    GradeOverride,
    kinds=[ApprovalKind.GRADE_OVERRIDE],
    waiting=OverrideState.SUBMITTED,
    states={
        RequestState.APPROVED: OverrideState.APPROVED,
        RequestState.RETURNED: OverrideState.RETURNED,
        RequestState.REJECTED: OverrideState.REJECTED,
        RequestState.WITHDRAWN: OverrideState.WITHDRAWN,
    },
    stamps={RequestState.APPROVED: "approved_at"},
    snapshot=snapshot_override,
    review=review_override,
    on_approved=on_override_approved,
)


# --- improvement plans (整改方案) ---------------------------------------------------------------------------------
# Submitted while the request waits; approved (each measure becomes a task, improvement_on_approved) and in
# progress from its first month (the nightly job); a draft again when returned or withdrawn.


def snapshot_improvement(plan):
    return improvement_snapshot(plan=plan)


def review_improvement(plan, request):
    return "risk/_improvement_review.html", {"plan": plan, "snapshot": request.snapshot}


def on_improvement_approved(plan, request):
    improvement_on_approved(plan=plan)


register_subject(
    ImprovementPlan,
    kinds=[ApprovalKind.IMPROVEMENT_PLAN],
    waiting=ImprovementState.SUBMITTED,
    states={
        RequestState.APPROVED: ImprovementState.APPROVED,
        RequestState.RETURNED: ImprovementState.DRAFT,
        RequestState.REJECTED: ImprovementState.REJECTED,
        RequestState.WITHDRAWN: ImprovementState.DRAFT,
    },
    stamps={RequestState.APPROVED: "approved_at"},
    snapshot=snapshot_improvement,
    review=review_improvement,
    on_approved=on_improvement_approved,
)


# --- changes of the warning rules (预警规则变更) -------------------------------------------------------------------
# Submitted while the request waits; approved: the values are applied to the rule (or the rule is created) in the
# decision's transaction (warning_rule_change_on_approved); returned: edited, it is a draft again; rejected or
# withdrawn: the rule stays as it was.


def snapshot_rule_change(change):
    return warning_rule_change_snapshot(change=change)


def review_rule_change(change, request):
    snapshot = request.snapshot or {}
    rows = rule_change_rows(snapshot.get("old"), snapshot.get("new") or {})
    return "risk/_rule_change_review.html", {"change": change, "rows": rows, "snapshot": snapshot}


def on_rule_change_approved(change, request):
    warning_rule_change_on_approved(change=change)


register_subject(
    WarningRuleChange,
    kinds=[ApprovalKind.WARNING_RULE],
    waiting=RuleChangeState.SUBMITTED,
    states={
        RequestState.APPROVED: RuleChangeState.APPROVED,
        RequestState.RETURNED: RuleChangeState.RETURNED,
        RequestState.REJECTED: RuleChangeState.REJECTED,
        RequestState.WITHDRAWN: RuleChangeState.WITHDRAWN,
    },
    stamps={RequestState.APPROVED: "approved_at"},
    snapshot=snapshot_rule_change,
    review=review_rule_change,
    on_approved=on_rule_change_approved,
)
