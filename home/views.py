"""The home page: each role's landing page at "/"."""

from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.views import View

from core.roles import ROLE_TABLE, can, role_of
from core.worklist import worklist
from dashboard.nav import is_home
from dashboard.views import DashboardView
from home.selectors import sales_home
from regions.models import OrgUnit, StaffProfile


class HomeView(View):
    """The landing page for each role: managers and the Development Center land on their dashboard (驾驶舱),
    the others on their own home page."""

    def get(self, request):
        if not request.user.is_authenticated:
            return redirect("login")
        role = role_of(request.user)
        profile = getattr(request.user, "staff_profile", None)
        context = {"role": role, "profile": profile}
        if role is None:
            return render(request, "home/home_norole.html", context)
        if is_home(role):
            # Rendered here rather than redirected to, so the address people bookmark stays "/".
            return DashboardView.as_view()(request)
        if ROLE_TABLE[role].home == "sales":
            # The salesperson's workbench: their own figures only (home.selectors.sales_home), no org counts.
            context["home"] = "sales"
            context["data"] = sales_home(user=request.user)
            if context["data"] is not None:
                context["worklist"] = context["data"]["worklist"]
                context["may_add_customer"] = can(request.user, "customer.change")
            return render(request, "home/home_sales.html", context)
        units = OrgUnit.objects.for_user(request.user)
        context["unit_counts"] = {
            row["kind"]: row["n"] for row in units.filter(is_active=True).values("kind").annotate(n=Count("id"))
        }
        context["staff_count"] = StaffProfile.objects.for_user(request.user).filter(is_active=True).count()
        context["home"] = ROLE_TABLE[role].home
        context["worklist"] = worklist(request.user)
        if profile is not None:
            context["subordinate_units"] = (
                units.filter(parent=profile.unit, is_active=True)
                .annotate(active_staff=Count("staff", filter=Q(staff__is_active=True)))
                .order_by("code")
            )
        return render(request, f"home/home_{context['home']}.html", context)
