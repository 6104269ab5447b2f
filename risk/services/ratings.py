"""Writes of the credit ratings (信誉等级): rating schemes drafted, submitted to the Development Center's
approval and revised; the rating run that grades every customer and salesperson and keeps each change."""

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.choices import ApprovalKind
from approvals.services import request_submit
from core.bulk import insert_rows
from core.errors import Conflict, InvalidInput
from core.rights import SYSTEM, ensure
from regions.choices import UnitKind
from regions.models import OrgUnit
from risk import rating_sql
from risk.choices import ChangeReason, OverrideState, RatingSubject, SchemeState
from risk.factors import customer_factors, staff_factors
from risk.models import (
    CUSTOMER_FACTOR_FIELDS,
    STAFF_FACTOR_FIELDS,
    CustomerGradeChange,
    CustomerRating,
    GradeOverride,
    RatingScheme,
    SchemeFactor,
    StaffGradeChange,
    StaffRating,
)
from risk.scoring import Scorer, clean_factors, clean_grades
from risk.services.grade_counts import grade_counts_refresh


def _person(by):
    return None if by is SYSTEM else by


def _clean_name(name):
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Give the scheme a name."), field="name")
    if len(name) > 200 or "\x00" in name:
        raise InvalidInput(_("At most 200 characters, no NUL characters."), field="name")
    return name


def _clean_subject(subject):
    if subject not in RatingSubject.values:
        raise InvalidInput(_("Choose customers or sales staff."), field="subject")
    return subject


# ------------------------------------------------------------------------------------------ schemes


@transaction.atomic
def scheme_create(*, subject, name, factors, grades, by, description=""):
    """Draft a rating scheme (the Development Center drafts them)."""
    ensure(by, "rating_scheme.draft")
    subject = _clean_subject(subject)
    name = _clean_name(name)
    cleaned = clean_factors(subject, factors)
    scheme = RatingScheme.objects.create(
        subject=subject, name=name, grades=clean_grades(grades), description=description or "", created_by=_person(by)
    )
    SchemeFactor.objects.bulk_create([SchemeFactor(scheme=scheme, **item) for item in cleaned])
    return scheme


def _lock(scheme):
    return RatingScheme.objects.select_for_update().get(pk=scheme.pk)


def _require_draft(scheme):
    if scheme.state != SchemeState.DRAFT:
        raise Conflict(
            _("Only a draft scheme can be changed; this one is %(state)s.") % {"state": scheme.get_state_display()},
            field="state",
        )


@transaction.atomic
def scheme_update(*, scheme, by, name=None, factors=None, grades=None, description=None):
    """Change a draft: its name, description, grade ranges and (given) the whole list of factors."""
    ensure(by, "rating_scheme.draft", scheme)
    scheme = _lock(scheme)
    _require_draft(scheme)
    if name is not None:
        scheme.name = _clean_name(name)
    if description is not None:
        scheme.description = description
    if grades is not None:
        scheme.grades = clean_grades(grades)
    cleaned = clean_factors(scheme.subject, factors) if factors is not None else None
    scheme.save()
    if cleaned is not None:
        scheme.factors.all().delete()
        SchemeFactor.objects.bulk_create([SchemeFactor(scheme=scheme, **item) for item in cleaned])
    return scheme


def scheme_snapshot(*, scheme):
    """What the approver decides on: the scheme as submitted."""
    return {
        "subject": scheme.subject,
        "name": scheme.name,
        "version": scheme.version,
        "grades": scheme.grades,
        "factors": [
            {"factor": f.factor, "weight": str(f.weight), "bands": f.bands, "if_missing": str(f.if_missing)}
            for f in scheme.factors.all()
        ],
    }


@transaction.atomic
def scheme_submit(*, scheme, by):
    """Submit a draft to the Development Center's approval (报发展中心审批)."""
    ensure(by, "rating_scheme.submit", scheme)
    scheme = _lock(scheme)
    _require_draft(scheme)
    snapshot = scheme_snapshot(scheme=scheme)
    clean_factors(scheme.subject, snapshot["factors"])  # still adds up to 100
    clean_grades(scheme.grades)
    request = request_submit(
        subject=scheme,
        kind=ApprovalKind.RATING_SCHEME,
        unit=OrgUnit.objects.get(kind=UnitKind.CENTER),
        title=_("Rating scheme: %(name)s (v%(version)s)") % {"name": scheme.name, "version": scheme.version},
        by=by,
    )
    scheme.state = SchemeState.SUBMITTED
    scheme.submitted_at = request.submitted_at
    scheme.save(update_fields=["state", "submitted_at", "updated_at"])
    return request


def scheme_on_approved(*, scheme):
    """The approval hook (risk/approval_subjects.py): the scheme in force for the same subject retires before
    approvals marks this one approved — one scheme in force per subject (a constraint holds it)."""
    RatingScheme.objects.filter(subject=scheme.subject, state=SchemeState.APPROVED).exclude(pk=scheme.pk).update(
        state=SchemeState.RETIRED, updated_at=timezone.now()
    )


