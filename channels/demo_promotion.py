"""Demo promotion (推广, issue 17): a catalogue of promotional materials, their flow down the tree — bought into the
center's stock, dispatched to 华东 and on to 杭州, received —, a 杭州 requirement plan approved by the center, and
promotion events: a product briefing in 杭州 three weeks ago with guests (customers and a channel), leads (one
became a customer), an expense, materials used and sales attributed to it; a salon in 广州 last month; a conference
in 杭州 next week with its invitations out.

Everything goes through the services and the approval mechanism, with dates relative to `today`, as the people
whose job it is (the center buys and dispatches to regions, the region to its districts, the district holds its
events). Once: nothing is loaded when the catalogue has items (a second run returns zeros). After the channels and
the ledger (guests, attributed invoices).
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from approvals.demo import approve_through
from approvals.selectors import latest_request
from channels import services
from channels.models import Channel, MaterialItem
from channels.services.promotion import attribution_window
from core.periods import Period
from core.rights import SYSTEM
from customers.choices import CustomerStatus, InvoiceStatus
from customers.models import Customer, Invoice
from regions.models import OrgUnit, StaffProfile

CATALOGUE = [
    ("PM-001", "产品宣传册", "本", "12.50"),
    ("PM-002", "易拉宝展架", "套", "180.00"),
    ("PM-003", "定制礼品U盘", "个", "45.00"),
    ("PM-004", "会议手提袋", "个", "8.00"),
]


def _user(username):
    profile = StaffProfile.objects.filter(user__username=username, is_active=True).select_related("user").first()
    return profile.user if profile is not None else SYSTEM


def _unit(code):
    return OrgUnit.objects.get(code=code)


def _guests(district, count):
    """Active customers of the district with invoices, the most recently invoiced first."""
    ids = (
        Invoice.objects.unscoped()
        .filter(district=district, customer__status=CustomerStatus.ACTIVE)
        .exclude(status=InvoiceStatus.CANCELLED)
        .order_by("-issue_date", "-id")
        .values_list("customer_id", flat=True)
    )
    seen = []
    for pk in ids.iterator():
        if pk not in seen:
            seen.append(pk)
        if len(seen) == count:
            break
    return list(Customer.objects.filter(pk__in=seen).order_by("pk"))


def _materials(today, items):
    """The flow of materials: bought into the center, dispatched to 华东 and 杭州, received; a 杭州 plan approved."""
    center, rm, dm = _user("center"), _user("rm_east"), _user("dm_hangzhou")
    hq, east, hangzhou = _unit("HQ"), _unit("HD"), _unit("330100")
    for item, quantity in zip(items, (2000, 120, 500, 1500), strict=True):
        services.material_receive(
            by=center, unit=hq, item=item, quantity=quantity, on=today - timedelta(days=60), note="年度采购"
        )
    plan = services.material_request_create(
        by=dm,
        unit=hangzhou,
        period=str(Period.parse(f"{today.year}-Q{(today.month - 1) // 3 + 1}")),
        title="杭州地办本季度推广用品需求计划",
        lines=[
            {"item": items[0].pk, "quantity": 300, "purpose": "产品说明会及日常拜访"},
            {"item": items[1].pk, "quantity": 4, "purpose": "说明会会场布置"},
            {"item": items[3].pk, "quantity": 200, "purpose": "客户答谢"},
        ],
    )
    services.material_request_submit(by=dm, request=plan)
    approve_through(latest_request(plan), comment="同意，准予备案")
    moved = 0
    for item, to_region, to_district in zip(items, (800, 40, 200, 600), (300, 4, 50, 200), strict=True):
        sent = services.material_dispatch(
            by=center, from_unit=hq, to_unit=east, item=item, quantity=to_region, on=today - timedelta(days=45)
        )
        services.material_dispatch_receive(by=rm, dispatch=sent, on=today - timedelta(days=43))
        onward = services.material_dispatch(
            by=rm, from_unit=east, to_unit=hangzhou, item=item, quantity=to_district, on=today - timedelta(days=35)
        )
        services.material_dispatch_receive(by=dm, dispatch=onward, on=today - timedelta(days=33))
        moved += 2
    return moved


def _briefing(today, items):
    """The 杭州 product briefing three weeks ago: guests, leads (one became a customer), an expense, materials used
    and the guests' sales since, attributed."""
    dm = _user("dm_hangzhou")
    hangzhou = _unit("330100")
    day = today - timedelta(days=21)
    event = services.promotion_event_create(
        by=dm,
        kind="briefing",
        title="稳健理财系列产品说明会（杭州站）",
        unit=hangzhou,
        starts_on=day,
        ends_on=day,
        place="杭州市西湖区某酒店多功能厅",
        note="邀请重点客户及合作银行理财经理参加。",
    )
    guests = _guests(hangzhou, 4)
    for index, customer in enumerate(guests):
        services.promotion_participant_add(by=dm, event=event, customer=customer, attended=index < 3)
    channel = Channel.objects.filter(unit=hangzhou, state__in=("contracted", "active")).order_by("pk").first()
    if channel is not None:
        services.promotion_participant_add(by=dm, event=event, channel=channel, attended=True)
    leads = [
        services.promotion_lead_capture(by=dm, event=event, name=name, contact=contact)
        for name, contact in (("周先生", "138****1021"), ("吴女士", "139****7788"), ("郑总", "137****3456"))
    ]
    # A lead that became a customer: one of the district's customers that did not come (its archive opened since).
    newcomer = Customer.objects.filter(district=hangzhou, status=CustomerStatus.ACTIVE).exclude(pk__in=[g.pk for g in guests[:3]])
    newcomer = newcomer.order_by("-pk").first()
    if newcomer is not None:
        services.promotion_lead_convert(by=dm, lead=leads[0], customer=newcomer, on=day + timedelta(days=3))
    services.promotion_expense_record(by=dm, event=event, amount="8600.00", spent_on=day, description="场地租赁及茶歇")
    services.material_consume(by=dm, event=event, item=items[0], quantity=120, on=day)
    services.material_consume(by=dm, event=event, item=items[1], quantity=2, on=day)
    first, last = attribution_window(event)
    buyers = [customer.pk for customer in guests[:3]] + ([newcomer.pk] if newcomer is not None else [])
    sales = Invoice.objects.filter(customer_id__in=buyers, issue_date__range=(first, min(last, today))).exclude(
        status=InvoiceStatus.CANCELLED
    )
    attributed = 0
    for invoice in sales.order_by("issue_date", "id")[:6]:
        services.promotion_sale_attribute(by=dm, event=event, invoice=invoice)
        attributed += 1
    return event, attributed


