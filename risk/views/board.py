"""The Development Center's company-wide risk board (风险看板): open warnings by region × rule × age, the grade
migration of customers and of sales staff in a month, and customers' grades per region — each count linked to
the list behind it.

The board is the whole company's: a principal whose scope is not the whole company (a regional manager and
below, a branch key) is outside it and gets 404, logged as a denial, like any object outside the scope."""

from django.contrib import messages
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core import audit
from core.errors import InvalidInput
from core.periods import MONTH, Period, parse_input
from core.views import ScopedViewMixin, scope_label
from risk import selectors
from risk.choices import GRADES
from risk.models import Warning


def board_month(request, today):
    """The month the board's migration shows: `?month=YYYY-MM`, else this month. Bad input (not a month, out of
    the supported years, not begun yet) is ignored with a message saying why."""
    text = request.GET.get("month", "").strip()
    this_month = Period.of(today, MONTH)
    if not text:
        return this_month
    try:
        period = parse_input(text, field="month", begun=True, today=today)
    except InvalidInput as error:
        messages.warning(request, _("%(error)s This month is shown.") % {"error": error.message})
        return this_month
    if period.kind != MONTH:
        messages.warning(request, _("%(value)s is not a month (write 2026-07). This month is shown.") % {"value": text})
        return this_month
    return period


def matrix(moves):
    """A from × to table of grade moves: rows of (from, to, count), the diagonal where from == to."""
    return [[(old, new, moves.get((old, new), 0)) for new in GRADES] for old in GRADES]


class RiskBoardView(ScopedViewMixin, TemplateView):
    """风险看板: the center's view of every region's open warnings, grade migration and grade distribution."""

    model = Warning
    template_name = "risk/board.html"

    def get(self, request, *args, **kwargs):
        if not selectors.reads_board(request.user):
            audit.log_denial(request, reason="the company-wide risk board is the Development Center's", status=404)
            raise Http404
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        as_of = timezone.localdate()
        month = board_month(self.request, as_of)
        regions, center_path = selectors.board_regions(user)
        context.update(
            scope_label=scope_label(user),
            as_of=as_of,
            month=month,
            previous_month=month.previous(),
            next_month=month.next() if month.next().start <= as_of else None,
            warnings=selectors.warning_board(user=user, as_of=as_of, regions=regions, center_path=center_path),
            grades=selectors.grade_board(user=user, regions=regions, center_path=center_path),
            migration={
                subject: matrix(selectors.migration_matrix(user=user, subject=subject, since=month.start, until=month.end))
                for subject in ("customer", "staff")
            },
        )
        return context
