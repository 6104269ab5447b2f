"""The approvals API: reading (scope + chain), every move with its refusals, bulk, queues, delegations."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals.choices import ApprovalKind, RequestState
from approvals.models import ApprovalRequest
from tests.approvals.helpers import submit

K = ApprovalKind


def url(name, pk=None):
    return reverse(f"approval-{name}", kwargs={"pk": pk} if pk is not None else None)


@pytest.fixture
def work(personas, units):
    """A 杭州 district work plan: waits for pm_zhejiang."""
    return submit(personas, units, by="dm_hangzhou", kind=K.PLAN_WORK, unit="330100", title="杭州工作计划")


def test_detail_has_steps_events_snapshot_overdue_and_no_diff_for_a_first_version(personas, work):
    body = personas["pm_zhejiang"].api().get(url("detail", work.pk)).json()
    assert body["id"] == work.pk and body["state"] == "submitted"
    assert body["snapshot"] == {"body": "杭州工作计划"}
    assert [s["approver"] for s in body["steps"]] == [personas["pm_zhejiang"].staff.pk]
    assert [e["action"] for e in body["events"]] == ["submit"]
    assert body["overdue"] is False and body["working_days_overdue"] == 0
    assert body["previous"] is None and body["diff"] is None
    assert body["url"] == f"/approvals/{work.pk}/"


def test_approve_as_the_approver(personas, work):
    response = personas["pm_zhejiang"].api().post(url("approve", work.pk), {"comment": "同意"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "approved"


def test_approving_ones_own_submission_is_403(personas, work):
    response = personas["dm_hangzhou"].api().post(url("approve", work.pk), {}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"


def test_someone_in_scope_who_is_not_the_approver_gets_403(personas, work):
    response = personas["rm_east"].api().post(url("approve", work.pk), {}, format="json")
    assert response.status_code == 403


def test_outside_the_scope_is_404(personas, work):
    assert personas["rm_south"].api().post(url("approve", work.pk), {}, format="json").status_code == 404
    assert personas["rm_south"].api().get(url("detail", work.pk)).status_code == 404
    assert personas["dm_guangzhou"].api().post(url("reject", work.pk), {"comment": "x"}, format="json").status_code == 404


def test_deciding_twice_is_409(personas, work):
    client = personas["pm_zhejiang"].api()
    assert client.post(url("approve", work.pk), {}, format="json").status_code == 200
    response = client.post(url("reject", work.pk), {"comment": "晚了"}, format="json")
    assert response.status_code == 409
    assert response.json()["errors"] == {"state": [response.json()["detail"]]}


@pytest.mark.parametrize("move", ["return", "reject"])
def test_return_and_reject_need_a_comment(personas, work, move):
    client = personas["pm_zhejiang"].api()
    response = client.post(url(move, work.pk), {"comment": "  "}, format="json")
    assert response.status_code == 400
    assert "comment" in response.json()["errors"]
    response = client.post(url(move, work.pk), {"comment": "预算不清"}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == ("returned" if move == "return" else "rejected")


def test_unknown_fields_and_bad_ids_are_400_not_500(personas, work):
    client = personas["pm_zhejiang"].api()
    assert client.post(url("approve", work.pk), {"bogus": 1}, format="json").status_code == 400
    assert client.post(url("forward", work.pk), {"to_staff": 2**70}, format="json").status_code == 400
    assert client.post(url("forward", work.pk), {"to_staff": "x"}, format="json").status_code == 400
    assert client.post(url("add-signer", work.pk), {"staff": personas["rm_east"].staff.pk}, format="json").status_code == 400
    assert client.get(url("list"), {"older_than_days": -1}).status_code == 400
    assert client.get(url("list"), {"region": 2**70}).status_code == 400
    assert client.get(url("list"), {"kind": "nope"}).status_code == 400
    assert client.get(url("detail", 2**70)).status_code == 404
    assert client.post(url("bulk"), {"ids": [], "action": "approve"}, format="json").status_code == 400


def test_withdraw_and_nudge_by_the_submitter_only(personas, work):
    other = personas["pm_zhejiang"].api()
    assert other.post(url("nudge", work.pk), {}, format="json").status_code == 403
    assert other.post(url("withdraw", work.pk), {}, format="json").status_code == 403
    client = personas["dm_hangzhou"].api()
    assert client.post(url("nudge", work.pk), {}, format="json").status_code == 201
    assert client.post(url("nudge", work.pk), {}, format="json").status_code == 409
    response = client.post(url("withdraw", work.pk), {}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "withdrawn"


def test_a_forwarded_to_person_above_the_step_decides_and_one_outside_is_refused(personas, work):
    # Forwarding reaches only people who could hold the step (浙江 or above, or the center): docs/DECISIONS.md.
    south, east = personas["rm_south"], personas["rm_east"]
    pm = personas["pm_zhejiang"].api()
    refused = pm.post(url("forward", work.pk), {"to_staff": south.staff.pk, "comment": "请协助"}, format="json")
    assert refused.status_code == 400 and "to_staff" in refused.json()["errors"]
    assert south.api().get(url("detail", work.pk)).status_code == 404
    response = pm.post(url("forward", work.pk), {"to_staff": east.staff.pk, "comment": "请协助"}, format="json")
    assert response.status_code == 200, response.content
    assert [row["id"] for row in east.api().get(url("waiting")).json()["results"]] == [work.pk]
    # The forwarder acted on it and still reads it; the one forwarded to decides.
    assert personas["pm_zhejiang"].api().get(url("detail", work.pk)).status_code == 200
    assert east.api().post(url("approve", work.pk), {}, format="json").status_code == 200
    assert south.api().get(url("detail", work.pk)).status_code == 404


def test_add_signer_before_makes_them_the_current_approver(personas, work):
    response = (
        personas["pm_zhejiang"]
        .api()
        .post(url("add-signer", work.pk), {"staff": personas["rm_east"].staff.pk, "before": True}, format="json")
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["current_step"]["approver"] == personas["rm_east"].staff.pk
    assert len(body["steps"]) == 2


def test_a_delegate_sees_and_decides(personas, work):
    client = personas["pm_zhejiang"].api()
    today = timezone.localdate()
    response = client.post(
        reverse("delegation-list"),
        {"to_staff": personas["rm_east"].staff.pk, "starts_on": str(today), "ends_on": str(today + timedelta(days=3))},
        format="json",
    )
    assert response.status_code == 201, response.content
    delegate = personas["rm_east"].api()
    assert delegate.get(url("detail", work.pk)).status_code == 200
    assert [r["id"] for r in delegate.get(reverse("delegation-list")).json()["results"]] == [response.json()["id"]]
    assert delegate.post(url("approve", work.pk), {}, format="json").status_code == 200
    assert ApprovalRequest.objects.get(pk=work.pk).events.last().on_behalf_of == personas["pm_zhejiang"].staff


def test_delegations_create_for_oneself_and_revoke(personas):
    client = personas["dm_hangzhou"].api()
    bad = client.post(
        reverse("delegation-list"),
        {"to_staff": personas["dm_hangzhou"].staff.pk, "starts_on": "2026-01-02", "ends_on": "2026-01-01"},
        format="json",
    )
    assert bad.status_code == 400 and "to_staff" in bad.json()["errors"]
    bad = client.post(
        reverse("delegation-list"),
        {"to_staff": personas["pm_zhejiang"].staff.pk, "starts_on": "2026-01-02", "ends_on": "2026-01-01"},
        format="json",
    )
    assert bad.status_code == 400 and "ends_on" in bad.json()["errors"]
    made = client.post(
        reverse("delegation-list"),
        {"to_staff": personas["pm_zhejiang"].staff.pk, "starts_on": "2026-01-01", "ends_on": "2026-01-05"},
        format="json",
    ).json()
    assert made["from_staff"] == personas["dm_hangzhou"].staff.pk
    # The delegate may read it but not revoke it; someone outside gets 404.
    assert personas["pm_zhejiang"].api().post(reverse("delegation-revoke", kwargs={"pk": made["id"]})).status_code == 403
    assert personas["dm_guangzhou"].api().post(reverse("delegation-revoke", kwargs={"pk": made["id"]})).status_code == 404
    response = client.post(reverse("delegation-revoke", kwargs={"pk": made["id"]}))
    assert response.status_code == 200 and response.json()["revoked_at"]
    assert client.post(reverse("delegation-revoke", kwargs={"pk": made["id"]})).status_code == 409
    assert personas["key_hangzhou"].api().get(reverse("delegation-list")).status_code == 403


def test_branch_keys_get_403(personas, work):
    key = personas["key_hangzhou"].api()
    assert key.get(url("list")).status_code == 403
    assert key.get(url("detail", work.pk)).status_code == 403
    assert key.post(url("approve", work.pk), {}, format="json").status_code == 403
    assert key.get(url("queue")).status_code == 403
    assert personas["key_guangdong"].api().get(url("detail", work.pk)).status_code == 404


def test_list_filters(personas, units, work):
    south = submit(personas, units, by="rm_south", kind=K.PLAN_MARKETING, unit="HN")
    client = personas["center"].api()

    def ids(**params):
        response = client.get(url("list"), params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids() >= {work.pk, south.pk}
    assert ids(kind="plan_work") == {work.pk}
    assert ids(region=units["HN"].pk) == {south.pk}
    assert ids(unit=units["330000"].pk) == {work.pk}
    assert ids(state="approved") == set()
    assert ids(overdue="true") == set()
    ApprovalRequest.objects.filter(pk=south.pk).update(
        submitted_at=timezone.now() - timedelta(days=20), due_at=timezone.now() - timedelta(days=10)
    )
    assert ids(overdue="true") == {south.pk}
    assert ids(older_than_days=15) == {south.pk}
    row = next(r for r in client.get(url("list")).json()["results"] if r["id"] == south.pk)
    assert row["overdue"] is True and row["working_days_overdue"] > 0


def test_queue_with_filters_and_breach_count_never_crosses_regions(personas, units):
    east = submit(personas, units, by="rm_east", kind=K.PLAN_MARKETING, unit="HD")
    south = submit(personas, units, by="rm_south", kind=K.PLAN_MARKETING, unit="HN")
    budget = submit(personas, units, by="rm_south", kind=K.BUDGET, unit="HN", amount="10")
    ApprovalRequest.objects.filter(pk=east.pk).update(
        submitted_at=timezone.now() - timedelta(days=30), due_at=timezone.now() - timedelta(days=20)
    )
    body = personas["center"].api().get(url("queue")).json()
    assert [r["id"] for r in body["results"]] == [east.pk, south.pk, budget.pk]
    assert body["breach_count"] == 1
    body = personas["center"].api().get(url("queue"), {"kind": "plan_marketing", "region": units["HN"].pk}).json()
    assert [r["id"] for r in body["results"]] == [south.pk] and body["breach_count"] == 0
    assert [r["id"] for r in personas["center"].api().get(url("queue"), {"older_than_days": 10}).json()["results"]] == [east.pk]
    # A regional manager reads only their own region's items, in the queue and everywhere else.
    body = personas["rm_east"].api().get(url("queue")).json()
    assert [r["id"] for r in body["results"]] == [east.pk]
    assert {r["id"] for r in personas["rm_east"].api().get(url("list")).json()["results"]} == {east.pk}
    assert personas["rm_east"].api().get(url("detail", south.pk)).status_code == 404


def test_waiting_and_mine(personas, units, work):
    assert [r["id"] for r in personas["pm_zhejiang"].api().get(url("waiting")).json()["results"]] == [work.pk]
    assert personas["rm_east"].api().get(url("waiting")).json()["results"] == []
    assert [r["id"] for r in personas["dm_hangzhou"].api().get(url("mine")).json()["results"]] == [work.pk]
    assert personas["pm_zhejiang"].api().get(url("mine")).json()["results"] == []


def test_resubmission_shows_previous_and_diff(personas, units):
    subject = units["330100"]
    first = submit(personas, units, by="dm_hangzhou", kind=K.PLAN_WORK, unit="330100", snapshot={"a": 1, "lines": [1, 2]})
    personas["pm_zhejiang"].api().post(url("return", first.pk), {"comment": "改"}, format="json")
    second = submit(
        personas,
        units,
        by="dm_hangzhou",
        kind=K.PLAN_WORK,
        unit="330100",
        subject=subject,
        snapshot={"a": 2, "lines": [2, 3], "b": "x"},
    )
    body = personas["pm_zhejiang"].api().get(url("detail", second.pk)).json()
    assert body["previous"] == first.pk and body["version"] == 2
    assert {(d["path"], d["kind"]) for d in body["diff"]} == {
        ("a", "changed"),
        ("lines", "removed"),
        ("lines", "added"),
        ("b", "added"),
    }


def test_bulk_one_kind_with_per_item_results(personas, units):
    east = submit(personas, units, by="rm_east", kind=K.PLAN_MARKETING, unit="HD")
    south = submit(personas, units, by="rm_south", kind=K.PLAN_MARKETING, unit="HN", subject=units["HN"])
    budget = submit(personas, units, by="rm_south", kind=K.BUDGET, unit="HN", amount="10")
    client = personas["center"].api()
    response = client.post(url("bulk"), {"ids": [east.pk, budget.pk], "action": "approve"}, format="json")
    assert response.status_code == 400 and "requests" in response.json()["errors"]
    response = client.post(url("bulk"), {"ids": [east.pk, south.pk], "action": "reject"}, format="json")
    assert response.status_code == 400 and "comment" in response.json()["errors"]
    personas["director"].api().post(url("approve", south.pk), {}, format="json")
    response = client.post(
        url("bulk"), {"ids": [east.pk, south.pk, 2**40], "action": "approve", "comment": "同意"}, format="json"
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["request"], r["ok"]) for r in results] == [(east.pk, True), (south.pk, False), (2**40, False)]
    assert ApprovalRequest.objects.get(pk=east.pk).state == RequestState.APPROVED
    # Outside the scope the ids are simply not found.
    response = personas["rm_south"].api().post(url("bulk"), {"ids": [east.pk], "action": "approve"}, format="json")
    assert response.json()["results"] == [{"request": east.pk, "ok": False, "error": response.json()["results"][0]["error"]}]


def test_list_query_count_is_constant(personas, units, django_assert_max_num_queries):
    client = personas["center"].api()
    submit(personas, units, by="rm_east", kind=K.PLAN_MARKETING, unit="HD")
    with django_assert_max_num_queries(8) as few:
        assert len(client.get(url("list")).json()["results"]) == 1
    for code in ["310000", "320000", "330000", "340000", "360000"]:
        submit(personas, units, by="rm_east", kind=K.REPORT, unit=code, title=code)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(url("list")).json()["results"]) == 6
    with django_assert_max_num_queries(len(few.captured_queries) + 1):
        assert len(client.get(url("queue")).json()["results"]) == 6
    rm = personas["rm_east"].api()  # the chain-extended scope costs no query per row either
    with django_assert_max_num_queries(len(few.captured_queries) + 1):
        assert len(rm.get(url("list")).json()["results"]) == 6
