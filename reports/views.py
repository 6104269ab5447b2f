"""Pages of business reports: the list, a report (figures, analysis, submit, rebuild, downloads, the
progress of its latest build), the build form, and the center's status page for a period.

Reads go through `for_user` (the Scoped* base views); writes through reports.services; a refusal shows
the service's message with its status (400, 403, 409, 422, 503) — never a server error."""

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from approvals.models import ApprovalRequest
from core import audit
from core.db_router import ReplicaReadMixin
from core.errors import DomainError
from core.rights import may
from core.roles import role_of
from core.ui import id_choice_field
from core.views import ScopedDetailView, ScopedListView, ScopedViewMixin
from regions.choices import UnitKind
from regions.models import OrgUnit
from reports import exports, services
from reports.choices import WRITABLE_STATES, ReportKind, ReportState
from reports.filtersets import BusinessReportFilterSet
from reports.models import BusinessReport, ReportRun
from reports.presenters import report_tables
from reports.rights import CENTER_ROLES


def _report_units(user):
    """The units a person may build reports of: regions and the company, inside their scope."""
    units = OrgUnit.objects.for_user(user).filter(kind__in=[UnitKind.CENTER, UnitKind.REGION], is_active=True)
    return [unit for unit in units.order_by("path") if may(user, "report.build", unit)]


class BuildForm(forms.Form):
    unit = forms.TypedChoiceField(label=gettext_lazy("org unit"), coerce=int)
    period = forms.CharField(label=gettext_lazy("period"), max_length=7)
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=ReportKind.choices)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {unit.pk: unit for unit in units}
        self.fields["unit"].choices = [(unit.pk, f"{unit.name} ({unit.code})") for unit in units]
        if not self.is_bound:
            self.initial.setdefault("period", str(services.previous_period(ReportKind.MONTHLY)))


class AnalysisForm(forms.Form):
    analysis = forms.CharField(label=gettext_lazy("analysis"), widget=forms.Textarea(attrs={"rows": 8}), required=False)


def _refusal(request, error, *, template="reports/refusal.html"):
    return render(request, template, {"error": error}, status=error.status_code)


class ReportListView(ScopedListView):
    """Reports in the user's scope, newest period first."""

    model = BusinessReport
    filterset_class = BusinessReportFilterSet
    title = gettext_lazy("Business reports")
    template_name = "reports/report_list.html"

    def narrow_queryset(self, queryset):
        queryset = queryset.select_related("unit").defer("data").order_by("-period", "kind", "unit__path", "id")
        return super().narrow_queryset(queryset)

    def adjust_filter_form(self, form):
        # The units reports are built for (the company, the regions), and any other unit that has a report
        # the reader may see (built through the API): a link naming it filters instead of being refused.
        user = self.request.user
        reported = Q(pk__in=BusinessReport.objects.for_user(user).values("unit_id"))
        units = OrgUnit.objects.for_user(user).filter(Q(kind__in=[UnitKind.CENTER, UnitKind.REGION]) | reported).order_by("path")
        form.fields["unit"] = id_choice_field(gettext_lazy("org unit"), [(u.pk, f"{u.name} ({u.code})") for u in units])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        units = _report_units(self.request.user)
        context["build_form"] = BuildForm(units=units) if units else None
        context["is_center"] = role_of(self.request.user) in CENTER_ROLES
        return context


class ReportBuildView(ScopedViewMixin, View):
    """POST of the build form: a queued run (built at once where tasks run eagerly), then the report page
    or the list. A second request while a build runs → 409 with the reason."""

    change_action = "report.build"

    def post(self, request):
        self.require_change()  # a person who builds no report at all: 403, not an empty form
        form = BuildForm(request.POST, units=_report_units(request.user))
        if not form.is_valid():
            return render(request, "reports/build_form.html", {"build_form": form}, status=400)
        unit = form.units[form.cleaned_data["unit"]]
        try:
            run = services.report_request(
                unit=unit, period=form.cleaned_data["period"], kind=form.cleaned_data["kind"], by=request.user
            )
        except DomainError as error:
            if error.field in form.fields:
                form.add_error(error.field, str(error.message))
            else:
                form.add_error(None, str(error.message))
            return render(request, "reports/build_form.html", {"build_form": form}, status=error.status_code)
        run.refresh_from_db()
        if run.report_id:
            messages.success(request, _("The report was built."))
            return redirect("reports:report_detail", pk=run.report_id)
        messages.success(request, _("The report is being built; this page shows it when it is ready."))
        return redirect("reports:report_list")


def _latest_run(report):
    run = (
        ReportRun.objects.filter(unit_id=report.unit_id, period=str(report.period), kind=report.kind)
        .order_by("-created_at", "-id")
        .first()
    )
    return services.run_check_alive(run=run)  # a build whose worker died shows failed at once


