"""Credit holds (暂停赊销, issue 16): no new invoices for a customer until the hold is released.

The nightly job (`risk.credit_holds_refresh`, after the rating) puts on hold every customer a rule of the credit
policy matches and that is not on hold yet: grade D, or an open invoice more than N days overdue
(`HOLD_OVERDUE_DAYS` until a credit policy says otherwise). A hold is not lifted when the condition clears — it is
released through an approval request (ApprovalKind.CREDIT_HOLD_RELEASE), asked by the customer's salesperson or a
manager above its district, decided by a chain up to the region (overdue) or the Development Center (grade D).

A released customer is not put on hold again for the same thing: only a grade that became D after the release, or
an invoice that passed N days overdue after it, places a new hold. The credit check of every invoice (one, a
batch, a correction moving an invoice to the customer) reads the holds through customers.services.limits.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.choices import ApprovalKind
from approvals.services import request_submit
from core.errors import Conflict, InvalidInput
from core.rights import SYSTEM, ensure
from customers.choices import InvoiceStatus
from customers.models import Customer, Invoice
from customers.services.limits import hold_source
from risk.choices import HoldReleaseState, HoldRule, HoldState
from risk.models import CreditHold, CreditHoldRelease, CustomerRating
from risk.services.credit_policy import policy_in_force
from risk.services.warnings import clean_text

# An open invoice this many days past its due date puts its customer on hold (until a credit policy is in force).
HOLD_OVERDUE_DAYS = 90
REASON_MAX = 2000
# How high a release climbs (approvals Route.LADDER): the region for an overdue invoice, the center for grade D.
RELEASE_LEVELS = {HoldRule.OVERDUE: 2, HoldRule.GRADE_D: 3}


@hold_source
def credit_hold_reasons(customer_ids, day):
    """{customer id: why it is on hold} for the customers of `customer_ids` with a hold on — one query."""
    rows = (
        CreditHold.objects.unscoped()
        .filter(customer_id__in=list(customer_ids), state=HoldState.ON, placed_on__lte=day)
        .values_list("customer_id", "detail")
    )
    return dict(rows)


def _matches(*, today, overdue_days, grade_d=True):
    """{customer id: (rule, detail)} of the customers a rule matches today, not counting what was released."""
    released = dict(
        CreditHold.objects.unscoped()
        .filter(state=HoldState.RELEASED)
        .values("customer_id")
        .annotate(last=Max("released_on"))
        .values_list("customer_id", "last")
    )
    found = {}
    rated_d = CustomerRating.objects.unscoped().filter(grade="D").values_list("customer_id", "since") if grade_d else []
    for customer_id, since in rated_d:
        last = released.get(customer_id)
        if last is None or since > last:
            found[customer_id] = (HoldRule.GRADE_D, _("Credit grade D since %(day)s") % {"day": since.isoformat()})
    if overdue_days is None:
        return found
    cutoff = today - timedelta(days=overdue_days)
    # The open invoices past the cut-off (the open-invoice index: status open, due date), the oldest per customer.
    overdue = (
        Invoice.objects.unscoped()
        .filter(status=InvoiceStatus.OPEN, due_date__lt=cutoff, allocated__lt=F("amount"))
        .order_by()
        .values("customer_id")
        .annotate(oldest=Min("due_date"), newest=Max("due_date"))
        .values_list("customer_id", "oldest", "newest")
    )
    for customer_id, oldest, newest in overdue:
        if customer_id in found:
            continue
        last = released.get(customer_id)
        # After a release only an invoice that crossed the line since counts.
        if last is not None and newest + timedelta(days=overdue_days) < last:
            continue
        days = (today - oldest).days
        found[customer_id] = (
            HoldRule.OVERDUE,
            _("An invoice due %(day)s is %(days)d days overdue (more than %(limit)d)")
            % {"day": oldest.isoformat(), "days": days, "limit": overdue_days},
        )
    return found


def credit_holds_refresh(*, by, today=None, overdue_days=None, customers=None):
    """Put on hold the customers a rule matches today and not on hold yet; returns how many were placed. The rules
    are the credit policy's in force (grade D on or off; N days overdue, or none), else grade D and
    HOLD_OVERDUE_DAYS; `overdue_days` given overrides N. `customers` (ids) narrows the run to those customers (the
    demo data holds a few, not every match). Safe to run twice (one hold on per customer)."""
    ensure(by, "credit_hold.refresh")
    today = today or timezone.localdate()
    policy = policy_in_force()
    grade_d = policy.hold_grade_d if policy is not None else True
    if overdue_days is None:
        overdue_days = policy.hold_overdue_days if policy is not None else HOLD_OVERDUE_DAYS
    found = _matches(today=today, overdue_days=overdue_days, grade_d=grade_d)
    if customers is not None:
        wanted_ids = set(customers)
        found = {pk: match for pk, match in found.items() if pk in wanted_ids}
    held = set(
        CreditHold.objects.unscoped()
        .filter(state=HoldState.ON, customer_id__in=list(found))
        .values_list("customer_id", flat=True)
    )
    wanted = [pk for pk in found if pk not in held]
    customers = Customer.objects.unscoped().filter(pk__in=wanted).values_list("pk", "district_id", "salesperson_id")
    holds = [
        CreditHold(
            customer_id=pk,
            unit_id=district_id,
            owner_id=salesperson_id,
            rule=found[pk][0],
            detail=str(found[pk][1])[:300],
            placed_on=today,
        )
        for pk, district_id, salesperson_id in customers
    ]
    # A concurrent run placing the same hold loses on the partial unique constraint, skipped here.
    created = CreditHold.objects.bulk_create(holds, batch_size=2000, ignore_conflicts=True)
    return len(created)


# --- release -------------------------------------------------------------------------------------------------------
def _lock_hold(hold):
    return CreditHold.objects.unscoped().select_for_update(of=("self",)).select_related("customer").get(pk=hold.pk)


@transaction.atomic
def credit_hold_release_request(*, by, hold, reason):
    """Ask for a hold to be released, submitted to its chain at once. Refused: no reason, a hold already released
    or with a release waiting."""
    if not isinstance(hold, CreditHold):
        raise InvalidInput(_("Choose a credit hold."), field="hold")
    ensure(by, "credit_hold.release", hold)
    reason = clean_text(reason, field="reason", label=_("The reason"), max_length=REASON_MAX)
    hold = _lock_hold(hold)
    if hold.state != HoldState.ON:
        raise Conflict(_("This hold is already released."), field="hold")
    if hold.releases.filter(state=HoldReleaseState.SUBMITTED).exists():
        raise Conflict(_("A release of this hold is already waiting for its decision."), field="hold")
    try:
        with transaction.atomic():
            release = CreditHoldRelease.objects.create(
                hold=hold,
                unit_id=hold.unit_id,
                owner_id=hold.owner_id,
                reason=reason,
                requested_by=None if by is SYSTEM else by,
            )
    except IntegrityError:
        raise Conflict(_("A release of this hold is already waiting for its decision."), field="hold") from None
    request = request_submit(
        subject=release,
        kind=ApprovalKind.CREDIT_HOLD_RELEASE,
        unit=hold.unit,
        title=_("Credit hold release: %(name)s") % {"name": hold.customer.name},
        by=by,
        snapshot=credit_hold_release_snapshot(release=release),
        levels=RELEASE_LEVELS.get(hold.rule, 3),
    )
    release.state = HoldReleaseState.SUBMITTED
    release.submitted_at = request.submitted_at
    release.save(update_fields=["state", "submitted_at", "updated_at"])
    return release


def credit_hold_release_snapshot(*, release):
    hold = release.hold
    return {
        "customer": hold.customer_id,
        "customer_name": hold.customer.name,
        "rule": hold.rule,
        "detail": hold.detail,
        "placed_on": hold.placed_on.isoformat(),
        "open_balance": str(hold.customer.open_balance),
        "reason": release.reason,
    }


def credit_hold_release_on_approved(*, release):
    """The approval hook, inside the decision's transaction: the hold is released today."""
    hold = _lock_hold(release.hold)
    if hold.state == HoldState.ON:
        hold.state = HoldState.RELEASED
        hold.released_on = timezone.localdate()
        hold.save(update_fields=["state", "released_on", "updated_at"])
