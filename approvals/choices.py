from django.db import models
from django.utils.translation import gettext_lazy as _


class ApprovalKind(models.TextChoices):
    """What a request asks a decision on; the kind picks its row in approvals.services.policy.POLICY (chain rule, SLA, thresholds)."""

    PLAN_MARKETING = "plan_marketing", _("Marketing plan")
    PLAN_WORK = "plan_work", _("Work plan")
    PLAN_STRATEGY = "plan_strategy", _("Development strategy")
    PLAN_CHANNEL_EXPANSION = "plan_channel_expansion", _("Channel expansion plan")
    PLAN_PROMOTION = "plan_promotion", _("Promotion plan")
    PLAN_PRODUCT_EXPANSION = "plan_product_expansion", _("Product expansion plan")
    PLAN_CUSTOMER_EXPANSION = "plan_customer_expansion", _("Customer expansion plan")
    PLAN_EXPENSE_PROFIT = "plan_expense_profit", _("Expense and profit plan")
    PLAN_STAFF_DEVELOPMENT = "plan_staff_development", _("Staff development plan")
    BUDGET = "budget", _("Budget")
    EXPENSE_OVER_BUDGET = "expense_over_budget", _("Spending beyond budget")
    BAD_DEBT = "bad_debt", _("Bad-debt proposal")
    CREDIT_LIMIT_EXCEPTION = "credit_limit_exception", _("Credit-limit exception")
    APPRAISAL_SCHEME = "appraisal_scheme", _("Appraisal scheme")
    RATING_SCHEME = "rating_scheme", _("Rating scheme")
    GRADE_OVERRIDE = "grade_override", _("Grade override")
    REWARD_PROPOSAL = "reward_proposal", _("Reward proposal")
    CONTRACT_FILING = "contract_filing", _("Contract filing")
    REPORT = "report", _("Report")
    IMPROVEMENT_PLAN = "improvement_plan", _("Improvement plan")
    WARNING_RULE = "warning_rule", _("Warning rule change")
    PROVISION_POLICY = "provision_policy", _("Provision policy")
    CREDIT_HOLD_RELEASE = "credit_hold_release", _("Credit hold release")
    CREDIT_POLICY = "credit_policy", _("Credit policy")
    CREDIT_LIMIT_CHANGE = "credit_limit_change", _("Credit limit beyond the policy")
    WRITE_OFF_REVERSAL = "write_off_reversal", _("Write-off reversal")
    MATERIAL_REQUEST = "material_request", _("Promotional materials requirement plan")
    HEADCOUNT_REQUEST = "headcount_request", _("Headcount request")
    CAPABILITY_MODEL = "capability_model", _("Capability model")
    PROMOTION = "promotion", _("Promotion recommendation")


class RequestState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for revision")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# States in which a request still waits for someone; at most one per subject and kind.
OPEN_STATES = (RequestState.DRAFT, RequestState.SUBMITTED)


class StepState(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")
    REJECTED = "rejected", _("Rejected")
    SKIPPED = "skipped", _("Skipped")


class StepKind(models.TextChoices):
    NORMAL = "normal", _("From the chain")
    ADDED_BEFORE = "added_before", _("Reviewer added before (加签)")
    ADDED_AFTER = "added_after", _("Reviewer added after (加签)")


class EventAction(models.TextChoices):
    SUBMIT = "submit", _("Submitted")
    APPROVE = "approve", _("Approved")
    RETURN = "return", _("Returned for revision")
    REJECT = "reject", _("Rejected")
    WITHDRAW = "withdraw", _("Withdrawn")
    NUDGE = "nudge", _("Nudged (催办)")
    FORWARD = "forward", _("Forwarded (转交)")
    ADD_SIGNER = "add_signer", _("Reviewer added (加签)")
    ESCALATE = "escalate", _("Escalated to the director")


class BulkAction(models.TextChoices):
    APPROVE = "approve", _("Approve")
    RETURN = "return", _("Return for revision")
    REJECT = "reject", _("Reject")


class CalendarDayKind(models.TextChoices):
    """How a listed day departs from the Monday–Friday week on China's working calendar."""

    HOLIDAY = "holiday", _("Public holiday (day off)")
    WORKDAY = "workday", _("Make-up working day (调休)")
