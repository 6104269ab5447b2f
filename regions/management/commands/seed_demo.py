from django.core.management.base import BaseCommand
from django.utils import translation

from customers.demo import load_demo_customers
from regions.demo import DEMO_PASSWORD, load_demo_company


class Command(BaseCommand):
    help = (
        "Load the demo company (organisation, managers, sales staff, customers and their sales ledger) and print the demo logins."
    )

    def handle(self, *args, **options):
        translation.activate("zh-hans")
        logins = load_demo_company()
        # After the people: customers are served by the sales staff just loaded. Idempotent like the above.
        counts = load_demo_customers()
        if counts["customers"]:
            self.stdout.write(
                f"客户 / customers: {counts['customers']}, 发票 / invoices: {counts['invoices']}, 回款 / payments: {counts['payments']}"
            )
        self.stdout.write(self.style.SUCCESS("演示数据已就绪 / Demo data loaded."))
        self.stdout.write(f"演示账号 / Demo logins (password 密码: {DEMO_PASSWORD}):")
        for username, role, unit in logins:
            self.stdout.write(f"  {username:<14} {role}  {unit}")
