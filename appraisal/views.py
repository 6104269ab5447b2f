"""Pages of appraisal and incentives: schemes (list, detail, draft, edit, submit, revise, retire), runs
(list, compute, scores with ranks, Excel export), a person's score with the manual item entry, incentive
schemes with their suggested incentives, and reward proposals (list, propose, detail, submit).

Every read goes through `for_user` (the Scoped* base views, or explicitly for related rows); every write
through appraisal.services; a refused write shows the service's message on its field.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from appraisal import selectors, services
from appraisal.choices import ItemKind
from appraisal.exports import scores_xlsx
from appraisal.filtersets import IncentiveSchemeFilterSet, RewardFilterSet, RunFilterSet, SchemeFilterSet
from appraisal.forms import (
    IncentiveSchemeForm,
    ItemFormSet,
    ManualScoreForm,
    RewardForm,
    RunForm,
    ScaleClassFormSet,
    SchemeForm,
    SuggestForm,
    classes_from,
    initial_items,
    items_from,
)
from appraisal.models import AppraisalRun, AppraisalScheme, AppraisalScore, IncentiveScheme, RewardProposal
from approvals.selectors import latest_request
from core import audit
from core.errors import DomainError, InvalidInput
from core.periods import parse_input as parse_period
from core.rights import may
from core.roles import can
from core.scoping import get_in_scope
from core.ui import approval_url
from core.views import ActionDetailView, ScopedDetailView, ScopedListView, ScopedViewMixin, apply_domain_error
from performance.selectors import default_unit
from regions.models import OrgUnit

COUNTED_ITEMS = (ItemKind.NEW_CUSTOMERS, ItemKind.TASK_COMPLETION)  # their target and actual are counts


class RightsMixin:
    """Rights from this app's table (appraisal.rights) instead of core.roles: reading needs a person's
    role, changing `change_right`."""

    change_right = None

    def may_change(self):
        return self.change_right is not None and can(self.request.user, self.change_right)

    def require_view(self):
        if not can(self.request.user, "appraisal.view"):
            audit.log_denial(self.request, reason="no right to read this", status=403)
            raise PermissionDenied

    def require_change(self):
        if not self.may_change():
            audit.log_denial(self.request, reason="no right for this action", status=403)
            raise PermissionDenied


def _domain_error_on(form, error, formset=None):
    if error.field in ("items", "classes") and formset is not None:
        formset._non_form_errors = formset.error_class([str(error.message)])
    else:
        apply_domain_error(form, error)


# ------------------------------------------------------------------------------------------- schemes


class SchemeListView(RightsMixin, ScopedListView):
    model = AppraisalScheme
    change_right = "appraisal.scheme"
    filterset_class = SchemeFilterSet
    title = gettext_lazy("Appraisal schemes")
    template_name = "appraisal/scheme_list.html"

    def narrow_queryset(self, queryset):
        return super().narrow_queryset(queryset.select_related("unit")).order_by("role", "name", "-version", "id")


class SchemeCreateView(RightsMixin, ScopedViewMixin, View):
    model = AppraisalScheme
    change_right = "appraisal.scheme"
    template_name = "appraisal/scheme_form.html"

    def get(self, request):
        self.require_change()
        return self._render(SchemeForm(user=request.user), ItemFormSet(prefix="items"))

    def post(self, request):
        self.require_change()
        form = SchemeForm(request.POST, user=request.user)
        formset = ItemFormSet(request.POST, prefix="items")
        if form.is_valid() and formset.is_valid():
            try:
                scheme = services.scheme_create(**form.cleaned_data, items=items_from(formset), by=request.user)
            except DomainError as error:
                _domain_error_on(form, error, formset)
            else:
                messages.success(request, _("The scheme is drafted."))
                return redirect(scheme.get_absolute_url())
        return self._render(form, formset, status=400)

    def _render(self, form, formset, status=200, scheme=None):
        return render(self.request, self.template_name, {"form": form, "formset": formset, "scheme": scheme}, status=status)


class SchemeEditView(RightsMixin, ScopedDetailView):
    model = AppraisalScheme
    change_right = "appraisal.scheme"
    template_name = "appraisal/scheme_form.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        scheme = self.object
        form = SchemeForm(
            user=request.user,
            initial={
                "name": scheme.name,
                "role": scheme.role,
                "period_kind": scheme.period_kind,
                "valid_from": scheme.valid_from,
                "unit": scheme.unit,
                "description": scheme.description,
            },
        )
        return self._render(form, ItemFormSet(prefix="items", initial=initial_items(scheme)))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        form = SchemeForm(request.POST, user=request.user)
        formset = ItemFormSet(request.POST, prefix="items")
        if form.is_valid() and formset.is_valid():
            try:
                services.scheme_update(scheme=self.object, by=request.user, items=items_from(formset), **form.cleaned_data)
            except DomainError as error:
                _domain_error_on(form, error, formset)
            else:
                messages.success(request, _("The scheme is saved."))
                return redirect(self.object.get_absolute_url())
        return self._render(form, formset, status=400)

    def _render(self, form, formset, status=200):
        context = {"form": form, "formset": formset, "scheme": self.object}
        return render(self.request, self.template_name, context, status=status)


class SchemeDetailView(RightsMixin, ActionDetailView):
    model = AppraisalScheme
    change_right = "appraisal.scheme"
    template_name = "appraisal/scheme_detail.html"
    actions = {
        "submit": (services.scheme_submit, gettext_lazy("The scheme is submitted to the Development Center.")),
        "revise": (services.scheme_revise, gettext_lazy("A new version is drafted.")),
        "retire": (services.scheme_retire, gettext_lazy("The scheme is retired.")),
    }
    action_object_name = "scheme"

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit", "previous", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scheme = self.object
        context["items"] = list(scheme.items.all())
        context["total_weight"] = sum(item.weight for item in context["items"])
        request = latest_request(scheme)
        context["approval"] = request
        context["approval_url"] = approval_url(request.pk) if request else None
        context["runs"] = (
            AppraisalRun.objects.for_user(self.request.user).filter(scheme=scheme).select_related("unit").order_by("-period")[:24]
        )
        context["revisions"] = AppraisalScheme.objects.for_user(self.request.user).filter(previous=scheme)
        context["error"] = kwargs.get("error")
        return context


# ------------------------------------------------------------------------------------------- runs


class RunListView(RightsMixin, ScopedListView):
    model = AppraisalRun
    change_right = "appraisal.scheme"
    filterset_class = RunFilterSet
    unit_tree = OrgUnit
    title = gettext_lazy("Appraisal results")
    template_name = "appraisal/run_list.html"

    def narrow_queryset(self, queryset):
        return super().narrow_queryset(queryset.select_related("scheme", "unit")).order_by("-period", "scheme__role", "id")


class RunCreateView(RightsMixin, ScopedViewMixin, View):
    model = AppraisalRun
    change_right = "appraisal.scheme"
    template_name = "appraisal/run_form.html"

    def get(self, request):
        self.require_change()
        initial = {"scheme": request.GET.get("scheme")}
        return render(request, self.template_name, {"form": RunForm(user=request.user, initial=initial)})

    def post(self, request):
        self.require_change()
        form = RunForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                run = services.run_compute(**form.cleaned_data, by=request.user)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("%(count)s people scored.") % {"count": run.people})
                return redirect(run.get_absolute_url())
        return render(request, self.template_name, {"form": form}, status=400)


class RunDetailView(RightsMixin, ScopedDetailView):
    model = AppraisalRun
    change_right = "appraisal.scheme"
    template_name = "appraisal/run_detail.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("scheme", "unit", "computed_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["items"] = list(self.object.scheme.items.all())
        scores = list(selectors.run_scores(user=self.request.user, run=self.object))
        for score in scores:
            by_item = {line.item_id: line for line in score.items.all()}
            score.lines = [by_item.get(item.pk) for item in context["items"]]
        context["scores"] = scores
        context["error"] = kwargs.get("error")
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        try:
            services.run_recompute(run=self.object, by=request.user)
        except DomainError as error:
            return render(request, self.template_name, self.get_context_data(error=error.message), status=error.status_code)
        messages.success(request, _("The run is recomputed; manual scores are kept."))
        return redirect(self.object.get_absolute_url())


class RunExportView(RightsMixin, ScopedDetailView):
    """The run's scores as .xlsx — only the people the reader may see."""

    model = AppraisalRun

    def narrow_queryset(self, queryset):
        return queryset.select_related("scheme", "unit")

    def get(self, request, *args, **kwargs):
        run = self.get_object()
        content = scores_xlsx(run, selectors.run_scores(user=request.user, run=run))
        response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="appraisal-{run.pk}-{run.period}.xlsx"'
        return response


