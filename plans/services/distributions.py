"""Seasonal distributions: twelve month weights (amounts or percentages), per unit or company-wide, that
split a year's or a quarter's target across its months."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import InvalidInput
from core.rights import ensure
from core.splits import keyed_once, parse_id
from plans.choices import DistributionKind, Metric
from plans.models import SeasonalDistribution, SeasonalDistributionMonth
from plans.services.inputs import check_value
from regions.models import OrgUnit

HUNDRED = Decimal("100.00")


# --- seasonal distributions -----------------------------------------------------------------------
def distribution_values(kind, values):
    """Twelve values (a list in month order, or {month: value}) → [Decimal × 12], checked for the kind."""
    if kind not in DistributionKind.values:
        raise InvalidInput(_("A distribution is in amounts or in percentages, not %(kind)s.") % {"kind": kind}, field="kind")
    if isinstance(values, dict):

        def month_number(key):
            number = parse_id(key)
            if number is None:
                raise InvalidInput(_("Months are numbered 1 to 12."), field="values")
            return number

        by_month = keyed_once(values, field="values", normalise=month_number)  # "1" and "01" are one month
        if sorted(by_month) != list(range(1, 13)):
            raise InvalidInput(_("Give a value for each of the 12 months, numbered 1 to 12."), field="values")
        values = [by_month[month] for month in range(1, 13)]
    values = list(values)
    if len(values) != 12:
        raise InvalidInput(_("Give a value for each of the 12 months, not %(count)s.") % {"count": len(values)}, field="values")
    checked = [
        check_value(value, metric=Metric.SALES_AMOUNT, field="values", label=_("The value of month %(month)s") % {"month": n})
        for n, value in enumerate(values, start=1)
    ]
    total = sum(checked, Decimal("0.00"))
    if kind == DistributionKind.PERCENTAGES and total != HUNDRED:
        raise InvalidInput(
            _("Percentages must add up to exactly 100.00, but these add up to %(total)s (%(difference)s %(direction)s).")
            % {
                "total": total,
                "difference": abs(total - HUNDRED),
                "direction": _("too much") if total > HUNDRED else _("too little"),
            },
            field="values",
        )
    if total == 0:
        raise InvalidInput(_("At least one month must have a value above zero."), field="values")
    return checked


@transaction.atomic
def distribution_save(*, name, kind, values, by, unit=None):
    """Save a seasonal distribution under a name (per unit, or company-wide without a unit): created the
    first time, its twelve values replaced after that. Targets already split keep their values.
    `by` needs `distribution.save` for the unit (plans/rights.py): company-wide ones are the center's."""
    if unit is not None and not isinstance(unit, OrgUnit):
        unit = OrgUnit.objects.filter(pk=unit).first()
        if unit is None:
            raise InvalidInput(_("No such org unit."), field="unit")
    ensure(by, "distribution.save", SeasonalDistribution(unit=unit))
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Give the distribution a name."), field="name")
    if len(name) > 100:
        raise InvalidInput(_("The name is at most 100 characters long."), field="name")
    checked = distribution_values(kind, values)
    distribution, created = SeasonalDistribution.objects.select_for_update().get_or_create(
        name=name, unit=unit, defaults={"kind": kind}
    )
    if not created:
        distribution.kind = kind
        distribution.save(update_fields=["kind", "updated_at"])
        distribution.months.all().delete()
    SeasonalDistributionMonth.objects.bulk_create(
        [SeasonalDistributionMonth(distribution=distribution, month=n, value=value) for n, value in enumerate(checked, start=1)]
    )
    return distribution
