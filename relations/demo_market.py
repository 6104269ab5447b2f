"""Demo market intelligence (市场信息, issue 18): about forty reports written over the last four months by the sales
staff and managers of the staffed districts in several regions — competitors' rate cuts and rises, rebate policies
towards channels, demand signals, a market incident — tagged, with sources and reliability A–D, through the service
(as SYSTEM naming the author). Deterministic (a fixed seed) and once: nothing is loaded when a report exists (a
second run returns zero). The raising of one as a special event and the monthly market-information report are
loaded by reports.demo_market (relations never imports risk or reports)."""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.rights import SYSTEM
from core.roles import Role
from customers.models import Product
from regions.choices import UnitKind
from regions.models import StaffProfile
from relations.choices_market import DemandSignal, MarketReportKind, MarketSource, Reliability
from relations.models.market import MarketReport
from relations.services.market import market_report_create

COMPETITORS = ["华信金融", "中诚理财", "安盛财富", "汇通资本", "鼎元信托"]
TAGS = ["降息", "渠道返利", "新品发布", "价格战", "客户流失", "监管", "线上获客", "高净值客户"]
# (kind, title template, policy, demand signal or "", price change range or None, source, tags)
TEMPLATES = [
    (MarketReportKind.PRICE, "{c}下调{p}同类产品费率", "", "", (-8, -1), MarketSource.VISIT, ["降息", "价格战"]),
    (MarketReportKind.PRICE, "{c}上调{p}同类产品价格", "", "", (1, 6), MarketSource.CHANNEL, []),
    (
        MarketReportKind.POLICY,
        "{c}对代理渠道提高返利",
        "返利由 1.5% 提高到 2.5%，季度结算",
        "",
        None,
        MarketSource.CHANNEL,
        ["渠道返利"],
    ),
    (MarketReportKind.COMPETITOR, "{c}在本地新设营业网点", "开业首月赠送理财体验金", "", None, MarketSource.PUBLIC, ["线上获客"]),
    (
        MarketReportKind.COMPETITOR,
        "{c}推出与{p}竞争的新品",
        "首发期限时优惠",
        "",
        (-3, -1),
        MarketSource.EXHIBITION,
        ["新品发布"],
    ),
    (MarketReportKind.DEMAND, "客户对{p}的需求上升", "", DemandSignal.RISING, None, MarketSource.VISIT, ["高净值客户"]),
    (MarketReportKind.DEMAND, "企业客户对{p}的需求放缓", "", DemandSignal.FALLING, None, MarketSource.VISIT, ["客户流失"]),
]
MORE = "据客户反映，{c}近期在本区域加大推广力度，部分老客户已被接触，需重点跟进。"


def _authors():
    """Sales staff and district managers of the staffed districts, a few per region."""
    people = list(
        StaffProfile.objects.filter(
            is_active=True, role__in=[Role.SALES_REP, Role.DISTRICT_MANAGER], unit__kind=UnitKind.DISTRICT
        )
        .select_related("unit")
        .order_by("unit__path", "pk")
    )
    by_region = {}
    for person in people:
        region_key = person.unit.path.strip("/").split("/")[:2]
        by_region.setdefault(tuple(region_key), []).append(person)
    return [person for group in by_region.values() for person in group[:6]]


@transaction.atomic
def load_demo_market(today=None, *, count=40):
    today = today or timezone.localdate()
    if MarketReport.objects.unscoped().exists():
        return {"market_reports": 0}
    authors = _authors()
    products = list(Product.objects.filter(is_active=True).order_by("code")[:6])
    if not authors or not products:
        return {"market_reports": 0}
    rng = random.Random(18)
    made = 0
    for n in range(count):
        kind, title, policy, demand, change_range, source, tags = TEMPLATES[n % len(TEMPLATES)]
        author = authors[(n * 7) % len(authors)]
        competitor = COMPETITORS[rng.randrange(len(COMPETITORS))]
        product = products[rng.randrange(len(products))]
        change = None
        if change_range is not None:
            change = Decimal(rng.randint(change_range[0] * 100, change_range[1] * 100)) / 100
        observed_on = today - timedelta(days=rng.randint(1, 120))
        market_report_create(
            by=SYSTEM,
            reporter=author,
            unit=author.unit,
            kind=kind,
            title=title.format(c=competitor, p=product.name),
            description=MORE.format(c=competitor),
            observed_on=observed_on,
            competitor=competitor if kind != MarketReportKind.DEMAND else "",
            competitor_product=f"{competitor}{product.category or '同类产品'}" if change is not None else "",
            product=product,
            price_level=Decimal(rng.randint(8000, 30000)) / 100 if change is not None else None,
            price_change=change,
            policy=policy,
            demand_signal=demand,
            source=source,
            source_note="客户经理面谈" if source == MarketSource.VISIT else "",
            reliability=Reliability.values[rng.randrange(4)],
            is_major=change is not None and change <= Decimal("-6"),
            tags=[*tags, *([TAGS[rng.randrange(len(TAGS))]] if n % 3 == 0 else [])],
        )
        made += 1
    # A market incident (市场突发事件) last month in the first author's district: raised by reports.demo_market.
    first = authors[0]
    last_month_day = today.replace(day=1) - timedelta(days=10)
    market_report_create(
        by=SYSTEM,
        reporter=first,
        unit=first.unit,
        kind=MarketReportKind.INCIDENT,
        title=f"{COMPETITORS[0]}大幅降价抢夺重点客户",
        description=f"{COMPETITORS[0]}对本地三家重点客户报出低于成本的价格，两家客户已要求我方重新报价。",
        observed_on=last_month_day,
        competitor=COMPETITORS[0],
        product=products[0],
        price_level=Decimal("88.00"),
        price_change=Decimal("-15.00"),
        source=MarketSource.VISIT,
        source_note="重点客户财务总监",
        reliability=Reliability.A,
        is_major=True,
        tags=["价格战", "客户流失"],
    )
    return {"market_reports": made + 1}
