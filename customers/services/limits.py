"""The credit limit that applies to a customer on a day (信用额度): its own `credit_limit` plus what apps above
customers grant on top of it for a while — risk's approved credit-limit exceptions (信用额度例外) —, and the
holds (暂停赊销) that stop every new invoice of a customer whatever its limit.

customers sits below risk (docs/ARCHITECTURE.md), so it cannot ask risk itself: an app registers a source of
extra limit here when it starts (a function `(customer_ids, day) -> {customer id: extra amount}` answering
for many customers in one query), and every credit check of an invoice — one (`invoice_record`,
`invoice_update`) or a batch (`invoice_record_many`) — reads the limit through `effective_limits`.

A limit of zero means "no limit" (the customer's archive has none set), and an exception does not turn that
into one: it adds to a limit that exists. Whatever a source grants applies on the days it says, computed from
the day asked about — an exception stops counting the day after its end without anyone acting.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Q, Sum
from django.utils import timezone

from core.money import ZERO
from customers.models import Customer
from regions.models import PATH_SEPARATOR

# "module.function" -> function, in registration order; a module imported twice registers once.
_SOURCES = {}


def extra_limit_source(fn):
    """Register `fn(customer_ids, day) -> {customer id: Decimal}` as a source of extra credit limit (decorator)."""
    _SOURCES[f"{fn.__module__}.{fn.__qualname__}"] = fn
    return fn


def extra_limits(customer_ids, day):
    """{customer id: the extra limit every source grants on `day`} for the customers that have any."""
    ids = sorted(set(customer_ids))
    result = {}
    if not ids:
        return result
    for fn in _SOURCES.values():
        for pk, extra in fn(ids, day).items():
            if extra:
                result[pk] = result.get(pk, ZERO) + Decimal(extra)
    return result


def effective_limits(limits, day=None):
    """{customer id: the limit that applies on `day` (default today)} from {customer id: its own credit limit}:
    the own limit plus the extra ones; zero (no limit) stays zero."""
    day = day or timezone.localdate()
    with_limit = [pk for pk, limit in limits.items() if limit and limit > 0]
    extras = extra_limits(with_limit, day)
    return {pk: (limit + extras.get(pk, ZERO)) if limit and limit > 0 else limit for pk, limit in limits.items()}


def effective_limit(customer, day=None):
    """The credit limit that applies to `customer` on `day` (default today)."""
    return effective_limits({customer.pk: customer.credit_limit}, day)[customer.pk]


# Holds (暂停赊销): "module.function" -> function `(customer_ids, day) -> {customer id: why it is held}`.
_HOLDS = {}


def hold_source(fn):
    """Register `fn(customer_ids, day) -> {customer id: reason text}` as a source of holds (decorator)."""
    _HOLDS[f"{fn.__module__}.{fn.__qualname__}"] = fn
    return fn


def holds_on(customer_ids, day=None):
    """{customer id: why it is held} for the customers of `customer_ids` on hold on `day` (default today)."""
    ids = sorted(set(customer_ids))
    result = {}
    if not ids:
        return result
    day = day or timezone.localdate()
    for fn in _HOLDS.values():
        for pk, reason in fn(ids, day).items():
            result.setdefault(pk, reason)
    return result


# What a new invoice beyond the limit meets: "module.function" -> function `() -> "flag" | "refuse" | None`
# (None: this source has nothing in force); without an answer the CREDIT_LIMIT_POLICY setting decides.
_ACTIONS = {}


def at_limit_source(fn):
    """Register `fn() -> "flag" | "refuse" | None` as the source of the at-limit action (decorator)."""
    _ACTIONS[f"{fn.__module__}.{fn.__qualname__}"] = fn
    return fn


def at_limit_action():
    """ "flag" or "refuse": the credit policy in force says (risk), else the CREDIT_LIMIT_POLICY setting."""
    for fn in _ACTIONS.values():
        action = fn()
        if action in ("flag", "refuse"):
            return action
    return settings.CREDIT_LIMIT_POLICY


# Exposure caps (敞口上限): "module.function" -> function `(district_ids) -> [Cap…]`, the caps of those districts and
# of their provinces, their rows LOCKED (select_for_update, in id order) by the source, so that the sums below are
# read by one writer at a time per capped unit.
_CAPS = {}


@dataclass(frozen=True)
class Cap:
    """An exposure cap: the open balances of the customers of `unit_id` (a district, or a province and every district
    under it, by `path`) may not add up to more than `cap`; `districts` are the districts of the batch under it."""

    unit_id: int
    name: str
    path: str
    is_district: bool
    cap: Decimal
    districts: frozenset


def cap_source(fn):
    """Register `fn(district_ids) -> [Cap]` (caps locked) as the source of exposure caps (decorator)."""
    _CAPS[f"{fn.__module__}.{fn.__qualname__}"] = fn
    return fn


class CapGuard:
    """The exposure caps of a set of districts, locked and summed once, then asked invoice by invoice in the
    transaction that writes them: `check(district_id, amount)` refuses an amount that takes a capped unit over its
    cap and otherwise counts it, so the invoices of one batch add up too. Called after the customers' row locks
    (the order every posting takes: customers, then caps)."""

    def __init__(self, district_ids):
        self.caps = [cap for fn in _CAPS.values() for cap in fn(sorted(set(district_ids)))]
        self.used = {cap.unit_id: ZERO for cap in self.caps}
        self.by_district = {}
        if not self.caps:
            return
        # One read for all the caps, not one sum per cap (a batch spread over the company meets every district and
        # province cap: 373 sums, 4.5 s a request on the 10M-invoice set): what the customers of each district the
        # caps cover owe, added up per cap here. PostgreSQL keeps those sums (DistrictOpenBalance, by a trigger on
        # the customers' rows: a few hundred rows read instead of every customer, 80–220 ms a request at 400,000
        # customers); elsewhere the customers are summed per district.
        prefixes = sorted({cap.path for cap in self.caps})  # a district's own path, a province's: its subtree
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT k.district_id, u.path, k.open_balance FROM customers_districtopenbalance k "
                    "JOIN regions_orgunit u ON u.id = k.district_id WHERE u.path LIKE ANY(%s)",
                    [[prefix + "%" for prefix in prefixes]],  # paths are ids and slashes: nothing to escape
                )
                owed = cursor.fetchall()
        else:
            covered = Q()
            for prefix in prefixes:
                covered |= Q(district__path__startswith=prefix)
            owed = (
                Customer.objects.unscoped()
                .filter(covered)
                .order_by()
                .values_list("district_id", "district__path")
                .annotate(total=Sum("open_balance"))
            )
        # A district's path names the units above it (and itself): its balance counts for the caps among them.
        capped = {str(cap.unit_id) for cap in self.caps}
        for _district, path, total in owed:
            for part in path.split(PATH_SEPARATOR):
                if part in capped:
                    self.used[int(part)] += total or ZERO
        # The caps each district of the batch meets, in the order of self.caps (asked once per invoice).
        for cap in self.caps:
            for district in cap.districts:
                self.by_district.setdefault(district, []).append(cap)

    def over(self, district_id, amount):
        """The first cap `amount` more for `district_id` would exceed, or None (then the amount is counted)."""
        mine = self.by_district.get(district_id, ())
        for cap in mine:
            if self.used[cap.unit_id] + amount > cap.cap:
                return cap, self.used[cap.unit_id] + amount
        for cap in mine:
            self.used[cap.unit_id] += amount
        return None