@transaction.atomic
def scheme_revise(*, scheme, by):
    """A new draft of the scheme in force (the next version, same factors and grades); approving it retires
    this one."""
    ensure(by, "rating_scheme.draft", scheme)
    scheme = _lock(scheme)
    if scheme.state != SchemeState.APPROVED:
        raise Conflict(_("Only the scheme in force is revised; change a draft directly."), field="state")
    if scheme.revisions.filter(state__in=[SchemeState.DRAFT, SchemeState.SUBMITTED]).exists():
        raise Conflict(_("A revision of this scheme is already being drafted."), field="state")
    draft = RatingScheme.objects.create(
        subject=scheme.subject,
        name=scheme.name,
        grades=scheme.grades,
        description=scheme.description,
        version=scheme.version + 1,
        previous=scheme,
        created_by=_person(by),
    )
    SchemeFactor.objects.bulk_create(
        [
            SchemeFactor(scheme=draft, factor=f.factor, weight=f.weight, bands=f.bands, if_missing=f.if_missing, order=f.order)
            for f in scheme.factors.all()
        ]
    )
    return draft


# ------------------------------------------------------------------------------------------ rating runs


def _overrides_in_force(key, as_of):
    """{subject id: its approved override in force on `as_of`}; a rating of today or later first ends the
    approved overrides that expired before it (their grade stops applying by itself)."""
    field = key.removesuffix("_id")
    approved = GradeOverride.objects.unscoped().filter(state=OverrideState.APPROVED, **{f"{field}__isnull": False})
    if as_of >= timezone.localdate():
        approved.filter(expires_on__lt=as_of).update(state=OverrideState.EXPIRED, ended_on=as_of, updated_at=timezone.now())
    in_force = approved.filter(expires_on__gte=as_of, approved_at__date__lte=as_of)
    return {getattr(o, key): o for o in in_force}


RUNS = {
    RatingSubject.CUSTOMER: (CustomerRating, CustomerGradeChange, "customer_id", CUSTOMER_FACTOR_FIELDS, customer_factors),
    RatingSubject.STAFF: (StaffRating, StaffGradeChange, "staff_id", STAFF_FACTOR_FIELDS, staff_factors),
}


def scheme_in_force(subject):
    return RatingScheme.objects.unscoped().filter(subject=subject, state=SchemeState.APPROVED).prefetch_related("factors").first()


@transaction.atomic
def rate(*, subject, as_of, by):
    """Grade everyone of `subject` as of `as_of` by the scheme in force: the factors computed set-wise in the
    database (risk.factors), scored and graded (risk.scoring), the current ratings replaced in bulk and
    every change of grade kept with its factor values. Returns {"rated": n, "changed": n} — or None when no
    scheme is in force. Rating the same day twice keeps one change per real change (a re-run changes
    nothing). Company-wide: the nightly job runs it as SYSTEM; the Development Center may run it by hand."""
    ensure(by, "rating.run")
    subject = _clean_subject(subject)
    scheme = scheme_in_force(subject)
    if scheme is None:
        return None
    model, change_model, key, fields, compute = RUNS[subject]
    # One run at a time per subject: the current ratings are replaced as a whole.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {model._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
    overrides = _overrides_in_force(key, as_of)
    if subject == RatingSubject.CUSTOMER and connection.vendor == "postgresql":
        # 400,000 customers: computed, graded and written in the database (risk/rating_sql.py).
        rated, changed = rating_sql.rate_customers(scheme=scheme, as_of=as_of, overrides=overrides, fields=fields)
        grade_counts_refresh(subject=subject, months=[as_of])
        return {"rated": rated, "changed": changed}
    scorer = Scorer.of(scheme)
    values = compute(as_of)
    current = {row[0]: row[1:] for row in model.objects.unscoped().values_list(key, "grade", "since", "override_id")}
    ratings, changes = [], []
    for owner, figures in values.items():
        total = scorer.score(figures)
        computed = scorer.grade(total)
        override = overrides.get(owner)
        grade = override.grade if override is not None else computed
        factor_values = tuple(figures[f] for f in fields)
        old_grade, since, old_override = current.get(owner, ("", None, None))
        if grade != old_grade:
            since = as_of
            if override is not None and override.pk != old_override:
                reason = ChangeReason.OVERRIDE
            elif override is None and old_override is not None:
                reason = ChangeReason.OVERRIDE_ENDED
            else:
                reason = ChangeReason.RATED
            changes.append((owner, as_of, old_grade, grade, total, scheme.pk, reason, *factor_values))
        ratings.append(
            (owner, scheme.pk, total, grade, computed, override.pk if override else None, as_of, since, *factor_values)
        )
    model.objects.unscoped().all().delete()
    insert_rows(
        model, (key, "scheme_id", "score", "grade", "computed_grade", "override_id", "rated_on", "since", *fields), ratings
    )
    if changes:
        insert_rows(change_model, (key, "on", "old_grade", "new_grade", "score", "scheme_id", "reason", *fields), changes)
    grade_counts_refresh(subject=subject, months=[as_of])
    return {"rated": len(ratings), "changed": len(changes)}
