"""Demo sales ledger: products, ~2,000 customers, 24 months of invoices and payments, collection plans.

Deterministic (fixed seed) for a given "today". About half the customers were customers before the
24 months (their first invoice is in the month before them); the others join one by one over the 24
months, each with its first invoice in the month it joins — so "new customers" (customers whose first
invoice is in the period, plans.selectors) is a believable few dozen a month, and each customer's
archive date (`created_at`) is the day of its first invoice, not the moment the demo was loaded. The facts are written with bulk_create for speed —
bypassing the services on purpose — so the generator itself keeps the ledger's invariants:
an allocation never exceeds what is still open on its invoice, a payment never allocates more than
it is, an invoice is `paid` exactly when fully allocated, a cancelled invoice has no allocations,
and nothing is dated after today. Seasonality: strong in March, June and December (quarter and year
closes), weak in February (Spring Festival), with a gentle growth trend. Most customers pay around
the due date, some pay late, a few bad payers stop paying altogether, and a tail stays overdue.
"""

import calendar
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core.money import ZERO, money
from core.roles import Role
from customers.choices import CollectionPlanStatus, CustomerKind, CustomerStatus, InvoiceStatus, PaymentMethod
from customers.models import (
    Allocation,
    CollectionPlan,
    CollectionPlanLine,
    Contact,
    Customer,
    FollowUp,
    Invoice,
    InvoiceLine,
    Payment,
    Product,
    ProductPrice,
)
from customers.services import open_balances_refresh
from customers.validators import CREDIT_CODE_CHARSET, credit_code_check_character, pinyin_initials
from regions.demo import STAFFED_PROVINCES, DemoNames
from regions.models import OrgUnit, StaffProfile

SEED = 20260301
DEMO_PREFIX = "DEMO-"
# The share of customers who were customers before the demo's months; the rest join over them.
EXISTING_SHARE = 0.55
MONTHS_SPREAD = 24

# (code, name, English name, category, unit price a year ago, unit price now)
PRODUCTS = [
    ("EA01", "企业年金计划", "Enterprise annuity plan", "养老金", "10000.00", "10000.00"),
    ("MM01", "货币市场基金", "Money market fund", "基金", "1000.00", "1000.00"),
    ("BF01", "债券基金", "Bond fund", "基金", "1000.00", "1050.00"),
    ("TR01", "信托计划", "Trust plan", "信托", "100000.00", "100000.00"),
    ("IN01", "保险理财", "Insurance wealth management", "保险", "5000.00", "5200.00"),
    ("BL01", "票据业务", "Bill business", "票据", "10000.00", "10000.00"),
    ("SC01", "供应链金融", "Supply chain finance", "融资", "50000.00", "50000.00"),
    ("SD01", "结构性存款", "Structured deposit", "存款", "10000.00", "10000.00"),
]

# Invoicing intensity by calendar month: quarter and year ends high, Spring Festival (February) low.
SEASON = {1: 0.85, 2: 0.45, 3: 1.3, 4: 0.9, 5: 0.95, 6: 1.35, 7: 0.85, 8: 0.85, 9: 1.15, 10: 0.9, 11: 1.1, 12: 1.5}

BRANDS = "恒泰华鑫盛达宏远金信永安通瑞丰源汇德隆兴新润嘉禾中天长城博远万昌明启航宇星辰锦程海川龙腾鼎立亿和众诚汉唐"
# (name word, industry)
TRADES = [
    ("科技", "信息技术"),
    ("信息技术", "信息技术"),
    ("机械制造", "制造业"),
    ("电子", "制造业"),
    ("食品", "制造业"),
    ("贸易", "批发零售"),
    ("商贸", "批发零售"),
    ("建设工程", "建筑业"),
    ("医药", "医药卫生"),
    ("新能源", "能源"),
    ("物流", "交通物流"),
    ("置业", "房地产"),
    ("农业发展", "农业"),
    ("文化传媒", "文化传媒"),
]
SUFFIXES = ["有限公司", "有限公司", "有限公司", "股份有限公司", "集团有限公司"]
INSTITUTIONS = [
    ("第一人民医院", "医疗卫生"),
    ("中医院", "医疗卫生"),
    ("职业技术学院", "教育"),
    ("第二中学", "教育"),
    ("科学技术研究院", "科研"),
    ("广播电视台", "文化传媒"),
    ("城市建设投资中心", "公共事业"),
    ("水务管理中心", "公共事业"),
]
ROADS = "解放中山人民建设和平新华胜利文化长江黄河东风光明朝阳滨江"
FOLLOW_UP_NOTES = [
    "电话催收，客户承诺月底前付款。",
    "上门拜访财务负责人，确认欠款金额。",
    "发送对账单，客户已盖章确认。",
    "客户资金紧张，申请分两期付款。",
    "客户付款审批流程中，预计下周到账。",
]


