"""Seed the working calendar from the chinese_calendar package for the years it knows (2004–2026).

From then on the table is the system's data: the Development Center adds each new year on the calendar page.
Reversing removes only the rows this migration wrote (days of those years that nobody has edited since).
"""

from django.db import migrations


def _rows():
    import chinese_calendar
    from chinese_calendar.constants import Holiday

    chinese = {holiday.value: holiday.chinese for holiday in Holiday}
    for day, name in chinese_calendar.holidays.items():
        yield day, "holiday", chinese.get(name, name)
    for day, name in chinese_calendar.workdays.items():
        yield day, "workday", chinese.get(name, name)


def seed(apps, schema_editor):
    CalendarDay = apps.get_model("approvals", "CalendarDay")
    existing = set(CalendarDay.objects.values_list("day", flat=True))
    CalendarDay.objects.bulk_create(
        [CalendarDay(day=day, kind=kind, name=name) for day, kind, name in _rows() if day not in existing], batch_size=500
    )


def unseed(apps, schema_editor):
    CalendarDay = apps.get_model("approvals", "CalendarDay")
    CalendarDay.objects.filter(day__in=[day for day, _kind, _name in _rows()], updated_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("approvals", "0004_calendar_days")]

    operations = [migrations.RunPython(seed, unseed)]
