"""Credit-limit exceptions through the one approval mechanism (信用额度例外, issue 16).

A customer's salesperson or a manager above its district drafts an exception — how much more credit, from
when until when, why and on what evidence —, submits it (ApprovalKind.CREDIT_LIMIT_EXCEPTION), and the chain
climbs the org tree as high as the amount and the customer's grade say (`chain_levels`: the province's
manager for a small amount to a good customer; the region's, the Development Center's pool and the director
for more, or for a worse grade). Returned, it is edited (a draft again) and submitted anew; rejected or
withdrawn, nothing applies.

Once approved, the credit check of every new invoice (customers.services.limits, fed by
`credit_exception_extras` below) uses the customer's limit plus the exceptions approved and valid on the day:
from `valid_from` to `valid_to` inclusive. The day after, it no longer counts — computed from the dates, so it
stops without anyone acting; the nightly job `risk.credit_exceptions_end` stamps `ended_on` and tells the
customer's salesperson (safe to run twice: stamped exceptions are not told again).

Every write takes the actor (`by=`) and asks its right (risk/rights.py) before it writes; the customer's row is
locked while an exception's days are checked against its others, so two requests cannot overlap.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from approvals.choices import ApprovalKind
from approvals.selectors import latest_request
from approvals.services import request_submit, request_withdraw
from core.errors import Conflict, InvalidInput
from core.money import parse_money
from core.rights import SYSTEM, ensure
from customers.choices import CustomerStatus
from customers.models import Customer
from customers.services.inputs import clean_date
from customers.services.limits import extra_limit_source
from notifications.choices import NotificationKind
from notifications.services import notify
from risk.choices import CREDIT_EXCEPTION_EDITABLE_STATES, CREDIT_EXCEPTION_LIVE_STATES, CreditExceptionState
from risk.models import CreditException, CustomerRating
from risk.services.warnings import clean_text

# An exception beyond this is a typing error, not a request (a hundred million yuan).
EXTRA_MAX = Decimal("100000000.00")
# At most a year: longer is a new credit limit, which the customer's archive holds.
LONGEST = timedelta(days=366)
REASON_MAX = 2000
EVIDENCE_MAX = 4000

# How high the chain climbs (levels above the district: 1 the province's manager, 2 + the region's, 3 + the
# Development Center's pool, 4 + the director): by the amount asked for …
CHAIN_AMOUNT_LEVELS = ((Decimal("50000.00"), 1), (Decimal("200000.00"), 2), (Decimal("1000000.00"), 3))
# … and one or two levels higher for a worse grade (a customer not graded yet counts as C).
CHAIN_GRADE_EXTRA = {"AAA": 0, "AA": 0, "A": 0, "B": 0, "C": 1, "D": 2}
CHAIN_UNGRADED_EXTRA = 1
CHAIN_TOP = 4


def chain_levels(amount, grade):
    """How many deciders above the customer's district decide an exception of `amount` for a customer of
    `grade` ("" when not graded): longer for larger amounts and worse grades, at most up to the director."""
    base = next((levels for limit, levels in CHAIN_AMOUNT_LEVELS if amount <= limit), CHAIN_TOP)
    extra = CHAIN_GRADE_EXTRA.get(grade, CHAIN_UNGRADED_EXTRA) if grade else CHAIN_UNGRADED_EXTRA
    return min(CHAIN_TOP, base + extra)


def customer_grade(customer):
    """The customer's grade in force ("" when not graded yet)."""
    return CustomerRating.objects.unscoped().filter(customer_id=customer.pk).values_list("grade", flat=True).first() or ""


# --- input --------------------------------------------------------------------------------------------------------
def _amount(value):
    amount = parse_money(value, field="extra_amount", label=_("The extra credit"), positive=True)
    if amount > EXTRA_MAX:
        raise InvalidInput(
            _("The extra credit is at most %(max)s; a larger need is a new credit limit.") % {"max": f"{EXTRA_MAX:,.2f}"},
            field="extra_amount",
        )
    return amount


def _dates(valid_from, valid_to, today):
    valid_from = clean_date(valid_from, field="valid_from")
    valid_to = clean_date(valid_to, field="valid_to")
    if valid_from < today:
        raise InvalidInput(_("An exception starts today or later; it does not apply to past days."), field="valid_from")
    if valid_to < valid_from:
        raise InvalidInput(_("The last day cannot be before the first day."), field="valid_to")
    if valid_to - valid_from >= LONGEST:
        raise InvalidInput(_("An exception lasts at most a year; a longer need is a new credit limit."), field="valid_to")
    return valid_from, valid_to