@dataclass
class _Inv:
    customer: Customer
    issue_date: date
    due_date: date
    product: Product
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    cancelled: bool = False
    allocated: Decimal = ZERO
    obj: Invoice = None

    @property
    def open(self):
        return ZERO if self.cancelled else self.amount - self.allocated


@dataclass
class _Pay:
    customer: Customer
    received_on: date
    amount: Decimal
    method: str
    allocations: list = field(default_factory=list)  # [(_Inv, amount)]


def _months_back(today, months):
    """First days of the last `months` calendar months, oldest first, ending with today's month."""
    year, month = today.year, today.month
    firsts = []
    for _ in range(months):
        firsts.append(date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(firsts))


def _credit_code(rng, prefix, area_code, used):
    while True:
        body = prefix + area_code + "".join(rng.choice(CREDIT_CODE_CHARSET) for _ in range(9))
        code = body + credit_code_check_character(body)
        if code not in used:
            used.add(code)
            return code


def _load_products(today):
    products = []
    year_ago = date(today.year - 2, 1, 1)
    this_year = date(today.year, 1, 1)
    for code, name, name_en, category, old_price, new_price in PRODUCTS:
        product, created = Product.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "category": category}
        )
        if created:
            ProductPrice.objects.create(product=product, price=Decimal(old_price), effective_from=year_ago)
            if new_price != old_price:
                ProductPrice.objects.create(product=product, price=Decimal(new_price), effective_from=this_year)
        products.append(product)
    return products


def _price_on(product, day, prices):
    current = None
    for effective_from, price in prices[product.pk]:
        if effective_from <= day:
            current = price
    return current or prices[product.pk][0][1]


@transaction.atomic
def load_demo_customers(*, customers=2000, months=24, today=None, seed=SEED, plans=30):
    """Load the demo ledger once (idempotent: a second run finds the demo customers and stops).

    Returns a dict of counts. `customers`, `months` and `plans` shrink it for tests.
    """
    today = today or timezone.localdate()
    products = _load_products(today)
    if Customer.objects.filter(external_id__startswith=DEMO_PREFIX).exists():
        return {"customers": 0, "invoices": 0, "payments": 0}
    rng = random.Random(seed)
    prices = {}
    for price in ProductPrice.objects.filter(product__in=products).order_by("effective_from"):
        prices.setdefault(price.product_id, []).append((price.effective_from, price.price))

    districts = list(
        OrgUnit.objects.filter(kind="district", is_active=True, parent__code__in=STAFFED_PROVINCES)
        .select_related("parent")
        .order_by("code")
    )
    reps = {}
    for rep in StaffProfile.objects.filter(role=Role.SALES_REP, is_active=True, unit__in=districts).order_by("employee_no"):
        reps.setdefault(rep.unit_id, []).append(rep)
    districts = [d for d in districts if d.pk in reps]
    if not districts:
        return {"customers": 0, "invoices": 0, "payments": 0}

    customer_objs, contacts, profiles = _make_customers(rng, customers, districts, reps)
    customer_objs = bulk_create_with_history(customer_objs, Customer, batch_size=1000)
    for customer, contact_list in zip(customer_objs, contacts, strict=True):
        for contact in contact_list:
            contact.customer = customer
    Contact.objects.bulk_create([c for cl in contacts for c in cl], batch_size=2000)

    firsts = _months_back(today, months)
    invoices, payments = [], []
    for customer, profile in zip(customer_objs, profiles, strict=True):
        _make_sales(rng, customer, profile, firsts, today, products, prices, invoices, payments)
    plan_specs = _plan_collections(rng, customer_objs, invoices, payments, today, plans)
    _write_facts(invoices, payments)
    _date_archives(customer_objs, invoices)
    # The facts went in with bulk_create, past the postings that keep each customer's open balance.
    open_balances_refresh([customer.pk for customer in customer_objs])
    _write_plans(rng, plan_specs, today)
    return {"customers": len(customer_objs), "invoices": len(invoices), "payments": len(payments)}


