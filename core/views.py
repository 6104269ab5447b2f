"""Scoped base views for pages. Like the API base, `get_queryset` is final: the scope always applies."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.generic import DetailView, ListView
from rest_framework.exceptions import NotFound

from core import audit, files
from core.errors import DomainError
from core.exceptions import request_refusal
from core.pagination import CappedPaginator
from core.rights import NotAllowed
from core.roles import can
from core.scoping import get_in_scope, scope_of
from core.ui import UnitChoiceField, name_empty_choices


def apply_domain_error(form, error):
    """Show a service's refusal on the form field it names (or above the form).

    A refusal for lack of a right (`NotAllowed`) is not a mistake in the form: it is a 403, the same
    answer the API gives, logged as a denial by the door middleware (`core.audit.RefusedWrite`)."""
    if isinstance(error, NotAllowed):
        raise audit.RefusedWrite(str(error.message))
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


class ScopedViewMixin(LoginRequiredMixin):
    model = None
    change_action = None
    view_action = None  # a right needed to read at all, beyond the scope

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(f"{cls.__name__} must not override get_queryset (it applies the scope); use narrow_queryset")

    def get_queryset(self):
        return self.narrow_queryset(self.model._default_manager.for_user(self.request.user))

    def narrow_queryset(self, queryset):
        return queryset

    def may_change(self):
        return self.change_action is not None and can(self.request.user, self.change_action)

    def require_view(self):
        if self.view_action is not None and not can(self.request.user, self.view_action):
            audit.log_denial(self.request, reason="no right to read this", status=403)
            raise PermissionDenied

    def require_change(self):
        if not self.may_change():
            audit.log_denial(self.request, reason="no right for this action", status=403)
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_change"] = self.may_change()
        return context


class FilteredListMixin:
    """A list filtered by its FilterSet (`filterset_class`, the same one the API uses) from the query string.

    Bad filter input shows on the filter form and lists nothing — never everything. `hidden_filters`
    are filters a link may set (`?customer=` from a customer's page) that the filter bar does not show;
    `unit_tree` (the org unit model) offers the `unit` filter as the tree of the reader's units;
    `adjust_filter_form` offers other choices in the reader's scope instead of bare ids, or drops a filter.
    The FilterSet is in the context as `filter` (the filter bar of `core/list.html`)."""

    filterset_class = None
    hidden_filters = ()
    unit_tree = None

    def filter_queryset(self, queryset):
        if self.filterset_class is None:
            return queryset
        self.filterset = self.filterset_class(self.request.GET, queryset=queryset, request=self.request)
        form = self.filterset.form
        for name in self.hidden_filters:
            if name in form.fields:
                form.fields[name].widget = forms.HiddenInput()
        if self.unit_tree is not None and "unit" in form.fields:
            units = self.unit_tree._default_manager.for_user(self.request.user).order_by("path")
            form.fields["unit"] = UnitChoiceField(label=_("org unit (with sub-units)"), queryset=units, required=False)
        self.adjust_filter_form(form)
        name_empty_choices(form)  # 全部, not `---------` / 未知
        return self.filterset.qs if self.filterset.is_valid() else queryset.none()

    def adjust_filter_form(self, form):
        pass

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = getattr(self, "filterset", None)
        return context


class ScopedListView(FilteredListMixin, ScopedViewMixin, ListView):
    """A list page in a few lines: the rows the reader may see (the scope), narrowed by `narrow_queryset`
    (select_related, annotations, ordering — call `super()` or `filter_queryset` where the filters
    belong), filtered by `filterset_class`, 50 to a page. `title` names the page; the template extends
    `core/list.html` and fills in the columns and a row."""

    paginate_by = 50
    paginator_class = CappedPaginator
    title = None

    def get(self, request, *args, **kwargs):
        self.require_view()
        return super().get(request, *args, **kwargs)

    def narrow_queryset(self, queryset):
        return self.filter_queryset(queryset)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["scope_label"] = scope_label(self.request.user)
        return context


def scope_label(user):
    """Whose rows a list shows, for the page header's subtitle: 全公司, a unit and its sub-units, or the
    salesperson's own records (docs/UI_PATTERNS.md)."""
    scope = scope_of(user)
    if scope.everything:
        return _("Whole company")
    profile = getattr(user, "staff_profile", None)
    if scope.nothing or profile is None:
        return ""
    if scope.own_only:
        return _("My own records · %(unit)s") % {"unit": profile.unit.display_name}
    return _("%(unit)s and its sub-units") % {"unit": profile.unit.display_name}


class ScopedDetailView(ScopedViewMixin, DetailView):
    def get_object(self, queryset=None):
        queryset = self.get_queryset() if queryset is None else queryset
        obj = get_in_scope(self.request, self.model, queryset=queryset, pk=self.kwargs.get(self.pk_url_kwarg))
        self.require_view()
        return obj

    def form_action(self, *, form, context_name, action, success_message):
        """POST of a form on a detail page that runs one service on the object: needs the change right;
        on success a message and back to the page; a refusal shows on the form with a 400."""
        if form.is_valid():
            try:
                action(form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(self.request, success_message)
                return redirect(self.request.path)
        context = self.get_context_data(object=self.object, **{context_name: form})
        return render(self.request, self.template_name, context, status=400)


class ActionDetailView(ScopedDetailView):
    """A detail page whose buttons each run one service on the object (submit, withdraw, revise…): `actions`
    maps the POSTed `action` to (service, success message); the service is called with the object under
    `action_object_name` and `by`. Needs the change right; an unknown action is a 400; a refusal shows on the
    page with its status — or, with `refusal_is_denial`, a missing right is logged as a denied write (403).
    After success: the object a service returns of the same model (a revision), else the object itself."""

    actions = {}
    action_object_name = "object"
    refusal_is_denial = False

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        name = request.POST.get("action")
        if name not in self.actions:
            return render(request, self.template_name, self.get_context_data(error=_("Unknown action.")), status=400)
        service, success = self.actions[name]
        try:
            result = service(**{self.action_object_name: self.object}, by=request.user)
        except DomainError as error:
            if self.refusal_is_denial and isinstance(error, NotAllowed):
                raise audit.RefusedWrite(str(error.message)) from None
            self.object.refresh_from_db()
            return render(request, self.template_name, self.get_context_data(error=error.message), status=error.status_code)
        messages.success(request, success)
        target = result if isinstance(result, type(self.object)) else self.object
        return redirect(target.get_absolute_url())


class ScopedFileView(ScopedDetailView):
    """The download of a file kept on an object (`model` + `file_field`): the object is found in the reader's scope
    (outside it, or without a file: 404, as for its page), the `view_action` right is asked, and the file is sent
    as an attachment under its stored name with the content type of its sniffed kind (core/files.py) and
    `X-Content-Type-Options: nosniff`, so a browser never renders an uploaded file as a page of this site. The
    only way uploaded files are read: MEDIA_ROOT has no URL."""

    file_field = None
    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        return files.file_response(getattr(self.get_object(), self.file_field))


def bad_request(request, exception=None):
    """Django's 400 handler (`handler400`): a request refused before any view ran.

    Under /api/ the answer is the API's JSON error shape (a DRF view answers these itself; this covers
    anything raised around it); pages get the site's own error page. Too large a body is a 413.
    """
    status, body = request_refusal(exception) or (400, {"detail": str(_("Bad request.")), "code": "bad_request"})
    if request.path.startswith("/api/"):
        return JsonResponse(
            {key: str(value) for key, value in body.items()}, status=status, json_dumps_params={"ensure_ascii": False}
        )
    return render(request, "error.html", {"status": status, "detail": body["detail"]}, status=status)


def permission_denied(request, exception=None):
    """Django's 403 handler (`handler403`): the site's error page, saying why where a service said it
    (a refused write, `core.audit.RefusedWrite`), else a general refusal; JSON under /api/."""
    detail = str(exception) if isinstance(exception, audit.RefusedWrite) and str(exception) else ""
    detail = detail or str(_("You have no right to do this."))
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": detail, "code": "permission_denied"}, status=403, json_dumps_params={"ensure_ascii": False}
        )
    return render(request, "error.html", {"status": 403, "detail": detail}, status=403)


def not_found(request, exception=None):
    """Django's 404 handler (`handler404`): no URL matched (e.g. `/api/v1/customers/1.5/`).

    Under /api/ the answer is the API's JSON error shape, as the schema documents for every operation;
    pages keep Django's page.
    """
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail), "code": NotFound.default_code}, status=404)
    return defaults.page_not_found(request, exception)


def favicon(request):
    """/favicon.ico, which browsers ask for on every page whatever the <link rel=icon> says: the static
    file, cached for a day (without it every page logs a 404)."""
    path = finders.find("favicon.ico")
    if path is None:
        raise Http404
    response = FileResponse(open(path, "rb"), content_type="image/x-icon")  # noqa: SIM115 — FileResponse closes it
    response["Cache-Control"] = "public, max-age=86400"
    return response