class ReportDetailView(ScopedDetailView):
    """A report: its figures and tables, the analysis, and what the user may do with it."""

    model = BusinessReport
    template_name = "reports/report_detail.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit", "built_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report, user = self.object, self.request.user
        may_write = may(user, "report.edit", report)
        context["t"] = report_tables(report.data)
        context["run"] = _latest_run(report)
        context["may_write"] = may_write
        context["may_edit"] = may_write and report.state in WRITABLE_STATES
        context["may_rebuild"] = may(user, "report.build", report.unit) and report.state != ReportState.APPROVED
        context.setdefault("analysis_form", AnalysisForm(initial={"analysis": report.analysis}))

        # How the figures were read (summary rows, districts with facts) is for the center, not every reader.
        context["show_source"] = role_of(user) in CENTER_ROLES
        context["approval"] = (
            ApprovalRequest.objects.filter(content_type=ContentType.objects.get_for_model(BusinessReport), object_id=report.pk)
            .order_by("-version")
            .first()
        )
        return context


class ReportActionView(ReportDetailView):
    """POST of a button on the report page: save the analysis, submit, or rebuild. A refusal shows on the
    report page with the service's status and message."""

    action = None  # "analysis" | "submit" | "rebuild"

    def may_act(self, user, report):
        if self.action == "analysis":
            return may(user, "report.edit", report)
        if self.action == "submit":
            return may(user, "report.submit", report)
        return may(user, "report.build", report.unit)

    def get(self, request, *args, **kwargs):
        return redirect("reports:report_detail", pk=kwargs["pk"])

    def post(self, request, *args, **kwargs):
        self.object = report = self.get_object()
        if not self.may_act(request.user, report):
            audit.log_denial(request, reason="no right for this action", status=403)
            raise PermissionDenied
        form = AnalysisForm(request.POST)
        form.is_valid()
        analysis = form.cleaned_data.get("analysis", "")
        try:
            if self.action == "analysis":
                services.report_analysis_save(report=report, by=request.user, analysis=analysis)
                messages.success(request, _("The analysis was saved."))
            elif self.action == "submit":
                services.report_submit(report=report, by=request.user, analysis=analysis if "analysis" in request.POST else None)
                messages.success(request, _("The report was submitted to the Development Center."))
            else:
                services.report_request(unit=report.unit, period=report.period, kind=report.kind, by=request.user)
                messages.success(request, _("The report is being rebuilt."))
        except DomainError as error:
            if error.field == "analysis" or self.action != "rebuild":
                form.add_error("analysis" if error.field == "analysis" else None, str(error.message))
            context = self.get_context_data(object=report, analysis_form=form)
            context["error"] = error
            return render(request, self.template_name, context, status=error.status_code)
        return redirect("reports:report_detail", pk=report.pk)


class ReportProgressView(ScopedDetailView):
    """The small partial the report page polls (htmx) while its latest build is queued or running."""

    model = BusinessReport
    template_name = "reports/_progress.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["run"] = _latest_run(self.object)
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        run = context["run"]
        # The page polled because a build was running; now that it is over, reload it to show the new figures.
        if self.request.headers.get("HX-Request") and (run is None or not run.is_active):
            response["HX-Refresh"] = "true"
        return response


class ReportDownloadView(ReplicaReadMixin, ScopedDetailView):
    """The report as .xlsx or .pdf, for whoever may read it (the scope of the report's unit)."""

    model = BusinessReport
    fmt = "xlsx"

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit")

    def get(self, request, *args, **kwargs):
        report = self.get_object()
        name = f"report-{report.unit.code}-{report.period}-{report.kind}"
        try:
            if self.fmt == "pdf":
                body, content_type = exports.report_pdf(report), "application/pdf"
            else:
                body = exports.report_xlsx(report)
                content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        except DomainError as error:
            return _refusal(request, error)
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}.{self.fmt}"'
        return response


class ReportStatusView(ScopedViewMixin, TemplateView):
    """For the Development Center: every region's report of a period and kind, and where it stands — which
    regions have not built or submitted theirs yet."""

    template_name = "reports/status.html"
    model = BusinessReport

    def get(self, request, *args, **kwargs):
        if role_of(request.user) not in CENTER_ROLES:
            audit.log_denial(request, reason="center only", status=403)
            raise PermissionDenied
        kind = request.GET.get("kind") or ReportKind.MONTHLY
        if kind not in ReportKind.values:
            kind = ReportKind.MONTHLY
        text = (request.GET.get("period") or "").strip() or str(services.previous_period(kind))
        try:
            self.period = services.report_period(text, kind)
        except DomainError as error:
            return _refusal(request, error)
        self.kind = kind
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        units = list(
            OrgUnit.objects.filter(kind__in=[UnitKind.CENTER, UnitKind.REGION], is_active=True).order_by("depth", "code")
        )
        reports = {
            report.unit_id: report
            for report in BusinessReport.objects.for_user(self.request.user)
            .filter(period=str(self.period), kind=self.kind)
            .defer("data", "analysis")
        }
        rows = [{"unit": unit, "report": reports.get(unit.pk)} for unit in units]
        context.update(
            rows=rows,
            period=self.period,
            kind=self.kind,
            kinds=ReportKind.choices,
            missing=[
                row["unit"]
                for row in rows
                if row["report"] is None or row["report"].state in (ReportState.BUILT, ReportState.RETURNED)
            ],
            today=timezone.localdate(),
        )
        return context