def _make_customers(rng, count, districts, reps):
    names = DemoNames(seed=SEED)
    used_names, used_codes = set(), set()
    objs, contacts, profiles = [], [], []
    for n in range(1, count + 1):
        district = rng.choice(districts)
        city = district.name.removesuffix("市")
        roll = rng.random()
        if roll < 0.82:
            kind = CustomerKind.ENTERPRISE
            while True:
                word, industry = rng.choice(TRADES)
                name = f"{city}{rng.choice(BRANDS)}{rng.choice(BRANDS)}{word}{rng.choice(SUFFIXES)}"
                if name not in used_names:
                    break
            code = _credit_code(rng, "91", district.code, used_codes)
        elif roll < 0.92:
            kind = CustomerKind.INSTITUTION
            while True:
                suffix, industry = rng.choice(INSTITUTIONS)
                name = f"{city}{rng.choice(['', '第二', '第三', '市属', '新区'])}{suffix}"
                if name not in used_names:
                    break
                name = f"{city}{rng.choice(BRANDS)}{rng.choice(BRANDS)}{suffix}"
                if name not in used_names:
                    break
            code = _credit_code(rng, "12", district.code, used_codes)
        else:
            kind, industry, code = CustomerKind.INDIVIDUAL, "个人投资", None
            name = names()
        used_names.add(name)
        is_key = kind != CustomerKind.INDIVIDUAL and rng.random() < 0.08
        # Payment behaviour: most pay around the due date, some late, a few stop paying.
        behaviour = rng.choices(["good", "slow", "bad"], weights=[76, 22, 2])[0]
        size = rng.lognormvariate(11.2, 0.7) * (3 if is_key else 1) * (0.3 if kind == CustomerKind.INDIVIDUAL else 1)
        credit_limit = money(max(Decimal(50000), Decimal(int(size * 4 / 10000) * 10000)))
        objs.append(
            Customer(
                external_id=f"{DEMO_PREFIX}C{n:05d}",
                name=name,
                name_initials=pinyin_initials(name),
                credit_code=code,
                kind=kind,
                industry=industry,
                province=district.parent.name,
                city=district.name,
                address=f"{district.name}{rng.choice(ROADS)}{rng.choice(ROADS)}路{rng.randint(1, 999)}号",
                district=district,
                salesperson=rng.choice(reps[district.pk]),
                is_key=is_key,
                credit_limit=credit_limit,
                status=CustomerStatus.SUSPENDED if behaviour == "bad" and rng.random() < 0.5 else CustomerStatus.ACTIVE,
            )
        )
        people = []
        if kind != CustomerKind.INDIVIDUAL:
            for index in range(rng.choice((1, 1, 2))):
                people.append(
                    Contact(
                        name=names(),
                        title=rng.choice(["财务总监", "财务经理", "总经理", "采购经理", "出纳"]),
                        phone=f"13{rng.randint(100000000, 999999999)}",
                        is_primary=index == 0,
                    )
                )
        contacts.append(people)
        profiles.append(
            {
                "behaviour": behaviour,
                "size": size,
                "activity": rng.uniform(0.25, 0.8),
                "stop_after": rng.randint(3, 9),
                # The month (index into the 24) the customer joins; None: a customer from before them.
                "joins": None if rng.random() < EXISTING_SHARE else rng.randint(0, MONTHS_SPREAD - 1),
            }
        )
    return objs, contacts, profiles


def _invoice(rng, customer, profile, issue, month, products, prices, favourite):
    product = rng.choice(favourite)
    unit_price = _price_on(product, issue, prices)
    target = Decimal(str(round(profile["size"] * SEASON[month] * rng.uniform(0.5, 1.5), 2)))
    quantity = Decimal(max(1, int(target / unit_price)))
    amount = money(quantity * unit_price)
    return _Inv(customer, issue, issue + timedelta(days=rng.choice((30, 30, 60, 60, 90))), product, quantity, unit_price, amount)