class ScoreDetailView(RightsMixin, ScopedDetailView):
    model = AppraisalScore
    template_name = "appraisal/score_detail.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("run__scheme", "run__unit", "staff", "unit", "peer_unit")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        score = self.object
        may_score = may(self.request.user, "appraisal.score", score)
        lines = list(score.items.select_related("item", "scored_by").order_by("item__order", "item_id"))
        failed = kwargs.get("failed")
        for line in lines:
            # Target and actual are counts for the counted items (customers, tasks), money for the rest.
            line.fmt = "count" if line.item.kind in COUNTED_ITEMS else "money"
            if line.item.is_manual and may_score:
                if failed is not None and failed.data.get("item") == str(line.item_id):
                    line.form = failed
                else:
                    line.form = ManualScoreForm(
                        initial={"item": line.item_id, "score": line.manual_score, "comment": line.comment}
                    )
        context["lines"] = lines
        context["may_score"] = may_score
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not may(request.user, "appraisal.score", self.object):
            audit.log_denial(request, reason="no right for this action", status=403)
            raise PermissionDenied
        form = ManualScoreForm(request.POST)
        if form.is_valid():
            line = self.object.items.filter(item_id=form.cleaned_data["item"]).first()
            try:
                if line is None:
                    raise InvalidInput(_("This scheme has no such item."), field="item")
                services.score_manual_set(
                    score_item=line,
                    manual_score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                    by=request.user,
                )
            except DomainError as error:
                field = "score" if error.field == "manual_score" else error.field
                form.add_error(field if field in form.fields else None, str(error.message))
            else:
                messages.success(request, _("The score is saved."))
                return redirect(request.path)
        return render(request, self.template_name, self.get_context_data(failed=form), status=400)


