"""Demo credit control (信用控制, issue 16): a credit policy in force — limits per grade, invoices beyond the limit
flagged, holds for grade D and for invoices more than 90 days overdue, exposure caps for every district and province
that has customers (most with room, one 浙江 district above 90 % of its cap and one above it) —, credit-limit
exceptions of 杭州 customers (one applying today, one that ended last month and was told to its salesperson, one
waiting in its chain), and credit holds (one for grade D, one for an overdue invoice, one released through its
approval).

Everything goes through the services and the approval mechanism, with dates relative to `today`. The hold job runs
for the chosen customers only: the demo ledger has hundreds of customers a rule matches, and holding them all would
stop invoicing for half the demo company. Each part loads once: a policy only when none is in force, exceptions
when there are none, holds when there are none (a second run returns zeros). After the ratings (grade D) and the
ledger.
"""

from datetime import timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from approvals.demo import approve_through
from approvals.selectors import latest_request
from approvals.services import request_approve
from core.rights import SYSTEM
from customers.choices import CustomerStatus, InvoiceStatus
from customers.models import Customer, Invoice
from regions.choices import UnitKind
from regions.demo import acting_login
from regions.models import OrgUnit, StaffProfile
from risk import services
from risk.models import CreditException, CreditHold, CustomerRating
from risk.selectors.exposure import open_by_district

DISTRICT = "330100"  # 杭州: the demo personas' district
LIMITS = {
    "AAA": {"mode": "multiple", "multiple": "3", "floor": "200000", "ceiling": "2000000"},
    "AA": {"mode": "multiple", "multiple": "2.5", "floor": "150000", "ceiling": "1500000"},
    "A": {"mode": "multiple", "multiple": "2", "floor": "100000", "ceiling": "1000000"},
    "B": {"mode": "multiple", "multiple": "1.5", "floor": "50000", "ceiling": "600000"},
    "C": {"mode": "multiple", "multiple": "1", "floor": "20000", "ceiling": "300000"},
    "D": {"mode": "fixed", "amount": "10000"},
}
OVERDUE_DAYS = 90
# Caps: this much above what each unit owes now, rounded up to 100,000 …
DISTRICT_ROOM, PROVINCE_ROOM, ROUND_TO = Decimal("1.5"), Decimal("1.3"), Decimal("100000")
# … but one district of 浙江 (not 杭州) at ~94 % of its cap and the next one above it (its new invoices are refused
# until collections bring it under).
NEAR_SHARE, OVER_SHARE, ROUND_NEAR = Decimal("0.94"), Decimal("1.08"), Decimal("10000")


def _user(username):
    profile = StaffProfile.objects.filter(user__username=username, is_active=True).select_related("user").first()
    return profile.user if profile is not None else SYSTEM


def _round(value, step, rounding):
    return ((value / step).quantize(Decimal(1), rounding=rounding) * step).quantize(Decimal("0.01"))


def _caps():
    """[{unit, cap}] from what the districts and provinces owe now (see the module's docstring)."""
    owed = open_by_district(Customer.objects.unscoped())
    districts = OrgUnit.objects.filter(pk__in=list(owed), kind=UnitKind.DISTRICT).select_related("parent").order_by("code")
    caps, provinces = [], {}
    special = [d for d in districts if d.parent and d.parent.code == "330000" and d.code != DISTRICT][:2]
    for district in districts:
        amount = owed[district.pk]
        if district in special[:1]:
            cap = _round(amount / NEAR_SHARE, ROUND_NEAR, ROUND_CEILING)
        elif district in special[1:]:
            cap = _round(amount / OVER_SHARE, ROUND_NEAR, ROUND_FLOOR)
        else:
            cap = _round(amount * DISTRICT_ROOM, ROUND_TO, ROUND_CEILING)
        caps.append({"unit": district, "cap": str(cap)})
        if district.parent and district.parent.kind == UnitKind.PROVINCE:
            provinces[district.parent] = provinces.get(district.parent, Decimal(0)) + amount
    for province, amount in sorted(provinces.items(), key=lambda item: item[0].code):
        caps.append({"unit": province, "cap": str(_round(amount * PROVINCE_ROOM, ROUND_TO, ROUND_CEILING))})
    return caps


def _policy():
    """The demo credit policy, drafted by the center and approved by the director; None when one is in force."""
    if services.policy_in_force() is not None:
        return None
    center, director = _user("center"), _user("director")
    policy = services.credit_policy_create(
        by=center,
        name="客户信用政策（2026版）",
        at_limit_action="flag",
        limits=LIMITS,
        hold_grade_d=True,
        hold_overdue_days=OVERDUE_DAYS,
        caps=_caps(),
        reason="发展中心风险控制办法：按信誉等级核定额度，逾期九十天或评为D级暂停赊销，地办与省份设应收敞口上限。",
    )
    request_approve(request=services.credit_policy_submit(by=center, policy=policy), by=director, comment="同意，即日执行")
    return policy


