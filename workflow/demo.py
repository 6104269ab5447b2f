"""Demo tasks: managers assign work down the line; some done on time, some late, some overdue and open.

Written through the services (so supervisors, units and notifications are as in real use); completion
dates are then set back in time, which only the demo does. Idempotent: nothing happens if loaded.
"""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core.roles import Role
from regions.models import StaffProfile
from workflow.models import Task
from workflow.services import task_cancel, task_complete, task_create

# (title, due in days from today, outcome, days from due to completion) — outcome: done / open / cancelled.
TEMPLATES = [
    ("拜访重点客户并更新客户档案", -40, "done", -2),
    ("提交月度回款计划", -25, "done", 0),
    ("催收逾期账款并反馈进度", -18, "done", 4),
    ("整理季度销售台账", -9, "done", 3),
    ("跟进新客户签约", -6, "open", None),
    ("核对应收账款余额", -2, "open", None),
    ("准备客户满意度回访", 0, "open", None),
    ("制定下月拜访计划", 4, "open", None),
    ("参加产品培训并提交心得", 12, "open", None),
    ("调研竞品价格", -12, "cancelled", None),
]
MARKER_TITLE = TEMPLATES[0][0]


def _people(usernames):
    User = get_user_model()
    return {u.username: u for u in User.objects.filter(username__in=usernames).select_related("staff_profile")}


def _assign(by, owners, today, rng_offset, counts):
    for n, owner in enumerate(owners):
        # Each person gets a different slice of the templates, so completion rates differ between them.
        for k, (title, due_days, outcome, late_days) in enumerate(TEMPLATES):
            if (k + n + rng_offset) % 3 == 2 and outcome != "open":
                continue
            due_on = today + timedelta(days=due_days)
            task = task_create(title=title, owner=owner, due_on=due_on, by=by, description="演示任务", allow_past=True)
            counts["created"] += 1
            if outcome == "done":
                completer = owner.user or (task.supervisor.user if task.supervisor_id else None)
                if completer is None:
                    continue
                task = task_complete(task=task, by=completer, note="已完成")
                completed_on = due_on + timedelta(days=late_days)
                Task.objects.filter(pk=task.pk).update(
                    completed_on=completed_on,
                    completed_at=timezone.make_aware(datetime.combine(completed_on, time(17, 30))),
                )
                counts["late" if late_days > 0 else "on_time"] += 1
            elif outcome == "cancelled":
                task_cancel(task=task, by=by, reason="客户已转由其他地办跟进")
                counts["cancelled"] += 1
            elif due_on < today:
                counts["overdue"] += 1


@transaction.atomic
def load_demo_workflow(*, today=None):
    """Tasks for the demo managers and sales staff; returns counts ({} of zeros when already loaded)."""
    today = today or timezone.localdate()
    counts = {"created": 0, "on_time": 0, "late": 0, "overdue": 0, "cancelled": 0}
    if Task.objects.filter(title=MARKER_TITLE, description="演示任务").exists():
        return counts
    users = _people(["director", "rm_east", "rm_south", "pm_zhejiang", "pm_guangdong", "dm_hangzhou", "dm_guangzhou"])
    if len(users) < 7:
        return counts  # the demo company is not loaded

    def staff(username):
        return users[username].staff_profile

    def reps_of(manager):
        unit = staff(manager).unit
        return list(StaffProfile.objects.filter(unit=unit, role=Role.SALES_REP, is_active=True).select_related("user", "unit"))

    def managers_below(manager, role):
        unit = staff(manager).unit
        return list(StaffProfile.objects.filter(unit__parent=unit, role=role, is_active=True).select_related("user", "unit")[:4])

    _assign(users["director"], [staff("rm_east"), staff("rm_south")], today, 0, counts)
    _assign(users["rm_east"], [staff("pm_zhejiang")], today, 1, counts)
    _assign(users["pm_zhejiang"], managers_below("pm_zhejiang", Role.DISTRICT_MANAGER), today, 2, counts)
    _assign(users["pm_guangdong"], managers_below("pm_guangdong", Role.DISTRICT_MANAGER), today, 0, counts)
    _assign(users["dm_hangzhou"], reps_of("dm_hangzhou"), today, 1, counts)
    _assign(users["dm_guangzhou"], reps_of("dm_guangzhou"), today, 2, counts)
    # The open ones past their date stay open: the daily job reminds their owners and escalates them.
    return counts
