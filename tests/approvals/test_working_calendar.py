"""The working calendar as the system's data (approvals.CalendarDay): seeded from chinese_calendar for the years
it knew, kept by the Development Center on a page, read by every SLA, and a warning from 1 December while next
year is missing. Every clock is pinned (time_machine), so the tests mean the same on any real date."""

from datetime import date, datetime

import chinese_calendar
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from approvals import services
from approvals.calendar import add_working_days, is_working_day, next_year_missing, working_days_between
from approvals.choices import ApprovalKind, CalendarDayKind
from approvals.models import CalendarDay
from notifications.models import Notification

pytestmark = pytest.mark.django_db

CST = timezone.get_fixed_timezone(8 * 60)
# The 2027 National Day week as a schedule might read: 1–7 October off, Saturday 9 October worked.
NATIONAL_DAY_2027 = [date(2027, 10, d) for d in range(1, 8)]
MAKE_UP_2027 = date(2027, 10, 9)


def _enter_2027(by):
    for day in NATIONAL_DAY_2027:
        services.calendar_day_save(day=day, kind=CalendarDayKind.HOLIDAY, name="国庆节", by=by)
    services.calendar_day_save(day=MAKE_UP_2027, kind=CalendarDayKind.WORKDAY, name="国庆节", by=by)


def test_the_table_holds_what_the_package_knew():
    for year in (2004, 2015, 2026):
        listed = {(row.day, row.kind == CalendarDayKind.HOLIDAY) for row in CalendarDay.objects.of_year(year)}
        known = {(day, True) for day in chinese_calendar.holidays if day.year == year} | {
            (day, False) for day in chinese_calendar.workdays if day.year == year
        }
        assert listed == known and listed
    assert CalendarDay.objects.get(day=date(2026, 2, 17)).name == "春节"
    assert not CalendarDay.objects.of_year(2027).exists()


def test_sla_counts_the_2027_holidays_entered_in_the_table(personas):
    center = personas["center"].user
    # Before anyone enters 2027 the year counts Monday to Friday: 1 October (a Friday) is a working day.
    assert add_working_days(date(2027, 9, 30), 1) == date(2027, 10, 1)
    _enter_2027(center)
    assert add_working_days(date(2027, 9, 30), 1) == date(2027, 10, 8)
    assert add_working_days(date(2027, 10, 8), 1) == MAKE_UP_2027  # the make-up Saturday
    assert not is_working_day(date(2027, 10, 4)) and is_working_day(MAKE_UP_2027)
    assert working_days_between(date(2027, 9, 30), date(2027, 10, 11)) == 3  # 8th, 9th (make-up), 11th

    # A work plan submitted on Thursday 30 September 2027 (SLA: 3 working days) is due on Monday 11 October.
    rep = personas["rep_hangzhou"]
    with time_machine.travel(datetime(2027, 9, 30, 10, 0, tzinfo=CST), tick=False):
        request = services.request_submit(
            subject=rep.staff.unit, kind=ApprovalKind.PLAN_WORK, unit=rep.staff.unit, title="工作计划", by=rep.user
        )
    assert timezone.localtime(request.due_at).date() == date(2027, 10, 11)
    # On 8 October it is not overdue (Mon–Fri counting would have made it due on 5 October): no escalation.
    with time_machine.travel(datetime(2027, 10, 8, 12, 0, tzinfo=CST), tick=False):
        assert services.requests_escalate_overdue() == 0
    with time_machine.travel(datetime(2027, 10, 12, 12, 0, tzinfo=CST), tick=False):
        assert services.requests_escalate_overdue() == 1


def test_a_change_reaches_the_cached_year_at_once(personas):
    center = personas["center"].user
    assert is_working_day(date(2027, 5, 3))  # cached as a Monday of an empty year
    entry = services.calendar_day_save(day=date(2027, 5, 3), kind=CalendarDayKind.HOLIDAY, name="劳动节", by=center)
    assert not is_working_day(date(2027, 5, 3))
    services.calendar_day_save(day=date(2027, 5, 4), kind=CalendarDayKind.HOLIDAY, name="劳动节", by=center, calendar_day=entry)
    assert is_working_day(date(2027, 5, 3)) and not is_working_day(date(2027, 5, 4))
    services.calendar_day_delete(calendar_day=CalendarDay.objects.get(day=date(2027, 5, 4)), by=center)
    assert is_working_day(date(2027, 5, 4))


def test_only_the_center_may_change_the_calendar(personas):
    from core.rights import NotAllowed

    for name in ("rm_east", "dm_hangzhou", "rep_hangzhou"):
        with pytest.raises(NotAllowed):
            services.calendar_day_save(day=date(2027, 1, 1), kind=CalendarDayKind.HOLIDAY, by=personas[name].user)
    assert not CalendarDay.objects.of_year(2027).exists()


