"""Pages of the organisation, the staff archive and branch-system API keys."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.errors import DomainError
from core.models import ApiKey
from core.scoping import get_in_scope
from core.services import api_key_issue, api_key_revoke
from core.views import ScopedDetailView, ScopedListView, ScopedViewMixin, apply_domain_error
from regions import services
from regions.filtersets import OrgUnitFilterSet, StaffFilterSet
from regions.forms import ApiKeyCreateForm, OrgUnitCreateForm, OrgUnitEditForm, StaffCreateForm
from regions.models import OrgUnit, StaffProfile


class OrgUnitListView(ScopedListView):
    model = OrgUnit
    change_action = "orgunit.change"
    filterset_class = OrgUnitFilterSet
    title = gettext_lazy("Organisation")
    template_name = "regions/orgunit_list.html"

    def narrow_queryset(self, queryset):
        return super().narrow_queryset(queryset.select_related("parent"))


class OrgUnitDetailView(ScopedDetailView):
    model = OrgUnit
    change_action = "orgunit.change"
    template_name = "regions/orgunit_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = self.object
        user = self.request.user
        context["ancestors"] = [a for a in unit.ancestors() if OrgUnit.objects.for_user(user).filter(pk=a.pk).exists()]
        context["children"] = (
            OrgUnit.objects.for_user(user)
            .filter(parent=unit)
            .annotate(active_staff=Count("staff", filter=Q(staff__is_active=True)))
            .order_by("code")
        )
        context["staff"] = StaffProfile.objects.for_user(user).filter(unit=unit).order_by("role", "employee_no")
        context["history"] = unit.history.select_related("history_user").order_by("-history_date")[:20]
        if context["may_change"]:
            context["edit_form"] = OrgUnitEditForm(initial={"code": unit.code, "name": unit.name, "name_en": unit.name_en})
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        form = OrgUnitEditForm(request.POST)
        if form.is_valid():
            try:
                services.org_unit_update(by=request.user, unit=self.object, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("regions:orgunit_detail", pk=self.object.pk)
        context = self.get_context_data(object=self.object)
        context["edit_form"] = form
        return render(request, self.template_name, context, status=400)


class OrgUnitCreateView(ScopedViewMixin, View):
    """Add a unit (center staff only); a wrong parent kind or a duplicate code is refused in the form."""

    model = OrgUnit
    change_action = "orgunit.change"
    template_name = "regions/orgunit_form.html"

    def get(self, request, *args, **kwargs):
        self.require_change()
        return render(request, self.template_name, {"form": OrgUnitCreateForm(user=request.user)})

    def post(self, request, *args, **kwargs):
        self.require_change()
        form = OrgUnitCreateForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                unit = services.org_unit_create(by=request.user, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The unit %(name)s was created.") % {"name": unit.name})
                return redirect("regions:orgunit_detail", pk=unit.pk)
        return render(request, self.template_name, {"form": form}, status=400)


class StaffListView(ScopedListView):
    model = StaffProfile
    change_action = "staff.change"
    filterset_class = StaffFilterSet
    title = gettext_lazy("Staff")
    template_name = "regions/staff_list.html"

    def narrow_queryset(self, queryset):
        return super().narrow_queryset(queryset.select_related("unit"))


class StaffDetailView(ScopedDetailView):
    model = StaffProfile
    change_action = "staff.change"
    template_name = "regions/staff_detail.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit", "user")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["positions"] = self.object.positions.select_related("unit")
        context["history"] = self.object.history.select_related("history_user").order_by("-history_date")[:20]
        return context


class StaffCreateView(ScopedViewMixin, View):
    model = StaffProfile
    change_action = "staff.change"
    template_name = "regions/staff_form.html"

    def get(self, request, *args, **kwargs):
        self.require_change()
        return render(request, self.template_name, {"form": StaffCreateForm(user=request.user)})

    def post(self, request, *args, **kwargs):
        self.require_change()
        form = StaffCreateForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                staff = services.staff_hire(by=request.user, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("%(name)s was added to the staff archive.") % {"name": staff.name})
                return redirect("regions:staff_detail", pk=staff.pk)
        return render(request, self.template_name, {"form": form}, status=400)


class ApiKeyListView(ScopedListView):
    model = ApiKey
    change_action = "apikey.manage"
    view_action = "apikey.view"
    title = gettext_lazy("API keys")
    template_name = "regions/apikey_list.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or ApiKeyCreateForm(user=self.request.user)
        return context

    def post(self, request, *args, **kwargs):
        self.require_change()
        self.object_list = self.get_queryset()
        if "revoke" in request.POST:
            key = get_in_scope(request, self.model, queryset=self.get_queryset(), pk=request.POST.get("revoke"))
            try:
                api_key_revoke(key=key)
            except DomainError as error:
                messages.error(request, str(error.message))
            else:
                messages.success(request, _("The API key %(name)s was revoked.") % {"name": key.name})
            return redirect("regions:apikey_list")
        form = ApiKeyCreateForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                key, raw = api_key_issue(by=request.user, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                context = self.get_context_data(form=ApiKeyCreateForm(user=request.user))
                context["new_key"] = raw
                context["new_key_obj"] = key
                context["object_list"] = self.get_queryset()
                return render(request, self.template_name, context)
        return render(request, self.template_name, self.get_context_data(form=form), status=400)
