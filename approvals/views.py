"""Pages of the approval mechanism: the center's queue, "waiting for me", "my submissions", all
readable requests, the decision screen and one's delegations.

Every read goes through `ApprovalRequest.objects.for_user` (the scope rule extended for the chain);
every move through approvals.services; a refused move shows the service's reason on the page with its
status (400/403/409), never a 500.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from approvals import selectors, services
from approvals.choices import BulkAction, RequestState
from approvals.diff import diff_of, show
from approvals.filtersets import ApprovalRequestFilterSet
from approvals.forms import AddSignerForm, BulkForm, CommentForm, DelegationForm, ForwardForm
from approvals.models import ApprovalRequest, Delegation
from approvals.subjects import request_headline, subject_review
from core import audit
from core.errors import DomainError
from core.rights import may
from core.roles import Role, role_of
from core.scoping import get_in_scope
from core.ui import id_choice_field
from core.views import ScopedDetailView, ScopedListView, apply_domain_error
from regions.choices import UnitKind
from regions.models import OrgUnit

CENTER_ROLES = (Role.DIRECTOR, Role.CENTER_STAFF)


def is_center(user):
    return role_of(user) in CENTER_ROLES


def _mark_overdue(rows, now):
    """Set `days_over` on each row of a page (working days past due; pure calendar arithmetic, no query)."""
    for row in rows:
        overdue = getattr(row, "overdue", None)
        if overdue is None:
            overdue = row.state == RequestState.SUBMITTED and row.due_at is not None and row.due_at < now
        row.days_over = selectors.working_days_overdue(request=row, now=now) if overdue else 0
    return rows


class ApprovalListMixin:
    """A list of requests: cut by the scope (and chain), then by the one FilterSet, rows marked overdue."""

    model = ApprovalRequest
    filterset_class = ApprovalRequestFilterSet
    hidden_filters = ("unit",)
    tab = ""

    def adjust_filter_form(self, form):
        regions = OrgUnit.objects.for_user(self.request.user).filter(kind=UnitKind.REGION).order_by("code")
        form.fields["region"] = id_choice_field(_("Region"), [(u.pk, u.name) for u in regions])

    def base(self, queryset):
        return queryset

    def narrow_queryset(self, queryset):
        self.now = timezone.now()
        return super().narrow_queryset(self.base(queryset.with_overdue(self.now).select_related(*selectors.RELATED)))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        _mark_overdue(context["object_list"], self.now)
        context["tab"] = self.tab
        context["is_center"] = is_center(self.request.user)
        return context


class RequestListView(ApprovalListMixin, ScopedListView):
    """Every request the reader may see (their subtree's and those they are on the chain of)."""

    template_name = "approvals/request_list.html"
    tab = "all"

    def base(self, queryset):
        return queryset.order_by("-submitted_at", "-pk")


class QueueView(ApprovalListMixin, ScopedListView):
    """The Development Center's queue: oldest first, SLA breaches counted and marked, bulk decisions."""

    template_name = "approvals/queue.html"
    tab = "queue"

    def require_view(self):
        if not is_center(self.request.user):
            audit.log_denial(self.request, reason="approval queue is for the Development Center", status=403)
            raise PermissionDenied

    def adjust_filter_form(self, form):
        super().adjust_filter_form(form)
        del form.fields["state"]
        del form.fields["overdue"]

    def base(self, queryset):
        return selectors.at_center(queryset, now=self.now)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breach_count"] = self.object_list.filter(overdue=True).count()
        # Each row's main figure (a plan's headline target, an expense's amount): the subject protocol's
        # `headline`, read from the frozen snapshot.
        for row in context["object_list"]:
            row.headline = request_headline(row)
        context["bulk_actions"] = BulkAction.choices
        context.setdefault("bulk_form", BulkForm())
        return context

    def post(self, request, *args, **kwargs):
        self.require_view()
        posted = []
        for value in request.POST.getlist("ids"):
            try:
                posted.append(int(value))
            except ValueError:
                continue
        readable = selectors.at_center(ApprovalRequest.objects.for_user(request.user))
        found = {r.pk: r for r in readable.filter(pk__in=[pk for pk in posted if 0 < pk < 2**63])}
        form = BulkForm(request.POST, ids=found)
        results, status = None, 200
        if form.is_valid():
            ids = form.cleaned_data["ids"]
            try:
                results = services.bulk_decide(
                    requests=[found[pk] for pk in ids],
                    by=request.user,
                    action=form.cleaned_data["action"],
                    comment=form.cleaned_data["comment"],
                )
            except DomainError as error:
                apply_domain_error(form, error)
                status = error.status_code
        else:
            status = 400
        titles = {pk: r.title for pk, r in found.items()}
        if results is not None:
            for row in results:
                row["title"] = titles.get(row["request"], "")
            ok = sum(1 for row in results if row["ok"])
            if not request.headers.get("HX-Request"):
                messages.info(request, _("%(ok)s of %(total)s decided.") % {"ok": ok, "total": len(results)})
        if request.headers.get("HX-Request"):
            return render(
                request,
                "approvals/_bulk_result.html",
                {"results": results, "bulk_form": form, "oob": True},
                status=status,
            )
        self.object_list = self.get_queryset()
        context = self.get_context_data(bulk_form=form, bulk_results=results)
        return render(request, self.template_name, context, status=status)


class WaitingView(ApprovalListMixin, ScopedListView):
    """待我审批 (waiting for me): what waits for this person's decision, oldest first."""

    template_name = "approvals/request_list.html"
    tab = "waiting"

    def base(self, queryset):
        mine = selectors.queue_for(user=self.request.user).values("pk")
        return queryset.filter(pk__in=mine).order_by("submitted_at", "pk")


class MineView(ApprovalListMixin, ScopedListView):
    """我的提交 (my submissions): the person's own submissions (latest version of each), with state, step and due date."""

    template_name = "approvals/request_list.html"
    tab = "mine"

    def base(self, queryset):
        return queryset.filter(submitted_by=self.request.user).latest_versions().order_by("-submitted_at", "-pk")


# ------------------------------------------------------------------------------------------ decision screen

MOVES = ("approve", "return", "reject", "withdraw", "nudge", "forward", "add_signer")


class RequestDetailView(ScopedDetailView):
    """The decision screen: what was submitted, what changed, the chain, the record, and the moves."""

    model = ApprovalRequest
    template_name = "approvals/request_detail.html"

    def narrow_queryset(self, queryset):
        return queryset.with_overdue(timezone.now()).select_related(
            *selectors.RELATED, "previous", "content_type", "submitted_by"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request_obj, user, now = self.object, self.request.user, timezone.now()
        context["approval"] = request_obj
        context["days_over"] = selectors.working_days_overdue(request=request_obj, now=now) if request_obj.overdue else 0
        context["steps"] = request_obj.steps.select_related("approver", "approver_unit", "decided_by__staff_profile")
        context["events"] = selectors.request_events(request=request_obj)
        subject = request_obj.subject
        context["subject"] = subject
        subject_url = getattr(subject, "get_absolute_url", None)
        context["subject_url"] = subject_url() if callable(subject_url) else None
        review = subject_review(subject, request_obj)
        if review is not None:
            template_name, review_context = review
            context["review_html"] = mark_safe(render_to_string(template_name, review_context, request=self.request))
        else:
            context["snapshot_rows"] = _snapshot_rows(request_obj.snapshot)
        changes = diff_of(request_obj)
        context["changes"] = (
            None
            if changes is None
            else [{"path": c.path, "kind": c.kind, "old": show(c.old), "new": show(c.new)} for c in changes]
        )
        waiting = request_obj.state == RequestState.SUBMITTED
        context["may_decide"] = may(user, "approval.decide", request_obj)
        # The submitter's moves (withdraw, nudge) while it waits.
        context["is_submitter"] = waiting and may(user, "approval.withdraw", request_obj)
        context.setdefault("comment_form", CommentForm())
        if context["may_decide"]:
            context.setdefault("forward_form", ForwardForm(request=request_obj))
            context.setdefault("add_signer_form", AddSignerForm(request=request_obj))
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        move = request.POST.get("move", "")
        if move not in MOVES:
            return self._refused(_("Choose a move."), CommentForm(request.POST), "comment_form", 400)
        by, obj = request.user, self.object
        if move == "forward":
            form, name = ForwardForm(request.POST, request=obj), "forward_form"
        elif move == "add_signer":
            form, name = AddSignerForm(request.POST, request=obj), "add_signer_form"
        else:
            form, name = CommentForm(request.POST), "comment_form"
        if not form.is_valid():
            return self._render({name: form}, 400)
        data = form.cleaned_data
        actions = {
            "approve": lambda: services.request_approve(request=obj, by=by, comment=data["comment"]),
            "return": lambda: services.request_return(request=obj, by=by, comment=data["comment"]),
            "reject": lambda: services.request_reject(request=obj, by=by, comment=data["comment"]),
            "withdraw": lambda: services.request_withdraw(request=obj, by=by),
            "nudge": lambda: services.request_nudge(request=obj, by=by),
            "forward": lambda: services.request_forward(request=obj, by=by, to_staff=data["to_staff"], comment=data["comment"]),
            "add_signer": lambda: services.request_add_signer(
                request=obj, by=by, staff=data["staff"], before=data["before"], comment=data["comment"]
            ),
        }
        try:
            actions[move]()
        except DomainError as error:
            apply_domain_error(form, error)
            return self._render({name: form, "refusal": str(error.message)}, error.status_code)
        messages.success(request, DONE[move])
        if ApprovalRequest.objects.for_user(by).filter(pk=obj.pk).exists():
            return redirect(request.path)
        return redirect("approvals:waiting")

    def _refused(self, message, form, name, status):
        return self._render({name: form, "refusal": message}, status)

    def _render(self, extra, status):
        context = self.get_context_data(object=self.object, **extra)
        return render(self.request, self.template_name, context, status=status)


DONE = {
    "approve": gettext_lazy("Approved."),
    "return": gettext_lazy("Returned for revision."),
    "reject": gettext_lazy("Rejected."),
    "withdraw": gettext_lazy("Withdrawn."),
    "nudge": gettext_lazy("The approvers were reminded."),
    "forward": gettext_lazy("Forwarded."),
    "add_signer": gettext_lazy("The reviewer was added."),
}


def _snapshot_rows(snapshot):
    """The generic view of a snapshot: one (field, value) row per top-level key."""
    if isinstance(snapshot, dict):
        return [(key, show(value)) for key, value in snapshot.items()]
    return [("", show(snapshot))]


# ------------------------------------------------------------------------------------------ delegations


class DelegationsView(LoginRequiredMixin, View):
    """One's delegations: given and received; create one for oneself, revoke one's own."""

    template_name = "approvals/delegations.html"

    def _staff(self):
        staff = getattr(self.request.user, "staff_profile", None)
        if staff is None or role_of(self.request.user) is None:
            raise PermissionDenied
        return staff

    def _render(self, staff, form, status=200, refusal=None):
        rows = Delegation.objects.for_user(self.request.user).own(staff).select_related("from_staff", "to_staff")
        today = timezone.localdate()
        return render(
            self.request,
            self.template_name,
            {
                "given": [d for d in rows if d.from_staff_id == staff.pk],
                "received": [d for d in rows if d.to_staff_id == staff.pk],
                "form": form,
                "today": today,
                "refusal": refusal,
                "tab": "delegations",
                "is_center": is_center(self.request.user),
            },
            status=status,
        )

    def get(self, request, *args, **kwargs):
        staff = self._staff()
        return self._render(staff, DelegationForm(staff=staff))

    def post(self, request, *args, **kwargs):
        staff = self._staff()
        if "revoke" in request.POST:
            delegation = get_in_scope(
                request, Delegation, queryset=Delegation.objects.for_user(request.user).own(staff), pk=request.POST["revoke"]
            )
            try:
                services.delegation_revoke(delegation=delegation, by=request.user)
            except DomainError as error:
                return self._render(staff, DelegationForm(staff=staff), error.status_code, refusal=str(error.message))
            messages.success(request, _("The delegation was revoked."))
            return redirect("approvals:delegations")
        form = DelegationForm(request.POST, staff=staff)
        if form.is_valid():
            try:
                services.delegation_create(from_staff=staff, by=request.user, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
                return self._render(staff, form, error.status_code)
            messages.success(request, _("The delegation was set up."))
            return redirect("approvals:delegations")
        return self._render(staff, form, 400)
