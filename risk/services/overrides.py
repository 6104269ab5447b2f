"""Writes of grade overrides: a manager asks for a customer's or salesperson's grade to be set by hand until a
day, with a reason, through the approval mechanism; approved, it applies at once and in every rating until it
expires (risk.services.ratings.rate)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.choices import ApprovalKind
from approvals.services import request_submit
from core.dates import check_supported_date
from core.errors import Conflict, InvalidInput
from core.rights import SYSTEM, ensure
from risk.choices import ChangeReason, Grade, OverrideState, RatingSubject
from risk.models import (
    CUSTOMER_FACTOR_FIELDS,
    STAFF_FACTOR_FIELDS,
    CustomerGradeChange,
    CustomerRating,
    GradeOverride,
    StaffGradeChange,
    StaffRating,
)
from risk.services.grade_counts import grade_counts_refresh

# An override is a judgement for a while, not a second rating scheme: at most a year.
LONGEST = datetime.timedelta(days=366)


def _rating_of(override):
    if override.customer_id:
        return CustomerRating, CustomerGradeChange, {"customer_id": override.customer_id}, CUSTOMER_FACTOR_FIELDS
    return StaffRating, StaffGradeChange, {"staff_id": override.staff_id}, STAFF_FACTOR_FIELDS


@transaction.atomic
def override_request(*, by, grade, reason, expires_on, customer=None, staff=None, today=None):
    """Ask for a grade override of a customer or a salesperson (exactly one), submitted to the approval chain
    at once. Refused: no reason, an unknown grade, an expiry not after today or more than a year ahead, a
    subject not graded yet, a subject that already has an override waiting or in force."""
    if (customer is None) == (staff is None):
        raise InvalidInput(_("Name a customer or a salesperson."), field="customer")
    subject = customer if customer is not None else staff
    ensure(by, "grade_override.request", subject)
    today = today or timezone.localdate()
    if grade not in Grade.values:
        raise InvalidInput(_("Choose a grade."), field="grade")
    reason = (reason or "").strip()
    if not reason or "\x00" in reason:
        raise InvalidInput(_("Say why the grade should be set by hand."), field="reason")
    if len(reason) > 2000:
        raise InvalidInput(_("At most 2,000 characters."), field="reason")
    check_supported_date(expires_on, field="expires_on")
    if not today < expires_on <= today + LONGEST:
        raise InvalidInput(_("An override ends after today and within a year."), field="expires_on")
    model = CustomerRating if customer is not None else StaffRating
    key = {"customer": customer} if customer is not None else {"staff": staff}
    rating = model.objects.unscoped().filter(**key).first()
    if rating is None:
        raise Conflict(_("Not graded yet: an override replaces a grade the rating has given."), field="grade")
    if GradeOverride.objects.unscoped().filter(**key, state__in=[OverrideState.SUBMITTED, OverrideState.APPROVED]).exists():
        raise Conflict(_("This one already has an override waiting or in force."), field="grade")
    if customer is not None:
        unit_id, owner_id, name = customer.district_id, customer.salesperson_id, customer.name
    else:
        unit_id, owner_id, name = staff.unit_id, staff.pk, staff.name
    override = GradeOverride.objects.create(
        **key,
        unit_id=unit_id,
        owner_id=owner_id,
        grade=grade,
        computed_grade=rating.computed_grade or rating.grade,
        reason=reason,
        expires_on=expires_on,
        requested_by=None if by is SYSTEM else by,
    )
    request_submit(
        subject=override,
        kind=ApprovalKind.GRADE_OVERRIDE,
        unit=override.unit,
        title=_("Grade override: %(name)s %(old)s → %(new)s until %(day)s")
        % {"name": name, "old": override.computed_grade, "new": grade, "day": expires_on.isoformat()},
        by=by,
    )
    return override


def override_snapshot(*, override):
    return {
        "customer": override.customer_id,
        "staff": override.staff_id,
        "grade": override.grade,
        "computed_grade": override.computed_grade,
        "reason": override.reason,
        "expires_on": override.expires_on.isoformat(),
    }


def override_on_approved(*, override, today=None):
    """The approval hook: the override applies at once — the subject's grade becomes the override's, the
    change kept with the factor values of the latest rating (approvals then marks the override in force)."""
    today = today or timezone.localdate()
    model, change_model, key, fields = _rating_of(override)
    rating = model.objects.unscoped().select_for_update().filter(**key).first()
    if rating is None:
        return
    if rating.grade != override.grade:
        change_model.objects.create(
            **key,
            on=today,
            old_grade=rating.grade,
            new_grade=override.grade,
            score=rating.score,
            scheme_id=rating.scheme_id,
            reason=ChangeReason.OVERRIDE,
            **{f: getattr(rating, f) for f in fields},
        )
        rating.grade, rating.since = override.grade, today
    rating.override = override
    rating.save(update_fields=["grade", "since", "override"])
    # The kept counts follow at once (a whole recount: an override is rare, a stale overview is not wanted).
    subject = RatingSubject.CUSTOMER if override.customer_id else RatingSubject.STAFF
    grade_counts_refresh(subject=subject, months=[today])
