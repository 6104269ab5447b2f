"""Pages of suggestions (建议): the list (the center's company-wide, a manager's part of the tree, a salesperson's
own; `?mine=true` is "my suggestions" for anyone), the form that makes one (anyone who works here), and a
suggestion's page with the answer form (the level responsible) and the close button (the author or that level).

Reading is the scope rule (Suggestion.objects.for_user); the services ask the rules (relations/rights/suggestions.py).
A refused write shows on its field with its status (400, 409); a missing right is a 403; outside the scope a 404."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.errors import DomainError
from core.rights import NotAllowed, may
from core.views import ScopedDetailView, ScopedListView, ScopedViewMixin, apply_domain_error
from regions.models import OrgUnit
from relations import services
from relations.filtersets import SuggestionFilterSet
from relations.forms.suggestions import AnswerForm, SuggestionForm
from relations.models.suggestions import Suggestion, SuggestionState
from relations.rights.suggestions import SUGGEST_RIGHT


class SuggestionListView(ScopedListView):
    model = Suggestion
    change_action = SUGGEST_RIGHT
    filterset_class = SuggestionFilterSet
    unit_tree = OrgUnit
    title = gettext_lazy("Suggestions")
    template_name = "relations/suggestion_list.html"

    def narrow_queryset(self, queryset):
        queryset = queryset.select_related("author", "unit", "product", "channel", "customer")
        return super().narrow_queryset(queryset).order_by("-created_at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["mine"] = self.request.GET.get("mine") == "true"
        return context


class SuggestionCreateView(ScopedViewMixin, View):
    model = Suggestion
    change_action = SUGGEST_RIGHT
    template_name = "relations/suggestion_form.html"

    def _render(self, form, status=200):
        return render(self.request, self.template_name, {"form": form}, status=status)

    def get(self, request):
        self.require_change()
        return self._render(SuggestionForm(user=request.user))

    def post(self, request):
        self.require_change()
        form = SuggestionForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                suggestion = services.suggestion_create(by=request.user, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("Thank you: your suggestion is submitted."))
                return redirect(suggestion.get_absolute_url())
        return self._render(form, status=400)


class SuggestionDetailView(ScopedDetailView):
    """A suggestion, its response, and the answer form or close button for those who may."""

    model = Suggestion
    change_action = SUGGEST_RIGHT
    template_name = "relations/suggestion_detail.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("author", "unit", "product", "channel", "customer")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        suggestion, user = self.object, self.request.user
        changes = self.may_change()
        context["may_answer"] = (
            changes and suggestion.state == SuggestionState.OPEN and may(user, "suggestion.answer", suggestion)
        )
        context["may_close"] = (
            changes and suggestion.state == SuggestionState.ANSWERED and may(user, "suggestion.close", suggestion)
        )
        context["answer_form"] = kwargs.get("answer_form") or AnswerForm()
        context["error"] = kwargs.get("error")
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        if request.POST.get("action") == "close":
            try:
                services.suggestion_close(by=request.user, suggestion=self.object)
            except NotAllowed as error:
                apply_domain_error(AnswerForm(), error)  # raises the logged 403
            except DomainError as error:
                self.object.refresh_from_db()
                return render(request, self.template_name, self.get_context_data(error=error.message), status=error.status_code)
            messages.success(request, _("The suggestion is closed."))
            return redirect(self.object.get_absolute_url())
        form, status = AnswerForm(request.POST), 400
        if form.is_valid():
            try:
                services.suggestion_answer(by=request.user, suggestion=self.object, response=form.cleaned_data["response"])
            except DomainError as error:
                apply_domain_error(form, error)
                status = error.status_code
            else:
                messages.success(request, _("The answer is sent to the author."))
                return redirect(self.object.get_absolute_url())
        self.object.refresh_from_db()
        return render(request, self.template_name, self.get_context_data(answer_form=form), status=status)
