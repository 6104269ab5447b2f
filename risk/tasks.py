"""Background jobs of risk control. Thin: each calls one service and is safe to run twice (a second rating
of the same day changes nothing and adds no change row; two runs of one subject are serialised by a lock)."""

import datetime

from celery import shared_task
from django.utils import timezone

from core.rights import SYSTEM
from risk import services
from risk.choices import RatingSubject
from risk.services import event_notify_reported


@shared_task(name="risk.rate_all", soft_time_limit=1740, time_limit=1800)
def rate_all(as_of=None):
    """Grade every customer and salesperson as of `as_of` (ISO date; default today) by the schemes in force.
    Beat: nightly at 04:40, after the summaries (03:20) and the appraisal (04:10) the staff factors read."""
    day = timezone.localdate() if as_of is None else datetime.date.fromisoformat(as_of)
    return {str(subject): services.rate(subject=subject, as_of=day, by=SYSTEM) for subject in RatingSubject}


@shared_task(name="risk.notify_event_reported", soft_time_limit=60, time_limit=90)
def notify_event_reported(event_id):
    """Tell the regional manager and the Development Center of a reported special event (inbox and e-mail)."""
    return event_notify_reported(event_id=event_id)


@shared_task(name="risk.forecast_train", soft_time_limit=1740, time_limit=1800)
def forecast_train(cutoff=None):
    """Retrain the default-risk model (提前预见) with the cut-off `cutoff` (ISO date; default today), then score
    every customer with it. A refusal (too little history) is stored and the old model keeps scoring."""
    day = timezone.localdate() if cutoff is None else datetime.date.fromisoformat(cutoff)
    model = services.forecast_train(cutoff=day, by=SYSTEM)
    return {"version": model.version, "state": model.state, "scored": services.forecast_score(as_of=day, by=SYSTEM)}


@shared_task(name="risk.forecast_score", soft_time_limit=1740, time_limit=1800)
def forecast_score(as_of=None):
    """Score every customer as of `as_of` (ISO date; default today) with the latest trained model; None without one."""
    day = timezone.localdate() if as_of is None else datetime.date.fromisoformat(as_of)
    return services.forecast_score(as_of=day, by=SYSTEM)


@shared_task(name="risk.improvement_refresh", soft_time_limit=600, time_limit=660)
def improvement_refresh(as_of=None):
    """Raise and clear the under-performance flags as of `as_of` (ISO date; default today) and start the
    approved improvement plans whose first month has begun. Beat: nightly at 05:00, after the summaries
    (03:20) and the rating run (04:40) whose staff grade changes it reads."""
    day = timezone.localdate() if as_of is None else datetime.date.fromisoformat(as_of)
    flags = services.flags_refresh(as_of=day, by=SYSTEM)
    return {**flags, "started": services.improvements_start(as_of=day, by=SYSTEM)}


@shared_task(name="risk.evaluate_warnings", soft_time_limit=1740, time_limit=1800)
def evaluate_warnings(as_of=None):
    """Run every active early-warning rule as of `as_of` (ISO date; default today): open warnings for new hits,
    close those whose condition cleared. Safe to run twice (one open warning per rule and subject)."""
    day = timezone.localdate() if as_of is None else datetime.date.fromisoformat(as_of)
    return services.warnings_evaluate(as_of=day, by=SYSTEM)


@shared_task(name="risk.escalate_warnings", soft_time_limit=600, time_limit=660)
def escalate_warnings(today=None):
    """Escalate the warnings past their deadline one level up (working days only, once a day per warning)."""
    day = timezone.localdate() if today is None else datetime.date.fromisoformat(today)
    return services.warnings_escalate(today=day, by=SYSTEM)


@shared_task(name="risk.credit_exceptions_end", soft_time_limit=600, time_limit=660)
def credit_exceptions_end(today=None):
    """Stamp the credit-limit exceptions whose last day has passed and tell their customers' salespeople.
    The credit check stopped counting them by itself; this only records it and tells (safe to run twice)."""
    day = timezone.localdate() if today is None else datetime.date.fromisoformat(today)
    return services.credit_exceptions_end(by=SYSTEM, today=day)


@shared_task(name="risk.credit_holds_refresh", soft_time_limit=600, time_limit=660)
def credit_holds_refresh(today=None):
    """Put on credit hold (暂停赊销) the customers a hold rule matches (grade D, an invoice long overdue) and not
    on hold yet. Safe to run twice (one hold on per customer)."""
    day = timezone.localdate() if today is None else datetime.date.fromisoformat(today)
    return services.credit_holds_refresh(by=SYSTEM, today=day)


@shared_task(name="risk.credit_limits_suggest", soft_time_limit=1200, time_limit=1260)
def credit_limits_suggest(today=None):
    """Suggest credit limits by the policy in force from the latest grades (one open suggestion per customer)."""
    day = timezone.localdate() if today is None else datetime.date.fromisoformat(today)
    return services.credit_limits_suggest(by=SYSTEM, today=day)
