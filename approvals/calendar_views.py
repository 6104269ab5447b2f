"""The working-calendar pages (工作日历) of the Development Center: a year's holidays and make-up working
days, listed, added, corrected and removed. Reads go through `CalendarDay.objects.for_user` (the center only)
and every change through approvals.services, which drops the year from the SLA cache."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals import services
from approvals.calendar import next_year_missing, year_calendar
from approvals.forms import CalendarDayForm
from approvals.models import CalendarDay
from core.dates import supported_years
from core.errors import DomainError
from core.views import ScopedDetailView, ScopedListView, apply_domain_error


class CalendarMixin:
    model = CalendarDay
    view_action = "calendar.change"
    change_action = "calendar.change"


class CalendarListView(CalendarMixin, ScopedListView):
    """A year's entries (`?year=`, default this year) and the form to add one."""

    template_name = "approvals/calendar.html"
    paginate_by = 100

    def year(self):
        first, last = supported_years()
        try:
            year = int(self.request.GET.get("year") or timezone.localdate().year)
        except ValueError:
            year = timezone.localdate().year
        return min(max(year, first), last)

    def narrow_queryset(self, queryset):
        return queryset.of_year(self.year()).select_related("updated_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.year()
        today = timezone.localdate()
        context.update(
            year=year,
            years=[year - 1, year, year + 1],
            listed=year_calendar(year).listed,
            missing_year=next_year_missing(today),
            form=kwargs.get("form") or CalendarDayForm(initial={"day": f"{year}-01-01"}),
        )
        return context

    def post(self, request, *args, **kwargs):
        self.require_change()
        form = CalendarDayForm(request.POST)
        if form.is_valid():
            try:
                entry = services.calendar_day_save(by=request.user, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("%(day)s is on the calendar.") % {"day": entry.day.isoformat()})
                return redirect(f"{reverse('approvals:calendar')}?year={entry.day.year}")
        self.object_list = self.get_queryset()
        return render(request, self.template_name, self.get_context_data(form=form), status=400)


class CalendarDayEditView(CalendarMixin, ScopedDetailView):
    """Correct or remove one entry."""

    template_name = "approvals/calendar_day.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        form = CalendarDayForm(initial={"day": self.object.day, "kind": self.object.kind, "name": self.object.name})
        return render(request, self.template_name, self.get_context_data(object=self.object, form=form))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        back = f"{reverse('approvals:calendar')}?year={self.object.day.year}"
        if "delete" in request.POST:
            services.calendar_day_delete(calendar_day=self.object, by=request.user)
            messages.success(request, _("%(day)s is off the calendar.") % {"day": self.object.day.isoformat()})
            return redirect(back)
        form = CalendarDayForm(request.POST)
        if form.is_valid():
            try:
                entry = services.calendar_day_save(by=request.user, calendar_day=self.object, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("%(day)s is on the calendar.") % {"day": entry.day.isoformat()})
                return redirect(f"{reverse('approvals:calendar')}?year={entry.day.year}")
        return render(request, self.template_name, self.get_context_data(object=self.object, form=form), status=400)
