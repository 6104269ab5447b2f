"""Delegations (代理审批): while someone is away, a delegate acts on their steps."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approvals.models import Delegation
from approvals.selectors import within_reach
from core.errors import Conflict, InvalidInput
from core.rights import ensure
from regions.models import StaffProfile


@transaction.atomic
def delegation_create(*, from_staff, to_staff, starts_on, ends_on, by, note=""):
    """Let `to_staff` act on `from_staff`'s steps from `starts_on` to `ends_on` (代理审批)."""
    ensure(by, "delegation.create", from_staff, _("Only the person going away or the director can set up a delegation."))
    if not isinstance(to_staff, StaffProfile) or not to_staff.is_active or to_staff.user_id is None:
        raise InvalidInput(_("The delegate must be in service and have a login."), field="to_staff")
    if to_staff.pk == from_staff.pk:
        raise InvalidInput(_("Choose someone else as the delegate."), field="to_staff")
    # A delegation is not per request: it reaches every step the person will hold, so the delegate's
    # scope must cover theirs (else it would let the delegate read and decide outside their scope).
    if not within_reach(staff=to_staff, unit=from_staff.unit):
        raise InvalidInput(
            _(
                "This person cannot be the delegate: only managers of %(unit)s or of a unit above it, "
                "or Development Center staff, may act for you."
            )
            % {"unit": from_staff.unit.name},
            field="to_staff",
        )
    if starts_on is None or ends_on is None:
        raise InvalidInput(_("Give the first and last day of the delegation."), field="ends_on")
    if ends_on < starts_on:
        raise InvalidInput(_("The delegation cannot end before it starts."), field="ends_on")
    if ends_on - starts_on > timedelta(days=366):
        raise InvalidInput(_("A delegation lasts at most one year."), field="ends_on")
    return Delegation.objects.create(
        from_staff=from_staff, to_staff=to_staff, starts_on=starts_on, ends_on=ends_on, note=note.strip(), created_by=by
    )


@transaction.atomic
def delegation_revoke(*, delegation, by):
    """End a delegation early (the person is back)."""
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    ensure(by, "delegation.revoke", delegation, _("Only the person who delegated or the director can revoke a delegation."))
    if delegation.revoked_at is not None:
        raise Conflict(_("This delegation was already revoked."))
    delegation.revoked_at = timezone.now()
    delegation.save(update_fields=["revoked_at"])
    return delegation
