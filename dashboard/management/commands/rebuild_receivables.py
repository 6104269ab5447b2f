"""Rebuild the receivables snapshots of the dashboard."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.errors import DomainError
from dashboard import services


class Command(BaseCommand):
    help = "Rebuild the dashboard's receivables snapshot of a date (default today), optionally with past month ends."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="The date (YYYY-MM-DD); default today (Beijing).")
        parser.add_argument(
            "--month-ends", type=int, default=0, help="Also rebuild the last N month ends (for the overdue trend)."
        )

    def handle(self, *args, as_of=None, month_ends=0, **options):
        started = time.monotonic()
        try:
            if month_ends:
                for day in services.month_ends(today=timezone.localdate(), months=month_ends):
                    self._one(day)
            self._one(as_of)
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(f"done in {time.monotonic() - started:.1f}s")

    def _one(self, as_of):
        started = time.monotonic()
        result = services.receivables_snapshot_rebuild(as_of=as_of)
        self.stdout.write(
            f"{result['as_of']}: {result['rows']} ageing rows, {result['credit_rows']} credit rows "
            f"in {time.monotonic() - started:.1f}s"
        )
