"""Demo visits (客户走访): the visit rules, and six months of visits by the demo's sales staff to their customers —
key customers about monthly, the others every two or three months —, some customers left overdue, a few
visits planned this week and next, and a few recent visits with a next step (each its visitor's task).

Written through the services as the system (visits_write_many: checked like any visit, one COPY), so each
customer's kept last visit is right. Idempotent: a second load adds nothing (the demo's external ids)."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core.rights import SYSTEM
from customers.choices import CustomerStatus
from customers.models import Customer
from relations.models.visits import Visit, VisitKind, VisitRule, VisitSegment
from relations.selectors.visits import DEFAULT_INTERVALS
from relations.services import visits as services

PREFIX = "DEMO-V-"
DAYS = 183
NOTES = [
    "介绍新推出的理财产品",
    "回访上季度合作情况",
    "了解年度资金安排",
    "商谈明年合作方案",
    "处理服务中的问题",
    "催收到期应收款",
]
NEEDS = ["短期流动性管理", "供应链融资", "跨境结算", "员工年金计划", "闲置资金理财", ""]
COMPETITORS = ["工商银行", "招商证券", "平安保险", "某互联网平台", "", ""]
NEXT_STEPS = ["寄送产品方案", "安排总经理拜访", "提交报价", "约财务总监面谈"]
KINDS = [VisitKind.VISIT, VisitKind.VISIT, VisitKind.PHONE, VisitKind.MEETING, VisitKind.VIDEO]


@transaction.atomic
def load_demo_visits(today=None):
    """Load the demo's visit rules and visits; returns how many visits it wrote."""
    today = today or timezone.localdate()
    for segment in VisitSegment:
        if not VisitRule.objects.filter(segment=segment, customer_kind="").exists():
            services.visit_rule_set(by=SYSTEM, segment=segment, interval_days=DEFAULT_INTERVALS[segment])
    if Visit.objects.filter(external_id__startswith=PREFIX).exists():
        return 0
    rng = random.Random(18)
    customers = list(
        Customer.objects.unscoped()
        .filter(status=CustomerStatus.ACTIVE, salesperson__isnull=False, salesperson__is_active=True)
        .select_related("district", "salesperson__unit")
        .order_by("pk")
    )
    creates, n = [], 0
    recent = []
    for customer in customers:
        # One customer in six is left without a visit for a while: overdue on the plan and in the worklist.
        neglected = rng.random() < 0.17
        gap = (25, 38) if customer.is_key else (45, 90)
        day = today - timedelta(days=rng.randint(0, gap[1]) + (70 if neglected else 0))
        while (today - day).days <= DAYS:
            n += 1
            creates.append(
                services.visit_prepare_new(
                    by=SYSTEM,
                    values={
                        "customer": customer,
                        "on": day,
                        "kind": rng.choice(KINDS),
                        "notes": rng.choice(NOTES),
                        "needs": rng.choice(NEEDS),
                        "competitors": rng.choice(COMPETITORS),
                        "external_id": f"{PREFIX}{n:06d}",
                    },
                    today=today,
                    external_id_checked=True,
                )
            )
            if (today - day).days <= 10:
                recent.append(customer)
            day -= timedelta(days=rng.randint(*gap))
    services.visits_write_many(by=SYSTEM, creates=creates, updates=[])
    # A few visits planned this week and next, and a few just made with a next step (the visitor's task).
    for customer in customers[::9][:12]:
        n += 1
        services.visit_record(
            by=SYSTEM,
            customer=customer,
            state="planned",
            on=today + timedelta(days=rng.randint(1, 9)),
            notes="计划拜访：" + rng.choice(NOTES),
            external_id=f"{PREFIX}{n:06d}",
        )
    for customer in recent[:8]:
        n += 1
        services.visit_record(
            by=SYSTEM,
            customer=customer,
            on=today,
            kind=VisitKind.PHONE,
            notes=rng.choice(NOTES),
            needs=rng.choice(NEEDS),
            next_step=rng.choice(NEXT_STEPS),
            next_on=today + timedelta(days=rng.randint(3, 14)),
            external_id=f"{PREFIX}{n:06d}",
        )
    return n
