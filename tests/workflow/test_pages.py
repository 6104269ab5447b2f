from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from workflow.choices import TaskState
from workflow.models import Task
from workflow.services import task_complete

from .factories import future, make_task

pytestmark = pytest.mark.django_db


def detail(task):
    return reverse("workflow:task_detail", kwargs={"pk": task.pk})


def test_my_tasks_default_team_tab_and_filters(personas):
    rep, rep2, dm = personas["rep_hangzhou"], personas["rep_hangzhou_2"], personas["dm_hangzhou"]
    late = make_task(rep.staff, due_on=timezone.localdate() - timedelta(days=2), title="逾期任务")
    fine = make_task(rep.staff, title="普通任务")
    other = make_task(rep2.staff, title="别人的任务")
    own = make_task(dm.staff, title="经理自己的")
    url = reverse("workflow:task_list")

    response = rep.web().get(url)
    assert response.status_code == 200
    assert set(response.context["object_list"]) == {late, fine}
    assert set(rep.web().get(url, {"overdue": "true"}).context["object_list"]) == {late}

    client = dm.web()
    assert set(client.get(url).context["object_list"]) == {own}
    response = client.get(url, {"view": "team"})
    assert set(response.context["object_list"]) == {late, fine, other}
    assert "团队任务" in response.content.decode() or "Team tasks" in response.content.decode()
    assert set(client.get(url, {"view": "team", "owner": rep2.staff.pk}).context["object_list"]) == {other}
    assert set(client.get(url, {"view": "all", "state": "open", "due_before": future(1).isoformat()}).context["object_list"]) == {
        late
    }
    assert client.get(url, {"view": "team", "owner": "x"}).status_code == 200


