"""Choices of risk control (风险控制): credit ratings (信誉等级) of customers and sales staff."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RatingSubject(models.TextChoices):
    """Who a rating scheme grades."""

    CUSTOMER = "customer", _("customers")
    STAFF = "staff", _("sales staff")


class Grade(models.TextChoices):
    """Credit grades, best first (the order of `GRADES` is the order of the scale)."""

    AAA = "AAA", "AAA"
    AA = "AA", "AA"
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"


# Best first: a fall of two steps is two places to the right.
GRADES = [grade.value for grade in Grade]


class SchemeState(models.TextChoices):
    """A rating scheme's state, mirrored from its approval request (a return or withdrawal makes it a draft
    again); approving a scheme retires the one in force for the same subject."""

    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("in force")
    REJECTED = "rejected", _("rejected")
    RETIRED = "retired", _("retired")


class Factor(models.TextChoices):
    """The factors a rating scheme may weigh, each computed from the facts as of the rating day (risk.factors
    says exactly how). Customer factors first, then staff factors."""

    # Customers
    DAYS_BEYOND_TERMS = "days_beyond_terms", _("weighted days beyond terms")
    OVERDUE_SHARE = "overdue_share", _("overdue share")
    OLDEST_OVERDUE = "oldest_overdue", _("oldest overdue (days)")
    DELAY_TREND = "delay_trend", _("payment delay trend (days)")
    LIMIT_UTILISATION = "limit_utilisation", _("credit-limit utilisation")
    TENURE = "tenure", _("tenure (months)")
    # Staff
    CUSTOMERS_OVERDUE_SHARE = "customers_overdue_share", _("customers' overdue share")
    COLLECTION_ATTAINMENT = "collection_attainment", _("collection attainment")
    APPRAISAL_SCORE = "appraisal_score", _("appraisal score")
    TASK_TIMELINESS = "task_timeliness", _("tasks done on time")


FACTORS_OF = {
    RatingSubject.CUSTOMER: [
        Factor.DAYS_BEYOND_TERMS,
        Factor.OVERDUE_SHARE,
        Factor.OLDEST_OVERDUE,
        Factor.DELAY_TREND,
        Factor.LIMIT_UTILISATION,
        Factor.TENURE,
    ],
    RatingSubject.STAFF: [
        Factor.CUSTOMERS_OVERDUE_SHARE,
        Factor.COLLECTION_ATTAINMENT,
        Factor.APPRAISAL_SCORE,
        Factor.TASK_TIMELINESS,
    ],
}


class ChangeReason(models.TextChoices):
    """Why a grade changed."""

    RATED = "rated", _("rating run")
    OVERRIDE = "override", _("override approved")
    OVERRIDE_ENDED = "override_ended", _("override expired")


class EventKind(models.TextChoices):
    """What kind of special event (突发事件) happened."""

    MARKET_EMERGENCY = "market_emergency", _("Market emergency")
    INCIDENT = "incident", _("Incident")
    CUSTOMER = "customer", _("Customer event")
    PRODUCT = "product", _("Product event")
    REGULATORY = "regulatory", _("Regulatory event")
    OTHER = "other", _("Other event")


class EventSeverity(models.TextChoices):
    """How grave the event is; the list and the report sort and count by it."""

    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class EventState(models.TextChoices):
    """Reported (nobody has acted yet) → in progress (an owner took it up or a step was set) → closed (with a
    summary)."""

    REPORTED = "reported", _("Reported")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")


class EntryKind(models.TextChoices):
    """What one line of an event's timeline records."""

    REPORTED = "reported", _("Reported")
    OWNER_ASSIGNED = "owner_assigned", _("Owner assigned")
    STEP_ADDED = "step_added", _("Step added")
    STEP_DONE = "step_done", _("Step done")
    NOTE = "note", _("Note")
    CLOSED = "closed", _("Closed")


# The events still to be handled (the worklist counts them; the report says how many are still open).
OPEN_STATES = (EventState.REPORTED, EventState.IN_PROGRESS)


class OverrideState(models.TextChoices):
    """A grade override's state: waiting for its approval, in force until it expires, or ended."""

    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("in force")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")
    RETURNED = "returned", _("returned")
    EXPIRED = "expired", _("expired")


class ForecastModelState(models.TextChoices):
    """What a training of the default-risk model (提前预见) ended in."""

    TRAINED = "trained", _("trained")
    REFUSED = "refused", _("refused: too little history")


