"""Reads of the approval mechanism: what waits for whom, the center's queue, one's own submissions."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from approvals.calendar import working_days_between
from approvals.models import OWN_RECORD_ROLES, ApprovalRequest, Delegation
from core.roles import Role, role_of
from regions.choices import UnitKind
from regions.models import PATH_SEPARATOR, StaffProfile

# The relations every list of requests shows (pages and API select them with it).
RELATED = ["unit", "submitted_by_staff", "current_step__approver", "current_step__approver_unit"]


def _waiting_for(staff, today):
    """Requests whose current step this person may act on: named, by holding the post, or as delegate."""
    delegators = Delegation.objects.effective_on(today).filter(to_staff=staff).values("from_staff")
    return (
        Q(current_step__approver=staff)
        | Q(
            current_step__approver__isnull=True, current_step__approver_role=staff.role, current_step__approver_unit=staff.unit_id
        )
        | Q(current_step__approver__in=delegators)
    )


def queue_for(*, user, now=None):
    """What waits for this person's decision ("待我审批"), oldest first, each annotated `overdue`.

    The director's queue also holds every request escalated to them. Not narrowed by the reader's
    scope on purpose: a delegate or a forwarded-to person acts outside their own subtree.
    """
    now = now or timezone.now()
    role = role_of(user)
    if role is None:
        return ApprovalRequest.objects.none()
    staff = getattr(user, "staff_profile", None)
    condition = Q(pk__in=[])
    if staff is not None and staff.is_active:
        condition |= _waiting_for(staff, timezone.localdate(now))
    if role == Role.DIRECTOR:
        condition |= Q(escalated_at__isnull=False)
    return (
        ApprovalRequest.objects.unscoped()
        .waiting()
        .filter(condition)
        .exclude(submitted_by=user)
        .with_overdue(now)
        .select_related(*RELATED)
        .order_by("submitted_at", "pk")
    )


def queue_breach_count(*, user, now=None):
    """How many items of the person's queue are past their SLA."""
    return queue_for(user=user, now=now).filter(overdue=True).count()


def working_days_overdue(*, request, now=None):
    """Working days past the due date (0 when not overdue) — the size of an SLA breach."""
    now = now or timezone.now()
    if request.due_at is None or request.due_at >= now:
        return 0
    return working_days_between(timezone.localdate(request.due_at), timezone.localdate(now))


def at_center(queryset, *, now=None):
    """Narrow readable requests to those waiting at the Development Center, oldest first, with `overdue`."""
    return (
        queryset.waiting()
        .filter(current_step__approver_unit__kind=UnitKind.CENTER)
        .with_overdue(now or timezone.now())
        .select_related(*RELATED)
        .order_by("submitted_at", "pk")
    )


def my_submissions(*, user, now=None):
    """The person's own submissions, newest first, the latest version of each matter only."""
    now = now or timezone.now()
    if user is None or not user.is_authenticated:
        return ApprovalRequest.objects.none()
    return (
        ApprovalRequest.objects.filter(submitted_by=user)
        .latest_versions()
        .with_overdue(now)
        .select_related(*RELATED)
        .order_by("-submitted_at", "-pk")
    )


def request_events(*, request):
    """The recorded transitions of one request, oldest first."""
    return request.events.select_related("actor", "actor_staff", "on_behalf_of", "step").order_by("at", "pk")


def waiting_count(*, user):
    """How many requests wait for this person's decision (the number in the navigation)."""
    return queue_for(user=user).count()


# ------------------------------------------------------------------------------------------ who may be handed a step


def _unit_and_above(unit):
    return [int(part) for part in unit.path.strip(PATH_SEPARATOR).split(PATH_SEPARATOR) if part]


def within_reach(*, staff, unit):
    """True if `staff` sits on `unit` or above it and is not sales staff — `could_hold` for one person,
    whether or not they are in service (no query)."""
    return staff.unit_id in _unit_and_above(unit) and staff.role not in OWN_RECORD_ROLES


def could_hold(*, unit):
    """People who could hold an approval step of `unit` by the org tree: in service, with a login, sitting
    on `unit` or a unit above it (the Development Center is the root, so its people are always in), and not
    someone who reads only their own records (sales staff). Their scope covers `unit`, so handing them a
    step (forward, added reviewer) or one's steps (delegation) lets them read nothing they could not already.

    The one rule behind the pickers (delegate, forward, add reviewer) and the services' refusals.
    """
    return (
        StaffProfile.objects.filter(is_active=True, user__isnull=False, unit_id__in=_unit_and_above(unit))
        .exclude(role__in=OWN_RECORD_ROLES)
        .select_related("unit")
        .order_by("unit__path", "employee_no")
    )


def reviewer_candidates(*, request):
    """Whom the current step of `request` may be forwarded to or who may be added as a reviewer: people who
    could hold the step (`could_hold` of the step's unit), less the submitter and the step's own approver."""
    step = request.current_step
    if step is None:
        return StaffProfile.objects.none()
    queryset = could_hold(unit=step.approver_unit)
    if request.submitted_by_staff_id is not None:
        queryset = queryset.exclude(pk=request.submitted_by_staff_id)
    if step.approver_id is not None:
        queryset = queryset.exclude(pk=step.approver_id)
    return queryset


def delegate_candidates(*, staff):
    """Whom `staff` may delegate their approvals to: people whose scope covers theirs (`could_hold` of
    their unit), less themselves."""
    return could_hold(unit=staff.unit).exclude(pk=staff.pk)


def latest_request(subject):
    """The latest approval request of a subject (a scheme, a proposal…); None before its first submission."""
    return (
        ApprovalRequest.objects.filter(content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk)
        .order_by("-version")
        .first()
    )
