from datetime import date

import pytest

from regions.demo import load_demo_company
from workflow.choices import TaskState
from workflow.demo import load_demo_workflow
from workflow.models import Task
from workflow.selectors import team_summary

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 27)


def test_demo_tasks_are_varied_and_idempotent(django_user_model):
    load_demo_company(reps_per_district=2)
    counts = load_demo_workflow(today=TODAY)
    assert counts["created"] == Task.objects.count() > 20
    assert counts["on_time"] and counts["late"] and counts["overdue"] and counts["cancelled"]
    open_overdue = Task.objects.filter(state=TaskState.OPEN, due_on__lt=TODAY)
    assert open_overdue.filter(owner__user__username="rep_hangzhou").exists()
    assert Task.objects.filter(state=TaskState.DONE, completed_on__gt=TODAY).count() == 0
    assert load_demo_workflow(today=TODAY)["created"] == 0
    assert Task.objects.count() == counts["created"]
    dm = django_user_model.objects.get(username="dm_hangzhou")
    summary = team_summary(dm, period="2026-11", today=TODAY)
    assert summary["people"] and summary["total"]["due"] > 0
