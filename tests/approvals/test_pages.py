"""The approval pages: queue (center only, bulk), waiting, mine, the decision screen and delegations."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals.choices import ApprovalKind, RequestState
from approvals.models import ApprovalRequest, Delegation
from tests.approvals.helpers import declare_subject, submit

K = ApprovalKind


def detail(pk):
    return reverse("approvals:detail", kwargs={"pk": pk})


@pytest.fixture
def work(personas, units):
    return submit(personas, units, by="dm_hangzhou", kind=K.PLAN_WORK, unit="330100", title="杭州工作计划")


def test_queue_is_for_the_center_only(personas):
    assert personas["center"].web().get(reverse("approvals:queue")).status_code == 200
    assert personas["director"].web().get(reverse("approvals:queue")).status_code == 200
    for name in ("rm_east", "pm_zhejiang", "rep_hangzhou"):
        assert personas[name].web().get(reverse("approvals:queue")).status_code == 403


def test_queue_oldest_first_with_breaches_marked_and_filters(personas, units):
    east = submit(personas, units, by="rm_east", kind=K.PLAN_MARKETING, unit="HD", title="华东营销")
    south = submit(personas, units, by="rm_south", kind=K.PLAN_MARKETING, unit="HN", title="华南营销")
    ApprovalRequest.objects.filter(pk=east.pk).update(
        submitted_at=timezone.now() - timedelta(days=30), due_at=timezone.now() - timedelta(days=20)
    )
    response = personas["center"].web().get(reverse("approvals:queue"))
    rows = list(response.context["object_list"])
    assert rows == [east, south]
    assert response.context["breach_count"] == 1
    assert rows[0].days_over > 0 and rows[1].days_over == 0
    assert "table-danger" in response.content.decode()
    response = personas["center"].web().get(reverse("approvals:queue"), {"region": units["HN"].pk})
    assert list(response.context["object_list"]) == [south] and response.context["breach_count"] == 0
    response = personas["center"].web().get(reverse("approvals:queue"), {"older_than_days": 10, "kind": "plan_marketing"})
    assert list(response.context["object_list"]) == [east]


def test_queue_bulk_approve_and_refusals(personas, units):
    east = submit(personas, units, by="rm_east", kind=K.PLAN_MARKETING, unit="HD")
    south = submit(personas, units, by="rm_south", kind=K.PLAN_MARKETING, unit="HN")
    budget = submit(personas, units, by="rm_south", kind=K.BUDGET, unit="HN", amount="10")
    client = personas["center"].web()
    response = client.post(reverse("approvals:queue"), {"ids": [east.pk, budget.pk], "action": "approve"})
    assert response.status_code == 400
    response = client.post(reverse("approvals:queue"), {"ids": [east.pk], "action": "reject", "comment": ""})
    assert response.status_code == 400
    response = client.post(reverse("approvals:queue"), {"ids": [east.pk], "action": "reject"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert 'id="bulk-result"' in response.content.decode() and "alert-danger" in response.content.decode()
    response = client.post(
        reverse("approvals:queue"), {"ids": [east.pk, south.pk], "action": "approve", "comment": "同意"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert [r["ok"] for r in response.context["results"]] == [True, True]
    assert f'id="queue-row-{east.pk}" hx-swap-oob="delete"' in response.content.decode()
    assert ApprovalRequest.objects.get(pk=south.pk).state == RequestState.APPROVED
    # Not a center person: 403 for the bulk POST as well.
    assert (
        personas["rm_south"].web().post(reverse("approvals:queue"), {"ids": [budget.pk], "action": "approve"}).status_code == 403
    )


def test_waiting_and_mine_pages(personas, work):
    response = personas["pm_zhejiang"].web().get(reverse("approvals:waiting"))
    assert list(response.context["object_list"]) == [work]
    assert list(personas["rm_east"].web().get(reverse("approvals:waiting")).context["object_list"]) == []
    response = personas["dm_hangzhou"].web().get(reverse("approvals:mine"))
    assert list(response.context["object_list"]) == [work]
    assert "杭州工作计划" in response.content.decode()


def test_nav_shows_the_waiting_count_and_the_queue_for_the_center(personas, work):
    items = personas["pm_zhejiang"].web().get("/").context["nav_items"]
    # The count is a badge beside the label (core.nav.Counted), not brackets in the text.
    waiting = [label for label, _url in items if label in ("待我审批", "Waiting for me")]
    assert len(waiting) == 1 and waiting[0].count == 1
    center = [str(label) for label, _url in personas["center"].web().get("/").context["nav_items"]]
    assert any(label in ("审批队列", "Approval queue") for label in center)
    rep = [str(label) for label, _url in personas["rep_hangzhou"].web().get("/").context["nav_items"]]
    assert not any(label in ("审批队列", "Approval queue") for label in rep)


def test_detail_shows_the_moves_of_the_viewer(personas, work):
    response = personas["pm_zhejiang"].web().get(detail(work.pk))
    assert response.status_code == 200
    assert response.context["may_decide"] and not response.context["is_submitter"]
    assert 'value="approve"' in response.content.decode()
    response = personas["dm_hangzhou"].web().get(detail(work.pk))
    assert not response.context["may_decide"] and response.context["is_submitter"]
    assert 'value="nudge"' in response.content.decode() and 'value="approve"' not in response.content.decode()
    response = personas["rm_east"].web().get(detail(work.pk))
    assert response.status_code == 200 and not response.context["may_decide"] and not response.context["is_submitter"]
    assert personas["rm_south"].web().get(detail(work.pk)).status_code == 404


def test_approve_on_the_page_and_deciding_twice_shows_the_reason(personas, work):
    client = personas["pm_zhejiang"].web()
    response = client.post(detail(work.pk), {"move": "approve", "comment": "好"})
    assert response.status_code == 302
    assert ApprovalRequest.objects.get(pk=work.pk).state == RequestState.APPROVED
    response = client.post(detail(work.pk), {"move": "reject", "comment": "不"})
    assert response.status_code == 409
    assert response.context["refusal"]


def test_page_refusals(personas, work):
    assert personas["dm_hangzhou"].web().post(detail(work.pk), {"move": "approve"}).status_code == 403
    assert personas["rm_east"].web().post(detail(work.pk), {"move": "approve"}).status_code == 403
    assert personas["rm_south"].web().post(detail(work.pk), {"move": "approve"}).status_code == 404
    response = personas["pm_zhejiang"].web().post(detail(work.pk), {"move": "return", "comment": ""})
    assert response.status_code == 400
    assert response.context["comment_form"].errors["comment"]
    assert personas["pm_zhejiang"].web().post(detail(work.pk), {"move": "dance"}).status_code == 400
    response = personas["pm_zhejiang"].web().post(detail(work.pk), {"move": "forward", "to_staff": "999999999"})
    assert response.status_code == 400


def test_submitter_nudges_and_withdraws_on_the_page(personas, work):
    client = personas["dm_hangzhou"].web()
    assert client.post(detail(work.pk), {"move": "nudge"}).status_code == 302
    assert client.post(detail(work.pk), {"move": "nudge"}).status_code == 409
    assert client.post(detail(work.pk), {"move": "withdraw"}).status_code == 302
    assert ApprovalRequest.objects.get(pk=work.pk).state == RequestState.WITHDRAWN


def test_forward_on_the_page_lets_the_new_approver_in(personas, work):
    south = personas["rm_east"]
    response = personas["pm_zhejiang"].web().post(detail(work.pk), {"move": "forward", "to_staff": south.staff.pk})
    assert response.status_code == 302
    response = south.web().get(detail(work.pk))
    assert response.status_code == 200 and response.context["may_decide"]
    assert list(south.web().get(reverse("approvals:waiting")).context["object_list"]) == [work]


def test_add_signer_on_the_page(personas, work):
    response = (
        personas["pm_zhejiang"]
        .web()
        .post(detail(work.pk), {"move": "add_signer", "staff": personas["rm_east"].staff.pk, "before": "0"})
    )
    assert response.status_code == 302
    assert [s.approver for s in ApprovalRequest.objects.get(pk=work.pk).steps.order_by("order")] == [
        personas["pm_zhejiang"].staff,
        personas["rm_east"].staff,
    ]


def test_detail_shows_generic_snapshot_diff_and_timeline(personas, units):
    first = submit(
        personas, units, by="dm_hangzhou", kind=K.PLAN_WORK, unit="330100", snapshot={"目标": 100, "客户": ["甲", "乙"]}
    )
    personas["pm_zhejiang"].web().post(detail(first.pk), {"move": "return", "comment": "目标太低"})
    second = submit(
        personas, units, by="dm_hangzhou", kind=K.PLAN_WORK, unit="330100", snapshot={"目标": 150, "客户": ["甲", "丙"]}
    )
    response = personas["pm_zhejiang"].web().get(detail(second.pk))
    html = response.content.decode()
    assert dict(response.context["snapshot_rows"]) == {"目标": "150", "客户": "甲, 丙"}
    assert {(c["path"], c["kind"], c["old"], c["new"]) for c in response.context["changes"]} == {
        ("目标", "changed", "100", "150"),
        ("客户", "removed", "乙", "—"),
        ("客户", "added", "—", "丙"),
    }
    assert 'id="changes"' in html
    response = personas["pm_zhejiang"].web().get(detail(first.pk))
    assert "目标太低" in response.content.decode()
    assert response.context["changes"] is None


def test_the_subjects_own_review_section_is_used(personas, units, monkeypatch):
    from regions.models import OrgUnit

    work = submit(personas, units, by="dm_hangzhou", kind=K.PLAN_WORK, unit="330100")
    declare_subject(
        monkeypatch, OrgUnit, kinds=[K.PLAN_WORK], review=lambda unit, request: ("approvals/_state.html", {"r": request})
    )
    response = personas["pm_zhejiang"].web().get(detail(work.pk))
    assert "review_html" in response.context and "snapshot_rows" not in response.context
    assert "badge" in str(response.context["review_html"])


def test_delegations_page(personas):
    client = personas["dm_hangzhou"].web()
    assert client.get(reverse("approvals:delegations")).status_code == 200
    today = timezone.localdate()
    response = client.post(
        reverse("approvals:delegations"),
        {"to_staff": personas["pm_zhejiang"].staff.pk, "starts_on": today, "ends_on": today - timedelta(days=1)},
    )
    assert response.status_code == 400
    response = client.post(
        reverse("approvals:delegations"),
        {"to_staff": personas["pm_zhejiang"].staff.pk, "starts_on": today, "ends_on": today + timedelta(days=1)},
    )
    assert response.status_code == 302
    delegation = Delegation.objects.get()
    assert personas["pm_zhejiang"].web().get(reverse("approvals:delegations")).context["received"] == [delegation]
    assert personas["rm_south"].web().post(reverse("approvals:delegations"), {"revoke": delegation.pk}).status_code == 404
    assert client.post(reverse("approvals:delegations"), {"revoke": delegation.pk}).status_code == 302
    assert Delegation.objects.get().revoked_at is not None
    assert client.post(reverse("approvals:delegations"), {"revoke": delegation.pk}).status_code == 409


@pytest.mark.parametrize("page", ["approvals:request_list", "approvals:queue", "approvals:waiting", "approvals:mine"])
def test_list_pages_cost_the_same_for_one_row_or_many(personas, units, page, django_assert_max_num_queries):
    client = personas["rm_east" if page == "approvals:mine" else "director"].web()
    submit(personas, units, by="rm_east", kind=K.REPORT, unit="310000", title="310000")
    ApprovalRequest.objects.update(escalated_at=timezone.now())  # the director's waiting list holds escalations
    with django_assert_max_num_queries(40) as few:
        client.get(reverse(page))
    for code in ["320000", "330000", "340000", "360000"]:
        submit(personas, units, by="rm_east", kind=K.REPORT, unit=code, title=code)
    ApprovalRequest.objects.update(escalated_at=timezone.now(), due_at=timezone.now() - timedelta(days=3))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse(page))
    assert len(response.context["object_list"]) == 5


def test_a_regional_manager_never_sees_another_regions_requests_on_the_pages(personas, units):
    east = submit(personas, units, by="rm_east", kind=K.PLAN_MARKETING, unit="HD")
    south = submit(personas, units, by="rm_south", kind=K.PLAN_MARKETING, unit="HN")
    response = personas["rm_east"].web().get(reverse("approvals:request_list"))
    assert list(response.context["object_list"]) == [east]
    assert personas["rm_east"].web().get(detail(south.pk)).status_code == 404


def test_demo_loads_once(personas, units):
    from approvals.demo import load_demo_approvals
    from regions.models import StaffProfile

    for name in ("dm_hangzhou", "dm_guangzhou", "pm_zhejiang", "rm_east", "center"):
        assert StaffProfile.objects.filter(user__username=name).exists()
    assert load_demo_approvals() == {"requests": 4}
    assert load_demo_approvals() == {"requests": 0}
    response = personas["center"].web().get(reverse("approvals:queue"))
    assert response.context["breach_count"] == 1
    second = ApprovalRequest.objects.get(version=2)
    response = personas["center"].web().get(detail(second.pk))
    assert response.context["changes"]
