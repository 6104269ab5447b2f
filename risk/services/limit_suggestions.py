"""Credit limits suggested by the credit policy (建议信用额度, issue 16).

Every night (`risk.credit_limits_suggest`, after the rating) the policy in force suggests a limit for every graded
customer whose grade it has a rule for — a multiple of its average monthly sales over the last twelve months
(non-cancelled invoices issued in the 365 days before the day, divided by 12) between the floor and the ceiling, or
a fixed amount — where that differs from the customer's limit. One open suggestion per customer: a new night's
replaces the open one. A manager above the customer's district accepts it, possibly changed: up to the suggestion it
is applied to the customer at once; beyond it, it goes to the approval chain (ApprovalKind.CREDIT_LIMIT_CHANGE) and is
applied once approved.
"""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.choices import ApprovalKind
from approvals.services import request_submit
from core.errors import Conflict
from core.money import ZERO, parse_money
from core.rights import SYSTEM, ensure
from customers.choices import InvoiceStatus
from customers.models import Customer, Invoice
from customers.services import customer_update
from risk.choices import SuggestionState
from risk.models import CreditLimitSuggestion, CustomerRating
from risk.services.credit_policy import policy_in_force, suggested_limit

MONTHS = 12


def credit_limits_suggest(*, by, today=None):
    """Suggest limits by the policy in force for every graded customer (see the module); returns how many open
    suggestions there are after the run. Without a policy in force nothing happens. Safe to run twice."""
    ensure(by, "credit_policy.draft")
    today = today or timezone.localdate()
    policy = policy_in_force()
    if policy is None or not policy.limits:
        return 0
    since = today - timedelta(days=365)
    sales = dict(
        Invoice.objects.unscoped()
        .filter(issue_date__gte=since, issue_date__lt=today)
        .exclude(status=InvoiceStatus.CANCELLED)
        .order_by()
        .values("customer_id")
        .annotate(total=Sum("amount"))
        .values_list("customer_id", "total")
    )
    ratings = CustomerRating.objects.unscoped().filter(grade__in=list(policy.limits)).values_list("customer_id", "grade")
    grades = dict(ratings)
    customers = (
        Customer.objects.unscoped().filter(pk__in=list(grades)).values_list("pk", "district_id", "salesperson_id", "credit_limit")
    )
    rows = []
    for pk, district_id, salesperson_id, limit in customers:
        monthly = (Decimal(sales.get(pk) or ZERO) / MONTHS).quantize(Decimal("0.01"))
        suggested = suggested_limit(policy.limits, grades[pk], monthly)
        if suggested is None or suggested == limit:
            continue
        rows.append(
            CreditLimitSuggestion(
                customer_id=pk,
                unit_id=district_id,
                owner_id=salesperson_id,
                policy=policy,
                grade=grades[pk],
                monthly_sales=monthly,
                current_limit=limit,
                suggested_limit=suggested,
                suggested_on=today,
            )
        )
    with transaction.atomic():
        CreditLimitSuggestion.objects.unscoped().filter(state=SuggestionState.OPEN).delete()
        CreditLimitSuggestion.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _lock(suggestion):
    return (
        CreditLimitSuggestion.objects.unscoped()
        .select_for_update(of=("self",))
        .select_related("customer", "unit")
        .get(pk=suggestion.pk)
    )


@transaction.atomic
def credit_limit_accept(*, by, suggestion, limit=None):
    """Accept an open suggestion (a manager above the customer's district), as suggested or changed (`limit`): up to
    the suggestion it is applied to the customer at once; above it, submitted to the approval chain."""
    ensure(by, "credit_limit.accept", suggestion)
    suggestion = _lock(suggestion)
    if suggestion.state != SuggestionState.OPEN:
        raise Conflict(
            _("This suggestion is %(state)s; only an open one is accepted.") % {"state": suggestion.get_state_display()},
            field="state",
        )
    limit = suggestion.suggested_limit if limit in (None, "") else parse_money(limit, field="limit", label=_("The limit"))
    suggestion.accepted_limit = limit
    if limit <= suggestion.suggested_limit:
        customer_update(by=by, customer=suggestion.customer, credit_limit=limit)
        suggestion.state = SuggestionState.APPLIED
        suggestion.save(update_fields=["accepted_limit", "state", "updated_at"])
        return suggestion
    request_submit(
        subject=suggestion,
        kind=ApprovalKind.CREDIT_LIMIT_CHANGE,
        unit=suggestion.unit,
        title=_("Credit limit beyond the policy: %(name)s %(limit)s (suggested %(suggested)s)")
        % {
            "name": suggestion.customer.name,
            "limit": f"{limit:,.2f}",
            "suggested": f"{suggestion.suggested_limit:,.2f}",
        },
        by=by,
        snapshot=credit_limit_snapshot(suggestion=suggestion),
        amount=limit,
        levels=3,
    )
    suggestion.state = SuggestionState.SUBMITTED
    suggestion.save(update_fields=["accepted_limit", "state", "updated_at"])
    return suggestion


def credit_limit_snapshot(*, suggestion):
    return {
        "customer": suggestion.customer_id,
        "customer_name": suggestion.customer.name,
        "grade": suggestion.grade,
        "monthly_sales": str(suggestion.monthly_sales),
        "current_limit": str(suggestion.current_limit),
        "suggested_limit": str(suggestion.suggested_limit),
        "accepted_limit": str(suggestion.accepted_limit) if suggestion.accepted_limit is not None else None,
    }


def credit_limit_on_approved(*, suggestion):
    """The approval hook: the accepted limit is written to the customer in the decision's transaction."""
    customer_update(by=SYSTEM, customer=suggestion.customer, credit_limit=suggestion.accepted_limit)
