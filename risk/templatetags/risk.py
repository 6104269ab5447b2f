"""The credit-grade card shown on a customer's and a salesperson's page: the grade, since when, and why — each
factor's value, its band's score and weight — with the latest changes. The customer and staff pages are
in apps below risk; they load this tag library by name, so they import nothing of risk."""

from django import template
from django.db.models import Sum
from django.utils import timezone

from core.rights import may
from customers.services.limits import effective_limit
from risk import selectors
from risk.choices import CREDIT_EXCEPTION_LIVE_STATES, HoldState, WriteOffState
from risk.models import (
    CUSTOMER_FACTOR_FIELDS,
    STAFF_FACTOR_FIELDS,
    CreditException,
    CreditHold,
    CustomerRating,
    StaffRating,
    WriteOff,
)
from risk.selectors import explain, history

register = template.Library()


def _card(context, kind, subject, model, key, fields):
    owner_id = subject.pk
    user = context["request"].user
    rating = model.objects.for_user(user).select_related("scheme", "override").filter(**{key: owner_id}).first()
    return {
        "owner_id": owner_id,
        # The link only: the request page and the service ask the right again.
        "may_override": rating is not None and may(user, "grade_override.request", subject),
        "rating": rating,
        "subject": kind,
        "why": explain(rating, fields) if rating else [],
        "changes": history(user=user, subject=kind, owner_id=owner_id, limit=6) if rating else [],
    }


@register.inclusion_tag("risk/_grade_card.html", takes_context=True)
def customer_grade_card(context, customer):
    return _card(context, "customer", customer, CustomerRating, "customer_id", CUSTOMER_FACTOR_FIELDS)


@register.inclusion_tag("risk/_grade_card.html", takes_context=True)
def staff_grade_card(context, staff):
    return _card(context, "staff", staff, StaffRating, "staff_id", STAFF_FACTOR_FIELDS)


@register.inclusion_tag("risk/_forecast.html", takes_context=True)
def customer_forecast(context, customer):
    """Foresight (提前预见) beside the grade: the probability, its top reasons and the model behind it."""
    forecast = selectors.customer_forecast(user=context["request"].user, customer_id=customer.pk)
    return {"forecast": forecast, "reasons": selectors.reason_rows(forecast) if forecast else []}


@register.inclusion_tag("risk/_credit_exceptions_card.html", takes_context=True)
def customer_credit_exceptions(context, customer):
    """Credit-limit exceptions (信用额度例外) on a customer's page: the limit that applies today, the exceptions
    not over yet (in force, waiting, drafted), and the link to ask for one if the reader may."""
    user = context["request"].user
    today = timezone.localdate()
    rows = list(
        CreditException.objects.for_user(user)
        .filter(customer_id=customer.pk, state__in=CREDIT_EXCEPTION_LIVE_STATES, valid_to__gte=today)
        .order_by("valid_from", "id")[:5]
    )
    return {
        "customer": customer,
        "rows": rows,
        "today": today,
        "limit_today": effective_limit(customer, today),
        "may_request": may(user, "credit_exception.request", customer),
        "hold": CreditHold.objects.for_user(user).filter(customer_id=customer.pk, state=HoldState.ON).first(),
        # Bad debts (呆坏账): a write-off is proposed from here; the written-off debt in force is shown.
        "may_write_off": customer.open_balance > 0 and may(user, "write_off.propose", customer),
        "written_off": WriteOff.objects.for_user(user)
        .filter(customer_id=customer.pk, state=WriteOffState.APPROVED)
        .aggregate(total=Sum("total"))["total"],
    }
