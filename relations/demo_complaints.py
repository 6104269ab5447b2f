"""Demo complaints (投诉, issue 18): about thirty complaints of the customers of 杭州 and 广州 (the logins' districts)
and of a few other districts, about the products the company sells and the districts' channels, in every state and
severity — open and within their SLA, in progress with steps recorded, resolved and waiting for the customer,
closed with the customer's confirmation (the center's view and the monthly report read these), one reopened — and
several past their SLA, escalated up the tree by the escalation job run for each of the last working days (so the
district, provincial and regional managers hold the escalation notices). On top of them a wave in 杭州: eight
complaints in the last five days after a trading-system upgrade delayed redemptions — the complaint spike the demo's
warning rule (risk/demo_warnings.py, run after this by seed_demo) trips on, in 杭州 alone.

Everything goes through the services with dates relative to `today`; the escalation through the job itself.
Idempotent: does nothing when any complaint exists. After the customers, the channel archive and the products."""

from datetime import timedelta

from django.utils import timezone

from approvals.calendar import is_working_day
from channels.models import Channel
from core.rights import SYSTEM
from customers.choices import CustomerStatus
from customers.models import Customer, Product
from relations import services
from relations.models import Complaint

DISTRICTS = ("330100", "440100")
# (days ago received, kind, severity, cause, description, what happened: None (open), "step", "result", "closed",
# "reopened"; days after receipt of the step / result / close)
PLAN = [
    (1, "product", "medium", "fees", "客户反映赎回时被收取的手续费高于产品说明书所列标准。", None),
    (2, "channel", "high", "service", "客户在合作银行网点办理申购时，柜员态度冷淡、解释不清。", "step"),
    (3, "product", "low", "disclosure", "客户称定期报告中未说明本季度收益下降的原因。", None),
    (4, "product", "critical", "system", "客户赎回款项超过约定时间三天仍未到账。", "step"),
    (6, "channel", "medium", "misselling", "客户称渠道销售人员承诺保本保收益，与合同不符。", "result"),
    (8, "product", "high", "quality", "产品净值波动超出风险等级说明的范围，客户要求解释。", None),
    (9, "product", "medium", "delay", "客户提交的转换申请迟迟未处理。", "step"),
    (12, "channel", "low", "service", "渠道客服电话长时间无人接听。", None),
    (14, "product", "medium", "fees", "管理费计提方式与客户理解不一致。", "closed"),
    (15, "product", "low", "disclosure", "客户未收到上月对账单。", "closed"),
    (18, "channel", "high", "misselling", "渠道将高风险产品推荐给保守型客户。", "closed"),
    (20, "product", "critical", "system", "网上交易系统故障导致客户无法按时赎回。", "closed"),
    (22, "product", "medium", "quality", "客户认为产品实际收益率远低于宣传材料。", "reopened"),
    (25, "channel", "medium", "delay", "渠道代客户提交的资料遗失，需重新办理。", "closed"),
    (28, "product", "low", "other", "客户建议增加微信端查询功能，并对现有流程表示不满。", "closed"),
    (33, "product", "high", "fees", "提前赎回违约金计算有误。", "closed"),
]
# The wave in 杭州 (days ago received, severity, cause, description, what happened).
BURST = [
    (0, "high", "system", "系统升级后赎回款项延迟到账，客户多次来电催问。", None),
    (0, "medium", "delay", "赎回申请提交两天后仍显示处理中。", None),
    (1, "critical", "system", "客户急需资金周转，赎回款项延迟到账造成损失。", "step"),
    (1, "medium", "system", "网上交易系统升级后无法查询赎回进度。", None),
    (2, "high", "delay", "赎回款项较约定时间晚到账两天。", "step"),
    (3, "medium", "system", "系统升级后多次登录网上交易系统失败。", "result"),
    (3, "low", "service", "客服热线排队时间过长，无法说明赎回延迟的原因。", None),
    (4, "medium", "delay", "定投扣款与赎回同时延迟，客户要求书面解释。", "step"),
]
BURST_DISTRICT = "330100"