def _make_sales(rng, customer, profile, firsts, today, products, prices, invoices, payments):
    behaviour = profile["behaviour"]
    stop_day = today - timedelta(days=30 * profile["stop_after"]) if behaviour == "bad" else None
    favourite = rng.sample(products, 3)
    total_months = len(firsts)
    # Scaled to a shorter ledger (tests): the join month falls within the months generated.
    joins = profile["joins"]
    if joins is not None:
        joins = joins * total_months // MONTHS_SPREAD
    else:
        # A customer from before: its first invoice is in the month before the ledger's months.
        before = firsts[0] - timedelta(days=1)
        issue = date(before.year, before.month, rng.randint(1, before.day))
        inv = _invoice(rng, customer, profile, issue, issue.month, products, prices, favourite)
        invoices.append(inv)
        _pay_invoice(rng, inv, "good", None, today, payments)
    for index, first in enumerate(firsts):
        if joins is not None and index < joins:
            continue
        growth = 0.85 + 0.25 * index / max(1, total_months - 1)
        chance = min(0.95, profile["activity"] * SEASON[first.month] * growth)
        count = (1 if rng.random() < chance else 0) + (1 if rng.random() < chance * 0.15 else 0)
        last_day = calendar.monthrange(first.year, first.month)[1]
        if index == joins:
            # The month it joins is the month of its first sale (on or before today).
            count = max(count, 1)
            last_day = min(last_day, (today - first).days + 1)
        for _ in range(count):
            issue = first + timedelta(days=rng.randint(0, last_day - 1))
            if issue > today:
                continue
            inv = _invoice(rng, customer, profile, issue, first.month, products, prices, favourite)
            invoices.append(inv)
            # Nothing cancelled in the month a customer joins: it joins the month it first buys.
            if rng.random() < 0.006 and index != joins:
                inv.cancelled = True
                continue
            _pay_invoice(rng, inv, behaviour, stop_day, today, payments)


def _pay_invoice(rng, inv, behaviour, stop_day, today, payments):
    if behaviour == "good":
        if rng.random() < 0.03:  # the overdue tail of otherwise good payers
            return
        paid_on = inv.due_date + timedelta(days=rng.randint(-20, 6))
    else:
        paid_on = inv.due_date + timedelta(days=rng.randint(5, 120))
    paid_on = max(paid_on, inv.issue_date)
    if paid_on > today or (stop_day is not None and paid_on > stop_day):
        return
    part = inv.amount if rng.random() < 0.94 else money(inv.amount * Decimal(str(rng.uniform(0.3, 0.9))))
    if part <= ZERO:
        return
    # Now and then a customer pays a round sum above the invoice: the rest stays as their credit.
    received = part
    if part == inv.amount and rng.random() < 0.01:
        received = money((part / 1000).to_integral_value() * 1000 + 1000)
    method = rng.choices([PaymentMethod.BANK_TRANSFER, PaymentMethod.CHEQUE, PaymentMethod.CASH], weights=[90, 8, 2])[0]
    payment = _Pay(inv.customer, paid_on, received, method)
    _allocate(payment, inv, part)
    payments.append(payment)


def _allocate(payment, inv, amount):
    amount = min(amount, inv.open)
    if amount <= ZERO:
        return ZERO
    inv.allocated += amount
    payment.allocations.append((inv, amount))
    return amount


def _plan_collections(rng, customers, invoices, payments, today, count):
    """Pick customers with the largest overdue balances for collection plans; half of them have
    already collected part of it since the plan started (oldest-due invoice first)."""
    overdue = {}
    for inv in invoices:
        if inv.open > ZERO and inv.due_date < today and inv.customer.salesperson_id:
            overdue.setdefault(inv.customer.pk, []).append(inv)
    ranked = sorted(overdue.items(), key=lambda item: (-sum(i.open for i in item[1]), item[0]))[:count]
    by_pk = {c.pk: c for c in customers}
    specs = []
    for position, (customer_pk, open_invoices) in enumerate(ranked):
        customer = by_pk[customer_pk]
        total = sum(i.open for i in open_invoices)
        started = today - timedelta(days=45)
        lines = []
        share = money(total / 3)
        for offset, amount in ((-15, share), (15, share), (45, total - 2 * share)):
            if amount > ZERO:
                lines.append((today + timedelta(days=offset), amount))
        if position % 2 == 0 and lines:
            received_on = max(today - timedelta(days=10), started)
            payment = _Pay(customer, received_on, lines[0][1], PaymentMethod.BANK_TRANSFER)
            remaining = payment.amount
            for inv in sorted(open_invoices, key=lambda i: (i.due_date, i.issue_date)):
                if remaining <= ZERO:
                    break
                remaining -= _allocate(payment, inv, remaining)
            payments.append(payment)
        invoice = open_invoices[0] if len(open_invoices) == 1 else None
        specs.append((customer, invoice, started, lines, rng.sample(FOLLOW_UP_NOTES, rng.randint(1, 3))))
    return specs


