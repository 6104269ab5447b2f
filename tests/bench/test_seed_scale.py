"""seed_scale: deterministic national-scale data, refusing to touch real data."""

import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.rights import SYSTEM
from customers import services

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="seed_scale generates its data inside PostgreSQL")


def _scalar(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def test_refuses_a_database_with_real_data(units):
    services.customer_create(by=SYSTEM, name="真实客户", district=units["330100"])
    with pytest.raises(CommandError, match="refusing"):
        call_command("seed_scale", scale="tiny")


def _schema():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname FROM pg_indexes WHERE tablename LIKE 'customers_%%' "
            "UNION ALL SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE conrelid::regclass::text LIKE 'customers_%%'"
        )
        return sorted(cursor.fetchall())


def test_tiny_data_set_is_consistent_and_indexes_are_back(db):
    before = _schema()
    with CaptureQueriesContext(connection) as captured:
        call_command("seed_scale", scale="tiny", today="2026-11-27")
    # Each bulk-loaded table is analysed right after its load, before any later statement is planned on it
    # (without it the medium preset's open-balance UPDATE ran for hours on a fresh database, issue 21).
    statements = [
        "\n".join(line for line in query["sql"].strip().splitlines() if not line.startswith("--")).strip()
        for query in captured.captured_queries
    ]
    loads = [(n, m.group(1)) for n, sql in enumerate(statements) if (m := re.match(r"INSERT INTO (\w+)", sql))]
    assert {table for _n, table in loads} >= {"customers_customer", "customers_invoice", "customers_allocation", "plans_target"}
    for n, table in loads:
        assert statements[n + 1] == f"ANALYZE {table}", (table, statements[n + 1][:80])
    # Every index and constraint dropped for the load is back.
    assert _schema() == before
    assert _scalar("SELECT count(*) FROM customers_invoice") == 20_000
    assert _scalar("SELECT count(*) FROM customers_customer") == 2_000
    # No invoice is allocated beyond its amount, and "paid" means fully allocated.
    assert (
        _scalar(
            "SELECT count(*) FROM customers_invoice i JOIN (SELECT invoice_id, sum(amount) s FROM customers_allocation GROUP BY 1) a "
            "ON a.invoice_id = i.id WHERE a.s > i.amount"
        )
        == 0
    )
    assert (
        _scalar(
            "SELECT count(*) FROM customers_invoice i LEFT JOIN (SELECT invoice_id, sum(amount) s FROM customers_allocation GROUP BY 1) a "
            "ON a.invoice_id = i.id WHERE (i.status = 'paid') <> (coalesce(a.s, 0) = i.amount)"
        )
        == 0
    )
    # Payments are allocated in full (the generator settles groups of invoices exactly).
    assert (
        _scalar(
            "SELECT count(*) FROM customers_payment p JOIN (SELECT payment_id, sum(amount) s FROM customers_allocation GROUP BY 1) a "
            "ON a.payment_id = p.id WHERE a.s <> p.amount"
        )
        == 0
    )
    # Every customer's kept open balance equals the ledger's open receivable (the credit checks read it).
    from customers.models import Customer
    from customers.services import exposures

    balances = dict(Customer.objects.values_list("pk", "open_balance"))
    assert balances == exposures(list(balances))
    assert any(balances.values())
    # So does every invoice's kept `allocated` (today's ageing reads it): its live allocations.
    assert (
        _scalar(
            "SELECT count(*) FROM customers_invoice i LEFT JOIN (SELECT invoice_id, sum(amount) s FROM customers_allocation "
            "WHERE reversed_on IS NULL GROUP BY 1) a ON a.invoice_id = i.id WHERE i.allocated <> coalesce(a.s, 0)"
        )
        == 0
    )
    assert _scalar("SELECT count(*) FROM customers_invoice WHERE allocated > 0") > 0
    # Deterministic: the same seed gives the same total.
    assert str(_scalar("SELECT sum(amount) FROM customers_invoice")) == _TINY_TOTAL
    _channels_hold()
    # --channels-only gives an earlier data set the same channels and the same invoices through them.
    before = _scalar(_CHANNEL_CHOICE)
    call_command("seed_scale", channels_only=True, today="2026-11-27")
    assert _scalar(_CHANNEL_CHOICE) == before
    _channels_hold()
    _targets_add_up()
    # --targets-only regenerates the same targets on an existing data set.
    before = _scalar("SELECT count(*) || ' ' || sum(value) FROM plans_target")
    call_command("seed_scale", targets_only=True, today="2026-11-27")
    assert _scalar("SELECT count(*) || ' ' || sum(value) FROM plans_target") == before
    _targets_add_up()


