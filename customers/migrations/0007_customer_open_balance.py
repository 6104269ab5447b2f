from decimal import Decimal

from django.db import migrations, models
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

MONEY = DecimalField(max_digits=18, decimal_places=2)


def fill_open_balances(apps, schema_editor):
    """Each customer's open receivable from the ledger, as customers.services.exposures() computes it."""
    Customer = apps.get_model("customers", "Customer")
    Invoice = apps.get_model("customers", "Invoice")
    Allocation = apps.get_model("customers", "Allocation")
    invoiced = (
        Invoice.objects.filter(customer=OuterRef("pk"), status="open")
        .order_by()
        .values("customer")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    allocated = (
        Allocation.objects.filter(invoice__customer=OuterRef("pk"), invoice__status="open", reversed_on__isnull=True)
        .order_by()
        .values("invoice__customer")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    zero = Value(Decimal("0.00"))
    Customer.objects.update(
        open_balance=Coalesce(Subquery(invoiced, output_field=MONEY), zero, output_field=MONEY)
        - Coalesce(Subquery(allocated, output_field=MONEY), zero, output_field=MONEY)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0006_open_invoices_cover_amount"),
    ]

    operations = [
        migrations.AddField(
            model_name="customer",
            name="open_balance",
            field=models.DecimalField(
                db_default=Decimal("0.00"),
                decimal_places=2,
                default=Decimal("0.00"),
                editable=False,
                max_digits=18,
                verbose_name="open receivable",
            ),
        ),
        migrations.RunPython(fill_open_balances, migrations.RunPython.noop),
    ]
