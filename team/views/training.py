"""Pages of training (培训), issue 19, under /team/: the course catalogue (with a course's page and the center's
forms), sessions with their seats and an "enrol me" button, a session's page (enrol someone of one's subtree,
record attendance and scores, cancel), "my training" (one's enrolments, mandatory training due, hours) and a unit's
training overview (hours per unit below it and per person, mandatory training overdue).

Reading is the scope rule; every write goes through team.services, which asks the rules of team/rights/training.py.
A person or an enrolment named in a form that lies outside the reader's scope is a 404, as everywhere."""

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core import audit
from core.errors import DomainError
from core.periods import parse_input
from core.rights import may
from core.roles import staff_of
from core.scoping import get_in_scope, scope_of
from core.views import ScopedDetailView, ScopedListView, ScopedViewMixin, apply_domain_error
from regions.models import OrgUnit, StaffProfile
from team import services
from team.filtersets.training import CourseFilterSet, TrainingSessionFilterSet
from team.forms.training import CourseForm, EnrolForm, RecordForm, TrainingSessionForm
from team.models.training import Course, Enrolment, EnrolmentState, SessionState, TrainingSession, ancestor_paths
from team.selectors.training import (
    mandatory_due,
    sessions_with_seats,
    training_hours_by_person,
    training_hours_by_unit,
    training_hours_total,
)

COURSE_FIELDS = ("code", "title", "topic", "kind", "hours", "pass_mark", "mandatory_roles", "validity_months", "description")
SESSION_FIELDS = ("course", "starts_at", "ends_at", "online", "place", "trainer", "capacity", "note")


class RuleMixin:
    """`may_change` (the button, and the gate of a form's page) is this page's rule, not a role-table right."""

    change_rule = None

    def may_change(self):
        return self.change_rule is not None and may(self.request.user, self.change_rule)


# --- the course catalogue ---------------------------------------------------------------------------------------
class CourseListView(RuleMixin, ScopedListView):
    model = Course
    change_rule = "course.change"
    filterset_class = CourseFilterSet
    title = gettext_lazy("Course catalogue")
    template_name = "team/training_course_list.html"

    def narrow_queryset(self, queryset):
        return super().narrow_queryset(queryset).order_by("-is_active", "code")


class CourseDetailView(RuleMixin, ScopedDetailView):
    model = Course
    change_rule = "course.change"
    template_name = "team/training_course_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sessions = TrainingSession.objects.for_user(self.request.user).filter(course=self.object)
        context["sessions"] = sessions_with_seats(sessions.select_related("unit")).order_by("-starts_at")[:50]
        return context


