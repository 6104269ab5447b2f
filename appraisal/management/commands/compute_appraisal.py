from django.core.management.base import BaseCommand, CommandError

from appraisal import services
from appraisal.choices import SchemeState
from appraisal.models import AppraisalScheme
from core.errors import DomainError
from core.rights import SYSTEM
from regions.models import OrgUnit


class Command(BaseCommand):
    help = "Compute (or recompute) appraisal runs: one scheme or every approved one, for a period."

    def add_arguments(self, parser):
        parser.add_argument("period", help="2026, 2026-Q3 or 2026-07 (of the scheme's kind)")
        parser.add_argument("--scheme", type=int, help="scheme id (default: every approved scheme of that period kind)")
        parser.add_argument("--unit", help="org unit code (default: the scheme's unit or the company)")

    def handle(self, *args, period, scheme=None, unit=None, **options):
        schemes = AppraisalScheme.objects.filter(state=SchemeState.APPROVED)
        if scheme:
            schemes = schemes.filter(pk=scheme)
        else:
            kind = "year" if len(period) == 4 else ("quarter" if "Q" in period else "month")
            schemes = schemes.filter(period_kind=kind)
        org_unit = None
        if unit:
            org_unit = OrgUnit.objects.filter(code=unit).first()
            if org_unit is None:
                raise CommandError(f"No org unit with code {unit}.")
        if not schemes:
            raise CommandError("No approved scheme matches.")
        for item in schemes:
            try:
                run = services.run_compute(scheme=item, period=period, unit=org_unit, by=SYSTEM)
            except DomainError as error:
                raise CommandError(f"{item}: {error.message}") from error
            self.stdout.write(f"{item}: {run.period} {run.unit.code} — {run.people} people scored")
