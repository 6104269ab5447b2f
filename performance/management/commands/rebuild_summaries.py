"""manage.py rebuild_summaries [--month 2026-07 …]: rebuild the monthly summaries from the raw facts."""

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from performance import services


class Command(BaseCommand):
    help = "Rebuild the monthly summaries (performance.MonthlyFact) from the raw facts: the given months, or all."

    def add_arguments(self, parser):
        parser.add_argument("--month", action="append", dest="months", metavar="YYYY-MM", help="A month to rebuild; repeatable.")

    def handle(self, *args, months=None, **options):
        try:
            periods = [services.parse_month(text) for text in months] if months else None
            rows = services.summaries_rebuild(months=periods)
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        what = ", ".join(str(p) for p in periods) if periods else "all months"
        self.stdout.write(self.style.SUCCESS(f"Rebuilt {what}: {rows} summary rows."))
