"""Pages of the channel archive: the list, opening and changing a channel, and a channel's page (contacts,
state history, relationship log, agreements, and the forms that keep them, each shown only to those who may
use it). Every read goes through `for_user` (the Scoped* base views); every write through channels.services;
a refused write shows the service's message on its field (a missing right: 403)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from channels import services
from channels.filtersets import ChannelFilterSet
from channels.forms import ActivityForm, AgreementForm, ChannelForm, ContactForm, TransitionForm
from channels.models import Channel, ChannelAgreement
from channels.rights import ARCHIVE_RIGHT
from core.errors import DomainError
from core.filters import in_subtree
from core.rights import may
from core.roles import Role
from core.ui import id_choice_field
from core.views import ScopedDetailView, ScopedFileView, ScopedListView, ScopedViewMixin, apply_domain_error
from regions.models import OrgUnit, StaffProfile

# Above this many sales staff in the reader's part, the salesperson filter lists those of the chosen unit only.
REP_CHOICES_MAX = 200


class ChannelListView(ScopedListView):
    model = Channel
    change_action = ARCHIVE_RIGHT
    filterset_class = ChannelFilterSet
    hidden_filters = ("external_id",)
    unit_tree = OrgUnit
    title = gettext_lazy("Channels")
    template_name = "channels/channel_list.html"

    def narrow_queryset(self, queryset):
        queryset = super().narrow_queryset(queryset.select_related("unit", "salesperson"))
        return queryset.order_by("-id")

    def adjust_filter_form(self, form):
        """The salesperson filter offers the reader's sales staff — those of the unit chosen in the same bar when
        the reader has too many to list — and keeps the one a link names."""
        reps = StaffProfile.objects.for_user(self.request.user).filter(role=Role.SALES_REP).order_by("unit__path", "employee_no")
        unit = form.data.get("unit")
        if unit and str(unit).isdigit():
            reps = in_subtree(reps, "unit__path", int(unit))
        chosen = form.data.get("salesperson")
        if reps.count() > REP_CHOICES_MAX:
            reps = reps.filter(pk=int(chosen)) if chosen and str(chosen).isdigit() else reps.none()
        form.fields["salesperson"] = id_choice_field(_("salesperson"), [(s.pk, f"{s.name} ({s.employee_no})") for s in reps])


class ChannelCreateView(ScopedViewMixin, View):
    model = Channel
    change_action = ARCHIVE_RIGHT
    template_name = "channels/channel_form.html"

    def get(self, request, *args, **kwargs):
        self.require_change()
        return render(request, self.template_name, {"form": ChannelForm(user=request.user)})

    def post(self, request, *args, **kwargs):
        self.require_change()
        form = ChannelForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                channel = services.channel_create(by=request.user, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The channel %(name)s was opened.") % {"name": channel.name})
                return redirect("channels:channel_detail", pk=channel.pk)
        return render(request, self.template_name, {"form": form}, status=400)


class ChannelEditView(ScopedDetailView):
    model = Channel
    change_action = ARCHIVE_RIGHT
    template_name = "channels/channel_form.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        return self._render(ChannelForm(initial=self._initial(), user=request.user))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        form = ChannelForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.channel_update(by=request.user, channel=self.object, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("channels:channel_detail", pk=self.object.pk)
        return self._render(form, status=400)

    def _initial(self):
        c = self.object
        return {
            "name": c.name,
            "kind": c.kind,
            "tier": c.tier,
            "credit_code": c.credit_code or "",
            "external_id": c.external_id or "",
            "unit": c.unit_id,
            "salesperson": c.salesperson_id,
            "address": c.address,
            "note": c.note,
        }

    def _render(self, form, status=200):
        return render(self.request, self.template_name, {"form": form, "object": self.object}, status=status)


class ChannelDetailView(ScopedDetailView):
    """A channel: its archive, contacts, state history, relationship log and agreements; the forms that keep
    them for those who handle it."""

    model = Channel
    change_action = ARCHIVE_RIGHT
    template_name = "channels/channel_detail.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit", "salesperson")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        channel, user = self.object, self.request.user
        context["contacts"] = channel.contacts.all()
        context["transitions"] = channel.transitions.select_related("by__staff_profile").order_by("-on", "-id")
        context["activities"] = channel.activities.select_related("by__staff_profile").order_by("-on", "-id")[:100]
        context["agreements"] = channel.agreements.all()
        handles = may(user, "channel.log", channel)
        context["may_edit"] = may(user, "channel.update", channel)
        # The channel's contracts (合同): the list filtered to it, and drafting one (?channel=<id>).
        context["may_draft_contract"] = handles and may(user, "contract.create", channel)
        if may(user, "channel.transition", channel) and channel.state != "terminated":
            context.setdefault("transition_form", TransitionForm(channel=channel))
        if handles:
            context.setdefault("activity_form", ActivityForm())
            context.setdefault("contact_form", ContactForm())
            context.setdefault("agreement_form", AgreementForm())
        return context

    def post(self, request, *args, **kwargs):
        self.object = channel = self.get_object()
        self.require_change()
        action = request.POST.get("action")
        user = request.user
        if action == "transition":
            return self.form_action(
                form=TransitionForm(request.POST, channel=channel),
                context_name="transition_form",
                action=lambda data: services.channel_transition(
                    by=user, channel=channel, to_state=data["state"], on=data["on"], reason=data["reason"]
                ),
                success_message=_("The channel's state was changed."),
            )
        if action == "activity":
            return self.form_action(
                form=ActivityForm(request.POST),
                context_name="activity_form",
                action=lambda data: services.channel_activity_add(by=user, channel=channel, **data),
                success_message=_("The contact was logged."),
            )
        if action == "contact":
            return self.form_action(
                form=ContactForm(request.POST),
                context_name="contact_form",
                action=lambda data: services.channel_contact_add(by=user, channel=channel, **data),
                success_message=_("The contact person was added."),
            )
        if action == "agreement":
            return self.form_action(
                form=AgreementForm(request.POST, request.FILES),
                context_name="agreement_form",
                action=lambda data: services.channel_agreement_add(by=user, channel=channel, **data),
                success_message=_("The agreement was put on file."),
            )
        raise PermissionDenied


class ChannelAgreementFileView(ScopedFileView):
    """The download of an agreement's scanned copy, for whoever reads the channel (outside the scope: 404)."""

    model = ChannelAgreement
    file_field = "file"
