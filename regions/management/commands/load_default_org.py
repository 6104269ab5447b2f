from django.core.management.base import BaseCommand

from core.rights import SYSTEM
from regions.services import DEFAULT_ORG_FILE, load_default_organisation


class Command(BaseCommand):
    help = "Create the default organisation (7 regions, 31 provinces, their prefectures, GB/T 2260) if absent."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DEFAULT_ORG_FILE))

    def handle(self, *args, **options):
        created = load_default_organisation(by=SYSTEM, path=options["file"])
        self.stdout.write(self.style.SUCCESS(f"{created} org units created."))
