"""The Development Center's banner while next year's working calendar is missing (from 1 December)."""

from django.utils import timezone

from approvals.calendar import next_year_missing
from core.roles import can


def calendar_warning(request):
    """`calendar_missing_year`: next year, for the center's people, while its calendar has no entries.

    Costs nothing for everyone else and outside December; in December one cached lookup per page.
    """
    user = getattr(request, "user", None)
    if user is None or not can(user, "calendar.change"):
        return {}
    return {"calendar_missing_year": next_year_missing(timezone.localdate())}
