"""Pages of capability assessment and promotion recommendations under /team/ (issue 19): capability models (the
center drafts and submits a version), assessment cycles (the center opens and closes them; a cycle's page is the
calibration view of a unit: the distribution per role and competency and the assessments to calibrate), one's own
self-assessment, an assessment's page (the direct manager's assessment, calibration), promotion recommendations
(draft, submit; decided on the approval pages) and a person's development archive (capability results across
cycles and promotions) linked from the staff archive.

Reads go through the scope; every write through team.services.promo, whose refusals show on the field they name
(a missing right: 403)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from approvals.selectors import latest_request
from core.errors import DomainError
from core.rights import may
from core.roles import staff_of
from core.scoping import scope_of
from core.ui import approval_url
from core.views import ActionDetailView, ScopedDetailView, ScopedListView, ScopedViewMixin, apply_domain_error
from regions.models import OrgUnit, StaffProfile
from team.filtersets.promo import (
    AssessmentCycleFilterSet,
    AssessmentFilterSet,
    CapabilityModelFilterSet,
    PromotionRecommendationFilterSet,
)
from team.forms.promo import CalibrationForm, CapabilityModelForm, CycleForm, LevelsForm, PromotionForm
from team.models.promo import Assessment, AssessmentCycle, CapabilityModel, PromotionRecommendation
from team.selectors.promo import assessment_results, capability_history, current_model, distribution_table
from team.services import promo as services

# ------------------------------------------------------------------------------------------ capability models


class CapabilityModelListView(ScopedListView):
    model = CapabilityModel
    change_action = "appraisal.scheme"
    filterset_class = CapabilityModelFilterSet
    title = gettext_lazy("Capability models")
    template_name = "team/capability_model_list.html"

    def narrow_queryset(self, queryset):
        return super().narrow_queryset(queryset).order_by("role", "-version")


class CapabilityModelCreateView(ScopedViewMixin, View):
    model = CapabilityModel
    change_action = "appraisal.scheme"
    template = "team/promo_form.html"

    def _render(self, form, status=200):
        context = {"form": form, "title": _("Draft a capability model version"), "back": "team:capability_model_list"}
        return render(self.request, self.template, context, status=status)

    def get(self, request):
        self.require_change()
        return self._render(CapabilityModelForm())

    def post(self, request):
        self.require_change()
        form = CapabilityModelForm(request.POST)
        if form.is_valid():
            try:
                model = services.capability_model_create(by=request.user, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The capability model is drafted."))
                return redirect(model.get_absolute_url())
        return self._render(form, status=400)


class CapabilityModelDetailView(ActionDetailView):
    model = CapabilityModel
    change_action = "appraisal.scheme"
    template_name = "team/capability_model_detail.html"
    action_object_name = "model"
    actions = {"submit": (services.capability_model_submit, gettext_lazy("Submitted for approval."))}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        approval = latest_request(self.object)
        context.update(
            approval=approval,
            approval_url=approval_url(approval.pk) if approval else None,
            competencies=self.object.competencies.all(),
        )
        return context


# ------------------------------------------------------------------------------------------ cycles


class AssessmentCycleListView(ScopedListView):
    model = AssessmentCycle
    change_action = "appraisal.scheme"
    filterset_class = AssessmentCycleFilterSet
    title = gettext_lazy("Assessment cycles")
    template_name = "team/assessment_cycle_list.html"


class AssessmentCycleCreateView(ScopedViewMixin, View):
    model = AssessmentCycle
    change_action = "appraisal.scheme"
    template = "team/promo_form.html"

    def _render(self, form, status=200):
        context = {"form": form, "title": _("Open an assessment cycle"), "back": "team:assessment_cycle_list"}
        return render(self.request, self.template, context, status=status)

    def get(self, request):
        self.require_change()
        return self._render(CycleForm())

    def post(self, request):
        self.require_change()
        form = CycleForm(request.POST)
        if form.is_valid():
            try:
                cycle = services.assessment_cycle_open(by=request.user, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The assessment cycle is open."))
                return redirect(cycle.get_absolute_url())
        return self._render(form, status=400)


class AssessmentCycleDetailView(ActionDetailView):
    """The calibration view of a cycle for a unit (?unit=, default the reader's own): how many people of each
    role reached each level of each competency, and the assessments of the unit's subtree to open and calibrate."""

    model = AssessmentCycle
    change_action = "appraisal.scheme"
    template_name = "team/assessment_cycle_detail.html"
    action_object_name = "cycle"
    actions = {"close": (services.assessment_cycle_close, gettext_lazy("The cycle is closed."))}

    def _unit(self):
        units = OrgUnit.objects.for_user(self.request.user)
        value = self.request.GET.get("unit")
        if value:
            try:
                return units.get(pk=int(value))
            except (ValueError, OrgUnit.DoesNotExist):
                raise Http404 from None
        staff = staff_of(self.request.user)
        if scope_of(self.request.user).everything or staff is None:
            return units.filter(parent__isnull=True).first()
        return staff.unit

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = self._unit()
        assessments = Assessment.objects.for_user(self.request.user).filter(cycle=self.object)
        if unit is not None:
            assessments = assessments.filter(unit__path__startswith=unit.path)
        me = staff_of(self.request.user)
        context.update(
            unit=unit,
            table=distribution_table(unit=unit, cycle=self.object) if unit is not None else [],
            assessments=assessments.select_related("staff", "unit").order_by("unit__path", "staff__employee_no")[:500],
            own=Assessment.objects.filter(cycle=self.object, staff=me).first() if me is not None else None,
            may_self=me is not None and self.object.is_open and current_model(me.role) is not None,
            units=OrgUnit.objects.for_user(self.request.user).filter(is_active=True).exclude(kind="district").order_by("path"),
        )
        return context


class SelfAssessmentView(ScopedDetailView):
    """One's own self-assessment in an open cycle (made, or revised until the manager has assessed)."""

    model = AssessmentCycle
    template_name = "team/self_assessment_form.html"

    def _competencies(self):
        me = staff_of(self.request.user)
        if me is None:
            raise Http404
        existing = Assessment.objects.filter(cycle=self.object, staff=me).select_related("model").first()
        model = existing.model if existing is not None else current_model(me.role)
        return existing, list(model.competencies.all()) if model is not None else []

    def _render(self, form, status=200):
        context = self.get_context_data(object=self.object, form=form, title=_("My self-assessment"))
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        existing, competencies = self._competencies()
        initial = {}
        if existing is not None:
            initial = {f"level_{s.competency_id}": str(s.self_level) for s in existing.scores.all()}
            initial["comment"] = existing.self_comment
        return self._render(LevelsForm(competencies=competencies, initial=initial))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        _existing, competencies = self._competencies()
        form = LevelsForm(request.POST, competencies=competencies)
        if form.is_valid():
            try:
                assessment, _created = services.assessment_self_submit(
                    by=request.user, cycle=self.object, levels=form.levels(), comment=form.cleaned_data["comment"]
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("Your self-assessment is saved."))
                return redirect(assessment.get_absolute_url())
        return self._render(form, status=400)


# ------------------------------------------------------------------------------------------ assessments


class AssessmentListView(ScopedListView):
    model = Assessment
    filterset_class = AssessmentFilterSet
    unit_tree = OrgUnit
    title = gettext_lazy("Capability assessments")
    template_name = "team/assessment_list.html"

    def narrow_queryset(self, queryset):
        return (
            super().narrow_queryset(queryset.select_related("cycle", "staff", "unit")).order_by("-cycle__starts_on", "unit__path")
        )


class AssessmentDetailView(ScopedDetailView):
    """An assessment: the levels (own, the manager's, calibrated), the direct manager's form and calibration."""

    model = Assessment
    template_name = "team/assessment_detail.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("cycle", "staff", "unit", "model", "manager")

    def _competencies(self):
        return list(self.object.model.competencies.all())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, assessment = self.request.user, self.object
        open_ = assessment.cycle.is_open
        may_manage = open_ and may(user, "assessment.manage", assessment.staff)
        may_calibrate = open_ and assessment.state == "manager_assessed" and may(user, "assessment.calibrate", assessment)
        if may_manage and "manager_form" not in context:
            initial = {f"level_{s.competency_id}": str(s.manager_level or s.self_level) for s in assessment.scores.all()}
            context["manager_form"] = LevelsForm(competencies=self._competencies(), initial=initial, prefix="m")
        if may_calibrate and "calibration_form" not in context:
            context["calibration_form"] = CalibrationForm(competencies=self._competencies(), prefix="c")
        context.update(results=assessment_results(assessment), may_manage=may_manage, may_calibrate=may_calibrate)
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        assessment = self.object
        if request.POST.get("form") == "calibrate":
            form = CalibrationForm(request.POST, competencies=self._competencies(), prefix="c")
            return self.form_action(
                form=form,
                context_name="calibration_form",
                action=lambda data: services.assessment_calibrate(by=request.user, assessment=assessment, **data),
                success_message=_("The level is calibrated."),
            )
        form = LevelsForm(request.POST, competencies=self._competencies(), prefix="m")
        return self.form_action(
            form=form,
            context_name="manager_form",
            action=lambda data: services.assessment_manager_submit(
                by=request.user, cycle=assessment.cycle, staff=assessment.staff, levels=form.levels(), comment=data["comment"]
            ),
            success_message=_("Your assessment is saved."),
        )


# ------------------------------------------------------------------------------------------ promotions


class PromotionListView(ScopedListView):
    model = PromotionRecommendation
    change_action = "reward.propose"
    filterset_class = PromotionRecommendationFilterSet
    unit_tree = OrgUnit
    title = gettext_lazy("Promotion recommendations")
    template_name = "team/promotion_list.html"

    def narrow_queryset(self, queryset):
        return super().narrow_queryset(queryset.select_related("staff", "from_unit", "to_unit")).order_by("-created_at", "-id")


class PromotionCreateView(ScopedViewMixin, View):
    model = PromotionRecommendation
    change_action = "reward.propose"
    template = "team/promo_form.html"

    def _render(self, form, status=200):
        context = {"form": form, "title": _("Recommend a promotion"), "back": "team:promotion_list", "form_id": "promotion-form"}
        return render(self.request, self.template, context, status=status)

    def get(self, request):
        self.require_change()
        initial = {}
        if request.GET.get("staff", "").isdigit():
            staff = StaffProfile.objects.for_user(request.user).filter(pk=int(request.GET["staff"])).first()
            if staff is not None:
                initial["staff"] = staff.pk
        return self._render(PromotionForm(user=request.user, initial=initial))

    def post(self, request):
        self.require_change()
        form = PromotionForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                recommendation = services.promotion_create(by=request.user, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The promotion recommendation is drafted."))
                return redirect(recommendation.get_absolute_url())
        return self._render(form, status=400)


def _submit(*, recommendation, by):
    return services.promotion_submit(by=by, recommendation=recommendation)


class PromotionDetailView(ActionDetailView):
    model = PromotionRecommendation
    change_action = "reward.propose"
    template_name = "team/promotion_detail.html"
    action_object_name = "recommendation"
    actions = {"submit": (_submit, gettext_lazy("Submitted for approval."))}

    def narrow_queryset(self, queryset):
        return queryset.select_related("staff", "from_unit", "to_unit", "recommended_by", "position")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        approval = latest_request(self.object)
        context.update(
            approval=approval,
            approval_url=approval_url(approval.pk) if approval else None,
            may_submit=self.object.state in ("draft", "returned", "withdrawn")
            and may(self.request.user, "promotion.recommend", self.object),
        )
        return context


# ------------------------------------------------------------------------------------------ the person's archive


class StaffDevelopmentView(ScopedDetailView):
    """A person's development archive (发展档案): capability results across cycles and promotion recommendations —
    the team section of the staff archive (regions' staff page links here; regions does not import team)."""

    model = StaffProfile
    template_name = "team/staff_development.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, staff = self.request.user, self.object
        context.update(
            history=capability_history(staff=staff, user=user),
            promotions=PromotionRecommendation.objects.for_user(user).filter(staff=staff).select_related("from_unit", "to_unit"),
            may_recommend=may(
                user, "promotion.recommend", PromotionRecommendation(staff=staff, from_unit=staff.unit, from_role=staff.role)
            )
            and staff_of(user) != staff,
        )
        return context
