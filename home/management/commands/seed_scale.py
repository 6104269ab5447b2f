"""Generate a national-scale company for benchmarks: org, staff, customers, invoices, payments.

Deterministic (fixed seeds) and set-based: the rows are generated inside PostgreSQL by
bench/seed_scale.sql, which is the fastest safe path (no round trips, no Python per row).
Refuses to touch a database that holds anything but its own data.
"""

import re
import time
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from core.rights import SYSTEM
from core.roles import Role
from customers.models import Customer, Invoice
from customers.services import open_balances_refresh
from plans.models import Target
from regions.models import OrgUnit, StaffProfile
from regions.services import load_default_organisation, staff_hire

SQL_FILE = Path(__file__).resolve().parents[3] / "bench" / "seed_scale.sql"
TARGETS_SQL_FILE = SQL_FILE.with_name("seed_scale_targets.sql")
CHANNELS_SQL_FILE = SQL_FILE.with_name("seed_scale_channels.sql")
VISITS_SQL_FILE = SQL_FILE.with_name("seed_scale_visits.sql")
# Visits of the customers (issue 18), made by --visits-only: 2 million, the Speed rows' data set.
N_VISITS = 2_000_000
# The share of the invoices sold through a channel, as seed_scale.sql's invoice INSERT chooses it.
CHANNEL_UPDATE = (
    "UPDATE customers_invoice i SET channel_id = ch.ids[1 + i.customer_id % ch.n] FROM s_channel_pick ch "
    "WHERE ch.district_id = i.district_id AND i.id % 10 IN (1, 4, 7)"
)
PRESETS = {
    "tiny": {"n_customers": 2_000, "n_invoices": 20_000, "n_staff": 400},
    "small": {"n_customers": 20_000, "n_invoices": 200_000, "n_staff": 1_000},
    "medium": {"n_customers": 100_000, "n_invoices": 2_000_000, "n_staff": 3_000},
    "large": {"n_customers": 400_000, "n_invoices": 10_000_000, "n_staff": 6_000},
}
MONTHS = 36
SCALE_PREFIX = "SC-"
BENCH_PASSWORD = "bench-2026"
FACT_TABLES = ("customers_customer", "customers_invoice", "customers_payment", "customers_allocation")
BENCH_LOGINS = [
    ("bench_director", Role.DIRECTOR, "HQ"),
    ("bench_rm_east", Role.REGIONAL_MANAGER, "HD"),
    ("bench_pm_zhejiang", Role.PROVINCIAL_MANAGER, "330000"),
    ("bench_dm_hangzhou", Role.DISTRICT_MANAGER, "330100"),
]


