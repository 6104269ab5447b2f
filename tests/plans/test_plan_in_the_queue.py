"""A plan as the approvers see it (issue 14, item 8): the center's queue shows a marketing plan's headline
target in its 金额 column (the subject protocol's `headline`, from the frozen snapshot), the chain names who
acted on a decided step, and each plan kind has one name on every page."""

from decimal import Decimal as D

from django.urls import reverse
from django.utils import translation

from approvals import services as approvals
from approvals.choices import ApprovalKind
from approvals.subjects import Headline, request_headline
from core.money import allocate
from plans import services
from plans.approval_subjects import headline
from plans.choices import PlanKind, approval_kind_of

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]


def _marketing_plan(personas, units, *, value="1200000.00", budget=()):
    dm = personas["dm_hangzhou"]
    rep1, rep2 = personas["rep_hangzhou"].staff, personas["rep_hangzhou_2"].staff
    plan = services.plan_create(kind="marketing", unit=units["330100"], period="2026", title="杭州 2026 营销计划", by=dm.user)
    half = str(D(value) / 2)
    months = dict(zip(MONTHS, [str(v) for v in allocate(D(value), [1] * 12)], strict=True))
    services.plan_lines_save(
        plan=plan,
        by=dm.user,
        targets=[
            {
                "metric": "sales_amount",
                "value": value,
                "split_method": "manual",
                "children": {rep1.pk: half, rep2.pk: half},
                "months": months,
            }
        ],
        actions=[],
        budget=list(budget),
    )
    return services.plan_submit(plan=plan, by=dm.user)


def test_the_queue_shows_a_marketing_plans_headline_target(personas, units):
    request = _marketing_plan(personas, units)
    assert request.amount is None  # no budget lines: the request itself carries no amount
    approvals.request_approve(request=request, by=personas["rm_east"].user, comment="同意")
    response = personas["center"].web().get(reverse("approvals:queue"), **ZH)
    html = response.content.decode()
    cell = html[html.index(f'id="queue-row-{request.pk}"') :]
    cell = cell[cell.index('data-testid="queue-amount"') :]
    cell = cell[: cell.index("</td>")]
    assert "1,200,000.00" in cell and "销售额目标" in cell and "—" not in cell


def test_the_headline_hook_reads_the_snapshot():
    snapshot = {
        "targets": [
            {"metric": "new_customers", "period": "2026", "value": "30"},
            {"metric": "sales_amount", "period": "2026-01", "value": "100.00"},
            {"metric": "sales_amount", "period": "2026", "value": "1200.00"},
        ],
        "totals": {"budget": "50.00"},
    }
    with translation.override("zh-hans"):
        assert headline(snapshot) == Headline(label="销售额目标", value=D("1200.00"), money=True)
        counts = headline({"targets": [{"metric": "new_customers", "period": "2026", "value": "30"}]})
        assert counts.value == D("30") and counts.money is False
        assert headline({"targets": [], "totals": {"budget": "50.00"}}).value == D("50.00")
    assert headline({"targets": [], "totals": {"budget": "0.00"}}) is None


def test_a_request_without_a_headline_shows_its_amount(personas, units):
    from tests.approvals.helpers import submit

    request = submit(personas, units, by="dm_hangzhou", kind=ApprovalKind.PLAN_WORK, unit="330100", amount=D("88.00"))
    assert request_headline(request) == Headline(label="", value=D("88.00"))


def test_the_chain_names_who_acted_on_a_decided_step(personas, units):
    request = _marketing_plan(personas, units)
    approvals.request_approve(request=request, by=personas["rm_east"].user, comment="同意")
    approvals.request_approve(request=request, by=personas["center"].user, comment="同意")
    html = personas["center"].web().get(reverse("approvals:detail", kwargs={"pk": request.pk}), **ZH).content.decode()
    chain = html[html.index('id="chain"') :]
    chain = chain[: chain.index("</table>")]
    actors = [part.split("<")[0] for part in chain.split('data-testid="step-actor">')[1:]]
    assert actors == ["rm_east", "center"]
    # The role the step waited for is still said, below the name.
    assert "发展中心审核人员" in chain


def test_each_plan_kind_has_one_name_on_every_page():
    with translation.override("zh-hans"):
        for kind in PlanKind:
            assert str(kind.label) == str(approval_kind_of(kind).label), kind
        assert str(PlanKind.CHANNEL_EXPANSION.label) == "渠道拓展规划"  # GLOSSARY.md