class ForecastFeature(models.TextChoices):
    """The features of the default-risk model, each as of the forecast day (risk.forecasting)."""

    OVERDUE_SHARE = "overdue_share", _("overdue share")
    DAYS_BEYOND_TERMS = "days_beyond_terms", _("weighted days beyond terms")
    OLDEST_OVERDUE = "oldest_overdue", _("oldest overdue (days)")
    DELAY_TREND = "delay_trend", _("payment delay trend (days)")
    TENURE = "tenure", _("tenure (months)")
    HAS_OPEN = "has_open", _("has receivable open")
    RECENT_INVOICES = "recent_invoices", _("invoices in the last 90 days")


class FlagReason(models.TextChoices):
    """Why a unit is flagged as under-performing (经营不良); the thresholds are settings (RISK_IMPROVEMENT_*)."""

    ATTAINMENT = "attainment", _("Sales attainment below the threshold")
    OVERDUE_SHARE = "overdue_share", _("Overdue share above the threshold")
    STAFF_GRADE_DROP = "staff_grade_drop", _("Sales staff's credit grades fell")


class ImprovementState(models.TextChoices):
    """An improvement plan (整改方案): drafted by the unit's manager (or one above), submitted to the Development
    Center, approved (its measures become tasks), in progress from its first month, closed with a review. A
    return or withdrawal makes it a draft again."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")


class ImprovementMetric(models.TextChoices):
    """The figures an improvement plan expects month by month, each read from the summaries (rates in %)."""

    SALES_AMOUNT = "sales_amount", _("Sales amount")
    COLLECTIONS = "collections", _("Collections")
    ATTAINMENT = "attainment", _("Sales attainment (%)")
    OVERDUE_SHARE = "overdue_share", _("Overdue share (%)")


# Lower is better for these metrics (on track when the actual is at most the expected figure).
LOWER_IS_BETTER = frozenset({ImprovementMetric.OVERDUE_SHARE})
# The plans a page lists as "under improvement" (not yet closed or refused).
IMPROVEMENT_OPEN_STATES = (
    ImprovementState.DRAFT,
    ImprovementState.SUBMITTED,
    ImprovementState.APPROVED,
    ImprovementState.IN_PROGRESS,
)


class WarningKind(models.TextChoices):
    """What an early-warning rule (预警规则) watches; risk.services.warnings says how each is computed.
    Complaint spikes read the complaints of relations (issue 18)."""

    OVERDUE_SHARE = "overdue_share", _("Overdue share above the threshold")
    OVERDUE_SHARE_RISE = "overdue_share_rise", _("Overdue share rising by the threshold")
    DSO_RISE = "dso_rise", _("DSO rising by the threshold (days)")
    NO_SALES = "no_sales", _("No sales for the threshold (days)")
    DELAY_LENGTHENING = "delay_lengthening", _("Payment delays lengthening by the threshold (days)")
    GRADE_FALL = "grade_fall", _("Grade falling by the threshold (steps) or to C/D")
    LIMIT_UTILISATION = "limit_utilisation", _("Credit-limit utilisation above the threshold")
    CONCENTRATION = "concentration", _("Customer's share of the district's receivables above the threshold")
    ATTAINMENT_PACE = "attainment_pace", _("Sales attainment behind the year's time pace by the threshold")
    CHANNEL_PACE = "channel_pace", _("New channels behind the expansion plan's pace by the threshold")
    VISITS_OVERDUE = "visits_overdue", _("Customer visit overdue by more than the threshold (days)")
    COMPLAINT_SPIKE = "complaint_spike", _("Complaints received in the window above the threshold")


class WarningLevel(models.TextChoices):
    """What a warning is about: one customer, or a district office (the unit level of a rule's subject)."""

    CUSTOMER = "customer", _("Customer")
    DISTRICT = "district", _("District office")


class WarningSeverity(models.TextChoices):
    """How grave a warning is; lists and the dashboard show the gravest first (WARNING_SEVERITY_RANK)."""

    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


WARNING_SEVERITY_RANK = {WarningSeverity.HIGH: 3, WarningSeverity.MEDIUM: 2, WarningSeverity.LOW: 1}


class WarningState(models.TextChoices):
    """Open → acknowledged → action recorded → closed (by a person with a resolution, or by the job when the
    condition cleared)."""

    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ACTIONED = "actioned", _("Action recorded")
    CLOSED = "closed", _("Closed")


class WarningClosedReason(models.TextChoices):
    """Why a warning was closed."""

    RESOLVED = "resolved", _("Resolved by a person")
    CLEARED = "cleared", _("Condition cleared")


# A warning not closed: the worklist, the dashboard and the one-open-warning-per-subject rule count these.
WARNING_OPEN_STATES = (WarningState.OPEN, WarningState.ACKNOWLEDGED, WarningState.ACTIONED)


class RuleChangeState(models.TextChoices):
    """A proposed change of the early-warning rules (预警规则变更): drafted by the Development Center, submitted
    to its approval, applied to the rule once approved; returned for revision (edited, it is a draft again),
    rejected, or withdrawn by the center."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for revision")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A proposal still being worked on or decided: at most one per rule (a constraint), edited in the first and last.
RULE_CHANGE_OPEN_STATES = (RuleChangeState.DRAFT, RuleChangeState.SUBMITTED, RuleChangeState.RETURNED)
RULE_CHANGE_EDITABLE_STATES = (RuleChangeState.DRAFT, RuleChangeState.RETURNED)


class CreditExceptionState(models.TextChoices):
    """A credit-limit exception (信用额度例外): drafted by the customer's salesperson or a manager above, submitted
    to the approval chain, in force once approved (from its first to its last day; `ended_on` marks it over);
    returned for revision (edited, it is a draft again), rejected, or withdrawn."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for revision")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# An exception that may still apply (its days must not overlap another's of the same customer), and those edited.
