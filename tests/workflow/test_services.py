from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import Conflict, InvalidInput
from core.rights import SYSTEM, NotAllowed
from notifications.models import Notification
from workflow.choices import TaskState
from workflow.models import Task
from workflow.services import (
    default_supervisor,
    task_cancel,
    task_complete,
    task_create,
    task_reassign,
    task_reopen,
    task_update,
)

from .factories import future, make_task, staff

pytestmark = pytest.mark.django_db


def test_default_supervisors(personas):
    p = staff(personas)
    assert default_supervisor(p["rep_hangzhou"]) == p["dm_hangzhou"]
    assert default_supervisor(p["dm_hangzhou"]) == p["pm_zhejiang"]
    assert default_supervisor(p["pm_zhejiang"]) == p["rm_east"]
    assert default_supervisor(p["rm_east"]) == p["director"]
    assert default_supervisor(p["center"]) == p["director"]
    assert default_supervisor(p["director"]) is None
    assert default_supervisor(p["dm_guangzhou"]) == p["pm_guangdong"]


def test_the_manager_chart_answers_as_the_single_lookups(personas, units):
    """ManagerChart (a job's in-memory org chart) gives every person's supervisor and every unit's manager
    exactly as default_supervisor and risk's unit_manager do — vacant posts and a second holder included."""
    from datetime import date

    from core.roles import Role
    from regions.models import OrgUnit, StaffProfile
    from regions.services import staff_hire
    from risk.services import unit_manager
    from workflow.services import ManagerChart

    # A vacant district (宁波: a salesperson, no manager) and a second district manager in 杭州 (the first keeps the post).
    staff_hire(
        by=SYSTEM, employee_no="MC1", name="宁波业务员", unit=units["330200"], role=Role.SALES_REP, hire_date=date(2021, 1, 1)
    )
    staff_hire(
        by=SYSTEM,
        employee_no="MC2",
        name="杭州副经理",
        unit=units["330100"],
        role=Role.DISTRICT_MANAGER,
        hire_date=date(2021, 1, 1),
    )
    chart = ManagerChart()
    people = list(StaffProfile.objects.unscoped().select_related("unit"))
    assert len(people) > 10
    for person in people:
        assert chart.supervisor(person) == default_supervisor(person), person.name
    for unit in OrgUnit.objects.all():
        assert chart.unit_manager(unit.pk) == unit_manager(unit), unit.code


def test_vacant_post_passes_up(personas, units):
    from datetime import date

    from core.roles import Role
    from regions.services import staff_hire

    # 宁波 (330200) has no district manager among the personas: its salesperson reports to the province.
    rep = staff_hire(
        by=SYSTEM, employee_no="X1", name="宁波业务员", unit=units["330200"], role=Role.SALES_REP, hire_date=date(2021, 1, 1)
    )
    assert default_supervisor(rep) == personas["pm_zhejiang"].staff


def test_manager_assigns_to_subordinate(personas):
    dm, rep = personas["dm_hangzhou"], personas["rep_hangzhou"]
    task = task_create(title="  拜访客户 ", owner=rep.staff, due_on=future(), by=dm.user, description="带上合同")
    assert task.title == "拜访客户"
    assert task.unit == rep.staff.unit
    assert task.supervisor == dm.staff
    assert task.created_by == dm.user
    assert task.state == TaskState.OPEN
    assert rep.user.notifications.filter(kind="task_assigned").count() == 1


def test_anyone_creates_own_task_without_notifying_themselves(personas):
    rep = personas["rep_hangzhou"]
    task = task_create(title="整理名片", owner=rep.staff, due_on=future(), by=rep.user)
    assert task.owner == rep.staff and task.supervisor == personas["dm_hangzhou"].staff
    assert not Notification.objects.filter(recipient=rep.user).exists()


def test_rep_may_not_assign_to_others(personas):
    with pytest.raises(NotAllowed):
        task_create(title="x", owner=personas["rep_hangzhou_2"].staff, due_on=future(), by=personas["rep_hangzhou"].user)
    assert not Task.objects.exists()


def test_manager_may_not_assign_outside_scope(personas):
    with pytest.raises(InvalidInput) as error:
        task_create(title="x", owner=personas["dm_guangzhou"].staff, due_on=future(), by=personas["dm_hangzhou"].user)
    assert error.value.field == "owner"