def _write_facts(invoices, payments):
    number = 0
    invoice_objs = []
    for inv in invoices:
        number += 1
        cancelled = inv.cancelled
        inv.obj = Invoice(
            external_id=f"{DEMO_PREFIX}I{number:07d}",
            number=f"FP{inv.issue_date:%Y%m}{number:06d}",
            customer=inv.customer,
            district_id=inv.customer.district_id,
            salesperson_id=inv.customer.salesperson_id,
            issue_date=inv.issue_date,
            due_date=inv.due_date,
            amount=inv.amount,
            status=InvoiceStatus.CANCELLED
            if cancelled
            else (InvoiceStatus.PAID if inv.allocated == inv.amount else InvoiceStatus.OPEN),
            cancelled_on=inv.issue_date + timedelta(days=3) if cancelled else None,
            cancel_reason="开票信息有误，作废重开" if cancelled else "",
            over_credit_limit=False,
            allocated=ZERO if cancelled else inv.allocated,  # the kept figure the postings would have left
        )
        invoice_objs.append(inv.obj)
    Invoice.objects.bulk_create(invoice_objs, batch_size=2000)
    InvoiceLine.objects.bulk_create(
        [
            InvoiceLine(invoice=i.obj, product=i.product, quantity=i.quantity, unit_price=i.unit_price, amount=i.amount)
            for i in invoices
        ],
        batch_size=2000,
    )
    payment_objs = []
    for number, pay in enumerate(sorted(payments, key=lambda p: p.received_on), start=1):
        pay.obj = Payment(
            external_id=f"{DEMO_PREFIX}P{number:07d}",
            customer=pay.customer,
            district_id=pay.customer.district_id,
            salesperson_id=pay.customer.salesperson_id,
            received_on=pay.received_on,
            amount=pay.amount,
            method=pay.method,
            reference=f"BK{pay.received_on:%Y%m%d}{number:07d}",
        )
        payment_objs.append(pay.obj)
    Payment.objects.bulk_create(payment_objs, batch_size=2000)
    Allocation.objects.bulk_create(
        [
            Allocation(payment=pay.obj, invoice=inv.obj, amount=amount, allocated_on=pay.received_on)
            for pay in payments
            for inv, amount in pay.allocations
        ],
        batch_size=2000,
    )


def _date_archives(customers, invoices):
    """Each customer's archive was opened on the day of its first invoice (created_at is set to now on
    insert): the customer list and anything else reading it then agree with the ledger."""
    first = {}
    for inv in invoices:
        day = first.get(inv.customer.pk)
        if day is None or inv.issue_date < day:
            first[inv.customer.pk] = inv.issue_date
    for customer in customers:
        day = first.get(customer.pk)
        if day is not None:
            customer.created_at = timezone.make_aware(datetime.combine(day, time(9, 0)))
    Customer.objects.bulk_update([c for c in customers if c.pk in first], ["created_at"], batch_size=500)


def _write_plans(rng, specs, today):
    for customer, invoice, started, lines, notes in specs:
        started_at = timezone.make_aware(datetime.combine(started, time(10, 0)))
        plan = CollectionPlan.objects.create(
            customer=customer,
            invoice=invoice.obj if invoice else None,
            district_id=customer.district_id,
            owner_id=customer.salesperson_id,
            status=CollectionPlanStatus.ACTIVE,
            note="逾期账款分期回收",
            created_at=started_at,
        )
        CollectionPlanLine.objects.bulk_create(
            [CollectionPlanLine(plan=plan, due_on=due, amount=amount) for due, amount in lines]
        )
        FollowUp.objects.bulk_create(
            [
                FollowUp(plan=plan, by_id=customer.salesperson_id, note=note, at=started_at + timedelta(days=7 * (k + 1)))
                for k, note in enumerate(notes)
            ]
        )
