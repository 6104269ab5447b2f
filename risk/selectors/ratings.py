"""Reads of risk control: grade distributions and migrations for a scope, and the "why" of one grade."""

from django.db.models import Q, Sum

from risk.choices import GRADES, Factor
from risk.models import CustomerGradeChange, CustomerRating, GradeCount, GradeMoveCount, StaffGradeChange, StaffRating
from risk.scoring import Scorer

SUBJECTS = {
    "customer": (CustomerRating, CustomerGradeChange),
    "staff": (StaffRating, StaffGradeChange),
}


def grade_distribution(*, user, subject, month_start):
    """For the subject's ratings the user may read: the count per grade (best first, zeros included), the
    total, and the changes since `month_start` — how many rose, how many fell, how many were graded for the
    first time. Read from the kept counts (risk.models.GradeCount, GradeMoveCount: a region holds a hundred
    thousand ratings); two grouped queries."""
    counts = dict(
        GradeCount.objects.for_user(user).filter(subject=subject).values_list("grade").annotate(n=Sum("count")).order_by()
    )
    pairs = (
        GradeMoveCount.objects.for_user(user)
        .filter(subject=subject, month__gte=month_start.replace(day=1))
        .values_list("old_grade", "new_grade")
        .annotate(n=Sum("count"))
        .order_by()
    )
    rose = fell = first = 0
    for old, new, n in pairs:
        if not old:
            first += n
        elif GRADES.index(new) < GRADES.index(old):
            rose += n
        else:
            fell += n
    return {
        "grades": [{"grade": grade, "count": counts.get(grade, 0)} for grade in GRADES],
        "total": sum(counts.values()),
        "rose": rose,
        "fell": fell,
        "first": first,
    }


def migration_matrix(*, user, subject, since, until=None):
    """Grade migration since the month of `since` (up to the month of `until`, if given): {(from grade, to
    grade): count} of the grade changes the user may read (first grades left out), from the kept monthly counts."""
    months = {"month__gte": since.replace(day=1)}
    if until is not None:
        months["month__lte"] = until.replace(day=1)
    rows = (
        GradeMoveCount.objects.for_user(user)
        .filter(subject=subject, **months)
        .exclude(old_grade="")
        .values_list("old_grade", "new_grade")
        .annotate(n=Sum("count"))
        .order_by()
    )
    return {(old, new): n for old, new, n in rows}


def explain(rating, fields):
    """The "why" of one rating: per factor of its scheme, the value, the score of its band and the weight."""
    scorer = Scorer.of(rating.scheme)
    values = {name: getattr(rating, name) for name in fields}
    scores = scorer.factor_scores(values)
    return [
        {
            "factor": Factor(factor.factor).label,
            "code": factor.factor,
            "value": values.get(factor.factor),
            "score": scores[factor.factor],
            "weight": factor.weight,
        }
        for factor in rating.scheme.factors.all()
    ]


def history(*, user, subject, owner_id, limit=12):
    """The latest grade changes of one customer or salesperson the user may read, newest first."""
    _rating_model, change_model = SUBJECTS[subject]
    owner = Q(customer_id=owner_id) if subject == "customer" else Q(staff_id=owner_id)
    return list(change_model.objects.for_user(user).filter(owner).select_related("scheme").order_by("-on", "-id")[:limit])