def test_list_query_count_is_constant(personas, django_assert_max_num_queries):
    dm = personas["dm_hangzhou"]
    client = dm.web()
    url = reverse("workflow:task_list")
    make_task(personas["rep_hangzhou"].staff)
    client.get(url, {"view": "team"})
    with django_assert_max_num_queries(20) as few:
        client.get(url, {"view": "team"})
    for n in range(15):
        make_task(personas["rep_hangzhou_2"].staff, title=f"t{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, {"view": "team"})
    assert len(response.context["object_list"]) == 16


def test_create_page_assigns_within_scope(personas):
    dm, rep = personas["dm_hangzhou"], personas["rep_hangzhou"]
    client = dm.web()
    response = client.get(reverse("workflow:task_create"))
    assert response.status_code == 200
    owners = set(response.context["form"].fields["owner"].queryset)
    assert rep.staff in owners and personas["dm_guangzhou"].staff not in owners
    response = client.post(
        reverse("workflow:task_create"),
        {"title": "走访客户", "owner": rep.staff.pk, "due_on": future().isoformat(), "description": ""},
    )
    task = Task.objects.get(title="走访客户")
    assert response.status_code == 302 and response["Location"] == detail(task)
    assert task.owner == rep.staff and task.created_by == dm.user
    # Outside the scope: not in the choices.
    response = client.post(
        reverse("workflow:task_create"),
        {"title": "x", "owner": personas["dm_guangzhou"].staff.pk, "due_on": future().isoformat()},
    )
    assert response.status_code == 400 and "owner" in response.context["form"].errors
    # A past date: the service's refusal on the field.
    response = client.post(
        reverse("workflow:task_create"),
        {"title": "x", "owner": rep.staff.pk, "due_on": (timezone.localdate() - timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 400 and "due_on" in response.context["form"].errors


def test_rep_creates_only_own_task(personas):
    rep = personas["rep_hangzhou"]
    client = rep.web()
    response = client.post(
        reverse("workflow:task_create"), {"title": "自己的", "owner": rep.staff.pk, "due_on": future().isoformat()}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("workflow:task_create"),
        {"title": "别人的", "owner": personas["rep_hangzhou_2"].staff.pk, "due_on": future().isoformat()},
    )
    assert response.status_code == 400
    assert not Task.objects.filter(title="别人的").exists()


def test_detail_shows_forms_by_rights_and_source_link(personas, units):
    rep, dm = personas["rep_hangzhou"], personas["dm_hangzhou"]
    task = make_task(rep.staff, by=dm.user, source=personas["rep_hangzhou_2"].staff)
    response = rep.web().get(detail(task))
    assert response.status_code == 200
    assert "complete_form" in response.context and "reassign_form" not in response.context
    assert "cancel_form" not in response.context
    response = dm.web().get(detail(task))
    for name in ("complete_form", "cancel_form", "reassign_form", "edit_form"):
        assert name in response.context
    assert response.context["source"] == personas["rep_hangzhou_2"].staff


def test_detail_actions(personas):
    rep, rep2, dm = personas["rep_hangzhou"], personas["rep_hangzhou_2"], personas["dm_hangzhou"]
    task = make_task(rep.staff, by=dm.user)
    url = detail(task)
    response = rep.web().post(url, {"action": "complete", "complete-note": "完成了"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.DONE and task.completion_note == "完成了"
    # Illegal transition: 409 with the reason on the form.
    response = dm.web().post(url, {"action": "complete"})
    assert response.status_code == 409
    assert response.context["complete_form"].non_field_errors()
    # The owner may not reopen: 403.
    assert rep.web().post(url, {"action": "reopen"}).status_code == 403
    assert dm.web().post(url, {"action": "reopen", "reopen-reason": "再看看"}).status_code == 302
    # Reassign to the other rep, then cancel without a reason (400) and with one.
    assert dm.web().post(url, {"action": "reassign", "reassign-owner": rep2.staff.pk}).status_code == 302
    task.refresh_from_db()
    assert task.owner == rep2.staff
    assert rep.web().get(url).status_code == 404
    response = dm.web().post(url, {"action": "cancel", "cancel-reason": ""})
    assert response.status_code == 400
    assert dm.web().post(url, {"action": "cancel", "cancel-reason": "不需要了"}).status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.CANCELLED


def test_edit_on_page(personas):
    rep, dm = personas["rep_hangzhou"], personas["dm_hangzhou"]
    task = make_task(rep.staff, by=dm.user)
    data = {"action": "edit", "edit-title": "新标题", "edit-due_on": future(9).isoformat(), "edit-description": "d"}
    assert rep.web().post(detail(task), data).status_code == 403
    assert dm.web().post(detail(task), data).status_code == 302
    task.refresh_from_db()
    assert task.title == "新标题" and task.due_on == future(9)


def test_outside_scope_is_404(personas):
    task = make_task(personas["rep_hangzhou"].staff)
    assert personas["dm_guangzhou"].web().get(detail(task)).status_code == 404
    assert personas["dm_guangzhou"].web().post(detail(task), {"action": "complete"}).status_code == 404
    assert personas["rep_hangzhou_2"].web().get(detail(task)).status_code == 404


def test_team_summary_page(personas):
    rep, dm = personas["rep_hangzhou"], personas["dm_hangzhou"]
    task = make_task(rep.staff, due_on=timezone.localdate())
    task_complete(task=task, by=rep.user)
    url = reverse("workflow:team_summary")
    assert rep.web().get(url).status_code == 403
    response = dm.web().get(url)
    assert response.status_code == 200
    assert response.context["summary"]["people"][0]["done_on_time"] == 1
    assert "100.0%" in response.content.decode()  # the one rule: rates with one decimal
    assert personas["pm_zhejiang"].web().get(url, {"period": "quarter"}).status_code == 200
    assert personas["director"].web().get(url, {"period": "2026-Q3"}).status_code == 200
    assert dm.web().get(url, {"period": "nonsense"}).status_code == 400


def test_nav_counts_my_overdue_tasks(personas):
    from workflow.nav import items

    rep = personas["rep_hangzhou"]
    assert items(rep.user, "sales_rep") == [("任务", "/tasks/")] or items(rep.user, "sales_rep")[0][1] == "/tasks/"
    make_task(rep.staff, due_on=timezone.localdate() - timedelta(days=1))
    label, url = items(rep.user, "sales_rep")[0]
    # The count is a red badge beside the label (core.nav.Counted), not "(1 overdue)" in the text.
    assert label.count == 1 and url == "/tasks/" and "text-bg-danger" in label.__html__()
    assert items(None, None) == []


def test_source_link_on_detail_and_api(personas):
    rep, dm = personas["rep_hangzhou"], personas["dm_hangzhou"]
    parent = make_task(dm.staff, title="上级任务")
    task = make_task(rep.staff, by=dm.user, source=parent)
    response = dm.web().get(detail(task))
    assert response.context["source_url"] == detail(parent)
    assert f'href="{detail(parent)}"' in response.content.decode()
    body = dm.api().get(reverse("task-detail", kwargs={"pk": task.pk})).json()
    assert body["source_type"] == "workflow.task" and body["object_id"] == parent.pk and body["source_url"] == detail(parent)