def test_the_warning_shows_from_1_december_to_the_center_only_while_next_year_is_empty(personas):
    center, director, manager = personas["center"].web(), personas["director"].web(), personas["rm_east"].web()
    marker = 'data-testid="calendar-missing"'
    with time_machine.travel(datetime(2026, 11, 30, 10, 0, tzinfo=CST), tick=False):
        assert next_year_missing(timezone.localdate()) is None
        assert marker not in center.get(reverse("home")).content.decode()
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=CST), tick=False):
        assert next_year_missing(timezone.localdate()) == 2027
        page = center.get(reverse("home")).content.decode()
        assert marker in page and "2027" in page
        assert marker in director.get(reverse("approvals:calendar")).content.decode()
        assert marker not in manager.get(reverse("home")).content.decode()
        services.calendar_day_save(day=date(2027, 1, 1), kind=CalendarDayKind.HOLIDAY, name="元旦", by=personas["center"].user)
        assert next_year_missing(timezone.localdate()) is None
        assert marker not in center.get(reverse("home")).content.decode()


def test_the_center_is_notified_once(personas):
    with time_machine.travel(datetime(2026, 11, 30, 10, 0, tzinfo=CST), tick=False):
        assert services.calendar_warn_center() is None
    assert not Notification.objects.filter(url__contains="calendar").exists()
    with time_machine.travel(datetime(2026, 12, 1, 9, 20, tzinfo=CST), tick=False):
        from approvals.tasks import approvals_calendar_check

        assert approvals_calendar_check.delay().get() == 2027
    with time_machine.travel(datetime(2026, 12, 2, 9, 20, tzinfo=CST), tick=False):
        assert services.calendar_warn_center() is None  # already told
    sent = Notification.objects.filter(url__contains="calendar")
    assert {n.recipient.username for n in sent} == {"director", "center"}
    assert all("2027" in n.title for n in sent)


def test_the_calendar_page_lists_adds_edits_and_deletes(personas):
    web = personas["center"].web()
    with time_machine.travel(datetime(2026, 12, 4, 10, 0, tzinfo=CST), tick=True):
        page = web.get(reverse("approvals:calendar"), {"year": 2026})
        assert page.status_code == 200
        assert len(page.context["object_list"]) == CalendarDay.objects.of_year(2026).count()
        response = web.post(reverse("approvals:calendar"), {"day": "2027-02-11", "kind": "holiday", "name": "春节"})
        assert response.status_code == 302
        entry = CalendarDay.objects.get(day=date(2027, 2, 11))
        assert entry.updated_by == personas["center"].user
        assert not is_working_day(date(2027, 2, 11))
        # A day already listed is refused on the field; a day outside the supported range too.
        again = web.post(reverse("approvals:calendar"), {"day": "2027-02-11", "kind": "workday"})
        assert again.status_code == 400 and "day" in again.context["form"].errors
        far = web.post(reverse("approvals:calendar"), {"day": "2100-01-01", "kind": "holiday"})
        assert far.status_code == 400 and "day" in far.context["form"].errors
        url = reverse("approvals:calendar_day", kwargs={"pk": entry.pk})
        assert web.get(url).status_code == 200
        assert web.post(url, {"day": "2027-02-12", "kind": "holiday", "name": "春节"}).status_code == 302
        assert is_working_day(date(2027, 2, 11)) and not is_working_day(date(2027, 2, 12))
        assert web.post(url, {"delete": "1"}).status_code == 302
        assert not CalendarDay.objects.of_year(2027).exists() and is_working_day(date(2027, 2, 12))


@pytest.mark.parametrize("name", ["rm_east", "pm_zhejiang", "dm_hangzhou", "rep_hangzhou"])
def test_other_roles_get_403_on_the_list_and_404_on_an_entry(personas, name):
    entry = CalendarDay.objects.of_year(2026).first()
    web = personas[name].web()
    assert web.get(reverse("approvals:calendar")).status_code == 403
    assert web.post(reverse("approvals:calendar"), {"day": "2027-01-01", "kind": "holiday"}).status_code == 403
    url = reverse("approvals:calendar_day", kwargs={"pk": entry.pk})
    assert web.get(url).status_code == 404
    assert web.post(url, {"delete": "1"}).status_code == 404
    assert CalendarDay.objects.filter(pk=entry.pk).exists()
    assert not CalendarDay.objects.of_year(2027).exists()
    nav = [label for label, _url in web.get(reverse("approvals:mine")).context["nav_items"]]
    assert "工作日历" not in nav
    center_nav = [label for label, _url in personas["center"].web().get(reverse("approvals:mine")).context["nav_items"]]
    assert "工作日历" in center_nav