CREDIT_EXCEPTION_LIVE_STATES = (
    CreditExceptionState.DRAFT,
    CreditExceptionState.SUBMITTED,
    CreditExceptionState.RETURNED,
    CreditExceptionState.APPROVED,
)
CREDIT_EXCEPTION_EDITABLE_STATES = (CreditExceptionState.DRAFT, CreditExceptionState.RETURNED)


class HoldRule(models.TextChoices):
    """Why the nightly job put a customer on credit hold (暂停赊销): the rules of the credit policy."""

    GRADE_D = "grade_d", _("Credit grade D")
    OVERDUE = "overdue", _("An invoice long overdue")


class HoldState(models.TextChoices):
    """A credit hold: on (no new invoices) until a release is approved."""

    ON = "on", _("On hold")
    RELEASED = "released", _("Released")


class HoldReleaseState(models.TextChoices):
    """A request to release a credit hold (解除暂停赊销), decided by the approval chain."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for revision")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CreditPolicyState(models.TextChoices):
    """The credit policy (信用政策): drafted by the Development Center, approved, then in force until the next
    version is approved (retired); a return or withdrawal makes it a draft again."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("In force")
    REJECTED = "rejected", _("Rejected")
    RETIRED = "retired", _("Retired")


class AtLimitAction(models.TextChoices):
    """What a new invoice beyond the customer's credit limit meets."""

    FLAG = "flag", _("Record it, flagged")
    REFUSE = "refuse", _("Refuse it")


class LimitMode(models.TextChoices):
    """How the policy suggests a grade's credit limit."""

    MULTIPLE = "multiple", _("A multiple of the average monthly sales")
    FIXED = "fixed", _("A fixed amount")


class SuggestionState(models.TextChoices):
    """A credit limit the policy suggests for a customer: open until a manager accepts it (applied at once within
    the policy; beyond it, submitted and decided by the approval chain) or a newer suggestion replaces it."""

    OPEN = "open", _("Open")
    APPLIED = "applied", _("Applied")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for revision")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    # Required by the approval helper's shape (a returned or withdrawn request's state); not used otherwise.
    DRAFT = "draft", _("Draft")


class WriteOffState(models.TextChoices):
    """A write-off of bad debt (坏账核销): drafted, submitted to the approval chain, posted in the ledger once
    approved; returned for revision (edited, it is a draft again), rejected, withdrawn; reversed through a second
    approval (the debt is open again from the reversal's day)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Written off")
    RETURNED = "returned", _("Returned for revision")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REVERSED = "reversed", _("Reversed")


WRITE_OFF_EDITABLE_STATES = (WriteOffState.DRAFT, WriteOffState.RETURNED)
# A proposal still on its way: its invoices' amounts are reserved (two proposals cannot close the same debt twice).
WRITE_OFF_PENDING_STATES = (WriteOffState.DRAFT, WriteOffState.SUBMITTED, WriteOffState.RETURNED)


class WriteOffReversalState(models.TextChoices):
    """A request to reverse an approved write-off (撤销核销): approved, the write-off's amounts are open again."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for revision")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