def _customers():
    rows = Customer.objects.unscoped().filter(status=CustomerStatus.ACTIVE).select_related("district", "salesperson")
    by_district = {code: list(rows.filter(district__code=code).order_by("-is_key", "pk")[:8]) for code in DISTRICTS}
    others = list(rows.exclude(district__code__in=DISTRICTS).order_by("district__code", "pk")[:6])
    return by_district, others


def _channel_for(customer, channels):
    """A channel of the customer's district (the caller's scope is the system's: any channel there)."""
    return next((c for c in channels if c.unit_id == customer.district_id), None)


def load_demo_complaints(*, today=None):
    """Load the demo complaints and run the escalation job for the last working days; returns counts. Idempotent."""
    counts = {"complaints": 0, "closed": 0, "escalations": 0}
    if Complaint.objects.exists():
        return counts
    today = min(today or timezone.localdate(), timezone.localdate())
    products = list(Product.objects.filter(is_active=True).order_by("code")[:6])
    by_district, others = _customers()
    customers = [c for code in DISTRICTS for c in by_district[code]] + others
    if not products or not customers:
        return counts
    channels = list(Channel.objects.unscoped().filter(unit__in={c.district_id for c in customers}).order_by("pk"))
    n = 0
    for round_ in range(2):  # twice over the plan: each district gets a believable number
        for days_ago, kind, severity, cause, text, fate in PLAN:
            customer = customers[n % len(customers)]
            n += 1
            channel = _channel_for(customer, channels) if kind == "channel" else None
            if kind == "channel" and channel is None:
                kind = "product"
            received = today - timedelta(days=days_ago + 3 * round_)
            complaint = services.complaint_create(
                by=SYSTEM,
                kind=kind,
                severity=severity,
                cause=cause,
                customer=customer,
                product=products[n % len(products)] if kind == "product" else None,
                channel=channel,
                description=text,
                received_on=received,
            )
            counts["complaints"] += 1
            _handle(complaint, fate, received, today)
    wave = by_district[BURST_DISTRICT]
    for i, (days_ago, severity, cause, text, fate) in enumerate(BURST if wave else ()):
        received = today - timedelta(days=days_ago)
        complaint = services.complaint_create(
            by=SYSTEM,
            kind="product",
            severity=severity,
            cause=cause,
            customer=wave[i % len(wave)],
            product=products[0],
            description=text,
            received_on=received,
        )
        counts["complaints"] += 1
        _handle(complaint, fate, received, today)
    counts["closed"] = Complaint.objects.unscoped().filter(state="closed").count()
    # The escalation job, as it ran on each of the last five days (it skips days off by itself).
    for back in range(5, -1, -1):
        day = today - timedelta(days=back)
        if is_working_day(day):
            counts["escalations"] += services.complaints_escalate(today=day, by=SYSTEM)
    return counts


def _handle(complaint, fate, received, today):
    if fate is None:
        return
    step_day = min(received + timedelta(days=1), today)
    services.complaint_step_add(by=SYSTEM, complaint=complaint, note="已电话联系客户，了解投诉经过并做好记录。", on=step_day)
    if fate == "step":
        return
    result_day = min(received + timedelta(days=3), today)
    services.complaint_resolve(
        by=SYSTEM, complaint=complaint, result="经核实，已向客户说明情况并按规定予以更正或补偿。", on=result_day
    )
    if fate == "result":
        return
    close_day = min(result_day + timedelta(days=2), today)
    services.complaint_close(by=SYSTEM, complaint=complaint, confirmation="satisfied", note="客户确认满意。", on=close_day)
    if fate == "reopened":
        services.complaint_reopen(by=SYSTEM, complaint=complaint, reason="客户再次来电，对处理结果不满意。")
