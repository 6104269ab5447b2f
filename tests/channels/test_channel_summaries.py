"""Per-channel summaries and the new-channels figure equal an independent computation from the raw facts:
invoices, allocations (write-offs are not collections but do close receivables) and the channels' state history."""

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest

from channels.choices import ChannelState
from channels.models import ChannelTransition
from core.periods import MONTH, Period
from core.rights import SYSTEM
from customers.models import Allocation, Invoice
from performance import services
from performance.models import ChannelMonthFact
from performance.selectors import actual_from_summary, attainment_table
from plans.choices import Metric
from plans.selectors import actual, attainment, attainments
from plans.services import target_set
from tests.channels.factories import ChannelFactory, channel_on_road
from tests.performance.facts import MONTHS, make_facts

ZERO = Decimal("0.00")
UNIT_CODES = ["HQ", "HD", "HN", "330000", "440000", "330100", "330200", "440100", "440300"]


def _month_end(first):
    return Period.of(first, MONTH).end


def _months_through_today():
    month, last, result = Period.of(MONTHS[0], MONTH), Period.of(date.today(), MONTH), []
    while month.start <= last.start:
        result.append(month.start)
        month = month.next()
    return result


@pytest.fixture
def world(units, personas):
    rng = random.Random(17)
    facts = make_facts(units, personas)
    reps = facts["reps"]
    channels = []
    for code in ("330100", "330200", "440100"):
        for n, state in enumerate([ChannelState.ACTIVE, ChannelState.CONTRACTED, ChannelState.DORMANT, ChannelState.TERMINATED]):
            owner = (reps[code] + [None])[n % (len(reps[code]) + 1)]
            start = MONTHS[0] + timedelta(days=rng.randrange(0, 150))
            road = {
                ChannelState.ACTIVE: 3,
                ChannelState.CONTRACTED: 2,
                ChannelState.DORMANT: 4,
                ChannelState.TERMINATED: 3,
            }[state]
            days = [start + timedelta(days=20 * k + rng.randrange(0, 10)) for k in range(road)]
            channels.append(channel_on_road(state=state, days=days, unit=units[code], salesperson=owner))
    # A prospect never counts; a channel whose history holds two contracts counts once, at the first.
    ChannelFactory(state=ChannelState.PROSPECT, unit=units["330100"])
    twice = channels[0]
    ChannelTransition.objects.create(
        channel=twice, from_state=ChannelState.DORMANT, to_state=ChannelState.CONTRACTED, on=date(2026, 4, 20)
    )
    # A share of the invoices came through a channel of their district (any state: the history is what it is).
    by_district = defaultdict(list)
    for channel in channels:
        by_district[channel.unit_id].append(channel)
    invoices = list(Invoice.objects.unscoped().order_by("pk"))
    for invoice in invoices:
        if by_district[invoice.district_id] and rng.random() < 0.6:
            Invoice.objects.filter(pk=invoice.pk).update(channel=rng.choice(by_district[invoice.district_id]))
    # Write-offs of some open channel invoices: they close receivables but are not collections.
    open_with_channel = [
        i
        for i in Invoice.objects.unscoped().filter(channel__isnull=False, status="open", allocations__isnull=True).order_by("pk")
    ]
    for invoice in open_with_channel[:4]:
        Allocation.objects.create(
            invoice=invoice,
            amount=(invoice.amount / 2).quantize(Decimal("0.01")),
            allocated_on=invoice.due_date,
            origin="write_off",
        )
    services.summaries_rebuild()
    return facts


def _expected_channel_facts():
    """{column: {(month, district, channel): value}} computed in Python from the rows themselves (non-zero values)."""
    invoices = list(Invoice.objects.unscoped().filter(channel__isnull=False).values())
    allocations = list(Allocation.objects.unscoped().filter(invoice__channel__isnull=False).values())
    by_id = {row["id"]: row for row in invoices}
    result = {"invoiced": defaultdict(Decimal), "invoice_count": defaultdict(int), "collected": defaultdict(Decimal)}
    result["open_at_end"] = defaultdict(Decimal)
    for row in invoices:
        if row["status"] != "cancelled":
            key = (row["issue_date"].replace(day=1), row["district_id"], row["channel_id"])
            result["invoiced"][key] += row["amount"]
            result["invoice_count"][key] += 1
    for row in allocations:
        invoice = by_id[row["invoice_id"]]
        if row["origin"] != "write_off" and row["reversed_on"] is None:
            result["collected"][(row["allocated_on"].replace(day=1), invoice["district_id"], invoice["channel_id"])] += row[
                "amount"
            ]
    for first in _months_through_today():
        end = _month_end(first)
        for row in invoices:
            counts = row["issue_date"] <= end and (row["cancelled_on"] is None or row["cancelled_on"] > end)
            if counts:
                result["open_at_end"][(first, row["district_id"], row["channel_id"])] += row["amount"]
        for row in allocations:
            invoice = by_id[row["invoice_id"]]
            invoice_counts = invoice["issue_date"] <= end and (invoice["cancelled_on"] is None or invoice["cancelled_on"] > end)
            counts = row["allocated_on"] <= end and (row["reversed_on"] is None or row["reversed_on"] > end)
            if invoice_counts and counts:
                result["open_at_end"][(first, invoice["district_id"], invoice["channel_id"])] -= row["amount"]
    return {column: {k: v for k, v in values.items() if v} for column, values in result.items()}


