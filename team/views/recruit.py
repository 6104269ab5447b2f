"""Pages of recruitment (招聘, issue 19) under /team/: headcount requests (draft, submit, withdraw; the chain
decides in approvals), the vacancies approved requests open (with their days open; cancel one), and candidates
(record, interview notes, stage moves, hire into the staff archive).

Reading needs the recruitment right (team/rights/recruit.py: managers and the center) besides the scope; the
services ask the rules before they write, and a refusal shows on its field (a missing right: 403)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from approvals.selectors import latest_request
from core.errors import DomainError
from core.rights import may
from core.ui import approval_url
from core.views import ActionDetailView, ScopedDetailView, ScopedListView, ScopedViewMixin, apply_domain_error
from regions.models import OrgUnit
from team import services
from team.filtersets.recruit import CandidateFilterSet, HeadcountRequestFilterSet, VacancyFilterSet
from team.forms.recruit import (
    CandidateForm,
    HeadcountRequestForm,
    HireForm,
    InterviewForm,
    StageForm,
    VacancyCancelForm,
)
from team.models.recruit import Candidate, CandidateStage, HeadcountRequest, HeadcountState, Vacancy, VacancyState
from team.rights.recruit import RECRUIT_RIGHT
from team.services.recruit import ACTIVE_STAGES, EDITABLE, MOVES

FORM_TEMPLATE = "team/recruit_form.html"


def _form_page(request, form, *, title, back, status=200, **extra):
    return render(request, FORM_TEMPLATE, {"form": form, "title": title, "back": back, **extra}, status=status)


class RecruitMixin:
    model = None
    view_action = RECRUIT_RIGHT
    change_action = RECRUIT_RIGHT


# --- headcount requests ---------------------------------------------------------------------------------
class HeadcountRequestListView(RecruitMixin, ScopedListView):
    model = HeadcountRequest
    filterset_class = HeadcountRequestFilterSet
    unit_tree = OrgUnit
    title = gettext_lazy("Recruitment · headcount requests")
    template_name = "team/headcount_request_list.html"

    def narrow_queryset(self, queryset):
        return super().narrow_queryset(queryset.select_related("unit", "requested_by")).order_by("-id")


class HeadcountRequestCreateView(RecruitMixin, ScopedViewMixin, View):
    model = HeadcountRequest
    title = gettext_lazy("Ask for headcount")

    def get(self, request):
        self.require_view()
        self.require_change()
        return _form_page(request, HeadcountRequestForm(user=request.user), title=self.title, back="team:headcount_request_list")

    def post(self, request):
        self.require_view()
        self.require_change()
        form = HeadcountRequestForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                obj = services.headcount_request_create(by=request.user, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The request is drafted; submit it for approval."))
                return redirect(obj.get_absolute_url())
        return _form_page(request, form, title=self.title, back="team:headcount_request_list", status=400)


class HeadcountRequestEditView(RecruitMixin, ScopedDetailView):
    """Change a draft, returned or withdrawn request; its unit stays."""

    model = HeadcountRequest
    title = gettext_lazy("Edit the headcount request")

    def _render(self, form, status=200):
        return _form_page(self.request, form, title=self.title, back="team:headcount_request_list", status=status)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        obj = self.object
        initial = {k: getattr(obj, k) for k in ("role", "title", "headcount", "needed_by", "reason")}
        return self._render(HeadcountRequestForm(user=request.user, with_unit=False, initial=initial))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        form = HeadcountRequestForm(request.POST, user=request.user, with_unit=False)
        if form.is_valid():
            try:
                services.headcount_request_update(by=request.user, request=self.object, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The request is saved."))
                return redirect(self.object.get_absolute_url())
        return self._render(form, status=400)


class HeadcountRequestDetailView(RecruitMixin, ActionDetailView):
    """A request: its seats, its approval, submit / withdraw, and the vacancies it opened."""

    model = HeadcountRequest
    template_name = "team/headcount_request_detail.html"
    actions = {
        "submit": (services.headcount_request_submit, gettext_lazy("The request is submitted for approval.")),
        "withdraw": (services.headcount_request_withdraw, gettext_lazy("The request is withdrawn.")),
    }
    action_object_name = "request"
    refusal_is_denial = True

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit", "requested_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj, user = self.object, self.request.user
        approval = latest_request(obj)
        may_edit = obj.state in EDITABLE and may(user, "headcount.request", obj)
        today = timezone.localdate()
        context.update(
            hc=obj,
            approval=approval,
            approval_url=approval_url(approval.pk) if approval else None,
            may_edit=may_edit,
            may_submit=may_edit,
            may_withdraw=obj.state in (HeadcountState.SUBMITTED, HeadcountState.DRAFT, HeadcountState.RETURNED)
            and may(user, "headcount.request", obj),
            vacancies=[(v, v.days_open(today)) for v in obj.vacancies.select_related("filled_by").order_by("id")],
        )
        return context


# --- vacancies ---------------------------------------------------------------------------------------------
class VacancyListView(RecruitMixin, ScopedListView):
    """Vacancies of the reader's scope with their days open (to today while open)."""

    model = Vacancy
    filterset_class = VacancyFilterSet
    unit_tree = OrgUnit
    hidden_filters = ("request",)
    title = gettext_lazy("Recruitment · vacancies")
    template_name = "team/vacancy_list.html"

    def narrow_queryset(self, queryset):
        return super().narrow_queryset(queryset.select_related("unit", "filled_by")).order_by("state", "opened_on", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context["rows"] = [(v, v.days_open(today)) for v in context["object_list"]]
        return context


class VacancyDetailView(RecruitMixin, ScopedDetailView):
    """A vacancy: its request, its candidates, its days open; cancel it while open."""

    model = Vacancy
    template_name = "team/vacancy_detail.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit", "request", "filled_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        vacancy, user = self.object, self.request.user
        is_open = vacancy.state == VacancyState.OPEN
        context.update(
            vacancy=vacancy,
            days_open=vacancy.days_open(timezone.localdate()),
            candidates=vacancy.candidates.order_by("-applied_on", "-id"),
            may_cancel=is_open and may(user, "vacancy.cancel", vacancy),
            may_add_candidate=is_open and may(user, "candidate.record", vacancy),
        )
        context.setdefault("cancel_form", VacancyCancelForm())
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        form = VacancyCancelForm(request.POST)
        return self.form_action(
            form=form,
            context_name="cancel_form",
            action=lambda data: services.vacancy_cancel(by=request.user, vacancy=self.object, **data),
            success_message=_("The vacancy is cancelled."),
        )


# --- candidates ---------------------------------------------------------------------------------------------
class CandidateListView(RecruitMixin, ScopedListView):
    model = Candidate
    filterset_class = CandidateFilterSet
    unit_tree = OrgUnit
    hidden_filters = ("vacancy",)
    title = gettext_lazy("Recruitment · candidates")
    template_name = "team/candidate_list.html"

    def narrow_queryset(self, queryset):
        return super().narrow_queryset(queryset.select_related("vacancy__unit")).order_by("-applied_on", "-id")


class CandidateCreateView(RecruitMixin, ScopedViewMixin, View):
    """Record a candidate (?vacancy=… from a vacancy's page)."""

    model = Candidate
    title = gettext_lazy("Record a candidate")

    def get(self, request):
        self.require_view()
        self.require_change()
        initial = {"vacancy": request.GET["vacancy"]} if request.GET.get("vacancy", "").isdigit() else {}
        return _form_page(
            request, CandidateForm(user=request.user, initial=initial), title=self.title, back="team:candidate_list"
        )

    def post(self, request):
        self.require_view()
        self.require_change()
        form = CandidateForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                candidate = services.candidate_record(by=request.user, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The candidate is recorded."))
                return redirect(candidate.get_absolute_url())
        return _form_page(request, form, title=self.title, back="team:candidate_list", status=400)


class CandidateDetailView(RecruitMixin, ScopedDetailView):
    """A candidate: their stage, interview notes (who, when, assessment), and the forms for what comes next —
    an interview, a stage move, the hire (for whoever may hire into the vacancy's unit)."""

    model = Candidate
    template_name = "team/candidate_detail.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("vacancy__unit", "vacancy__request", "staff")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        candidate, user = self.object, self.request.user
        active = candidate.stage in ACTIVE_STAGES
        may_move = active and may(user, "candidate.move", candidate)
        context.update(
            candidate=candidate,
            interviews=candidate.interviews.select_related("interviewer").order_by("held_on", "id"),
            may_move=may_move,
            may_hire=may_move and candidate.stage == CandidateStage.OFFERED and may(user, "candidate.hire", candidate.vacancy),
            next_stages=[CandidateStage(s) for s in MOVES[CandidateStage(candidate.stage)]],
        )
        context.setdefault("interview_form", InterviewForm(user=user))
        context.setdefault("stage_form", StageForm())
        context.setdefault("hire_form", HireForm(user=user, candidate=candidate))
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        candidate, user, data = self.object, request.user, request.POST
        name = data.get("action")
        if name == "interview":
            form, context_name, message = InterviewForm(data, user=user), "interview_form", _("The interview is recorded.")

            def act(values):
                return services.interview_record(by=user, candidate=candidate, **values)
        elif name == "move":
            form, context_name, message = StageForm(data), "stage_form", _("The candidate is moved.")

            def act(values):
                return services.candidate_move(by=user, candidate=candidate, **values)
        elif name == "hire":
            form, context_name = HireForm(data, user=user, candidate=candidate), "hire_form"
            message = _("Hired: the person is in the staff archive with their first position.")

            def act(values):
                return services.candidate_hire(by=user, candidate=candidate, **values)
        else:
            return render(request, self.template_name, self.get_context_data(error=_("Unknown action.")), status=400)
        return self.form_action(form=form, context_name=context_name, action=act, success_message=message)
