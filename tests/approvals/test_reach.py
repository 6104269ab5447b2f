"""Who may be handed a step: delegates, forward targets and added reviewers stay within the org tree.

The rule (approvals.selectors.could_hold): someone in service with a login, on the step's unit or a unit
above it (the Development Center included), who is not a salesperson. A delegation is not per request:
the delegate must sit on the delegator's unit or above. The pickers on the pages show exactly that set and
the services refuse anyone else (400 naming the field); a delegation in the database that breaks the rule
lets its delegate neither read nor decide.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals import selectors, services
from approvals.choices import ApprovalKind
from approvals.models import Delegation
from core.errors import InvalidInput
from core.rights import NotAllowed
from tests.approvals.helpers import submit

K = ApprovalKind


@pytest.fixture
def hangzhou_plan(personas, units):
    """A 杭州 work plan: waits for pm_zhejiang."""
    return submit(personas, units, by="dm_hangzhou", kind=K.PLAN_WORK, unit="330100", title="杭州工作计划")


@pytest.fixture
def guangzhou_plan(personas, units):
    """A 广州 work plan: waits for pm_guangdong."""
    return submit(personas, units, by="dm_guangzhou", kind=K.PLAN_WORK, unit="440100", title="广州工作计划")


def api(name, pk):
    return reverse(f"approval-{name}", kwargs={"pk": pk})


def page(pk):
    return reverse("approvals:detail", kwargs={"pk": pk})


def names(queryset):
    return {staff.name for staff in queryset}


def week():
    today = timezone.localdate()
    return {"starts_on": str(today), "ends_on": str(today + timedelta(days=6))}


# ------------------------------------------------------------------------------------------ item 14: the moves


def test_a_delegation_to_another_province_is_refused(personas):
    response = (
        personas["pm_zhejiang"]
        .api()
        .post(reverse("delegation-list"), {"to_staff": personas["pm_guangdong"].staff.pk, **week()}, format="json")
    )
    assert response.status_code == 400, response.content
    assert "to_staff" in response.json()["errors"]
    assert "浙江" in response.json()["detail"]
    assert not Delegation.objects.exists()


def test_a_delegation_to_a_salesperson_or_below_is_refused(personas):
    for name in ("rep_hangzhou", "dm_hangzhou"):
        with pytest.raises(InvalidInput) as info:
            services.delegation_create(
                from_staff=personas["pm_zhejiang"].staff,
                to_staff=personas[name].staff,
                starts_on=timezone.localdate(),
                ends_on=timezone.localdate(),
                by=personas["pm_zhejiang"].user,
            )
        assert info.value.field == "to_staff"


def test_a_delegation_out_of_reach_already_in_the_database_lets_its_delegate_neither_read_nor_decide(personas, hangzhou_plan):
    today = timezone.localdate()
    Delegation.objects.create(
        from_staff=personas["pm_zhejiang"].staff, to_staff=personas["pm_guangdong"].staff, starts_on=today, ends_on=today
    )
    delegate = personas["pm_guangdong"]
    assert delegate.api().get(api("detail", hangzhou_plan.pk)).status_code == 404
    assert delegate.api().post(api("approve", hangzhou_plan.pk), {}, format="json").status_code == 404
    assert delegate.web().get(page(hangzhou_plan.pk)).status_code == 404
    assert hangzhou_plan not in selectors.queue_for(user=delegate.user)
    assert delegate.staff not in services.approvers_of(hangzhou_plan.current_step)
    with pytest.raises(NotAllowed):
        services.request_approve(request=hangzhou_plan, by=delegate.user)


def test_a_delegate_within_reach_still_reads_and_decides(personas, hangzhou_plan):
    response = (
        personas["pm_zhejiang"]
        .api()
        .post(reverse("delegation-list"), {"to_staff": personas["rm_east"].staff.pk, **week()}, format="json")
    )
    assert response.status_code == 201, response.content
    assert hangzhou_plan in selectors.queue_for(user=personas["rm_east"].user)
    assert personas["rm_east"].api().post(api("approve", hangzhou_plan.pk), {}, format="json").status_code == 200


def test_forwarding_a_guangzhou_request_to_zhejiang_is_refused(personas, guangzhou_plan):
    pm = personas["pm_guangdong"].api()
    response = pm.post(api("forward", guangzhou_plan.pk), {"to_staff": personas["pm_zhejiang"].staff.pk}, format="json")
    assert response.status_code == 400, response.content
    assert "to_staff" in response.json()["errors"]
    assert "pm_zhejiang" not in response.json()["detail"]  # an id must not tell whom it names
    guangzhou_plan.current_step.refresh_from_db()
    assert guangzhou_plan.current_step.approver == personas["pm_guangdong"].staff
    assert personas["pm_zhejiang"].api().get(api("detail", guangzhou_plan.pk)).status_code == 404
    # Up the tree is fine: the regional manager of 华南, or the center.
    response = pm.post(api("forward", guangzhou_plan.pk), {"to_staff": personas["center"].staff.pk}, format="json")
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("before", [True, False])
def test_adding_a_reviewer_outside_the_steps_reach_is_refused(personas, hangzhou_plan, before):
    client = personas["pm_zhejiang"].api()
    for outsider in ("pm_guangdong", "rm_south", "rep_hangzhou"):
        response = client.post(
            api("add-signer", hangzhou_plan.pk), {"staff": personas[outsider].staff.pk, "before": before}, format="json"
        )
        assert response.status_code == 400, (outsider, response.content)
        assert "staff" in response.json()["errors"]
    assert hangzhou_plan.steps.count() == 1
    response = client.post(
        api("add-signer", hangzhou_plan.pk), {"staff": personas["rm_east"].staff.pk, "before": before}, format="json"
    )
    assert response.status_code == 200, response.content


# ------------------------------------------------------------------------------------------ item 15: the pickers


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("rep_hangzhou", {"dm_hangzhou", "pm_zhejiang", "rm_east", "center", "director"}),
        ("pm_zhejiang", {"rm_east", "center", "director"}),
        ("pm_guangdong", {"rm_south", "center", "director"}),
    ],
)
def test_the_delegate_picker_offers_exactly_who_may_act_for_them(personas, persona, allowed):
    response = personas[persona].web().get(reverse("approvals:delegations"))
    assert response.status_code == 200
    choices = response.context["form"].fields["to_staff"].queryset
    assert names(choices) == allowed
    assert names(selectors.delegate_candidates(staff=personas[persona].staff)) == allowed


@pytest.mark.parametrize(
    ("persona", "plan", "allowed"),
    [
        ("pm_zhejiang", "hangzhou_plan", {"rm_east", "center", "director"}),
        ("pm_guangdong", "guangzhou_plan", {"rm_south", "center", "director"}),
    ],
)
def test_the_forward_and_add_reviewer_pickers_offer_exactly_who_could_hold_the_step(personas, request, persona, plan, allowed):
    plan = request.getfixturevalue(plan)
    response = personas[persona].web().get(page(plan.pk))
    assert response.status_code == 200 and response.context["may_decide"]
    assert names(response.context["forward_form"].fields["to_staff"].queryset) == allowed
    assert names(response.context["add_signer_form"].fields["staff"].queryset) == allowed
    html = response.content.decode()
    for outsider in {"pm_guangdong", "pm_zhejiang", "rm_south", "rm_east", "rep_hangzhou"} - allowed - {persona}:
        assert f'value="{personas[outsider].staff.pk}"' not in html


def test_posting_someone_outside_the_pickers_is_refused_on_the_pages(personas, hangzhou_plan):
    client = personas["pm_zhejiang"].web()
    response = client.post(page(hangzhou_plan.pk), {"move": "forward", "to_staff": personas["pm_guangdong"].staff.pk})
    assert response.status_code == 400
    assert response.context["forward_form"].errors["to_staff"]
    response = client.post(
        page(hangzhou_plan.pk), {"move": "add_signer", "staff": personas["rep_hangzhou"].staff.pk, "before": "1"}
    )
    assert response.status_code == 400
    assert response.context["add_signer_form"].errors["staff"]
    today = timezone.localdate()
    response = client.post(
        reverse("approvals:delegations"),
        {"to_staff": personas["pm_guangdong"].staff.pk, "starts_on": today, "ends_on": today + timedelta(days=1)},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["to_staff"]
    assert not Delegation.objects.exists()
    assert hangzhou_plan.steps.count() == 1


def test_the_api_lists_the_same_candidates_as_the_pickers(personas, hangzhou_plan):
    body = personas["pm_zhejiang"].api().get(api("candidates", hangzhou_plan.pk)).json()
    assert {row["name"] for row in body} == {"rm_east", "center", "director"}
    assert {"id", "name", "role", "role_display", "unit", "unit_name"} <= set(body[0])
    # Someone who may read the request but not act on it: 403; outside the scope: 404; a key: 403.
    assert personas["rm_east"].api().get(api("candidates", hangzhou_plan.pk)).status_code == 403
    assert personas["pm_guangdong"].api().get(api("candidates", hangzhou_plan.pk)).status_code == 404
    assert personas["key_hangzhou"].api().get(api("candidates", hangzhou_plan.pk)).status_code == 403
    for persona, allowed in (
        ("rep_hangzhou", {"dm_hangzhou", "pm_zhejiang", "rm_east", "center", "director"}),
        ("pm_guangdong", {"rm_south", "center", "director"}),
    ):
        response = personas[persona].api().get(reverse("delegation-candidates"))
        assert response.status_code == 200
        assert {row["name"] for row in response.json()} == allowed
