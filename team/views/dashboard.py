"""The team dashboard (团队看板, issue 19): a unit's headcount vs plan, vacancies and days open, 12-month rolling
turnover, training hours this year, capability distribution of the latest cycle and promotion pipeline, with a
row per unit directly below it to drill into. Figures from team/selectors/dashboard.py (the subjects' selectors).

/team/dashboard/ shows the reader's own unit; ?unit=<id> a unit of their scope (outside it, or not a unit: 404).
Managers and the center read it; a salesperson gets 403 (their own training and assessments are on their pages)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from core import audit
from core.roles import staff_of
from core.scoping import get_in_scope, scope_of
from regions.models import OrgUnit
from team.selectors.dashboard import team_dashboard


class TeamDashboardView(LoginRequiredMixin, View):
    template_name = "team/dashboard.html"

    def get(self, request):
        scope = scope_of(request.user)
        if scope.own_only:
            audit.log_denial(request, reason="a salesperson reads their own training and assessments only", status=403)
            raise PermissionDenied
        raw = request.GET.get("unit", "").strip()
        if raw:
            unit = get_in_scope(request, OrgUnit, pk=raw, reason="team dashboard of a unit outside the scope")
        else:
            staff = staff_of(request.user)
            if staff is None:
                raise Http404
            unit = get_in_scope(request, OrgUnit, pk=staff.unit_id)
        on = timezone.localdate()
        trail = [u for u in unit.ancestors() if scope.covers_path(u.path)]
        context = {"unit": unit, "on": on, "trail": trail, **team_dashboard(unit, on)}
        figures = context["figures"]
        context["pipeline_rows"] = [(stage, figures.pipeline[stage]) for stage in context["stages"]]
        return render(request, self.template_name, context)
