"""Seed the working calendar from the chinese_calendar package for the years it knows (2004–2026).

From then on the table is the system's data: the Development Center adds each new year on the calendar page.
Reversing removes only the rows this migration wrote (days of those years that nobody has edited since).
"""

from django.db import migrations


def seed(apps, schema_editor):
    from approvals.calendar import calendar_seed

    calendar_seed(apps.get_model("approvals", "CalendarDay"))


def unseed(apps, schema_editor):
    from approvals.calendar import package_days

    CalendarDay = apps.get_model("approvals", "CalendarDay")
    CalendarDay.objects.filter(day__in=[day for day, _kind, _name in package_days()], updated_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("approvals", "0004_calendar_days")]

    operations = [migrations.RunPython(seed, unseed)]
