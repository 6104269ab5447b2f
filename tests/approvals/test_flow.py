"""The approval mechanism end to end: chains, decisions, the submitter's and approvers' moves, queues."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals import selectors, services
from approvals.calendar import add_working_days
from approvals.choices import ApprovalKind, EventAction, RequestState, StepKind, StepState
from approvals.models import ApprovalEvent, ApprovalRequest
from approvals.tasks import approvals_escalate_overdue
from core.errors import Conflict, InvalidInput
from core.rights import NotAllowed
from core.roles import Role
from regions.models import OrgUnit
from tests.approvals.helpers import declare_subject

K = ApprovalKind


def submit(personas, units, *, by, kind, unit, subject=None, amount=None, title="计划", snapshot=None):
    return services.request_submit(
        subject=subject or units[unit],
        kind=kind,
        unit=units[unit],
        title=title,
        snapshot={"body": title} if snapshot is None else snapshot,
        by=personas[by].user,
        amount=amount,
    )


def actions(request):
    return [(e.action, e.from_state, e.to_state) for e in request.events.order_by("at", "pk")]


# ------------------------------------------------------------------------------------------ chains


def test_a_districts_work_plan_goes_to_its_provincial_manager(personas, units):
    chain = services.chain_for(kind=K.PLAN_WORK, unit=units["330100"])
    assert [(s.approver_role, s.approver) for s in chain] == [(Role.PROVINCIAL_MANAGER, personas["pm_zhejiang"].staff)]


def test_a_provinces_work_plan_goes_to_its_regional_manager_and_a_reps_to_the_district_manager(personas, units):
    chain = services.chain_for(kind=K.PLAN_WORK, unit=units["330000"])
    assert [s.approver for s in chain] == [personas["rm_east"].staff]
    rep = personas["rep_hangzhou"].staff
    chain = services.chain_for(kind=K.PLAN_WORK, unit=units["330100"], submitter=rep)
    assert [s.approver for s in chain] == [personas["dm_hangzhou"].staff]


def test_a_regions_marketing_plan_goes_to_the_center(personas, units):
    chain = services.chain_for(kind=K.PLAN_MARKETING, unit=units["HD"])
    assert len(chain) == 1
    assert chain[0].approver is None
    assert chain[0].approver_role == Role.CENTER_STAFF
    assert chain[0].approver_unit == units["HQ"]


def test_a_big_budget_from_a_district_goes_to_the_region_the_center_then_the_director(personas, units):
    chain = services.chain_for(kind=K.BUDGET, unit=units["330100"], amount=Decimal("1000000.01"))
    assert [(s.approver_role, s.approver) for s in chain] == [
        (Role.REGIONAL_MANAGER, personas["rm_east"].staff),
        (Role.CENTER_STAFF, None),
        (Role.DIRECTOR, personas["director"].staff),
    ]
    # At the threshold itself the center decides last.
    chain = services.chain_for(kind=K.BUDGET, unit=units["330100"], amount=Decimal("1000000.00"))
    assert [s.approver_role for s in chain] == [Role.REGIONAL_MANAGER, Role.CENTER_STAFF]


def test_a_vacant_post_becomes_a_pool_step_of_that_post(personas, units):
    # 江苏 has no provincial manager among the test personas.
    nanjing = units["320100"]
    chain = services.chain_for(kind=K.PLAN_WORK, unit=nanjing)
    assert chain[0].approver is None
    assert chain[0].approver_role == Role.PROVINCIAL_MANAGER
    assert chain[0].approver_unit == units["320000"]


def test_submit_freezes_the_snapshot_derives_steps_and_sets_the_due_date(personas, units):
    request = submit(personas, units, by="dm_hangzhou", kind=K.PLAN_WORK, unit="330100", snapshot={"target": Decimal("12.50")})
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED
    assert request.version == 1
    assert request.snapshot == {"target": "12.50"}
    assert request.submitted_by_staff == personas["dm_hangzhou"].staff
    assert request.current_step.approver == personas["pm_zhejiang"].staff
    local = timezone.localtime(request.submitted_at, timezone.get_default_timezone())
    due = timezone.localtime(request.due_at, timezone.get_default_timezone())
    assert due.date() == add_working_days(local.date(), services.POLICY[K.PLAN_WORK].sla_days)
    assert due.time() == time(23, 59, 59)
    assert actions(request) == [(EventAction.SUBMIT, "", RequestState.SUBMITTED)]


def test_a_regional_manager_submitting_for_a_province_skips_their_own_step(personas, units):
    request = submit(personas, units, by="rm_east", kind=K.PLAN_MARKETING, unit="330000")
    steps = list(request.steps.order_by("order"))
    assert [s.state for s in steps] == [StepState.SKIPPED, StepState.PENDING]
    assert request.current_step == steps[1]


def test_bad_submissions_are_refused_naming_the_field(personas, units):
    user = personas["dm_hangzhou"].user
    base = {"subject": units["330100"], "unit": units["330100"], "title": "x", "by": user}
    with pytest.raises(InvalidInput) as info:
        services.request_submit(kind="holiday", **base)
    assert info.value.field == "kind"
    with pytest.raises(InvalidInput) as info:
        services.request_submit(kind=K.BUDGET, **{**base, "title": "  "})
    assert info.value.field == "title"
    with pytest.raises(InvalidInput) as info:
        services.request_submit(kind=K.BUDGET, amount="-1", **base)
    assert info.value.field == "amount"
    with pytest.raises(InvalidInput) as info:
        services.request_submit(kind=K.BUDGET, amount="lots", **base)
    assert info.value.field == "amount"
    with pytest.raises(InvalidInput) as info:
        services.request_submit(kind=K.BUDGET, snapshot={"when": object()}, **base)
    assert info.value.field == "snapshot"
    with pytest.raises(NotAllowed) as info:
        services.request_submit(kind=K.BUDGET, **{**base, "unit": units["440100"]})
    assert info.value.status_code == 403 and info.value.field == "unit"
    services.request_submit(kind=K.BUDGET, **base)
    with pytest.raises(Conflict):
        services.request_submit(kind=K.BUDGET, **base)
    assert ApprovalRequest.objects.count() == 1


# ------------------------------------------------------------------------------------------ decisions


def test_approve_walks_the_chain_and_tells_the_subject(personas, units, monkeypatch):
    told = []
    declare_subject(
        monkeypatch, OrgUnit, kinds=[K.BUDGET], on_approved=lambda unit, request: told.append((unit.code, request.pk))
    )
    request = submit(personas, units, by="dm_hangzhou", kind=K.BUDGET, unit="330100", amount="2000000")
    assert request.steps.count() == 3

    request = services.request_approve(request=request, by=personas["rm_east"].user, comment="同意")
    assert request.state == RequestState.SUBMITTED
    assert request.current_step.approver_role == Role.CENTER_STAFF
    request = services.request_approve(request=request, by=personas["center"].user)
    assert request.current_step.approver == personas["director"].staff
    assert told == []
    request = services.request_approve(request=request, by=personas["director"].user)
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED
    assert request.current_step is None and request.decided_at is not None
    assert told == [("330100", request.pk)]
    assert actions(request) == [
        (EventAction.SUBMIT, "", RequestState.SUBMITTED),
        (EventAction.APPROVE, RequestState.SUBMITTED, RequestState.SUBMITTED),
        (EventAction.APPROVE, RequestState.SUBMITTED, RequestState.SUBMITTED),
        (EventAction.APPROVE, RequestState.SUBMITTED, RequestState.APPROVED),
    ]
    assert list(request.steps.values_list("state", flat=True)) == [StepState.APPROVED] * 3
    first = request.events.get(action=EventAction.APPROVE, step__order=1)
    assert first.actor == personas["rm_east"].user and first.comment == "同意"


def test_return_then_resubmit_as_version_two(personas, units, monkeypatch):
    returned = []
    declare_subject(monkeypatch, OrgUnit, kinds=[K.PLAN_MARKETING], on_returned=lambda unit, request: returned.append(request.pk))
    v1 = submit(personas, units, by="rm_east", kind=K.PLAN_MARKETING, unit="HD", snapshot={"target": "100"})
    with pytest.raises(InvalidInput) as info:
        services.request_return(request=v1, by=personas["center"].user, comment="  ")
    assert info.value.field == "comment"
    v1 = services.request_return(request=v1, by=personas["center"].user, comment="目标偏低")
    assert v1.state == RequestState.RETURNED and returned == [v1.pk]
    assert v1.steps.get().comment == "目标偏低"

    v2 = submit(personas, units, by="rm_east", kind=K.PLAN_MARKETING, unit="HD", snapshot={"target": "120"})
    assert (v2.version, v2.previous, v2.state) == (2, v1, RequestState.SUBMITTED)
    assert v2.snapshot == {"target": "120"}
    v1.refresh_from_db()
    assert v1.snapshot == {"target": "100"} and v1.state == RequestState.RETURNED
    assert list(selectors.my_submissions(user=personas["rm_east"].user)) == [v2]
    v2 = services.request_approve(request=v2, by=personas["center"].user)
    assert v2.state == RequestState.APPROVED
    assert actions(v1)[-1] == (EventAction.RETURN, RequestState.SUBMITTED, RequestState.RETURNED)


def test_reject_is_final(personas, units):
    request = submit(personas, units, by="dm_hangzhou", kind=K.WRITE_OFF_REVERSAL, unit="330100", amount="5000")
    request = services.request_approve(request=request, by=personas["rm_east"].user)
    with pytest.raises(InvalidInput):
        services.request_reject(request=request, by=personas["center"].user, comment="")
    request = services.request_reject(request=request, by=personas["center"].user, comment="证据不足")
    assert request.state == RequestState.REJECTED
    with pytest.raises(Conflict):
        services.request_approve(request=request, by=personas["director"].user)
    with pytest.raises(Conflict):
        submit(personas, units, by="dm_hangzhou", kind=K.WRITE_OFF_REVERSAL, unit="330100", amount="5000")


def test_deciding_twice_is_a_conflict(personas, units):
    request = submit(personas, units, by="dm_hangzhou", kind=K.PLAN_WORK, unit="330100")
    stale = ApprovalRequest.objects.get(pk=request.pk)
    services.request_approve(request=request, by=personas["pm_zhejiang"].user)
    with pytest.raises(Conflict) as info:
        services.request_approve(request=stale, by=personas["pm_zhejiang"].user)
    assert info.value.status_code == 409
    with pytest.raises(Conflict):
        services.request_return(request=stale, by=personas["pm_zhejiang"].user, comment="再看看")
    assert request.events.filter(action=EventAction.APPROVE).count() == 1


def test_only_the_approver_their_delegate_or_the_director_may_act(personas, units):
    request = submit(personas, units, by="dm_hangzhou", kind=K.PLAN_WORK, unit="330100")
    for name in ("dm_hangzhou", "rep_hangzhou", "rm_south", "pm_guangdong", "center", "rm_east"):
        with pytest.raises(NotAllowed) as info:
            services.request_approve(request=request, by=personas[name].user)
        assert info.value.status_code == 403
    request = services.request_approve(request=request, by=personas["director"].user)
    assert request.state == RequestState.APPROVED
    event = request.events.get(action=EventAction.APPROVE)
    assert event.on_behalf_of == personas["pm_zhejiang"].staff


def test_nobody_decides_on_their_own_submission_even_in_a_pool(personas, units):
    request = submit(personas, units, by="center", kind=K.REPORT, unit="HQ")
    with pytest.raises(NotAllowed):
        services.request_approve(request=request, by=personas["center"].user)
    assert request not in selectors.queue_for(user=personas["center"].user)
    assert services.request_approve(request=request, by=personas["director"].user).state == RequestState.APPROVED


# ------------------------------------------------------------------------------------------ submitter's moves


def test_withdraw_before_any_decision_only_by_the_submitter(personas, units):
    request = submit(personas, units, by="dm_hangzhou", kind=K.BUDGET, unit="330100", amount="100")
    with pytest.raises(NotAllowed):
        services.request_withdraw(request=request, by=personas["rm_east"].user)
    request = services.request_withdraw(request=request, by=personas["dm_hangzhou"].user)
    assert request.state == RequestState.WITHDRAWN
    assert set(request.steps.values_list("state", flat=True)) == {StepState.SKIPPED}
    with pytest.raises(Conflict):
        services.request_withdraw(request=request, by=personas["dm_hangzhou"].user)
    # Withdrawn → may be submitted again as the next version.
    again = submit(personas, units, by="dm_hangzhou", kind=K.BUDGET, unit="330100", amount="100")
    assert again.version == 2


def test_withdraw_is_refused_once_a_step_was_approved(personas, units):
    request = submit(personas, units, by="dm_hangzhou", kind=K.BUDGET, unit="330100", amount="100")
    services.request_approve(request=request, by=personas["rm_east"].user)
    with pytest.raises(Conflict) as info:
        services.request_withdraw(request=request, by=personas["dm_hangzhou"].user)
    assert info.value.field == "state"
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED


def test_nudge_once_per_working_day(personas, units):
    request = submit(personas, units, by="dm_hangzhou", kind=K.PLAN_WORK, unit="330100")
    with pytest.raises(NotAllowed):
        services.request_nudge(request=request, by=personas["pm_zhejiang"].user)
    event = services.request_nudge(request=request, by=personas["dm_hangzhou"].user)
    assert event.action == EventAction.NUDGE and event.step == request.current_step
    assert event.data["approver"] == personas["pm_zhejiang"].staff.pk
    with pytest.raises(Conflict):
        services.request_nudge(request=request, by=personas["dm_hangzhou"].user)
    # A week ago there was certainly a working day in between.
    ApprovalEvent.objects.filter(pk=event.pk).update(at=timezone.now() - timedelta(days=7))
    services.request_nudge(request=request, by=personas["dm_hangzhou"].user)
    assert request.events.filter(action=EventAction.NUDGE).count() == 2


# ------------------------------------------------------------------------------------------ approver's moves


def test_a_delegate_acts_while_the_delegation_runs(personas, units):
    request = submit(personas, units, by="dm_hangzhou", kind=K.PLAN_WORK, unit="330100")
    away, delegate = personas["pm_zhejiang"], personas["rm_east"]
    today = timezone.localdate()
    with pytest.raises(NotAllowed):
        services.delegation_create(
            from_staff=away.staff, to_staff=delegate.staff, starts_on=today, ends_on=today, by=delegate.user
        )
    with pytest.raises(InvalidInput) as info:
        services.delegation_create(
            from_staff=away.staff, to_staff=delegate.staff, starts_on=today, ends_on=today - timedelta(days=1), by=away.user
        )
    assert info.value.field == "ends_on"
    past = services.delegation_create(
        from_staff=away.staff,
        to_staff=delegate.staff,
        starts_on=today - timedelta(days=10),
        ends_on=today - timedelta(days=1),
        by=away.user,
    )
    assert request not in selectors.queue_for(user=delegate.user)
    with pytest.raises(NotAllowed):
        services.request_approve(request=request, by=delegate.user)

    running = services.delegation_create(
        from_staff=away.staff, to_staff=delegate.staff, starts_on=today, ends_on=today + timedelta(days=5), by=away.user
    )
    assert request in selectors.queue_for(user=delegate.user)
    assert request in selectors.queue_for(user=away.user)  # the approver still sees it
    request = services.request_approve(request=request, by=delegate.user, comment="代批")
    assert request.state == RequestState.APPROVED
    event = request.events.get(action=EventAction.APPROVE)
    assert (event.actor_staff, event.on_behalf_of) == (delegate.staff, away.staff)

    services.delegation_revoke(delegation=running, by=away.user)
    other = submit(personas, units, by="dm_hangzhou", kind=K.PLAN_WORK, unit="330100", subject=units["330200"])
    with pytest.raises(NotAllowed):
        services.request_approve(request=other, by=delegate.user)
    with pytest.raises(Conflict):
        services.delegation_revoke(delegation=running, by=away.user)
    assert past.revoked_at is None


def test_forward_hands_the_step_to_someone_else(personas, units):
    request = submit(personas, units, by="dm_hangzhou", kind=K.PLAN_WORK, unit="330100")
    pm, rm = personas["pm_zhejiang"], personas["rm_east"]
    with pytest.raises(NotAllowed):
        services.request_forward(request=request, by=rm.user, to_staff=rm.staff)
    with pytest.raises(InvalidInput) as info:
        services.request_forward(request=request, by=pm.user, to_staff=personas["dm_hangzhou"].staff)
    assert info.value.field == "to_staff"
    request = services.request_forward(request=request, by=pm.user, to_staff=rm.staff, comment="请大区定")
    step = request.current_step
    assert (step.approver, step.approver_role, step.approver_unit) == (rm.staff, Role.REGIONAL_MANAGER, units["HD"])
    event = request.events.get(action=EventAction.FORWARD)
    assert event.data == {"from_staff": pm.staff.pk, "from_role": Role.PROVINCIAL_MANAGER, "to_staff": rm.staff.pk}
    assert request not in selectors.queue_for(user=pm.user)
    assert request in selectors.queue_for(user=rm.user)
    with pytest.raises(NotAllowed):
        services.request_approve(request=request, by=pm.user)
    assert services.request_approve(request=request, by=rm.user).state == RequestState.APPROVED


def test_add_a_reviewer_before_oneself(personas, units):
    request = submit(personas, units, by="rm_east", kind=K.PLAN_MARKETING, unit="HD")
    # A center step: only the center's people could hold it (the director here), docs/DECISIONS.md.
    center, director = personas["center"], personas["director"]
    request = services.request_add_signer(request=request, by=center.user, staff=director.staff, before=True, comment="请参考")
    steps = list(request.steps.order_by("order"))
    assert [(s.order, s.kind, s.approver) for s in steps] == [
        (1, StepKind.ADDED_BEFORE, director.staff),
        (2, StepKind.NORMAL, None),
    ]
    assert request.current_step == steps[0] and steps[0].added_by == center.user
    with pytest.raises(NotAllowed):
        services.request_approve(request=request, by=center.user)
    request = services.request_approve(request=request, by=director.user)
    assert request.state == RequestState.SUBMITTED and request.current_step == steps[1]
    assert services.request_approve(request=request, by=center.user).state == RequestState.APPROVED


def test_add_a_reviewer_after_oneself(personas, units):
    request = submit(personas, units, by="dm_hangzhou", kind=K.PLAN_WORK, unit="330100")
    pm, rm = personas["pm_zhejiang"], personas["rm_east"]
    with pytest.raises(InvalidInput):
        services.request_add_signer(request=request, by=pm.user, staff=pm.staff, before=False)
    request = services.request_add_signer(request=request, by=pm.user, staff=rm.staff, before=False)
    assert request.current_step.approver == pm.staff
    request = services.request_approve(request=request, by=pm.user)
    assert request.state == RequestState.SUBMITTED
    assert (request.current_step.approver, request.current_step.kind) == (rm.staff, StepKind.ADDED_AFTER)
    assert services.request_approve(request=request, by=rm.user).state == RequestState.APPROVED
    assert list(request.steps.order_by("order").values_list("order", flat=True)) == [1, 2]


# ------------------------------------------------------------------------------------------ queues and SLA


def test_queues_show_what_waits_for_whom(personas, units):
    work = submit(personas, units, by="dm_hangzhou", kind=K.PLAN_WORK, unit="330100")
    east = submit(personas, units, by="rm_east", kind=K.PLAN_MARKETING, unit="HD")
    south = submit(personas, units, by="rm_south", kind=K.PLAN_MARKETING, unit="HN")
    budget = submit(personas, units, by="pm_zhejiang", kind=K.BUDGET, unit="330000", amount="10")

    assert list(selectors.queue_for(user=personas["pm_zhejiang"].user)) == [work]
    assert list(selectors.queue_for(user=personas["rm_east"].user)) == [budget]
    assert list(selectors.queue_for(user=personas["center"].user)) == [east, south]
    assert list(selectors.queue_for(user=personas["rep_hangzhou"].user)) == []

    # The center's queue (what waits at the Development Center), read where people read it: the API.
    def center_queue(name, **filters):
        response = personas[name].api().get(reverse("approval-queue"), filters)
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert center_queue("center") == [east.pk, south.pk]
    assert center_queue("center", region=units["HN"].pk) == [south.pk]
    assert center_queue("center", kind=K.BUDGET) == []
    # A regional manager sees only their own region's items waiting at the center.
    assert center_queue("rm_south") == [south.pk]
    services.request_approve(request=budget, by=personas["rm_east"].user)
    assert center_queue("center", kind=K.BUDGET) == [budget.pk]
    response = personas["center"].api().get(reverse("approval-queue"), {"older_than_days": "old"})
    assert response.status_code == 400 and "older_than_days" in response.json()["errors"]

    ApprovalRequest.objects.filter(pk=east.pk).update(
        submitted_at=timezone.now() - timedelta(days=30), due_at=timezone.now() - timedelta(days=20)
    )
    queue = list(selectors.queue_for(user=personas["center"].user))
    assert queue[0] == east and queue[0].overdue is True
    assert [r.overdue for r in queue] == [True, False, False]
    assert selectors.queue_breach_count(user=personas["center"].user) == 1
    assert center_queue("center", older_than_days=10) == [east.pk]
    assert selectors.working_days_overdue(request=queue[0]) > 0
    assert selectors.working_days_overdue(request=queue[1]) == 0


def test_overdue_requests_escalate_to_the_director_once(personas, units):
    request = submit(personas, units, by="dm_hangzhou", kind=K.PLAN_WORK, unit="330100")
    on_time = submit(personas, units, by="rm_east", kind=K.PLAN_MARKETING, unit="HD")
    assert services.requests_escalate_overdue() == 0
    later = request.due_at + timedelta(seconds=1)
    ApprovalRequest.objects.filter(pk=on_time.pk).update(due_at=later + timedelta(days=1))
    assert services.requests_escalate_overdue(later) == 1
    assert services.requests_escalate_overdue(later) == 0
    request.refresh_from_db()
    assert request.escalated_at == later
    steps = list(request.steps.order_by("order"))
    assert [(s.approver, s.kind) for s in steps] == [
        (personas["pm_zhejiang"].staff, StepKind.NORMAL),
        (personas["director"].staff, StepKind.ADDED_AFTER),
    ]
    assert request.events.filter(action=EventAction.ESCALATE).count() == 1
    assert request in selectors.queue_for(user=personas["director"].user)
    # The provincial manager still decides first, then the director.
    request = services.request_approve(request=request, by=personas["pm_zhejiang"].user)
    assert request.current_step.approver == personas["director"].staff


def test_the_task_is_safe_to_run_twice(personas, units):
    request = submit(personas, units, by="dm_hangzhou", kind=K.PLAN_WORK, unit="330100")
    ApprovalRequest.objects.filter(pk=request.pk).update(due_at=timezone.now() - timedelta(hours=1))
    assert approvals_escalate_overdue.delay().get() == 1
    assert approvals_escalate_overdue.delay().get() == 0
    assert request.steps.count() == 2


def test_the_escalation_job_is_named_for_what_it_does_and_keeps_its_old_name(personas, units):
    from config.celery import app

    entry = app.conf.beat_schedule["approvals.escalate_overdue"]
    assert entry["task"] == "approvals.escalate_overdue" and "approvals.remind_overdue" not in app.conf.beat_schedule
    # A message queued under the old name still escalates (once).
    request = submit(personas, units, by="dm_hangzhou", kind=K.PLAN_WORK, unit="330100")
    ApprovalRequest.objects.filter(pk=request.pk).update(due_at=timezone.now() - timedelta(hours=1))
    assert app.tasks["approvals.remind_overdue"].delay().get() == 1
    assert app.tasks["approvals.escalate_overdue"].delay().get() == 0
    assert request.steps.count() == 2


def test_a_chain_ending_with_the_director_gets_no_second_director(personas, units):
    request = submit(personas, units, by="dm_hangzhou", kind=K.BUDGET, unit="330100", amount="3000000")
    ApprovalRequest.objects.filter(pk=request.pk).update(due_at=timezone.now() - timedelta(hours=1))
    assert services.requests_escalate_overdue() == 1
    assert request.steps.count() == 3
    assert request.events.filter(action=EventAction.ESCALATE).count() == 1


# ------------------------------------------------------------------------------------------ bulk, records


def test_bulk_decide_one_kind_with_a_result_per_item(personas, units):
    east = submit(personas, units, by="rm_east", kind=K.PLAN_MARKETING, unit="HD")
    south = submit(personas, units, by="rm_south", kind=K.PLAN_MARKETING, unit="HN")
    work = submit(personas, units, by="dm_hangzhou", kind=K.PLAN_WORK, unit="330100")
    center = personas["center"].user
    with pytest.raises(InvalidInput) as info:
        services.bulk_decide(requests=[east, work], by=center, action="approve")
    assert info.value.field == "requests"
    with pytest.raises(InvalidInput) as info:
        services.bulk_decide(requests=[east], by=center, action="shred")
    assert info.value.field == "action"
    with pytest.raises(InvalidInput) as info:
        services.bulk_decide(requests=[east, south], by=center, action="reject", comment="")
    assert info.value.field == "comment"
    with pytest.raises(InvalidInput):
        services.bulk_decide(requests=[], by=center, action="approve")

    services.request_return(request=south, by=center, comment="先退回")
    results = services.bulk_decide(requests=[east, south], by=center, action="approve", comment="同意")
    assert results[0] == {"request": east.pk, "ok": True, "error": ""}
    assert results[1]["request"] == south.pk and results[1]["ok"] is False and results[1]["error"]
    east.refresh_from_db()
    south.refresh_from_db()
    assert (east.state, south.state) == (RequestState.APPROVED, RequestState.RETURNED)


def test_events_are_append_only(personas, units):
    request = submit(personas, units, by="dm_hangzhou", kind=K.PLAN_WORK, unit="330100")
    event = request.events.get()
    event.comment = "changed"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_a_district_plan_walks_up_and_back_with_every_transition_recorded(personas, units):
    """District → region → center: returned at the center, revised, then approved by both."""
    by = personas["dm_hangzhou"].user
    v1 = submit(personas, units, by="dm_hangzhou", kind=K.PLAN_CUSTOMER_EXPANSION, unit="330100")
    services.request_approve(request=v1, by=personas["rm_east"].user, comment="可以")
    services.request_return(request=v1, by=personas["center"].user, comment="补充客户名单")
    v2 = services.request_submit(
        subject=units["330100"], kind=K.PLAN_CUSTOMER_EXPANSION, unit=units["330100"], title="计划 v2", snapshot={"n": 2}, by=by
    )
    services.request_approve(request=v2, by=personas["rm_east"].user)
    services.request_approve(request=v2, by=personas["center"].user)
    v2.refresh_from_db()
    assert v2.state == RequestState.APPROVED and v2.version == 2
    log = [(e.request.version, e.action, e.to_state, e.actor.username) for e in ApprovalEvent.objects.order_by("at", "pk")]
    assert log == [
        (1, EventAction.SUBMIT, RequestState.SUBMITTED, "dm_hangzhou"),
        (1, EventAction.APPROVE, RequestState.SUBMITTED, "rm_east"),
        (1, EventAction.RETURN, RequestState.RETURNED, "center"),
        (2, EventAction.SUBMIT, RequestState.SUBMITTED, "dm_hangzhou"),
        (2, EventAction.APPROVE, RequestState.SUBMITTED, "rm_east"),
        (2, EventAction.APPROVE, RequestState.APPROVED, "center"),
    ]
    assert all(e.at is not None for e in ApprovalEvent.objects.all())


def test_due_date_counts_chinese_working_days(personas, units):
    submitted = datetime(2026, 9, 30, 10, 0, tzinfo=timezone.get_default_timezone())
    due = services.due_at_for(kind=K.CREDIT_LIMIT_EXCEPTION, submitted_at=submitted)
    assert due.date() == date(2026, 10, 9)  # two working days over the National Day week


def test_the_subject_protocol_snapshot_and_hooks(personas, units, monkeypatch):
    calls = []
    declare_subject(
        monkeypatch,
        OrgUnit,
        kinds=[K.REPORT],
        snapshot=lambda unit: {"code": unit.code},
        on_rejected=lambda unit, request: calls.append(("rejected", request.pk)),
        on_withdrawn=lambda unit, request: calls.append(("withdrawn", request.pk)),
    )
    by = personas["dm_hangzhou"].user
    first = services.request_submit(subject=units["330100"], kind=K.REPORT, unit=units["330100"], title="月报", by=by)
    assert first.snapshot == {"code": "330100"}
    services.request_withdraw(request=first, by=by)
    second = services.request_submit(subject=units["330100"], kind=K.REPORT, unit=units["330100"], title="月报", by=by)
    services.request_reject(request=second, by=personas["rm_east"].user, comment="数据有误")
    assert calls == [("withdrawn", first.pk), ("rejected", second.pk)]


def test_a_failing_hook_undoes_the_whole_decision(personas, units, monkeypatch):
    def refuse(unit, request):
        raise Conflict("subject says no")

    declare_subject(monkeypatch, OrgUnit, kinds=[K.PLAN_WORK], on_approved=refuse)
    request = submit(personas, units, by="dm_hangzhou", kind=K.PLAN_WORK, unit="330100")
    with pytest.raises(Conflict):
        services.request_approve(request=request, by=personas["pm_zhejiang"].user)
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED
    assert request.current_step.state == StepState.PENDING
    assert not request.events.filter(action=EventAction.APPROVE).exists()