def _values(*, extra_amount, valid_from, valid_to, reason, evidence, today):
    valid_from, valid_to = _dates(valid_from, valid_to, today)
    return {
        "extra_amount": _amount(extra_amount),
        "valid_from": valid_from,
        "valid_to": valid_to,
        "reason": clean_text(reason, field="reason", label=_("The reason"), max_length=REASON_MAX),
        "evidence": clean_text(evidence, field="evidence", label=_("The evidence"), max_length=EVIDENCE_MAX, required=False),
    }


def _lock_customer(customer):
    """The customer's row, locked: exceptions of one customer are checked against each other one at a time."""
    return Customer.objects.select_for_update().select_related("district").get(pk=customer.pk)


def _require_no_overlap(customer, valid_from, valid_to, *, exclude=None):
    others = CreditException.objects.unscoped().filter(
        customer_id=customer.pk,
        state__in=CREDIT_EXCEPTION_LIVE_STATES,
        valid_from__lte=valid_to,
        valid_to__gte=valid_from,
    )
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    other = others.order_by("valid_from").first()
    if other is not None:
        raise Conflict(
            _("This customer already has an exception from %(start)s to %(end)s (%(state)s); the days may not overlap.")
            % {"start": other.valid_from.isoformat(), "end": other.valid_to.isoformat(), "state": other.get_state_display()},
            field="valid_from",
        )


def _lock(exception):
    return CreditException.objects.select_for_update(of=("self",)).select_related("customer", "unit").get(pk=exception.pk)


def _require_editable(exception):
    if exception.state not in CREDIT_EXCEPTION_EDITABLE_STATES:
        raise Conflict(
            _("Only a draft or returned exception can be changed or submitted; this one is %(state)s.")
            % {"state": exception.get_state_display()},
            field="state",
        )


# --- drafting -----------------------------------------------------------------------------------------------------
@transaction.atomic
def credit_exception_request(*, by, customer, extra_amount, valid_from, valid_to, reason, evidence="", today=None):
    """Draft a credit-limit exception of `customer`. Refused on its field: an amount not above zero or absurd,
    a last day before the first (or a first day in the past, or more than a year), no reason, a customer not
    active, days overlapping another exception of the customer not rejected or withdrawn."""
    if not isinstance(customer, Customer):
        raise InvalidInput(_("Choose a customer."), field="customer")
    ensure(by, "credit_exception.request", customer)
    today = today or timezone.localdate()
    values = _values(
        extra_amount=extra_amount, valid_from=valid_from, valid_to=valid_to, reason=reason, evidence=evidence, today=today
    )
    customer = _lock_customer(customer)
    if customer.status != CustomerStatus.ACTIVE:
        raise InvalidInput(_("The customer %(name)s is not active.") % {"name": customer.name}, field="customer")
    _require_no_overlap(customer, values["valid_from"], values["valid_to"])
    return CreditException.objects.create(
        customer=customer,
        unit_id=customer.district_id,
        owner_id=customer.salesperson_id,
        **values,
        requested_by=None if by is SYSTEM else by,
    )


@transaction.atomic
def credit_exception_update(*, by, exception, extra_amount, valid_from, valid_to, reason, evidence="", today=None):
    """Edit a draft or returned exception (a returned one is a draft again); the customer stays."""
    exception = _lock(exception)
    ensure(by, "credit_exception.edit", exception)
    _require_editable(exception)
    today = today or timezone.localdate()
    values = _values(
        extra_amount=extra_amount, valid_from=valid_from, valid_to=valid_to, reason=reason, evidence=evidence, today=today
    )
    _lock_customer(exception.customer)
    _require_no_overlap(exception.customer, values["valid_from"], values["valid_to"], exclude=exception)
    for key, value in values.items():
        setattr(exception, key, value)
    exception.state = CreditExceptionState.DRAFT
    exception.save()
    return exception


# --- the approval -------------------------------------------------------------------------------------------------
def credit_exception_snapshot(*, exception):
    """What the deciders see, frozen at submission: the request and the customer's credit as it stood."""
    customer = exception.customer
    return {
        "customer": customer.pk,
        "customer_name": customer.name,
        "grade": exception.grade,
        "credit_limit": str(customer.credit_limit),
        "open_balance": str(customer.open_balance),
        "extra_amount": str(exception.extra_amount),
        "valid_from": exception.valid_from.isoformat(),
        "valid_to": exception.valid_to.isoformat(),
        "reason": exception.reason,
        "evidence": exception.evidence,
    }