def _candidates(today):
    """Customers of 杭州 (else anywhere) by what they are: grade D, long overdue and not D, neither."""
    grades = dict(CustomerRating.objects.unscoped().values_list("customer_id", "grade"))
    cutoff = today - timedelta(days=OVERDUE_DAYS + 45)  # overdue beyond the rule even 40 days ago
    overdue = set(
        Invoice.objects.unscoped()
        .filter(status=InvoiceStatus.OPEN, due_date__lt=cutoff, allocated__lt=F("amount"))
        .values_list("customer_id", flat=True)
    )
    customers = list(
        Customer.objects.unscoped()
        .filter(status=CustomerStatus.ACTIVE)
        .annotate(in_district=F("district__code"))
        .order_by("pk")
        .values_list("pk", "in_district", "salesperson__user__username")
    )
    # 杭州 first, its salesperson's own customers first among them.
    customers.sort(key=lambda row: (row[1] != DISTRICT, row[2] != "rep_hangzhou", row[0]))
    graded_d = [pk for pk, _code, _rep in customers if grades.get(pk) == "D"]
    late = [pk for pk, _code, _rep in customers if pk in overdue and grades.get(pk) != "D"]
    sound = [pk for pk, _code, _rep in customers if pk not in overdue and grades.get(pk) not in ("D", "C")]
    return graded_d, late, sound


def _holds(today, graded_d, late):
    """One hold released through its approval (placed 40 days ago), one for an overdue invoice (placed 12 days
    ago) and one for grade D (placed the day after the grade, at most 12 days ago)."""
    placed = released = 0
    if late:
        placed += services.credit_holds_refresh(by=SYSTEM, today=today - timedelta(days=40), customers=late[:1])
        hold = CreditHold.objects.unscoped().filter(customer_id=late[0]).select_related("customer__district").first()
        if hold is not None:
            release = services.credit_hold_release_request(
                by=acting_login(hold.customer, hold.customer.district),
                hold=hold,
                reason="客户已结清九十天以上逾期发票，并承诺按期回款，申请恢复赊销。",
            )
            approve_through(latest_request(release), comment="同意，按月跟踪")
            released = 1
    if late[1:2]:
        placed += services.credit_holds_refresh(by=SYSTEM, today=today - timedelta(days=12), customers=late[1:2])
    if graded_d:
        # Placed the night after the grade became D (at most 12 days ago).
        since = CustomerRating.objects.unscoped().filter(customer_id=graded_d[0]).values_list("since", flat=True).first()
        day = max(today - timedelta(days=12), min(since + timedelta(days=1), today) if since else today)
        placed += services.credit_holds_refresh(by=SYSTEM, today=day, customers=graded_d[:1])
    return placed - released, released


def _exceptions(today, sound):
    """One ended last month (told to the salesperson by the end job), one applying today (same customer), one
    waiting in its chain (another customer)."""
    if not sound:
        return 0
    customers = {
        c.pk: c for c in Customer.objects.unscoped().filter(pk__in=sound[:2]).select_related("salesperson__user", "district")
    }
    first = customers[sound[0]]
    asker = acting_login(first, first.district)
    made = 0
    for start, days, amount, reason in (
        (today - timedelta(days=75), 44, "150000", "春节前备货，客户提供了母公司担保函。"),
        (today - timedelta(days=10), 40, "120000", "客户中标市政项目，确认大额订单，已提供银行保函。"),
    ):
        exception = services.credit_exception_request(
            by=asker,
            customer=first,
            extra_amount=amount,
            valid_from=start,
            valid_to=start + timedelta(days=days),
            reason=reason,
            today=start,
        )
        approve_through(services.credit_exception_submit(by=asker, exception=exception, today=start), comment="同意，按月跟踪")
        made += 1
    services.credit_exceptions_end(by=SYSTEM, today=today)
    if len(sound) > 1:
        second = customers[sound[1]]
        exception = services.credit_exception_request(
            by=acting_login(second, second.district),
            customer=second,
            extra_amount="80000",
            valid_from=today + timedelta(days=1),
            valid_to=today + timedelta(days=60),
            reason="客户旺季订单增加，申请临时提高额度两个月。",
            evidence="近十二个月按期回款率98%，订单合同已上传。",
        )
        services.credit_exception_submit(by=acting_login(second, second.district), exception=exception)
        made += 1
    return made


@transaction.atomic
def load_demo_credit(*, today=None):
    """Load the demo credit policy, exceptions and holds (each once); returns counts."""
    today = min(today or timezone.localdate(), timezone.localdate())
    policy = _policy()
    counts = {"policies": int(policy is not None), "caps": policy.caps.count() if policy is not None else 0}
    graded_d, late, sound = _candidates(today)
    counts["exceptions"] = 0 if CreditException.objects.exists() else _exceptions(today, sound)
    counts["holds"], counts["released"] = (0, 0) if CreditHold.objects.exists() else _holds(today, graded_d, late)
    return counts
