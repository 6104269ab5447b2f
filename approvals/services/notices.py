"""Messages about a request: each move tells the people it concerns (notifications.notify, inside the
transaction; e-mail goes out after the commit), in the company's language, linking to the decision page."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from approvals.choices import RequestState
from approvals.services.chains import approvers_of
from core.roles import staff_of
from notifications.choices import NotificationKind
from notifications.services import notify


def request_url(request):
    """The decision page of a request: where every message about it links to."""
    return reverse("approvals:detail", kwargs={"pk": request.pk})


def tell(*, request, recipients, kind, title, body, **params):
    """Send one message about `request`, written in the company's language (Chinese first)."""
    if not recipients:
        return []
    submitter = request.submitted_by_staff
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "title": request.title,
            "kind": str(request.get_kind_display()),
            "unit": request.unit.name,
            "version": request.version,
            "submitter": submitter.name if submitter is not None else (request.submitted_by or ""),
            "due": timezone.localtime(request.due_at).strftime("%Y-%m-%d") if request.due_at else "—",
            **{key: str(value) for key, value in params.items()},
        }
        text_title, text_body = str(title) % values, str(body) % values
    return notify(recipients=recipients, kind=kind, title=text_title, body=text_body, url=request_url(request))


def tell_current_approvers(request):
    tell(
        request=request,
        recipients=approvers_of(request.current_step),
        kind=NotificationKind.SUBMITTED,
        title=_("Waiting for your decision: %(title)s"),
        body=_("%(submitter)s submitted the %(kind)s “%(title)s” (version %(version)s) of %(unit)s. Please decide by %(due)s."),
    )


_DECIDED_TITLES = {
    RequestState.APPROVED: _("Approved: %(title)s"),
    RequestState.RETURNED: _("Returned for revision: %(title)s"),
    RequestState.REJECTED: _("Rejected: %(title)s"),
}


def tell_submitter(request, *, by, comment):
    who = staff_of(by)
    tell(
        request=request,
        recipients=[request.submitted_by] if request.submitted_by_id else [],
        kind=NotificationKind.DECIDED,
        title=_DECIDED_TITLES[request.state],
        body=_("Your %(kind)s “%(title)s” (version %(version)s) was %(state)s by %(who)s. %(comment)s"),
        state=request.get_state_display(),
        who=who.name if who is not None else getattr(by, "username", ""),
        comment=comment or "",
    )