class CourseFormView(RuleMixin, ScopedViewMixin, View):
    model = Course
    change_rule = "course.change"
    template = "team/training_form.html"

    def _render(self, form, course, status=200):
        title = _("Edit the course") if course else _("Add a course")
        back = course.get_absolute_url() if course else "team:course_list"
        return render(self.request, self.template, {"form": form, "title": title, "back": back}, status=status)

    def _course(self, pk):
        return None if pk is None else get_in_scope(self.request, Course, pk=pk)

    def get(self, request, pk=None):
        course = self._course(pk)
        self.require_change()
        initial = {name: getattr(course, name) for name in (*COURSE_FIELDS, "is_active")} if course else {}
        return self._render(CourseForm(initial=initial, with_active=course is not None), course)

    def post(self, request, pk=None):
        course = self._course(pk)
        self.require_change()
        form = CourseForm(request.POST, with_active=course is not None)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in COURSE_FIELDS}
            try:
                if course is None:
                    course = services.course_create(by=request.user, **data)
                else:
                    services.course_update(by=request.user, course=course, is_active=form.cleaned_data["is_active"], **data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The course is saved."))
                return redirect(course.get_absolute_url())
        return self._render(form, course, status=400)


# --- sessions ---------------------------------------------------------------------------------------------------
class TrainingSessionListView(RuleMixin, ScopedListView):
    """Sessions open to the reader or run in their part of the tree, with their seats; "enrol me" on the ones that
    have not started."""

    model = TrainingSession
    change_rule = "training_session.change"
    filterset_class = TrainingSessionFilterSet
    unit_tree = OrgUnit
    title = gettext_lazy("Training sessions")
    template_name = "team/training_session_list.html"

    def narrow_queryset(self, queryset):
        queryset = super().narrow_queryset(queryset.select_related("course", "unit"))
        return sessions_with_seats(queryset).order_by("-starts_at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        staff = staff_of(self.request.user, active=True)
        context["now"] = timezone.now()
        context["mine"] = (
            set(Enrolment.objects.filter(person=staff, state=EnrolmentState.ENROLLED).values_list("session_id", flat=True))
            if staff is not None
            else set()
        )
        context["staff"] = staff
        context["open_paths"] = ancestor_paths(staff.unit.path) if staff is not None else []
        return context


class TrainingSessionCreateView(RuleMixin, ScopedViewMixin, View):
    model = TrainingSession
    change_rule = "training_session.change"

    def _render(self, form, status=200):
        context = {"form": form, "title": _("Schedule a session"), "back": "team:training_session_list"}
        return render(self.request, "team/training_form.html", context, status=status)

    def get(self, request):
        self.require_change()
        initial = {"course": request.GET.get("course")} if request.GET.get("course", "").isdigit() else {}
        return self._render(TrainingSessionForm(user=request.user, initial=initial))

    def post(self, request):
        self.require_change()
        form = TrainingSessionForm(request.POST, user=request.user)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in SESSION_FIELDS}
            try:
                session = services.training_session_create(by=request.user, unit=form.cleaned_data["unit"], **data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The session is scheduled."))
                return redirect(session.get_absolute_url())
        return self._render(form, status=400)


class TrainingSessionDetailView(ScopedDetailView):
    """A session: its particulars and seats, the enrolments the reader may see (their subtree's people, or their
    own), and the forms to enrol, record attendance and scores, cancel."""

    model = TrainingSession
    template_name = "team/training_session_detail.html"

    def may_change(self):
        return may(self.request.user, "enrolment.create")

    def narrow_queryset(self, queryset):
        return sessions_with_seats(queryset.select_related("course", "unit"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        session, user = self.object, self.request.user
        staff = staff_of(user, active=True)
        enrolments = (
            Enrolment.objects.for_user(user).filter(session=session).select_related("person__unit").order_by("person__name")
        )
        started = session.starts_at <= timezone.now()
        scheduled = session.state == SessionState.SCHEDULED
        context.update(
            enrolments=enrolments,
            started=started,
            may_run=may(user, "training_session.change", session),
            may_record=started and may(user, "enrolment.record", Enrolment(session=session)),
            may_enrol=scheduled and not started and may(user, "enrolment.create"),
            enrol_form=kwargs.get("enrol_form") or EnrolForm(user=user, session=session),
            record_form=kwargs.get("record_form") or RecordForm(),
            own=(
                Enrolment.objects.filter(session=session, person=staff, state=EnrolmentState.ENROLLED).first()
                if staff is not None
                else None
            ),
            error=kwargs.get("error"),
        )
        return context

    def _enrolment(self, request):
        queryset = Enrolment.objects.for_user(request.user).filter(session=self.object)
        return get_in_scope(request, Enrolment, queryset=queryset, pk=request.POST.get("enrolment"))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        name = request.POST.get("action")
        session = self.object
        try:
            if name == "enrol":
                raw = request.POST.get("person") or ""
                person = get_in_scope(request, StaffProfile, pk=raw) if raw else staff_of(request.user, active=True)
                services.enrolment_create(by=request.user, session=session, person=person)
                done = _("%(name)s is enrolled.") % {"name": person.name} if person else ""
            elif name == "cancel_enrolment":
                services.enrolment_cancel(by=request.user, enrolment=self._enrolment(request))
                done = _("The enrolment is cancelled.")
            elif name == "record":
                enrolment = self._enrolment(request)
                form = RecordForm(request.POST)
                if not form.is_valid():
                    context = self.get_context_data(object=session, record_form=form)
                    return render(request, self.template_name, context, status=400)
                services.enrolment_record(
                    by=request.user, enrolment=enrolment, attended=form.cleaned_data["attended"], score=form.cleaned_data["score"]
                )
                done = _("The attendance of %(name)s is recorded.") % {"name": enrolment.person.name}
            elif name == "cancel_session":
                services.training_session_cancel(by=request.user, session=session)
                done = _("The session is cancelled.")
            else:
                return render(request, self.template_name, self.get_context_data(error=_("Unknown action.")), status=400)
        except DomainError as error:
            if error.status_code == 403:
                raise audit.RefusedWrite(str(error.message)) from None
            self.object = self.get_object()
            context = self.get_context_data(object=self.object, error=error.message)
            return render(request, self.template_name, context, status=error.status_code)
        messages.success(request, done)
        return redirect(session.get_absolute_url())


# --- my training, a unit's overview -----------------------------------------------------------------------------
def _year_period(request, *, field="period"):
    """The period asked for (?period=2026, 2026-Q3, 2026-07), default this year; bad input is a 400 message."""
    text = request.GET.get(field) or str(timezone.localdate().year)
    return parse_input(text, field=field)


class MyTrainingView(LoginRequiredMixin, View):
    """The reader's own training: their enrolments and results, the mandatory courses due, their hours this year."""

    template_name = "team/training_mine.html"

    def get(self, request):
        staff = staff_of(request.user)
        today = timezone.localdate()
        context = {"title": _("My training"), "staff": staff, "today": today}
        if staff is not None:
            year = datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
            context.update(
                enrolments=Enrolment.objects.filter(person=staff)
                .select_related("session__course", "session__unit")
                .order_by("-session__starts_at"),
                due=mandatory_due(StaffProfile.objects.filter(pk=staff.pk), today=today),
                hours=training_hours_by_person(staff.unit, start=year[0], end=year[1]).get(staff.pk, 0),
                year=today.year,
            )
        return render(request, self.template_name, context)


class UnitTrainingRedirectView(LoginRequiredMixin, View):
    """/team/training/units/: the overview of the reader's own unit."""

    def get(self, request):
        staff = staff_of(request.user)
        if staff is None:
            raise Http404
        return redirect("team:unit_training", pk=staff.unit_id)


class UnitTrainingView(ScopedDetailView):
    """A unit's training overview for a period: hours of its subtree (per unit directly below it and per person),
    people trained against headcount, and the mandatory training overdue. For managers and the center; a
    salesperson reads their own training on "my training" (403 here)."""

    model = OrgUnit
    template_name = "team/training_unit.html"

    def get_object(self, queryset=None):
        unit = super().get_object(queryset)
        if scope_of(self.request.user).own_only:
            audit.log_denial(self.request, reason="a salesperson reads their own training only", status=403)
            raise PermissionDenied
        return unit

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        try:
            period = _year_period(request)
        except DomainError as error:
            context = self.get_context_data(object=self.object, error=error.message, period_text=request.GET.get("period"))
            return render(request, self.template_name, context, status=400)
        return render(request, self.template_name, self.get_context_data(object=self.object, period=period))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit, period = self.object, kwargs.get("period")
        context["period_text"] = kwargs.get("period_text") or (str(period) if period else "")
        if period is None:
            return context
        today = timezone.localdate()
        people = StaffProfile.objects.for_unit(unit).filter(is_active=True)
        by_person = training_hours_by_person(unit, start=period.start, end=period.end)
        person_rows = [
            (person, by_person.get(person.pk, 0)) for person in people.select_related("unit").order_by("unit__path", "name")
        ]
        person_rows.sort(key=lambda row: (-row[1], row[0].unit.path, row[0].name))
        due = mandatory_due(people, today=today)
        context.update(
            period=period,
            total=training_hours_total(unit, start=period.start, end=period.end),
            trained=len(by_person),
            headcount=len(person_rows),
            unit_rows=training_hours_by_unit(unit, start=period.start, end=period.end),
            person_rows=person_rows[:200],
            due=due[:300],
            due_count=len(due),
            overdue_people=len({row.person.pk for row in due}),
        )
        return context
