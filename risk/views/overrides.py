"""Pages of grade overrides: the list of the reader's scope and the request form of one customer or
salesperson (found in the reader's scope first: outside it the page is a 404)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.errors import DomainError
from core.scoping import get_in_scope
from core.views import ScopedListView, ScopedViewMixin, apply_domain_error
from customers.models import Customer
from regions.models import StaffProfile
from risk import services
from risk.filtersets.overrides import OverrideFilterSet
from risk.forms.overrides import OverrideForm
from risk.models import GradeOverride


class OverrideListView(ScopedListView):
    model = GradeOverride
    filterset_class = OverrideFilterSet
    title = gettext_lazy("Grade overrides")
    template_name = "risk/override_list.html"

    def narrow_queryset(self, queryset):
        queryset = queryset.select_related("customer", "staff", "unit", "requested_by")
        return super().narrow_queryset(queryset).order_by("-created_at", "-id")


class OverrideCreateView(ScopedViewMixin, View):
    """?customer=<id> or ?staff=<id> (or the same in the posted form): the subject, looked up in the reader's
    scope after the role's right."""

    model = GradeOverride
    change_action = "grade.override"
    template_name = "risk/override_form.html"

    def _subject(self, request):
        for name, model in (("customer", Customer), ("staff", StaffProfile)):
            pk = request.GET.get(name) or request.POST.get(name)
            if pk:
                return name, get_in_scope(request, model, pk=pk)
        raise Http404

    def get(self, request):
        self.require_change()
        kind, subject = self._subject(request)
        return render(request, self.template_name, {"form": OverrideForm(), "subject": subject, "kind": kind})

    def post(self, request):
        self.require_change()
        kind, subject = self._subject(request)
        form = OverrideForm(request.POST)
        if form.is_valid():
            try:
                services.override_request(by=request.user, **{kind: subject}, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The override is submitted to the Development Center."))
                return redirect("risk:override_list")
        context = {"form": form, "subject": subject, "kind": kind}
        return render(request, self.template_name, context, status=400)
