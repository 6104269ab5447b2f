"""Every transition tells the people it concerns: in the inbox at once, by e-mail only after the commit."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from approvals import services
from approvals.choices import ApprovalKind
from approvals.models import ApprovalRequest
from notifications.choices import NotificationKind
from notifications.models import Notification
from tests.approvals.helpers import declare_subject, submit

K = ApprovalKind


@pytest.fixture(autouse=True)
def emails(personas):
    for persona in personas.values():
        if persona.user is not None:
            persona.user.email = f"{persona.name}@example.cn"
            persona.user.save(update_fields=["email"])


def inbox(persona):
    return list(Notification.objects.filter(recipient=persona.user).order_by("id"))


def test_submit_tells_the_approver_and_mails_only_after_commit(personas, units, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        work = submit(personas, units, by="dm_hangzhou", kind=K.PLAN_WORK, unit="330100", title="杭州计划")
        assert mail.outbox == []
    [note] = inbox(personas["pm_zhejiang"])
    assert note.kind == NotificationKind.SUBMITTED
    assert note.url == f"/approvals/{work.pk}/"
    assert "杭州计划" in note.title and note.body
    assert inbox(personas["dm_hangzhou"]) == []
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["pm_zhejiang@example.cn"]]


def test_a_rolled_back_transition_sends_nothing(personas, units, django_capture_on_commit_callbacks, monkeypatch):
    from regions.models import OrgUnit

    work = submit(personas, units, by="dm_hangzhou", kind=K.PLAN_WORK, unit="330100")

    def fail(unit, request):
        raise RuntimeError("hook failed")

    declare_subject(monkeypatch, OrgUnit, kinds=[K.PLAN_WORK], on_approved=fail)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            services.request_approve(request=work, by=personas["pm_zhejiang"].user)
    assert inbox(personas["dm_hangzhou"]) == []
    assert mail.outbox == []


def test_a_pool_step_tells_every_holder_and_delegates(personas, units):
    today = timezone.localdate()
    services.delegation_create(
        from_staff=personas["center"].staff,
        to_staff=personas["director"].staff,
        starts_on=today,
        ends_on=today,
        by=personas["center"].user,
    )
    submit(personas, units, by="rm_east", kind=K.PLAN_MARKETING, unit="HD")
    assert len(inbox(personas["center"])) == 1
    assert len(inbox(personas["director"])) == 1  # as the center staff's delegate
    assert inbox(personas["rm_south"]) == []


def test_moving_to_the_next_step_and_final_decisions(personas, units):
    budget = submit(personas, units, by="pm_zhejiang", kind=K.BUDGET, unit="330000", amount="10", title="预算")
    assert len(inbox(personas["rm_east"])) == 1
    services.request_approve(request=budget, by=personas["rm_east"].user)
    assert [n.kind for n in inbox(personas["center"])] == [NotificationKind.SUBMITTED]
    assert inbox(personas["pm_zhejiang"]) == []
    services.request_return(request=budget, by=personas["center"].user, comment="请补充明细")
    [note] = inbox(personas["pm_zhejiang"])
    assert note.kind == NotificationKind.DECIDED and "请补充明细" in note.body

    again = submit(personas, units, by="pm_zhejiang", kind=K.BUDGET, unit="330000", amount="10", title="预算")
    services.request_approve(request=again, by=personas["rm_east"].user)
    services.request_approve(request=again, by=personas["center"].user)
    assert [n.kind for n in inbox(personas["pm_zhejiang"])] == [NotificationKind.DECIDED, NotificationKind.DECIDED]

    work = submit(personas, units, by="dm_hangzhou", kind=K.PLAN_WORK, unit="330100")
    services.request_reject(request=work, by=personas["pm_zhejiang"].user, comment="不做")
    assert inbox(personas["dm_hangzhou"])[-1].kind == NotificationKind.DECIDED


def test_nudge_forward_and_add_signer(personas, units):
    work = submit(personas, units, by="dm_hangzhou", kind=K.PLAN_WORK, unit="330100")
    services.request_nudge(request=work, by=personas["dm_hangzhou"].user)
    assert [n.kind for n in inbox(personas["pm_zhejiang"])] == [NotificationKind.SUBMITTED, NotificationKind.NUDGED]
    services.request_forward(request=work, by=personas["pm_zhejiang"].user, to_staff=personas["rm_east"].staff)
    [forwarded] = inbox(personas["rm_east"])
    assert forwarded.url == f"/approvals/{work.pk}/"
    services.request_add_signer(request=work, by=personas["rm_east"].user, staff=personas["center"].staff, before=True)
    assert len(inbox(personas["center"])) == 1


def test_withdrawal_tells_whoever_it_was_waiting_for(personas, units):
    work = submit(personas, units, by="dm_hangzhou", kind=K.PLAN_WORK, unit="330100", title="杭州工作计划")
    services.request_withdraw(request=work, by=personas["dm_hangzhou"].user)
    messages = inbox(personas["pm_zhejiang"])
    assert [n.kind for n in messages] == [NotificationKind.SUBMITTED, NotificationKind.OTHER]
    assert "撤回" in messages[-1].title and "杭州工作计划" in messages[-1].title
    assert messages[-1].url == f"/approvals/{work.pk}/"
    # The submitter is not told about their own move.
    assert not [n for n in inbox(personas["dm_hangzhou"]) if n.kind == NotificationKind.OTHER]


def test_escalation_tells_the_director_and_reminders_go_once_a_day(personas, units):
    work = submit(personas, units, by="dm_hangzhou", kind=K.PLAN_WORK, unit="330100")
    later = work.due_at + timedelta(hours=1)
    assert services.requests_escalate_overdue(now=later) == 1
    assert [n.kind for n in inbox(personas["director"])] == [NotificationKind.ESCALATED]

    assert services.requests_remind_overdue(now=later) == 1
    assert services.requests_remind_overdue(now=later + timedelta(minutes=5)) == 0
    reminders = [n for n in inbox(personas["pm_zhejiang"]) if n.kind == NotificationKind.REMINDER]
    assert len(reminders) == 1
    assert services.requests_remind_overdue(now=later + timedelta(days=1)) == 1
    assert ApprovalRequest.objects.get(pk=work.pk).reminded_on == timezone.localdate(later + timedelta(days=1))


def test_the_reminder_task_is_thin_and_safe_to_run_twice(personas, units):
    from approvals.tasks import approvals_send_overdue_reminders

    work = submit(personas, units, by="dm_hangzhou", kind=K.PLAN_WORK, unit="330100")
    ApprovalRequest.objects.filter(pk=work.pk).update(due_at=timezone.now() - timedelta(days=2))
    assert approvals_send_overdue_reminders() == 1
    assert approvals_send_overdue_reminders() == 0
