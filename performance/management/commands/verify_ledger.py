"""`manage.py verify_ledger`: the ledger checks (customers/verify.py) and the summary checks
(performance/verify.py), one line per check; exit status 1 when any check finds a mismatch. The restore drill
(scripts/restore-drill) runs it on a restored copy; it is read-only and safe on the live database too."""

import time

from django.core.management.base import BaseCommand, CommandError

from customers.verify import ledger_checks
from performance.services import recent_months
from performance.verify import summary_checks


class Command(BaseCommand):
    help = "Check that open balances = the ledger, district sums = customers, summaries = facts; exit 1 on a mismatch."

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip-recent",
            action="store_true",
            help="leave the current and previous month out of the summary checks (a dump of a live system: they "
            "are refreshed every 10 minutes and may lag behind the last postings)",
        )

    def handle(self, *args, skip_recent=False, **options):
        skip = [period.start for period in recent_months()] if skip_recent else []
        failed = []
        for run in (ledger_checks, lambda: summary_checks(skip_months=skip)):
            started = time.monotonic()
            checks = run()
            seconds = time.monotonic() - started
            for check in checks:
                if check.skipped:
                    self.stdout.write(f"SKIP {check.name}: {check.description} — {check.skipped}")
                elif check.ok:
                    self.stdout.write(f"OK   {check.name}: {check.description} ({check.rows} rows)")
                else:
                    failed.append(check.name)
                    self.stdout.write(f"FAIL {check.name}: {check.description} — {check.mismatches} of {check.rows} rows differ")
                    for example in check.examples:
                        self.stdout.write(f"       {example}")
            self.stdout.write(f"     ({seconds:.1f}s)")
        if failed:
            raise CommandError(f"ledger checks failed: {', '.join(failed)}")
        self.stdout.write("all ledger checks passed")
