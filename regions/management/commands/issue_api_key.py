from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from core.services import api_key_issue
from regions.models import OrgUnit


class Command(BaseCommand):
    help = "Issue an API key for a branch system, bound to one org unit (by code). The key is printed once."

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="org unit code, e.g. 330100")
        parser.add_argument("--name", required=True, help="which branch system will use the key")
        parser.add_argument("--quiet", action="store_true", help="print only the key")

    def handle(self, *args, **options):
        unit = OrgUnit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"No org unit has the code {options['unit']}.")
        try:
            key, raw = api_key_issue(name=options["name"], unit=unit)
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        if options["quiet"]:
            self.stdout.write(raw)
        else:
            self.stdout.write(f"API key for {unit} (shown once, store it now):\n{raw}")
