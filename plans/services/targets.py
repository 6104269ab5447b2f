"""Setting a target: a target is never edited in place — a new version supersedes the current one, under
the owning unit's row lock. Values are Decimal to the cent, counts whole (plans.services.inputs)."""

from django.db import transaction
from django.utils.translation import gettext as _

from core import versions
from core.errors import InvalidInput
from core.rights import SYSTEM, ensure
from plans.models import Target
from plans.services.inputs import check_metric, check_period, check_value
from regions.models import OrgUnit, StaffProfile


def _owner(unit, staff):
    """Exactly one of unit / staff, active; returns (unit, staff, owner_unit)."""
    if (unit is None) == (staff is None):
        raise InvalidInput(_("A target belongs to exactly one org unit or one salesperson."), field="unit")
    if unit is not None:
        if not isinstance(unit, OrgUnit):
            unit = OrgUnit.objects.filter(pk=unit).first()
            if unit is None:
                raise InvalidInput(_("No such org unit."), field="unit")
        if not unit.is_active:
            raise InvalidInput(_("%(unit)s is closed and takes no new targets.") % {"unit": unit}, field="unit")
        return unit, None, unit
    if not isinstance(staff, StaffProfile):
        staff = StaffProfile.objects.filter(pk=staff).select_related("unit").first()
        if staff is None:
            raise InvalidInput(_("No such staff member."), field="staff")
    if not staff.is_active:
        raise InvalidInput(_("%(staff)s has left and takes no new targets.") % {"staff": staff}, field="staff")
    return None, staff, staff.unit


def _lock_owner(owner_unit):
    # Every write of a unit's (or its people's) targets locks the owning unit's row first, so two
    # managers setting the same target one after the other each supersede the version they saw.
    OrgUnit.objects.select_for_update().filter(pk=owner_unit.pk).first()


def _key(*, metric, period, unit, staff):
    return {"metric": metric, "period": str(period), "unit": unit, "staff": staff}


def supersede(
    *, metric, period, unit, staff, owner_unit, value, parent=None, split_method="", distribution=None, created_by=None
):
    """Write a new current version of the target at this key (the previous one stays, not current)."""
    _lock_owner(owner_unit)
    return versions.supersede(
        Target,
        key=_key(metric=metric, period=period, unit=unit, staff=staff),
        owner_unit=owner_unit,
        value=value,
        parent=parent,
        split_method=split_method,
        distribution=distribution,
        created_by=created_by,
    )


def recorded_by(by, on_behalf_of=None):
    """Whom new versions record as having set them: the person acting, or the one the system acts for
    (applying an approved plan: its submitter); nobody for the system alone."""
    if on_behalf_of is not None:
        return on_behalf_of
    return None if by is SYSTEM else by


def lock_current(target):
    return versions.lock_current(
        Target,
        target.pk,
        stale_message=_("This target has been superseded by a newer version; split the current one."),
        field="target",
    )


# --- setting a target -----------------------------------------------------------------------------
@transaction.atomic
def target_set(*, metric, period, unit=None, staff=None, value, by, on_behalf_of=None):
    """Set the target of a unit or a salesperson for a metric and period. The first time it is version 1;
    after that a new version supersedes the current one (never an edit in place). Setting the value it
    already has changes nothing and returns the current version.

    `by` needs `target.set` on the owning unit (plans/rights.py); `on_behalf_of`: see recorded_by."""
    metric = check_metric(metric)
    period = check_period(period)
    unit, staff, owner_unit = _owner(unit, staff)
    ensure(by, "target.set", owner_unit)
    value = check_value(value, metric=metric)
    _lock_owner(owner_unit)
    current = Target.objects.filter(**_key(metric=metric, period=period, unit=unit, staff=staff), is_current=True).first()
    if current is not None and current.value == value:
        return current
    return supersede(
        metric=metric,
        period=period,
        unit=unit,
        staff=staff,
        owner_unit=owner_unit,
        value=value,
        created_by=recorded_by(by, on_behalf_of),
    )
