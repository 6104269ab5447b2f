"""The working calendar (holidays and make-up working days behind every SLA), kept by the Development Center."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from approvals.calendar import calendar_changed
from approvals.models import CalendarDay
from core.dates import check_supported_date
from core.errors import Conflict
from core.rights import ensure


@transaction.atomic
def calendar_day_save(*, day, kind, name="", by, calendar_day=None):
    """Enter (or correct) one holiday or make-up working day; the Development Center only.

    Moving an entry to another day frees the old day; a day already listed is refused on the field `day`.
    Both years are dropped from the SLA cache.
    """
    ensure(by, "calendar.change", message=_("The working calendar is kept by the Development Center."))
    check_supported_date(day, field="day")
    clash = CalendarDay.objects.select_for_update().filter(day=day)
    if calendar_day is not None:
        clash = clash.exclude(pk=calendar_day.pk)
    if clash.exists():
        raise Conflict(_("%(day)s is already on the calendar: edit that entry.") % {"day": day.isoformat()}, field="day")
    years = {day.year}
    if calendar_day is None:
        calendar_day = CalendarDay(day=day)
    else:
        calendar_day = CalendarDay.objects.select_for_update().get(pk=calendar_day.pk)
        years.add(calendar_day.day.year)
        calendar_day.day = day
    calendar_day.kind = kind
    calendar_day.name = name
    calendar_day.updated_by = by
    try:
        with transaction.atomic():
            calendar_day.save()
    except IntegrityError:
        raise Conflict(
            _("%(day)s is already on the calendar: edit that entry.") % {"day": day.isoformat()}, field="day"
        ) from None
    calendar_changed(*years)
    return calendar_day


@transaction.atomic
def calendar_day_delete(*, calendar_day, by):
    """Remove one entry (the day then follows the Monday–Friday week); the Development Center only."""
    ensure(by, "calendar.change", message=_("The working calendar is kept by the Development Center."))
    year = calendar_day.day.year
    calendar_day.delete()
    calendar_changed(year)
