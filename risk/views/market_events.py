"""The one-step action of a market report's page (relations): raise the report as a special event. It lives in
risk because relations never imports risk; the market report's page links here by URL name
(risk:event_from_market). POST only: the report is found through the reader's scope (outside it: 404), the
service asks the right (403) and refuses a report raised already (409, on a page that says why and links back)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core import audit
from core.errors import DomainError, InvalidInput
from core.rights import NotAllowed
from core.scoping import get_in_scope
from core.views import ScopedViewMixin
from relations.models import MarketReport
from risk import services
from risk.choices import EventSeverity


class EventFromMarketView(ScopedViewMixin, View):
    """POST (optionally severity=low|medium|high|critical): report the market report `pk` as a special event,
    pre-filled, and go to the event."""

    model = MarketReport
    change_action = "event.report"

    def post(self, request, pk):
        report = get_in_scope(request, MarketReport, pk=pk)
        self.require_change()
        severity = request.POST.get("severity") or None
        if severity is not None and severity not in EventSeverity.values:
            error = InvalidInput(_("Unknown severity: %(value)s.") % {"value": severity[:20]}, field="severity")
            return self._refused(request, report, error)
        try:
            event = services.event_raise_from_market_report(by=request.user, report=report, severity=severity)
        except NotAllowed as error:
            raise audit.RefusedWrite(str(error.message)) from None
        except DomainError as error:
            return self._refused(request, report, error)
        messages.success(
            request,
            _("The market report was raised as a special event; the regional manager and the Development Center are being told."),
        )
        return redirect("risk:event_detail", pk=event.pk)

    def _refused(self, request, report, error):
        return render(
            request, "risk/event_from_market_refused.html", {"report": report, "error": error}, status=error.status_code
        )