# Which invoice came through which channel (channels by their external id: --channels-only numbers them anew).
_CHANNEL_CHOICE = (
    "SELECT md5(string_agg(i.id || ':' || c.external_id, ',' ORDER BY i.id)) FROM customers_invoice i "
    "JOIN sales_channels_channel c ON c.id = i.channel_id"
)


def _channels_hold():
    # 5–20 channels per district office, each with its salesperson of that district and the history of its states.
    districts = _scalar("SELECT count(*) FROM regions_orgunit WHERE kind = 'district' AND is_active")
    assert _scalar("SELECT count(DISTINCT unit_id) FROM sales_channels_channel") == districts
    assert _scalar("SELECT min(n) >= 5 AND max(n) <= 20 FROM (SELECT count(*) n FROM sales_channels_channel GROUP BY unit_id) x")
    assert (
        _scalar(
            "SELECT count(*) FROM sales_channels_channel c JOIN regions_staffprofile s ON s.id = c.salesperson_id WHERE s.unit_id <> c.unit_id"
        )
        == 0
    )
    assert _scalar("SELECT count(*) FILTER (WHERE state = 'active') * 2 > count(*) FROM sales_channels_channel")
    # Every channel's state is the end of its history, moved on the day it says (one start, from nothing).
    assert (
        _scalar(
            'SELECT count(*) FROM sales_channels_channel c JOIN LATERAL (SELECT to_state, "on" FROM sales_channels_channeltransition t '
            'WHERE t.channel_id = c.id ORDER BY "on" DESC, id DESC LIMIT 1) last ON true '
            'WHERE last.to_state <> c.state OR last."on" <> c.state_since'
        )
        == 0
    )
    assert _scalar("SELECT count(*) FROM sales_channels_channeltransition WHERE from_state = ''") == _scalar(
        "SELECT count(*) FROM sales_channels_channel"
    )
    # New channels (first contracted) fall in the months of the window, and so feed the new-channels figure.
    assert (
        _scalar("SELECT count(*) FROM sales_channels_channeltransition WHERE to_state = 'contracted' AND \"on\" >= '2024-01-01'")
        > 0
    )
    # 30 % of the invoices came through an active or dormant channel of their own district.
    assert _scalar("SELECT count(*) FROM customers_invoice WHERE channel_id IS NOT NULL") == 6_000
    assert (
        _scalar(
            "SELECT count(*) FROM customers_invoice i JOIN sales_channels_channel c ON c.id = i.channel_id "
            "WHERE c.unit_id <> i.district_id OR c.state NOT IN ('active', 'dormant')"
        )
        == 0
    )


def _targets_add_up():
    # Targets for every active unit and sales rep, every month of three years, and every split adds up:
    # children (sub-units, people, quarters, months) sum exactly to the target they were split from.
    units = _scalar("SELECT count(*) FROM regions_orgunit WHERE is_active")
    assert _scalar("SELECT count(DISTINCT unit_id) FROM plans_target WHERE unit_id IS NOT NULL") == units
    reps = _scalar("SELECT count(*) FROM regions_staffprofile WHERE employee_no LIKE 'SC%%'")
    assert _scalar("SELECT count(DISTINCT staff_id) FROM plans_target WHERE staff_id IS NOT NULL") == reps
    assert _scalar("SELECT count(DISTINCT period) FROM plans_target WHERE length(period) = 7 AND period NOT LIKE '%%Q%%'") == 36
    assert _scalar("SELECT count(*) FROM plans_target WHERE parent_id IS NULL AND length(period) > 4") == 0
    mismatches = _scalar(
        "SELECT count(*) FROM (SELECT p.id, p.value, sum(c.value) AS s, left(c.period, 6) LIKE '%%-Q%%' AS q, length(c.period) AS l, "
        "c.unit_id IS NULL AS by_staff FROM plans_target p JOIN plans_target c ON c.parent_id = p.id "
        "GROUP BY p.id, p.value, left(c.period, 6) LIKE '%%-Q%%', length(c.period), c.unit_id IS NULL) x WHERE x.s <> x.value"
    )
    assert mismatches == 0
    # The plans service's own check agrees on a sample: a province's year and a rep's year.
    from plans.models import Target
    from plans.services import check_decomposition

    for target in Target.objects.filter(period="2026", metric="sales_amount").filter(unit__kind="province")[:3]:
        assert check_decomposition(target=target) == []
    for target in Target.objects.filter(period="2025", metric="collections", staff__isnull=False)[:3]:
        assert check_decomposition(target=target) == []


_TINY_TOTAL = "141637997.22"
