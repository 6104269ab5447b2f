"""Pages of tasks: my tasks and my team's, a new task, a task with its moves, and the team summary.

Every read goes through `for_user` (the Scoped* base views); every write through workflow.services; a
refused write shows the service's message on its form with the refusal's status (400, 403 or 409).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core import audit
from core.errors import DomainError
from core.rights import may
from core.roles import can, staff_of
from core.ui import id_choice_field
from core.views import ScopedDetailView, ScopedListView, ScopedViewMixin, apply_domain_error
from regions.models import OrgUnit
from workflow import selectors, services
from workflow.choices import TaskState
from workflow.filtersets import TaskFilterSet
from workflow.forms import (
    SummaryForm,
    TaskCancelForm,
    TaskCompleteForm,
    TaskEditForm,
    TaskForm,
    TaskReassignForm,
    TaskReopenForm,
    assignable_staff,
)
from workflow.models import Task
from workflow.rights import task_moves

VIEWS = ("mine", "team", "all")


class TaskListView(ScopedListView):
    """`?view=mine` (default: tasks I own), `team` (my team's, mine left out) or `all` (all I may see)."""

    model = Task
    change_action = "task.change"
    filterset_class = TaskFilterSet
    hidden_filters = ("mine",)
    template_name = "workflow/task_list.html"

    def current_view(self):
        view = self.request.GET.get("view", "mine")
        return view if view in VIEWS else "mine"

    def narrow_queryset(self, queryset):
        view = self.current_view()
        staff = staff_of(self.request.user)
        if view == "mine":
            queryset = queryset.filter(owner=staff) if staff is not None else queryset.none()
        elif view == "team" and staff is not None:
            queryset = queryset.exclude(owner=staff)
        return (
            super()
            .narrow_queryset(queryset)
            .select_related("owner", "supervisor", "unit")
            .with_overdue(timezone.localdate())
            .order_by("state", "due_on", "id")
        )

    def adjust_filter_form(self, form):
        if self.current_view() == "mine":
            form.fields["owner"].widget = forms.HiddenInput()
        else:
            people = assignable_staff(self.request.user) if can(self.request.user, "task.assign") else []
            form.fields["owner"] = id_choice_field(_("owner"), [(p.pk, f"{p.name} ({p.employee_no})") for p in people])
        units = list(OrgUnit.objects.for_user(self.request.user).order_by("path").only("pk", "name", "depth", "path"))
        top = min((u.depth for u in units), default=0)
        form.fields["unit"] = id_choice_field(
            _("org unit (with sub-units)"), [(u.pk, f"{'· ' * (u.depth - top)}{u.name}") for u in units]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["view"] = self.current_view()
        context["may_assign"] = can(self.request.user, "task.assign")
        context["today"] = timezone.localdate()
        return context


class TaskCreateView(ScopedViewMixin, View):
    """A new task: to oneself, or (with the right task.assign) to someone in one's scope."""

    model = Task
    change_action = "task.change"
    template_name = "workflow/task_form.html"

    def _render(self, form, status=200):
        return render(self.request, self.template_name, {"form": form}, status=status)

    def get(self, request, *args, **kwargs):
        self.require_change()
        return self._render(TaskForm(user=request.user))

    def post(self, request, *args, **kwargs):
        self.require_change()
        form = TaskForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                task = services.task_create(
                    title=data["title"],
                    owner=data["owner"],
                    due_on=data["due_on"],
                    description=data["description"],
                    by=request.user,
                )
            except DomainError as error:
                apply_domain_error(form, error)
                return self._render(form, status=error.status_code)
            messages.success(request, _("The task was created."))
            return redirect("workflow:task_detail", pk=task.pk)
        return self._render(form, status=400)


# What each form on the detail page does: (form class, service call, success message).
ACTIONS = {
    "complete": TaskCompleteForm,
    "reopen": TaskReopenForm,
    "cancel": TaskCancelForm,
    "reassign": TaskReassignForm,
    "edit": TaskEditForm,
}


class TaskDetailView(ScopedDetailView):
    model = Task
    change_action = "task.change"
    template_name = "workflow/task_detail.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("owner__unit", "supervisor", "unit", "created_by", "completed_by", "content_type")

    def _form(self, name, data=None):
        form_class = ACTIONS[name]
        kwargs = {"prefix": name}
        if name == "reassign":
            kwargs["user"] = self.request.user
        if name == "edit" and data is None:
            task = self.object
            kwargs["initial"] = {"title": task.title, "due_on": task.due_on, "description": task.description}
        return form_class(data, **kwargs)

    def available(self):
        """The forms shown: the user's rights to this task, cut by its state."""
        rights = task_moves(self.request.user, self.object) if self.may_change() else {}
        is_open = self.object.state == TaskState.OPEN
        state_allows = {"complete": is_open, "reopen": not is_open, "cancel": is_open, "reassign": is_open, "edit": is_open}
        return [name for name in ACTIONS if rights.get(name) and state_allows[name]]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        task = self.object
        context["today"] = timezone.localdate()
        context["is_overdue"] = task.is_overdue_on(context["today"])
        context["source"] = task.source if task.content_type_id else None
        context["source_url"] = task.source_url
        for name in self.available():
            context.setdefault(f"{name}_form", self._form(name))
        return context

    def post(self, request, *args, **kwargs):
        self.object = task = self.get_object()
        self.require_change()
        name = request.POST.get("action", "")
        if name not in ACTIONS:
            return redirect(request.path)
        if not may(request.user, f"task.{name}", task):
            audit.log_denial(request, reason="no right for this action", status=403)
            raise PermissionDenied
        form = self._form(name, request.POST)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                if name == "complete":
                    services.task_complete(task=task, by=request.user, note=data["note"])
                elif name == "reopen":
                    services.task_reopen(task=task, by=request.user, reason=data["reason"])
                elif name == "cancel":
                    services.task_cancel(task=task, by=request.user, reason=data["reason"])
                elif name == "reassign":
                    services.task_reassign(task=task, by=request.user, owner=data["owner"])
                else:
                    services.task_update(task=task, by=request.user, **data)
            except DomainError as error:
                apply_domain_error(form, error)
                status = error.status_code
            else:
                messages.success(request, SUCCESS[name])
                return redirect(request.path)
        context = self.get_context_data(object=task, **{f"{name}_form": form})
        context["failed_action"] = name
        return render(request, self.template_name, context, status=status)


SUCCESS = {
    "complete": gettext_lazy("The task is done."),
    "reopen": gettext_lazy("The task was reopened."),
    "cancel": gettext_lazy("The task was cancelled."),
    "reassign": gettext_lazy("The task was reassigned."),
    "edit": gettext_lazy("The task was saved."),
}


class TeamSummaryView(ScopedViewMixin, View):
    """Completion rate per person and per sub-unit of the user's team (this month, this quarter or a period)."""

    model = Task
    view_action = "task.assign"
    template_name = "workflow/team_summary.html"

    def get(self, request, *args, **kwargs):
        self.require_view()
        today = timezone.localdate()
        form = SummaryForm(request.GET or None)
        raw = request.GET.get("period", "month")
        period = selectors.parse_period(raw, today)
        status = 200
        if period is None:
            form.is_valid()
            form.add_error("period", _("Write a period such as 2026, 2026-Q3 or 2026-07."))
            period, status = selectors.parse_period("month", today), 400
        summary = selectors.team_summary(request.user, period=period, today=today)
        context = {"form": form, "summary": summary, "raw_period": raw, "today": today}
        return render(request, self.template_name, context, status=status)
