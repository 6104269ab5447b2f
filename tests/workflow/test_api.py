from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from workflow.choices import TaskState
from workflow.models import Task

from .factories import future, make_task

pytestmark = pytest.mark.django_db

LIST = reverse("task-list")


def url(task, action=None):
    if action:
        return reverse(f"task-{action}", kwargs={"pk": task.pk})
    return reverse("task-detail", kwargs={"pk": task.pk})


def test_create_for_self_and_for_subordinate(personas):
    rep, dm = personas["rep_hangzhou"], personas["dm_hangzhou"]
    response = rep.api().post(LIST, {"title": "自己的", "due_on": future().isoformat()}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner"] == rep.staff.pk and body["supervisor"] == dm.staff.pk and body["state"] == "open"
    response = dm.api().post(LIST, {"title": "派给你", "owner": rep.staff.pk, "due_on": future().isoformat()}, format="json")
    assert response.status_code == 201
    assert response.json()["created_by"] == dm.user.pk


def test_create_refusals_are_json_with_field(personas):
    rep, dm = personas["rep_hangzhou"], personas["dm_hangzhou"]
    cases = [
        (rep, {"title": "x", "owner": personas["rep_hangzhou_2"].staff.pk, "due_on": future().isoformat()}, 400, "owner"),
        (dm, {"title": "x", "owner": personas["dm_guangzhou"].staff.pk, "due_on": future().isoformat()}, 400, "owner"),
        (dm, {"title": "   ", "due_on": future().isoformat()}, 400, "title"),
        (dm, {"title": "x", "due_on": (timezone.localdate() - timedelta(days=1)).isoformat()}, 400, "due_on"),
        (dm, {"title": "x", "due_on": "2026-13-45"}, 400, "due_on"),
        (dm, {"title": "x", "due_on": future().isoformat(), "state": "done"}, 400, "state"),
        (dm, {"title": "x\x00", "due_on": future().isoformat()}, 400, "title"),
    ]
    for persona, data, code, field in cases:
        response = persona.api().post(LIST, data, format="json")
        assert response.status_code == code, (data, response.content)
        assert field in response.json()["errors"], response.json()
    assert not Task.objects.exists()


def test_api_key_may_read_but_not_write(personas):
    task = make_task(personas["rep_hangzhou"].staff)
    key = personas["key_hangzhou"].api()
    assert key.get(url(task)).status_code == 200
    assert key.post(LIST, {"title": "x", "due_on": future().isoformat()}, format="json").status_code == 403
    assert key.post(url(task, "complete"), {}, format="json").status_code == 403


def test_transitions(personas):
    rep, rep2, dm = personas["rep_hangzhou"], personas["rep_hangzhou_2"], personas["dm_hangzhou"]
    task = make_task(rep.staff, by=dm.user)
    response = rep.api().post(url(task, "complete"), {"note": "搞定"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "done"
    response = rep.api().post(url(task, "complete"), {}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    assert rep.api().post(url(task, "reopen"), {}, format="json").status_code == 403
    assert dm.api().post(url(task, "reopen"), {"reason": "再补充"}, format="json").json()["state"] == "open"
    response = dm.api().post(url(task, "reassign"), {"owner": rep2.staff.pk}, format="json")
    assert response.status_code == 200 and response.json()["owner"] == rep2.staff.pk
    response = dm.api().post(url(task, "reassign"), {"owner": personas["dm_guangzhou"].staff.pk}, format="json")
    assert response.status_code == 400 and "owner" in response.json()["errors"]
    assert rep2.api().post(url(task, "reassign"), {"owner": rep2.staff.pk}, format="json").status_code == 403
    response = dm.api().post(url(task, "cancel"), {}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    assert dm.api().post(url(task, "cancel"), {"reason": "取消"}, format="json").json()["state"] == "cancelled"
    assert dm.api().post(url(task, "cancel"), {"reason": "取消"}, format="json").status_code == 409


def test_outside_scope_404(personas):
    task = make_task(personas["rep_hangzhou"].staff)
    for action in ("complete", "reopen", "cancel", "reassign"):
        assert personas["dm_guangzhou"].api().post(url(task, action), {}, format="json").status_code == 404
        assert personas["rep_hangzhou_2"].api().post(url(task, action), {}, format="json").status_code == 404
    assert personas["dm_guangzhou"].api().patch(url(task), {"title": "x"}, format="json").status_code == 404
    assert personas["dm_hangzhou"].api().get(reverse("task-detail", kwargs={"pk": 99999999})).status_code == 404


def test_patch_rules(personas):
    rep, dm = personas["rep_hangzhou"], personas["dm_hangzhou"]
    task = make_task(rep.staff, by=dm.user)
    assert rep.api().patch(url(task), {"title": "改"}, format="json").status_code == 403
    response = dm.api().patch(url(task), {"title": "改好了", "due_on": future(10).isoformat()}, format="json")
    assert response.status_code == 200 and response.json()["title"] == "改好了"
    response = dm.api().patch(url(task), {"owner": rep.staff.pk}, format="json")
    assert response.status_code == 400 and "owner" in response.json()["errors"]
    assert dm.api().put(url(task), {"title": "x"}, format="json").status_code == 405
    own = Task.objects.create(title="x", owner=rep.staff, unit=rep.staff.unit, due_on=future(), created_by=rep.user)
    assert rep.api().patch(url(own), {"description": "自己的可以改"}, format="json").status_code == 200


def test_filters(personas):
    rep, rep2, dm = personas["rep_hangzhou"], personas["rep_hangzhou_2"], personas["dm_hangzhou"]
    late = make_task(rep.staff, due_on=timezone.localdate() - timedelta(days=3))
    make_task(rep2.staff)
    mine = make_task(dm.staff)
    client = dm.api()

    def ids(**params):
        response = client.get(LIST, params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(overdue="true") == {late.pk}
    assert ids(mine="true") == {mine.pk}
    assert len(ids(mine="false")) == 2
    assert ids(owner=rep.staff.pk) == {late.pk}
    assert ids(unit=personas["dm_guangzhou"].staff.unit_id) == set()
    assert len(ids(state="open", due_before=future(3).isoformat())) == 3
    assert client.get(LIST, {"owner": "abc"}).status_code == 400
    assert client.get(LIST, {"state": "nope"}).status_code == 400


def test_list_query_count_is_constant(personas, django_assert_max_num_queries):
    client = personas["dm_hangzhou"].api()
    make_task(personas["rep_hangzhou"].staff, source=personas["rep_hangzhou"].staff.unit)
    client.get(LIST)
    with django_assert_max_num_queries(20) as few:
        client.get(LIST)
    for n in range(15):
        make_task(personas["rep_hangzhou_2"].staff, title=f"t{n}", source=personas["rep_hangzhou"].staff.unit)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(LIST).json()["results"]) == 16


def test_team_summary_endpoint(personas):
    rep, dm = personas["rep_hangzhou"], personas["dm_hangzhou"]
    make_task(rep.staff, due_on=timezone.localdate() - timedelta(days=2))
    summary = reverse("task-team-summary")
    assert rep.api().get(summary).status_code == 403
    assert personas["key_hangzhou"].api().get(summary).status_code == 403
    response = dm.api().get(summary, {"period": "quarter"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["people"][0]["owner"] == rep.staff.pk and body["people"][0]["overdue"] == 1
    assert body["people"][0]["rate"] in ("0.0000", None) or body["people"][0]["due"] >= 1
    response = dm.api().get(summary, {"period": "2026-Q9"})
    assert response.status_code == 400 and "period" in response.json()["errors"]


def test_done_task_shows_completion(personas):
    rep = personas["rep_hangzhou"]
    task = make_task(rep.staff)
    rep.api().post(url(task, "complete"), {}, format="json")
    body = rep.api().get(url(task)).json()
    assert body["state"] == TaskState.DONE and body["completed_on"] == timezone.localdate().isoformat()