@pytest.mark.parametrize("title", ["", "   ", None, "x" * 201])
def test_title_required_and_bounded(personas, title):
    with pytest.raises(InvalidInput) as error:
        task_create(title=title, owner=personas["rep_hangzhou"].staff, due_on=future(), by=personas["dm_hangzhou"].user)
    assert error.value.field == "title"


def test_past_due_date_refused_from_pages_allowed_for_system(personas):
    rep, dm = personas["rep_hangzhou"].staff, personas["dm_hangzhou"].user
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(InvalidInput) as error:
        task_create(title="x", owner=rep, due_on=yesterday, by=dm)
    assert error.value.field == "due_on"
    with pytest.raises(InvalidInput):
        task_create(title="x", owner=rep, due_on=None, by=dm)
    assert task_create(title="x", owner=rep, due_on=yesterday, by=dm, allow_past=True).due_on == yesterday
    assert task_create(title="x", owner=rep, due_on=yesterday, by=None).created_by is None
    # Created from a source record (an approved plan's action): its date may have passed.
    task = task_create(title="x", owner=rep, due_on=yesterday, by=dm, source=personas["rep_hangzhou"].staff.unit)
    assert task.source == rep.unit


def test_unit_and_supervisor_rules(personas, units):
    rep, dm = personas["rep_hangzhou"].staff, personas["dm_hangzhou"].user
    with pytest.raises(InvalidInput) as error:
        task_create(title="x", owner=rep, due_on=future(), by=dm, unit=units["330000"])
    assert error.value.field == "unit"
    with pytest.raises(InvalidInput) as error:
        task_create(title="x", owner=rep, due_on=future(), by=dm, supervisor=rep)
    assert error.value.field == "supervisor"
    for wrong in (personas["dm_guangzhou"].staff, personas["rep_hangzhou_2"].staff):
        with pytest.raises(InvalidInput) as error:
            task_create(title="x", owner=rep, due_on=future(), by=dm, supervisor=wrong)
        assert error.value.field == "supervisor"
    task = task_create(title="x", owner=rep, due_on=future(), by=dm, supervisor=personas["pm_zhejiang"].staff)
    assert task.supervisor == personas["pm_zhejiang"].staff


def test_director_has_no_supervisor(personas):
    task = task_create(title="x", owner=personas["director"].staff, due_on=future(), by=personas["director"].user)
    assert task.supervisor is None


# ------------------------------------------------------------------------------------------ complete


def test_owner_completes_with_note(personas):
    rep = personas["rep_hangzhou"]
    task = make_task(rep.staff, by=personas["dm_hangzhou"].user)
    task = task_complete(task=task, by=rep.user, note="已拜访")
    assert task.state == TaskState.DONE and task.completion_note == "已拜访"
    assert task.completed_by == rep.user and task.completed_on == timezone.localdate()
    assert personas["dm_hangzhou"].user.notifications.filter(title__contains=task.title).exists()


def test_supervisor_may_complete_others_may_not(personas):
    task = make_task(personas["rep_hangzhou"].staff)
    for name in ("rep_hangzhou_2", "pm_zhejiang", "director"):
        with pytest.raises(NotAllowed):
            task_complete(task=task, by=personas[name].user)
    assert task_complete(task=task, by=personas["dm_hangzhou"].user).state == TaskState.DONE


def test_completing_twice_is_a_conflict(personas):
    rep = personas["rep_hangzhou"]
    task = make_task(rep.staff)
    task_complete(task=task, by=rep.user)
    with pytest.raises(Conflict):
        task_complete(task=task, by=rep.user)


# ------------------------------------------------------------------------------------------ reopen


def test_supervisor_reopens(personas):
    rep, dm = personas["rep_hangzhou"], personas["dm_hangzhou"]
    task = make_task(rep.staff)
    task_complete(task=task, by=rep.user)
    with pytest.raises(NotAllowed):
        task_reopen(task=task, by=rep.user)
    task = task_reopen(task=task, by=dm.user, reason="再补一份纪要")
    assert task.state == TaskState.OPEN and task.completed_at is None and task.completed_on is None
    with pytest.raises(Conflict):
        task_reopen(task=task, by=dm.user)


# ------------------------------------------------------------------------------------------ cancel


