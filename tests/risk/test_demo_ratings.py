"""The demo credit ratings: two approved schemes, four rating days, grades with history — and each demo grade
is what the scheme makes of the factors computed afresh."""

from datetime import UTC, date, datetime

import time_machine

from customers.demo import load_demo_customers
from regions.demo import load_demo_company
from risk.choices import SchemeState
from risk.demo_ratings import load_demo_ratings
from risk.factors import customer_factors
from risk.models import CUSTOMER_FACTOR_FIELDS, CustomerGradeChange, CustomerRating, RatingScheme, StaffRating
from risk.scoring import Scorer

TODAY = date(2026, 3, 16)


@time_machine.travel(datetime(2026, 3, 16, 4, 0, tzinfo=UTC), tick=False)
def test_demo_ratings_load_once_with_history(db):
    load_demo_company(reps_per_district=1)
    load_demo_customers(customers=120, months=12, today=TODAY, plans=0)
    counts = load_demo_ratings(today=TODAY)
    assert counts["schemes"] == 2 and counts["rating days"] == 4
    assert sorted(RatingScheme.objects.values_list("state", flat=True)) == [SchemeState.APPROVED] * 2
    ratings = list(CustomerRating.objects.select_related("scheme"))
    assert len(ratings) == 120 and StaffRating.objects.exists()
    assert {r.rated_on for r in ratings} == {TODAY}
    # Grades moved between the rating days (the history a manager reads), and differ between customers.
    assert CustomerGradeChange.objects.exclude(old_grade="").exists()
    assert len({r.grade for r in ratings}) >= 2
    scorer = Scorer.of(ratings[0].scheme)
    fresh = customer_factors(TODAY)
    for rating in ratings:
        assert {f: getattr(rating, f) for f in CUSTOMER_FACTOR_FIELDS} == fresh[rating.customer_id]
        assert (rating.score, rating.grade) == (scorer.score(fresh[rating.customer_id]), scorer.grade(rating.score))
    assert load_demo_ratings(today=TODAY) == {"schemes": 0}
