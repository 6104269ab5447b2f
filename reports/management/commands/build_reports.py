"""(Re)build business reports on demand: `build_reports --period 2026-10 [--kind monthly] [--unit HD] [--sync]`.

Without --unit: every active region and the company. Without --sync the builds are queued for the
Celery workers (one run each); with --sync they run here, one after the other."""

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from core.jobs import new_token
from regions.choices import UnitKind
from regions.models import OrgUnit
from reports.choices import ReportKind
from reports.services import report_build, report_request, run_claim, run_fail


class Command(BaseCommand):
    help = "Build the monthly or quarterly business reports of a period (every region and the company, or one unit)."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="2026-10 for a monthly report, 2026-Q3 for a quarterly one")
        parser.add_argument("--kind", choices=ReportKind.values, default=None, help="default: from the period's form")
        parser.add_argument("--unit", default=None, help="a region's code (HD) or the center's (HQ)")
        parser.add_argument("--sync", action="store_true", help="build here instead of queueing Celery tasks")

    def handle(self, *args, period, kind, unit, sync, **options):
        kind = kind or (ReportKind.QUARTERLY if "Q" in period.upper() else ReportKind.MONTHLY)
        units = OrgUnit.objects.filter(kind__in=[UnitKind.CENTER, UnitKind.REGION], is_active=True).order_by("path")
        if unit:
            units = units.filter(code=unit)
            if not units.exists():
                raise CommandError(f"No active region or center with the code {unit!r}.")
        failures = 0
        for target in units:
            try:
                run = report_request(unit=target, period=period, kind=kind, enqueue=not sync)
                if sync:
                    run_claim(run=run, token=new_token())  # a new run: nobody else can hold it
                    try:
                        report = report_build(unit=target, period=period, kind=kind, run=run)
                    except Exception as error:
                        run_fail(run=run, message=getattr(error, "message", error))
                        raise
                    self.stdout.write(f"{target.code} {period} {kind}: built (report {report.pk})")
                else:
                    self.stdout.write(f"{target.code} {period} {kind}: queued (run {run.pk})")
            except DomainError as error:
                failures += 1
                self.stderr.write(f"{target.code} {period} {kind}: {error.message}")
        if failures and unit:
            raise CommandError("The report was not built.")
