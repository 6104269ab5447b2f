"""Demo key customers, their long-term plans and suggestions (issue 18).

In the logins' districts (杭州, 广州; other districts when they hold too few customers): three customers are
designated key customers by their district or regional manager with a reason, one formerly key customer is
undesignated; each of the three has a long-term plan over last year … next year with objectives (this year's
sales and collections, the number of products held, a satisfaction score stated by the reviewer), two actions given
to its salesperson as tasks, and reviews of the two quarters before today's, their actuals read from the demo
ledger. Six suggestions from salespeople and managers: two open, three answered, one closed.

Everything goes through the services as the people who would do it, dates relative to `today`. Idempotent: does
nothing when any decision exists. After the customers (and their ledger) and the workflow demo."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from core.periods import QUARTER, Period
from core.rights import SYSTEM
from core.roles import Role, staff_of
from customers.choices import CustomerStatus
from customers.models import Customer, Product
from regions.models import OrgUnit, StaffProfile
from relations import services
from relations.models import KeyCustomerDecision

DISTRICTS = ("330100", "440100")

DESIGNATIONS = [
    "年交易额居本区前列，合作稳定，具备长期深度合作潜力。",
    "新拓展的战略客户，集团内多家子公司有理财需求。",
    "回款记录良好，已签署年度框架协议，列为重点维护对象。",
]
UNDESIGNATION = "近两年交易额明显下降，业务重心转移，转为普通客户维护。"

SUGGESTIONS = [
    ("rep", "product", "稳健理财起购金额过高", "不少个人客户反映 5 万元起购门槛偏高，建议推出 1 万元起购的份额。", "answered"),
    ("rep", "channel", "银行渠道返佣结算慢", "合作银行反映返佣按季度结算太慢，影响网点积极性，建议改为按月结算。", "closed"),
    ("rep", "service", "客户回访话术需要统一", "各业务员回访话术不一，建议中心统一回访模板和常见问题解答。", "open"),
    ("dm", "system", "报表导出速度慢", "月底导出区域应收明细经常要等很久，建议优化或提供定时推送。", "answered"),
    ("dm", "market", "竞品降低管理费率", "本地某券商理财产品管理费率下调 0.2 个百分点，建议评估我司定价。", "open"),
    ("pm", "process", "费用报销审批环节较多", "小额推广费用也要走三级审批，建议 2000 元以下由区域经理终审。", "answered"),
]
ANSWERS = {
    "稳健理财起购金额过高": "已反馈产品部，计划下季度推出 1 万元起购的稳健系列份额。",
    "银行渠道返佣结算慢": "中心同意自下月起对合作银行改为按月结算返佣。",
    "报表导出速度慢": "已安排技术部门优化，月底前提供按日定时推送功能。",
    "费用报销审批环节较多": "已提交发展中心讨论，拟调整小额费用审批权限。",
}


def _person(unit, role):
    return StaffProfile.objects.filter(unit=unit, role=role, is_active=True, user__isnull=False).select_related("user").first()


def _decider(customer):
    """The customer's district manager, else the nearest manager above with a login."""
    for unit in [customer.district, *reversed(list(customer.district.ancestors()))]:
        for role in (Role.DISTRICT_MANAGER, Role.PROVINCIAL_MANAGER, Role.REGIONAL_MANAGER):
            person = _person(unit, role)
            if person is not None:
                return person.user
    return SYSTEM


def _customers():
    rows = Customer.objects.unscoped().filter(status=CustomerStatus.ACTIVE).select_related("district", "salesperson")
    chosen = list(rows.filter(district__code__in=DISTRICTS, is_key=False).order_by("district__code", "pk")[:3])
    if len(chosen) < 3:
        chosen += list(rows.filter(is_key=False).exclude(pk__in=[c.pk for c in chosen]).order_by("pk")[: 3 - len(chosen)])
    former = rows.filter(is_key=True).exclude(pk__in=[c.pk for c in chosen])
    former = former.filter(district__code__in=DISTRICTS).first() or former.order_by("pk").first()
    return chosen, former


def _quarters_before(today, n):
    quarter = Period.of(today, QUARTER)
    out = []
    for _ in range(n):
        quarter = quarter.previous()
        out.append(quarter)
    return list(reversed(out))


