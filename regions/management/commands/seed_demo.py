from django.core.management.base import BaseCommand
from django.utils import translation

from regions.demo import DEMO_PASSWORD, load_demo_company


class Command(BaseCommand):
    help = "Load the demo company (organisation, managers, sales staff) and print the demo logins."

    def handle(self, *args, **options):
        translation.activate("zh-hans")
        logins = load_demo_company()
        self.stdout.write(self.style.SUCCESS("演示数据已就绪 / Demo data loaded."))
        self.stdout.write(f"演示账号 / Demo logins (password 密码: {DEMO_PASSWORD}):")
        for username, role, unit in logins:
            self.stdout.write(f"  {username:<14} {role}  {unit}")
