"""The scheduled jobs of the approval mechanism (Celery beat, approvals/tasks.py): escalate what is overdue,
remind the approvers of it, warn the Development Center of a missing working calendar. Each is safe to run
twice: a request is escalated once and reminded once a day (marks set under the request's lock).
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approvals.calendar import next_year_missing
from approvals.choices import EventAction, RequestState, StepKind, StepState
from approvals.models import ApprovalRequest
from approvals.selectors import working_days_overdue
from approvals.services.chains import approvers_of, director_step, directors
from approvals.services.notices import tell
from approvals.services.records import insert_step, record_event
from core.roles import Role
from notifications.choices import NotificationKind
from notifications.models import Notification
from notifications.services import notify
from regions.models import StaffProfile


@transaction.atomic
def request_escalate(*, request, now=None):
    """Escalate one overdue request to the director (超时升级), once: adds the director as the last
    reviewer unless the chain already ends with them. Returns False when there is nothing to do."""
    now = now or timezone.now()
    request = (
        ApprovalRequest.objects.select_for_update()
        .filter(pk=request.pk, state=RequestState.SUBMITTED, escalated_at__isnull=True, due_at__lt=now)
        .first()
    )
    if request is None:
        return False
    last = request.steps.order_by("-order").first()
    step = None
    if last is None or last.approver_role != Role.DIRECTOR or last.state != StepState.PENDING:
        spec = director_step()
        step = insert_step(
            request=request,
            at_order=(last.order + 1) if last is not None else 1,
            approver_role=spec.approver_role,
            approver_unit=spec.approver_unit,
            approver=spec.approver,
            kind=StepKind.ADDED_AFTER,
        )
    request.escalated_at = now
    request.save()
    record_event(
        request=request,
        action=EventAction.ESCALATE,
        from_state=RequestState.SUBMITTED,
        step=step,
        data={"due_at": request.due_at, "current_step": request.current_step_id},
    )
    tell(
        request=request,
        recipients=directors(),
        kind=NotificationKind.ESCALATED,
        title=_("Escalated to you: %(title)s"),
        body=_("The %(kind)s “%(title)s” of %(unit)s was due on %(due)s and is still waiting; it now comes to you as well."),
    )
    return True


def requests_escalate_overdue(now=None):
    """Escalate every request past its due time that was not escalated yet; safe to run twice.

    Each request in its own transaction (see request_escalate), so one failure does not hold back the rest.
    """
    now = now or timezone.now()
    overdue = (
        ApprovalRequest.objects.unscoped()
        .filter(state=RequestState.SUBMITTED, escalated_at__isnull=True, due_at__lt=now)
        .order_by("due_at", "pk")
    )
    return sum(1 for request in overdue if request_escalate(request=request, now=now))


@transaction.atomic
def request_remind(*, request, now=None):
    """Remind the current approvers of one overdue request, at most once per day. Returns True if sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    request = (
        ApprovalRequest.objects.select_for_update()
        .filter(pk=request.pk, state=RequestState.SUBMITTED, due_at__lt=now)
        .exclude(reminded_on__gte=today)
        .first()
    )
    if request is None or request.current_step_id is None:
        return False
    request.reminded_on = today
    request.save(update_fields=["reminded_on", "updated_at"])
    tell(
        request=request,
        recipients=approvers_of(request.current_step, today=today),
        kind=NotificationKind.REMINDER,
        title=_("Overdue: %(title)s"),
        body=_(
            "The %(kind)s “%(title)s” of %(unit)s was due on %(due)s (%(days)s working days ago) and waits for your decision."
        ),
        days=working_days_overdue(request=request, now=now),
    )
    return True


def requests_remind_overdue(now=None):
    """Remind the approvers of every overdue request, once per day each (beat: daily). Safe to run twice."""
    now = now or timezone.now()
    overdue = (
        ApprovalRequest.objects.unscoped()
        .filter(state=RequestState.SUBMITTED, due_at__lt=now)
        .exclude(reminded_on__gte=timezone.localdate(now))
        .order_by("due_at", "pk")
    )
    return sum(1 for request in overdue if request_remind(request=request, now=now))


# --- the working calendar behind every SLA ------------------------------------------------------------


def calendar_warn_center(*, today=None):
    """From 1 December, tell the Development Center's people once that next year's working calendar is still
    empty (its SLAs would count Monday to Friday). Returns the year warned about, or None.

    Idempotent: the message carries the calendar page of that year as its link, and a second run finds it sent.
    """
    today = today or timezone.localdate()
    year = next_year_missing(today)
    if year is None:
        return None
    url = f"{reverse('approvals:calendar')}?year={year}"
    with transaction.atomic():
        center = list(
            StaffProfile.objects.select_for_update()
            .filter(role__in=[Role.DIRECTOR, Role.CENTER_STAFF], is_active=True, user__isnull=False)
            .select_related("user")
        )
        if Notification.objects.filter(kind=NotificationKind.REMINDER, url=url).exists():
            return None
        notify(
            recipients=center,
            kind=NotificationKind.REMINDER,
            title=_("The working calendar of %(year)s is missing") % {"year": year},
            body=_(
                "No holidays or make-up working days are entered for %(year)s yet. Until they are, approval "
                "deadlines in %(year)s count Monday to Friday only. Enter the State Council's schedule on the "
                "working calendar page."
            )
            % {"year": year},
            url=url,
        )
    return year
