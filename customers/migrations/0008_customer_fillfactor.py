from django.db import migrations


def set_fillfactor(apps, schema_editor):
    # Every posting updates its customer's open balance. With a fifth of each page left free, PostgreSQL
    # writes the new row version on the same page and leaves the customer's ten indexes alone (a HOT
    # update: no indexed column changes); on full pages each update writes every index. New pages only:
    # VACUUM FULL customers_customer applies it to rows written before.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE customers_customer SET (fillfactor = 80)")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE customers_customer RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0007_customer_open_balance"),
    ]

    operations = [
        migrations.RunPython(set_fillfactor, reset_fillfactor),
    ]