class Command(BaseCommand):
    help = "Generate a deterministic national-scale data set on PostgreSQL (--scale tiny|small|medium|large)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(PRESETS), default="small")
        parser.add_argument("--today", default=None, help="last day of the 36-month window (default: today)")
        parser.add_argument("--reset", action="store_true", help="delete an earlier seed_scale data set first")
        parser.add_argument(
            "--targets-only",
            action="store_true",
            help="only (re)generate the targets of an earlier data set (window ends at its last invoice)",
        )
        parser.add_argument(
            "--channels-only",
            action="store_true",
            help="only (re)generate the channels of an earlier data set and the share of its invoices sold through them",
        )
        parser.add_argument(
            "--visits-only",
            action="store_true",
            help="only (re)generate the customer visits of an earlier data set (--visits, default 2,000,000)",
        )
        parser.add_argument("--visits", type=int, default=N_VISITS, help="how many visits --visits-only makes")

    def handle(self, *args, scale, today, reset, targets_only=False, channels_only=False, visits_only=False, **options):
        if connection.vendor != "postgresql":
            raise CommandError("seed_scale runs on PostgreSQL only (set DATABASE_URL).")
        foreign = (
            Customer.objects.exclude(external_id__startswith=SCALE_PREFIX).exists()
            or Invoice.objects.exclude(external_id__startswith=SCALE_PREFIX).exists()
            # Targets without a seed_scale data set were set by someone else.
            or (not Customer.objects.exists() and Target.objects.exists())
        )
        if foreign:
            raise CommandError(
                "This database holds customers, invoices or targets that seed_scale did not create; refusing to touch it."
            )
        if targets_only:
            return self._targets_only(today)
        if channels_only:
            return self._channels_only(today)
        if visits_only:
            return self._visits_only(today, options.get("visits") or N_VISITS)
        if Customer.objects.exists():
            if not reset:
                raise CommandError("A seed_scale data set is already here; pass --reset to replace it.")
            self._reset()
        params = {**PRESETS[scale], "months": MONTHS, "today": today or date.today().isoformat()}
        started = time.perf_counter()
        load_default_organisation(by=SYSTEM)
        self._logins()
        statements = self._statements(SQL_FILE, params)
        with connection.cursor() as cursor:
            # Bulk-load practice: build indexes and check foreign keys once, after the load, instead of
            # row by row during it. The definitions are read from the catalogue and always restored.
            saved = self._drop_indexes_and_keys(cursor)
            try:
                for statement in statements:
                    self._run(cursor, statement)
            finally:
                self.stdout.write("Rebuilding indexes and foreign keys…")
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for statement in saved:
                    self._run(cursor, statement)
            self.stdout.write("Open balances…")
            t0 = time.perf_counter()
            # The ledger was written in SQL, past the postings that keep each customer's open balance.
            open_balances_refresh()
            self.stdout.write(f"{time.perf_counter() - t0:9.1f}s  open balances")
            self.stdout.write("Targets…")
            for statement in self._statements(TARGETS_SQL_FILE, params):
                self._run(cursor, statement)
            cursor.execute("ANALYZE")
        self._report(scale, started)

    def _statements(self, path, params):
        sql = path.read_text(encoding="utf-8")
        sql = sql.replace(":'today'", f"'{params['today']}'")
        for name in ("n_customers", "n_invoices", "n_staff", "months", "n_visits"):
            if name in params:
                sql = sql.replace(f":{name}", str(int(params[name])))
        statements = []
        for s in sql.split(";\n"):
            s = s.strip()
            if not s or all(line.startswith("--") for line in s.splitlines()):
                continue
            code = "\n".join(line for line in s.splitlines() if not line.startswith("--")).strip()
            if code.startswith("\\ir "):  # psql's include, relative to this file
                statements.extend(self._statements(path.with_name(code[4:].strip()), params))
            else:
                statements.append(s)
        return statements

    @transaction.atomic
    def _targets_only(self, today):
        """Replace the targets of an earlier data set (one made before targets were generated)."""
        if not Customer.objects.exists():
            raise CommandError("--targets-only needs an earlier seed_scale data set here.")
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT max(issue_date) FROM customers_invoice")
            last = cursor.fetchone()[0]
            cursor.execute("TRUNCATE plans_target CASCADE")
            params = {"months": MONTHS, "today": today or last.isoformat()}
            for statement in self._statements(TARGETS_SQL_FILE, params):
                self._run(cursor, statement)
            cursor.execute("ANALYZE plans_target")
        self.stdout.write(self.style.SUCCESS(f"targets: {self._count('plans_target')} in {time.perf_counter() - started:.0f}s"))

    @transaction.atomic
    def _channels_only(self, today):
        """Replace the channels of an earlier data set (one made before channels were generated) and give the
        same share of its invoices a channel as a fresh seed does. The per-channel summaries are left to
        `rebuild_summaries`."""
        if not Customer.objects.exists():
            raise CommandError("--channels-only needs an earlier seed_scale data set here.")
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM sales_channels_channel WHERE external_id IS NULL OR external_id NOT LIKE 'SC-CH%%'"
            )
            if cursor.fetchone()[0]:
                raise CommandError("This database holds channels that seed_scale did not create; refusing to touch them.")
            cursor.execute("SELECT min(issue_date), max(issue_date) FROM customers_invoice")
            _first, last = cursor.fetchone()
            params = {"months": MONTHS, "today": today or last.isoformat()}
            self._run(cursor, "UPDATE customers_invoice SET channel_id = NULL WHERE channel_id IS NOT NULL")
            self._run(cursor, "DELETE FROM performance_channelmonthfact")
            self._run(cursor, "DELETE FROM sales_channels_channeltransition")
            self._run(cursor, "DELETE FROM sales_channels_channel")
            for statement in self._statements(CHANNELS_SQL_FILE, params):
                self._run(cursor, statement)
            self._run(cursor, CHANNEL_UPDATE)
            cursor.execute("DROP TABLE s_channel_pick")
            cursor.execute("ANALYZE customers_invoice")
        self.stdout.write(
            self.style.SUCCESS(
                f"channels: {self._count('sales_channels_channel')}, invoices through one: "
                f"{self._scalar('SELECT count(*) FROM customers_invoice WHERE channel_id IS NOT NULL')} "
                f"in {time.perf_counter() - started:.0f}s"
            )
        )

    @transaction.atomic
    def _visits_only(self, today, n_visits):
        """Replace the customer visits of an earlier data set (and the customers' last visits kept from them): COPY
        speed, with the visits' secondary indexes and keys built once after the load."""
        if not Customer.objects.exists():
            raise CommandError("--visits-only needs an earlier seed_scale data set here.")
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM relations_visit WHERE external_id IS NULL OR external_id NOT LIKE 'SC-V%%'")
            if cursor.fetchone()[0]:
                raise CommandError("This database holds visits that seed_scale did not create; refusing to touch them.")
            cursor.execute("SELECT max(issue_date) FROM customers_invoice")
            last = cursor.fetchone()[0]
            params = {"months": MONTHS, "today": today or last.isoformat(), "n_visits": n_visits}
            self._run(cursor, "TRUNCATE relations_customerlastvisit, relations_visit")
            saved = self._drop_indexes_and_keys(cursor, tables=["relations_visit"])
            try:
                for statement in self._statements(VISITS_SQL_FILE, params):
                    self._run(cursor, statement)
            finally:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for statement in saved:
                    self._run(cursor, statement)
            cursor.execute("ANALYZE relations_visit")
            cursor.execute("ANALYZE relations_customerlastvisit")
        self.stdout.write(
            self.style.SUCCESS(
                f"visits: {self._count('relations_visit')}, customers visited: {self._count('relations_customerlastvisit')} "
                f"in {time.perf_counter() - started:.0f}s"
            )
        )

    def _scalar(self, sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]

    def _report(self, scale, started):
        counts = {
            table: self._count(table)
            for table in (
                "regions_orgunit",
                "regions_staffprofile",
                "customers_customer",
                "sales_channels_channel",
                "customers_invoice",
                "customers_payment",
                "customers_allocation",
                "plans_target",
            )
        }
        self.stdout.write(self.style.SUCCESS(f"seed_scale {scale}: {counts} in {time.perf_counter() - started:.0f}s"))
        self.stdout.write(f"Logins (password {BENCH_PASSWORD}): " + ", ".join(name for name, _role, _code in BENCH_LOGINS))

    def _run(self, cursor, statement):
        t0 = time.perf_counter()
        cursor.execute(statement)
        elapsed = time.perf_counter() - t0
        first = next(line for line in statement.splitlines() if not line.startswith("--"))
        if elapsed > 1:
            self.stdout.write(f"  {elapsed:7.1f}s  {first[:100]}")
        # Analyse each table right after its bulk load: the statements after it (the open-balance UPDATE, the
        # targets' UPDATEs) are planned from the statistics, and without them PostgreSQL plans a fresh table
        # as empty — one full scan of the allocations per customer, some 8 hours at the medium preset.
        loaded = re.match(r"\s*(?:INSERT\s+INTO|CREATE\s+(?:UNLOGGED\s+)?TABLE)\s+(\w+)", first, re.IGNORECASE)
        if loaded:
            cursor.execute(f"ANALYZE {loaded.group(1)}")

    def _drop_indexes_and_keys(self, cursor, tables=FACT_TABLES):
        """Drop the secondary indexes, unique and foreign-key constraints of the fact tables (or `tables`); return
        the statements that put them back (indexes first, then constraints)."""
        tables = list(tables)
        # Inside an outer transaction (tests), deferred foreign-key checks must run before an ALTER TABLE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
            FROM pg_constraint c WHERE c.conrelid::regclass::text = ANY(%s) AND c.contype IN ('f', 'u')
            """,
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """
            SELECT i.indrelid::regclass::text, ci.relname, pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid
            WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('u', 'p'))
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _definition in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for _table, name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        restore = [definition for _table, _name, definition in indexes]
        # Unique constraints first: foreign keys that point at them need them back.
        for table, name, definition in sorted(constraints, key=lambda row: not row[2].startswith("UNIQUE")):
            restore.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        return restore

    def _count(self, table):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (fixed table names)
            return cursor.fetchone()[0]

    @transaction.atomic
    def _logins(self):
        for n, (username, role, code) in enumerate(BENCH_LOGINS, start=1):
            if not StaffProfile.objects.filter(employee_no=f"BENCH{n}").exists():
                staff_hire(
                    by=SYSTEM,
                    employee_no=f"BENCH{n}",
                    name=username,
                    unit=OrgUnit.objects.get(code=code),
                    role=role,
                    hire_date=date(2020, 1, 1),
                    username=username,
                    password=BENCH_PASSWORD,
                )

    def _reset(self):
        self.stdout.write("Removing the earlier seed_scale data set…")
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE customers_allocation, customers_payment, customers_invoiceline, customers_invoice, "
                "customers_contact, customers_collectionplanline, customers_followup, customers_collectionplan, "
                "customers_customer CASCADE"
            )
            # The channels (and what hangs on them: their history, summaries, contracts).
            cursor.execute("TRUNCATE sales_channels_channel CASCADE")
            cursor.execute("TRUNCATE plans_target CASCADE")
            cursor.execute(
                "DELETE FROM regions_position WHERE staff_id IN (SELECT id FROM regions_staffprofile WHERE employee_no LIKE 'SC%%')"
            )
            cursor.execute("DELETE FROM regions_staffprofile WHERE employee_no LIKE 'SC%%'")
