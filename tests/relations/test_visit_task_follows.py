"""A visit's follow-up task follows the visit while it is open: a next step or day changed after the task exists
moves the task's title and due day (through workflow's services), on the page, the API and the bulk path alike; a
next step removed or a visit cancelled cancels the task; a done task is left alone; a day moved into the past while
the task is open is refused on `next_on`, nothing written. With a pinned clock."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from core.errors import InvalidInput
from core.rights import SYSTEM
from customers.services import customer_create
from relations.models import Visit
from relations.services import visit_record, visit_update
from workflow.models import Task
from workflow.services import task_complete

TODAY = date(2026, 3, 18)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 3, 18, 4, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def customer(personas, units):
    return customer_create(
        by=SYSTEM, name="杭州华信实业有限公司", district=units["330100"], salesperson=personas["rep_hangzhou"].staff
    )


@pytest.fixture
def visit(personas, customer):
    return visit_record(
        by=personas["rep_hangzhou"].user,
        customer=customer,
        on=date(2026, 3, 16),
        next_step="寄送产品方案",
        next_on=date(2026, 3, 25),
    )


def _task(visit):
    visit.refresh_from_db()
    return Task.objects.get(pk=visit.task_id)


def test_the_visitor_moves_the_next_step_and_the_task_follows(personas, visit):
    first = _task(visit)
    visit_update(by=personas["rep_hangzhou"].user, visit=visit, next_step="上门讲解产品方案", next_on=date(2026, 3, 27))
    task = _task(visit)
    assert task.pk == first.pk and task.state == "open"
    assert (task.title, task.due_on) == ("上门讲解产品方案", date(2026, 3, 27))
    assert Task.objects.count() == 1


def test_the_edit_page_moves_the_task(personas, visit):
    response = (
        personas["rep_hangzhou"]
        .web()
        .post(
            reverse("relations:visit_edit", kwargs={"pk": visit.pk}),
            {"on": "2026-03-16", "state": "done", "kind": "visit", "next_step": "寄送产品方案", "next_on": "2026-04-02"},
        )
    )
    assert response.status_code == 302, response.content[:500]
    assert _task(visit).due_on == date(2026, 4, 2) and _task(visit).title == "寄送产品方案"


def test_a_manager_and_a_branch_system_move_it_too(personas, visit):
    """The district manager may edit tasks (task.assign); a branch key may not, and the task follows as the system."""
    visit_update(by=personas["dm_hangzhou"].user, visit=visit, next_on=date(2026, 3, 26))
    assert _task(visit).due_on == date(2026, 3, 26)
    response = (
        personas["key_hangzhou"]
        .api(language="en")
        .patch(reverse("relations-visit-detail", kwargs={"pk": visit.pk}), {"next_step": "签约"}, format="json")
    )
    assert response.status_code == 200, response.json()
    assert (_task(visit).title, _task(visit).due_on) == ("签约", date(2026, 3, 26))


def test_a_day_moved_into_the_past_while_the_task_is_open_is_refused(personas, visit):
    with pytest.raises(InvalidInput) as refused:
        visit_update(by=personas["rep_hangzhou"].user, visit=visit, next_step="改过", next_on=date(2026, 3, 17))
    assert refused.value.field == "next_on"
    visit.refresh_from_db()
    task = _task(visit)
    assert (visit.next_step, visit.next_on) == ("寄送产品方案", date(2026, 3, 25))
    assert (task.title, task.due_on) == ("寄送产品方案", date(2026, 3, 25))


def test_a_done_task_stays_as_it_is(personas, visit):
    task_complete(task=_task(visit), by=personas["rep_hangzhou"].user, note="已寄出")
    visit_update(by=personas["rep_hangzhou"].user, visit=visit, next_step="再次回访", next_on=date(2026, 3, 17))
    task = _task(visit)
    assert (task.state, task.title, task.due_on) == ("done", "寄送产品方案", date(2026, 3, 25))
    assert Task.objects.count() == 1


def test_removing_the_next_step_cancels_the_task_and_a_new_one_makes_a_new_task(personas, visit):
    rep = personas["rep_hangzhou"].user
    first = _task(visit)
    visit_update(by=rep, visit=visit, next_step="", next_on=None)
    first.refresh_from_db()
    visit.refresh_from_db()
    assert first.state == "cancelled" and first.cancelled_reason and visit.task_id is None
    visit_update(by=rep, visit=visit, next_step="电话确认", next_on=date(2026, 3, 30))
    second = _task(visit)
    assert second.pk != first.pk and second.state == "open" and second.title == "电话确认"


def test_cancelling_the_visit_cancels_its_open_task(personas, visit):
    task = _task(visit)
    visit_update(by=personas["rep_hangzhou"].user, visit=visit, state="cancelled")
    task.refresh_from_db()
    assert task.state == "cancelled"
    assert Visit.objects.get(pk=visit.pk).task_id is None


def test_the_bulk_path_moves_the_task(personas, customer):
    api = personas["key_hangzhou"].api(language="en")
    url = reverse("relations-visit-bulk")
    record = {
        "external_id": "330100-VT-1",
        "customer": customer.pk,
        "on": "2026-03-10",
        "next_step": "送方案",
        "next_on": "2026-03-30",
    }
    assert api.post(url, {"records": [record]}, format="json").status_code == 200
    visit = Visit.objects.get(external_id="330100-VT-1")
    moved = api.post(url, {"records": [{**record, "next_step": "送合同", "next_on": "2026-04-03"}]}, format="json")
    assert moved.status_code == 200 and moved.json()["counts"]["updated"] == 1, moved.json()
    task = _task(visit)
    assert (task.title, task.due_on, task.state) == ("送合同", date(2026, 4, 3), "open")
    past = api.post(url, {"records": [{**record, "next_on": "2026-03-12"}]}, format="json")
    assert past.status_code == 400 and "next_on" in past.json()["results"][0]["errors"], past.json()
    assert _task(visit).due_on == date(2026, 4, 3)