def _summary_channel_facts():
    rows = ChannelMonthFact.objects.unscoped().values("month", "district_id", "channel_id", *_COLUMNS)
    return {
        column: {(r["month"], r["district_id"], r["channel_id"]): r[column] for r in rows if r[column]} for column in _COLUMNS
    }


_COLUMNS = ("invoiced", "invoice_count", "collected", "open_at_end")


def test_per_channel_sales_collections_and_receivables_equal_the_raw_facts(world):
    expected = _expected_channel_facts()
    assert all(expected[column] for column in _COLUMNS), "the data set is not trivial"
    assert _summary_channel_facts() == expected
    # Write-offs were made: they lower the receivable, not the collections.
    assert Allocation.objects.filter(origin="write_off", invoice__channel__isnull=False).exists()
    # Rebuilding months one by one (the 10-minute refresh) keeps the same rows.
    services.summaries_rebuild(months=["2026-01", "2026-02"])
    assert _summary_channel_facts() == expected
    services.summaries_rebuild()
    assert _summary_channel_facts() == expected


def _new_channels_as_of(end, unit=None, staff=None):
    """Channels whose history shows a move to contracted on or before `end`: counted from the transitions alone."""
    firsts = {}
    for channel_id, on in ChannelTransition.objects.filter(to_state="contracted").values_list("channel_id", "on"):
        firsts[channel_id] = min(on, firsts.get(channel_id, on))
    count = 0
    for transition_channel, first in firsts.items():
        if first > end:
            continue
        channel = ChannelTransition.objects.filter(channel_id=transition_channel).first().channel
        if staff is not None and channel.salesperson_id != staff.pk:
            continue
        if unit is not None and not channel.unit.path.startswith(unit.path):
            continue
        count += 1
    return count


def _periods():
    months = [Period.of(month, MONTH) for month in MONTHS]
    quarters = sorted({month.parent() for month in months})
    return [*months, *quarters, *sorted({quarter.parent() for quarter in quarters})]


def test_new_channels_attainment_equals_the_history_as_of_each_month_end(world, units, personas):
    staff = [person for people in world["reps"].values() for person in people]
    owners = [{"unit": units[code]} for code in UNIT_CODES] + [{"staff": person} for person in staff] + [{}]
    assert actual(metric="new_channels", period="2026") + actual(metric="new_channels", period="2025") == 12  # each channel once
    targets = []
    for period in _periods():
        for owner in owners:
            expected = _new_channels_as_of(period.end, **owner) - _new_channels_as_of(period.start - timedelta(days=1), **owner)
            assert actual(metric="new_channels", period=period, **owner) == expected, (period, owner)
            assert actual_from_summary(metric="new_channels", period=period, **owner) == expected, (period, owner)
            if owner:
                target = target_set(metric="new_channels", period=str(period), value="2", by=SYSTEM, **owner)
                assert attainment(target=target)["actual"] == expected
                targets.append(target)
    many = attainments(targets=targets)
    assert many == {t.pk: attainment(target=t) for t in targets}
    # The attainment pages' table (the summaries) gives the same figure for a region and its provinces.
    table = attainment_table(user=personas["director"].user, unit=units["HD"], period="2026-Q1", metrics=["new_channels"])
    expected = _new_channels_as_of(date(2026, 3, 31), unit=units["HD"]) - _new_channels_as_of(
        date(2025, 12, 31), unit=units["HD"]
    )
    assert table["head"]["figures"][Metric.NEW_CHANNELS]["actual"] == expected
    for child in table["children"]:
        unit = child["object"]
        assert child["figures"][Metric.NEW_CHANNELS]["actual"] == _new_channels_as_of(
            date(2026, 3, 31), unit=unit
        ) - _new_channels_as_of(date(2025, 12, 31), unit=unit)