@transaction.atomic
def load_demo_promotion(*, today=None):
    """See the module's docstring; returns counts."""
    today = today or timezone.localdate()
    if MaterialItem.objects.exists():
        return {"items": 0, "dispatches": 0, "events": 0, "attributed": 0}
    center = _user("center")
    items = [
        services.material_item_create(by=center, code=code, name=name, uom=uom, unit_cost=cost)
        for code, name, uom, cost in CATALOGUE
    ]
    dispatches = _materials(today, items)
    _event, attributed = _briefing(today, items)
    events = 1
    guangzhou = OrgUnit.objects.filter(code="440100").first()
    dm_south = _user("dm_guangzhou")
    if guangzhou is not None and dm_south is not SYSTEM:
        salon_day = today - timedelta(days=40)
        salon = services.promotion_event_create(
            by=dm_south,
            kind="salon",
            title="高净值客户财富沙龙（广州）",
            unit=guangzhou,
            starts_on=salon_day,
            ends_on=salon_day,
            place="广州市天河区",
        )
        for customer in _guests(guangzhou, 3):
            services.promotion_participant_add(by=dm_south, event=salon, customer=customer, attended=True)
        services.promotion_lead_capture(by=dm_south, event=salon, name="陈女士", contact="135****6612")
        events += 1
    dm = _user("dm_hangzhou")
    coming = services.promotion_event_create(
        by=dm,
        kind="conference",
        title="年度客户答谢暨新产品发布会",
        unit=_unit("330100"),
        starts_on=today + timedelta(days=7),
        ends_on=today + timedelta(days=8),
        place="杭州国际博览中心",
    )
    for customer in _guests(_unit("330100"), 6):
        services.promotion_participant_add(by=dm, event=coming, customer=customer)
    events += 1
    return {"items": len(items), "dispatches": dispatches, "events": events, "attributed": attributed}