@transaction.atomic
def load_demo_keycust(today=None):
    today = today or timezone.localdate()
    if KeyCustomerDecision.objects.exists():
        return {}
    chosen, former = _customers()
    counts = {"key_customers": 0, "plans": 0, "objectives": 0, "actions": 0, "reviews": 0, "suggestions": 0}
    term = (date(today.year - 1, 1, 1), date(today.year + 1, 12, 31))
    this_year = (date(today.year, 1, 1), date(today.year, 12, 31))
    product_count = max(1, min(3, Product.objects.filter(is_active=True).count()))
    for n, customer in enumerate(chosen):
        by = _decider(customer)
        services.key_customer_designate(by=by, customer=customer, reason=DESIGNATIONS[n], on=today - timedelta(days=200 - 30 * n))
        counts["key_customers"] += 1
        plan = services.key_plan_create(
            by=by,
            customer=customer,
            title=f"{customer.name} {term[0].year}–{term[1].year} 年合作规划",
            starts_on=term[0],
            ends_on=term[1],
            summary="巩固现有理财业务份额，扩大产品覆盖，保持回款节奏。",
        )
        counts["plans"] += 1
        objectives = [
            services.key_plan_objective_add(
                by=by,
                plan=plan,
                title=f"{today.year} 年销售额 {(n + 2) * 50} 万元",
                metric="sales",
                target=str((n + 2) * 500_000),
                starts_on=this_year[0],
                due_on=this_year[1],
            ),
            services.key_plan_objective_add(
                by=by,
                plan=plan,
                title=f"{today.year} 年回款 {(n + 2) * 40} 万元",
                metric="collections",
                target=str((n + 2) * 400_000),
                starts_on=this_year[0],
                due_on=this_year[1],
            ),
            services.key_plan_objective_add(
                by=by,
                plan=plan,
                title=f"持有产品达到 {product_count} 种",
                metric="products_held",
                target=str(product_count),
                due_on=term[1],
            ),
            services.key_plan_objective_add(
                by=by,
                plan=plan,
                title="客户满意度不低于 90 分",
                metric="manual",
                target="90",
                unit_label="分",
                due_on=term[1],
            ),
        ]
        counts["objectives"] += len(objectives)
        owner = customer.salesperson if customer.salesperson_id and customer.salesperson.is_active else None
        owner = owner or StaffProfile.objects.filter(unit=customer.district, is_active=True).order_by("pk").first()
        if owner is not None:
            for title, days, objective in (
                ("季度高层拜访，沟通下半年配置需求", 21, objectives[0]),
                ("推介新产品并安排路演", 45, objectives[2]),
            ):
                services.key_plan_action_add(
                    by=by,
                    plan=plan,
                    title=title,
                    owner=owner,
                    due_on=min(today + timedelta(days=days), term[1]),
                    objective=objective,
                )
                counts["actions"] += 1
        for k, quarter in enumerate(_quarters_before(today, 2)):
            if quarter.end < term[0]:
                continue
            services.key_plan_review_write(
                by=by,
                plan=plan,
                period=str(quarter),
                rating=("on_track", "at_risk", "on_track")[(n + k) % 3],
                assessment="销售进度基本符合计划，回款略慢于预期，下季度加强对账与催收。"
                if k == 0
                else "本季度新增一款产品，客户反馈良好；继续跟进集团其他子公司需求。",
                stated={objectives[3].pk: str(86 + n + k)},
                on=min(quarter.end + timedelta(days=10), today),
            )
            counts["reviews"] += 1
    if former is not None:
        services.key_customer_undesignate(
            by=_decider(former), customer=former, reason=UNDESIGNATION, on=today - timedelta(days=20)
        )
    counts.update(_suggestions())
    return counts


def _suggestions():
    made = 0
    for code in DISTRICTS:
        district = OrgUnit.objects.filter(code=code).first()
        if district is None:
            continue
        people = {
            "rep": StaffProfile.objects.filter(unit=district, role=Role.SALES_REP, is_active=True, user__isnull=False).first(),
            "dm": _person(district, Role.DISTRICT_MANAGER),
            "pm": _person(district.parent, Role.PROVINCIAL_MANAGER) if district.parent_id else None,
        }
        center = StaffProfile.objects.filter(role=Role.DIRECTOR, is_active=True, user__isnull=False).first()
        for who, topic, title, text, state in SUGGESTIONS[: 3 if code != DISTRICTS[0] else None]:
            author = people.get(who)
            if author is None:
                continue
            suggestion = services.suggestion_create(by=author.user, topic=topic, title=title, text=text)
            made += 1
            if state in ("answered", "closed"):
                responder = people["pm"] if who != "pm" and people["pm"] is not None else center
                by = responder.user if responder is not None and staff_of(responder.user) is not None else SYSTEM
                services.suggestion_answer(by=by, suggestion=suggestion, response=ANSWERS[title])
                if state == "closed":
                    services.suggestion_close(by=author.user, suggestion=suggestion)
    return {"suggestions": made}
