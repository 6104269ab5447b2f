"""A generated set of sales facts, made through the customers services: invoices with and without
product lines, cancellations, payments allocated oldest-first, reversals, and customers created across
Beijing month boundaries."""

import random
from datetime import UTC, date, datetime, timedelta

from core.rights import SYSTEM
from core.roles import Role
from customers.models import Customer, Product
from customers.services import customer_create, invoice_cancel, invoice_record, payment_record, payment_reverse
from regions.services import staff_hire

# The months the facts cover: across a year end, so that years and quarters both cut them.
MONTHS = [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]


def _day(rng, month):
    return month + timedelta(days=rng.randrange(0, 28))


def make_facts(units, personas, *, seed=7):
    rng = random.Random(seed)
    products = [Product.objects.create(code=f"P{n}", name=f"产品{n}") for n in range(1, 4)]
    reps = {
        "330100": [personas["rep_hangzhou"].staff, personas["rep_hangzhou_2"].staff],
        "330200": [
            staff_hire(
                by=SYSTEM,
                employee_no="F0001",
                name="宁波业务员",
                unit=units["330200"],
                role=Role.SALES_REP,
                hire_date=date(2020, 1, 1),
            )
        ],
        "440100": [
            staff_hire(
                by=SYSTEM,
                employee_no="F0002",
                name="广州业务员",
                unit=units["440100"],
                role=Role.SALES_REP,
                hire_date=date(2020, 1, 1),
            )
        ],
        "440300": [],
    }
    customers = []
    n = 0
    for code, people in reps.items():
        for owner in [*people, None]:
            for _k in range(2):
                n += 1
                customer = customer_create(
                    by=SYSTEM, name=f"汇总客户{n}有限公司", district=units[code], salesperson=owner, external_id=f"F-C{n}"
                )
                # Created at a random moment of the months, some right after a Beijing midnight that
                # is still the previous day in UTC (16:00–16:59 UTC on a month's last day).
                month = rng.choice(MONTHS)
                if n % 4 == 0:
                    moment = datetime(month.year, month.month, 1, tzinfo=UTC) - timedelta(hours=7, minutes=30)
                elif n % 4 == 1:
                    moment = datetime(month.year, month.month, 1, tzinfo=UTC) - timedelta(hours=8, minutes=30)
                else:
                    moment = datetime(month.year, month.month, rng.randrange(1, 28), rng.randrange(0, 24), tzinfo=UTC)
                Customer.objects.filter(pk=customer.pk).update(created_at=moment)
                customers.append(customer)
    invoices = []
    for customer in customers:
        for _k in range(rng.randrange(2, 5)):
            n += 1
            issued = _day(rng, rng.choice(MONTHS))
            if rng.random() < 0.5:
                lines = [
                    {
                        "product": product,
                        "quantity": str(rng.randrange(1, 9)),
                        "unit_price": f"{rng.randrange(100, 9999)}.{rng.randrange(0, 100):02d}",
                    }
                    for product in rng.sample(products, rng.randrange(1, 3))
                ]
                result = invoice_record(
                    by=SYSTEM,
                    customer=customer,
                    issue_date=issued,
                    due_date=issued + timedelta(days=30),
                    lines=lines,
                    external_id=f"F-I{n}",
                )
            else:
                amount = f"{rng.randrange(1000, 99999)}.{rng.randrange(0, 100):02d}"
                result = invoice_record(
                    by=SYSTEM,
                    customer=customer,
                    issue_date=issued,
                    due_date=issued + timedelta(days=30),
                    amount=amount,
                    external_id=f"F-I{n}",
                )
            invoices.append(result.invoice)
    # Some invoices cancelled before any payment.
    for invoice in rng.sample(invoices, len(invoices) // 6):
        invoice_cancel(by=SYSTEM, invoice=invoice, reason="开错了", on=invoice.issue_date + timedelta(days=1))
    # Payments (allocated oldest first), some of them reversed later.
    payments = []
    for customer in customers:
        for _k in range(rng.randrange(1, 3)):
            n += 1
            received = _day(rng, rng.choice(MONTHS[1:]))
            payments.append(
                payment_record(
                    by=SYSTEM,
                    customer=customer,
                    received_on=received,
                    amount=f"{rng.randrange(500, 60000)}.{rng.randrange(0, 100):02d}",
                    external_id=f"F-P{n}",
                )
            )
    for payment in rng.sample(payments, len(payments) // 5):
        payment_reverse(by=SYSTEM, payment=payment, reason="退票", on=payment.received_on + timedelta(days=3))
    return {"products": products, "reps": reps, "customers": customers, "invoices": invoices, "payments": payments}
