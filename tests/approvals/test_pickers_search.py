"""The people pickers of a step (forward, add a reviewer, delegate) are searchable selects of exactly those
who may take the step (issue 14, item 7): the select carries the type-to-search box of static/js/picker.js,
offers no sales rep, and the page refuses one posted anyway."""

import re

import pytest
from django.urls import reverse

from approvals.choices import ApprovalKind
from tests.approvals.helpers import submit

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def hangzhou_plan(personas, units):
    return submit(personas, units, by="dm_hangzhou", kind=ApprovalKind.PLAN_WORK, unit="330100", title="杭州工作计划")


def _select(html, name):
    match = re.search(rf'(<select name="{name}"[^>]*>)(.*?)</select>', html, re.S)
    assert match, name
    return match.group(1), match.group(2)


def test_the_step_pickers_search_and_offer_no_sales_rep(personas, hangzhou_plan):
    html = personas["pm_zhejiang"].web().get(reverse("approvals:detail", kwargs={"pk": hangzhou_plan.pk}), **ZH).content.decode()
    for name in ("to_staff", "staff"):
        tag, options = _select(html, name)
        assert "data-search" in tag
        assert "---------" not in options and ">请选择<" in options
        assert f'value="{personas["rep_hangzhou"].staff.pk}"' not in options
        assert f'value="{personas["rm_east"].staff.pk}"' in options
    delegations = personas["pm_zhejiang"].web().get(reverse("approvals:delegations"), **ZH).content.decode()
    tag, options = _select(delegations, "to_staff")
    assert "data-search" in tag and f'value="{personas["rep_hangzhou"].staff.pk}"' not in options


def test_forwarding_to_a_sales_rep_is_refused_on_the_page(personas, hangzhou_plan):
    response = (
        personas["pm_zhejiang"]
        .web()
        .post(
            reverse("approvals:detail", kwargs={"pk": hangzhou_plan.pk}),
            {"move": "forward", "to_staff": personas["rep_hangzhou"].staff.pk},
        )
    )
    assert response.status_code == 400 and response.context["forward_form"].errors["to_staff"]
    hangzhou_plan.refresh_from_db()
    assert hangzhou_plan.current_step.approver == personas["pm_zhejiang"].staff