@transaction.atomic
def credit_exception_submit(*, by, exception, today=None):
    """Submit a draft or returned exception to its chain (longer for larger amounts and worse grades). Refused:
    an exception whose last day has passed (nothing would be left to approve)."""
    exception = _lock(exception)
    ensure(by, "credit_exception.edit", exception)
    _require_editable(exception)
    today = today or timezone.localdate()
    if exception.valid_to < today:
        raise InvalidInput(_("The exception's last day has passed; change its days first."), field="valid_to")
    exception.grade = customer_grade(exception.customer)
    request = request_submit(
        subject=exception,
        kind=ApprovalKind.CREDIT_LIMIT_EXCEPTION,
        unit=exception.unit,
        title=_("Credit-limit exception: %(name)s +%(amount)s, %(start)s to %(end)s")
        % {
            "name": exception.customer.name,
            "amount": f"{exception.extra_amount:,.2f}",
            "start": exception.valid_from.isoformat(),
            "end": exception.valid_to.isoformat(),
        },
        by=by,
        snapshot=credit_exception_snapshot(exception=exception),
        amount=exception.extra_amount,
        levels=chain_levels(exception.extra_amount, exception.grade),
    )
    exception.state = CreditExceptionState.SUBMITTED
    exception.submitted_at = request.submitted_at
    exception.save(update_fields=["state", "grade", "submitted_at", "updated_at"])
    return request


@transaction.atomic
def credit_exception_withdraw(*, by, exception):
    """Drop an exception not decided yet: a draft or returned one at once; a submitted one through approvals (its
    submitter, while no reviewer has decided a step)."""
    exception = _lock(exception)
    ensure(by, "credit_exception.withdraw", exception)
    if exception.state == CreditExceptionState.SUBMITTED:
        request_withdraw(request=latest_request(exception), by=by)  # approvals sets the state (WITHDRAWN)
        exception.refresh_from_db()
        return exception
    _require_editable(exception)
    exception.state = CreditExceptionState.WITHDRAWN
    exception.save(update_fields=["state", "updated_at"])
    return exception


def credit_exception_on_approved(*, exception):
    """The approval hook, inside the decision's transaction. Nothing to write: from now on the credit check
    counts the exception on its days (customers.services.limits asks `credit_exception_extras`)."""


# --- the credit check ---------------------------------------------------------------------------------------------
@extra_limit_source
def credit_exception_extras(customer_ids, day):
    """{customer id: the extra credit of its exceptions approved and valid on `day`} — one query for a batch."""
    rows = (
        CreditException.objects.unscoped()
        .filter(
            customer_id__in=list(customer_ids),
            state=CreditExceptionState.APPROVED,
            valid_from__lte=day,
            valid_to__gte=day,
        )
        .order_by()
        .values("customer_id")
        .annotate(extra=Sum("extra_amount"))
    )
    return {row["customer_id"]: row["extra"] for row in rows}


# --- the end ------------------------------------------------------------------------------------------------------
def _message(message, **params):
    with translation.override(settings.LANGUAGE_CODE):
        return str(message) % params


def credit_exceptions_end(*, by, today=None):
    """Stamp `ended_on` (the day after the last) on the approved exceptions whose last day is before `today`, and
    tell each customer's salesperson. Only unstamped ones are stamped and told, so a second run does nothing;
    the credit check already stopped counting them the day after their end, whether this runs or not."""
    ensure(by, "credit_exception.end")
    today = today or timezone.localdate()
    ended = 0
    candidates = (
        CreditException.objects.unscoped()
        .filter(state=CreditExceptionState.APPROVED, valid_to__lt=today, ended_on__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in list(candidates):
        with transaction.atomic():
            exception = (
                CreditException.objects.unscoped()
                .select_for_update(of=("self",))
                .select_related("customer__salesperson__user")
                .filter(pk=pk, ended_on__isnull=True)
                .first()
            )
            if exception is None:  # a concurrent run stamped it
                continue
            exception.ended_on = exception.valid_to + timedelta(days=1)
            exception.save(update_fields=["ended_on", "updated_at"])
            ended += 1
            salesperson = exception.customer.salesperson
            if salesperson is not None and salesperson.user_id:
                notify(
                    recipients=[salesperson.user],
                    kind=NotificationKind.OTHER,
                    title=_message(_("Credit-limit exception ended: %(name)s"), name=exception.customer.name),
                    body=_message(
                        _(
                            "The extra credit of %(amount)s for %(name)s applied until %(end)s; from %(day)s new invoices "
                            "are checked against its credit limit of %(limit)s alone."
                        ),
                        amount=f"{exception.extra_amount:,.2f}",
                        name=exception.customer.name,
                        end=exception.valid_to.isoformat(),
                        day=exception.ended_on.isoformat(),
                        limit=f"{exception.customer.credit_limit:,.2f}",
                    ),
                    url=reverse("risk:credit_exception_detail", kwargs={"pk": exception.pk}),
                )
    return ended