def test_cancel_needs_a_reason_and_the_creator_or_supervisor(personas):
    rep, rep2, dm = personas["rep_hangzhou"], personas["rep_hangzhou_2"], personas["dm_hangzhou"]
    task = make_task(rep.staff, by=personas["pm_zhejiang"].user)
    with pytest.raises(InvalidInput) as error:
        task_cancel(task=task, by=dm.user, reason="  ")
    assert error.value.field == "reason"
    for outsider in (rep, rep2):
        with pytest.raises(NotAllowed):
            task_cancel(task=task, by=outsider.user, reason="不做了")
    task = task_cancel(task=task, by=personas["pm_zhejiang"].user, reason="客户已流失")
    assert task.state == TaskState.CANCELLED and task.cancelled_reason == "客户已流失"
    with pytest.raises(Conflict):
        task_cancel(task=task, by=dm.user, reason="再取消")
    # A cancelled task can be reopened by its supervisor.
    assert task_reopen(task=task, by=dm.user).cancelled_reason == ""


def test_creator_cancels_own_task(personas):
    rep = personas["rep_hangzhou"]
    task = task_create(title="x", owner=rep.staff, due_on=future(), by=rep.user)
    assert task_cancel(task=task, by=rep.user, reason="重复").state == TaskState.CANCELLED


# ------------------------------------------------------------------------------------------ reassign


def test_manager_reassigns_within_scope(personas):
    rep, rep2, dm = personas["rep_hangzhou"], personas["rep_hangzhou_2"], personas["dm_hangzhou"]
    task = make_task(rep.staff)
    task = task_reassign(task=task, by=dm.user, owner=rep2.staff)
    assert task.owner == rep2.staff and task.supervisor == dm.staff and task.unit == rep2.staff.unit
    assert rep2.user.notifications.filter(kind="task_assigned").count() == 1
    with pytest.raises(InvalidInput):
        task_reassign(task=task, by=dm.user, owner=rep2.staff)
    # To the manager himself: the province supervises.
    task = task_reassign(task=task, by=dm.user, owner=dm.staff)
    assert task.supervisor == personas["pm_zhejiang"].staff


def test_reassign_refusals(personas):
    rep, rep2, dm = personas["rep_hangzhou"], personas["rep_hangzhou_2"], personas["dm_hangzhou"]
    task = make_task(rep.staff)
    with pytest.raises(NotAllowed):
        task_reassign(task=task, by=rep.user, owner=rep2.staff)
    with pytest.raises(InvalidInput) as error:
        task_reassign(task=task, by=dm.user, owner=personas["dm_guangzhou"].staff)
    assert error.value.field == "owner"
    with pytest.raises(NotAllowed):
        task_reassign(task=task, by=personas["dm_guangzhou"].user, owner=personas["dm_guangzhou"].staff)
    task_complete(task=task, by=rep.user)
    with pytest.raises(Conflict):
        task_reassign(task=task, by=dm.user, owner=rep2.staff)


# ------------------------------------------------------------------------------------------ update


def test_update_by_creator_or_manager(personas):
    rep, dm = personas["rep_hangzhou"], personas["dm_hangzhou"]
    task = task_create(title="x", owner=rep.staff, due_on=future(), by=rep.user)
    task = task_update(task=task, by=rep.user, title="新标题", due_on=future(5))
    assert task.title == "新标题" and task.due_on == future(5)
    assert task_update(task=task, by=dm.user, description="补充").description == "补充"
    assigned = make_task(rep.staff, by=dm.user)
    with pytest.raises(NotAllowed):
        task_update(task=assigned, by=rep.user, title="改")
    with pytest.raises(InvalidInput) as error:
        task_update(task=task, by=dm.user, due_on=timezone.localdate() - timedelta(days=1))
    assert error.value.field == "due_on"
    with pytest.raises(InvalidInput):
        task_update(task=task, by=dm.user, title="")
    with pytest.raises(InvalidInput):
        task_update(task=task, by=dm.user, owner=rep.staff)
    task_complete(task=task, by=rep.user)
    with pytest.raises(Conflict):
        task_update(task=task, by=dm.user, title="晚了")


def test_db_constraints(personas):
    from django.db import IntegrityError, transaction

    task = make_task(personas["rep_hangzhou"].staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(state=TaskState.DONE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(supervisor=task.owner)
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(object_id=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(state=TaskState.CANCELLED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(title="")