# ------------------------------------------------------------------------------------------- incentives


class IncentiveListView(RightsMixin, ScopedListView):
    model = IncentiveScheme
    change_right = "appraisal.scheme"
    filterset_class = IncentiveSchemeFilterSet
    title = gettext_lazy("Incentive schemes")
    template_name = "appraisal/incentive_list.html"

    def narrow_queryset(self, queryset):
        return super().narrow_queryset(queryset.select_related("unit")).order_by("-valid_from", "name", "id")


class IncentiveCreateView(RightsMixin, ScopedViewMixin, View):
    """The Development Center sets an incentive scheme: scale classes by last year's sales, and per class
    the bonus by attainment tier."""

    model = IncentiveScheme
    change_right = "appraisal.scheme"
    template_name = "appraisal/incentive_form.html"

    def get(self, request):
        self.require_change()
        return self._render(IncentiveSchemeForm(user=request.user), ScaleClassFormSet(prefix="classes"))

    def post(self, request):
        self.require_change()
        form = IncentiveSchemeForm(request.POST, user=request.user)
        formset = ScaleClassFormSet(request.POST, prefix="classes")
        if form.is_valid() and formset.is_valid():
            try:
                scheme = services.incentive_scheme_create(**form.cleaned_data, classes=classes_from(formset), by=request.user)
            except DomainError as error:
                _domain_error_on(form, error, formset)
            else:
                messages.success(request, _("The incentive scheme is set."))
                return redirect(scheme.get_absolute_url())
        return self._render(form, formset, status=400)

    def _render(self, form, formset, status=200):
        return render(self.request, self.template_name, {"form": form, "formset": formset}, status=status)


class IncentiveDetailView(RightsMixin, ScopedDetailView):
    model = IncentiveScheme
    change_right = "appraisal.scheme"
    template_name = "appraisal/incentive_detail.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        context = self.get_context_data(object=self.object)
        context["classes"] = list(self.object.classes.prefetch_related("tiers").order_by("min_sales"))
        form = SuggestForm(request.GET or None, user=request.user)
        context["form"] = form
        status = 200
        if request.GET.get("unit"):
            # A unit outside the scope is not offered by the form: say 404 rather than "invalid choice".
            get_in_scope(request, OrgUnit, pk=request.GET["unit"])
        if form.is_bound and form.is_valid():
            try:
                period = parse_period(form.cleaned_data["period"], begun=True)
                unit = form.cleaned_data.get("unit") or default_unit(request.user)
                if unit is None:
                    raise Http404
                context["rows"] = selectors.suggested_incentives(scheme=self.object, period=period, unit=unit)
                context["total"] = sum(row["bonus"] for row in context["rows"])
            except DomainError as error:
                apply_domain_error(form, error)
                status = 400
        elif form.is_bound:
            status = 400
        return render(request, self.template_name, context, status=status)


# ------------------------------------------------------------------------------------------- rewards


class RewardListView(RightsMixin, ScopedListView):
    model = RewardProposal
    change_right = "reward.propose"
    filterset_class = RewardFilterSet
    unit_tree = OrgUnit
    title = gettext_lazy("Reward proposals")
    template_name = "appraisal/reward_list.html"

    def narrow_queryset(self, queryset):
        return super().narrow_queryset(queryset.select_related("unit", "staff")).order_by("-created_at", "-id")


class RewardCreateView(RightsMixin, ScopedViewMixin, View):
    model = RewardProposal
    change_right = "reward.propose"
    template_name = "appraisal/reward_form.html"

    def get(self, request):
        self.require_change()
        return render(request, self.template_name, {"form": RewardForm(user=request.user)})

    def post(self, request):
        self.require_change()
        form = RewardForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                proposal = services.reward_propose(**form.cleaned_data, by=request.user)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The proposal is drafted; submit it when it is ready."))
                return redirect(proposal.get_absolute_url())
        return render(request, self.template_name, {"form": form}, status=400)


class RewardDetailView(RightsMixin, ScopedDetailView):
    model = RewardProposal
    change_right = "reward.propose"
    template_name = "appraisal/reward_detail.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit", "staff", "proposed_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request = latest_request(self.object)
        context["approval"] = request
        context["approval_url"] = approval_url(request.pk) if request else None
        context["error"] = kwargs.get("error")
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        try:
            services.reward_submit(proposal=self.object, by=request.user)
        except DomainError as error:
            return render(request, self.template_name, self.get_context_data(error=error.message), status=error.status_code)
        messages.success(request, _("The proposal is submitted for approval."))
        return redirect(self.object.get_absolute_url())
