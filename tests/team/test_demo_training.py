"""The demo training: a catalogue, past sessions with attendance and scores (passes and fails), coming sessions with
people enrolled (some by themselves), some people overdue on mandatory training; a second load adds nothing."""

from datetime import UTC, date, datetime

import time_machine

from regions.demo import load_demo_company
from regions.models import StaffProfile
from team.demo_training import load_demo_training
from team.models.training import Course, Enrolment, TrainingSession
from team.selectors.training import mandatory_due

TODAY = date(2026, 3, 16)


@time_machine.travel(datetime(2026, 3, 16, 2, 0, tzinfo=UTC), tick=False)
def test_demo_training(db):
    load_demo_company(reps_per_district=1)
    counts = load_demo_training(today=TODAY)
    assert counts["courses"] == Course.objects.count() == 6
    assert counts["sessions"] == TrainingSession.objects.count() == 13
    assert counts["enrolments"] == Enrolment.objects.count() > 30
    past = Enrolment.objects.filter(session__starts_at__date__lt=TODAY)
    assert past.filter(passed=True).exists() and past.filter(passed=False, attended=True).exists()
    assert past.filter(attended=False).exists() and past.filter(score__isnull=False).count() > 10
    coming = Enrolment.objects.filter(session__starts_at__date__gt=TODAY)
    assert coming.exists() and coming.filter(self_enrolled=True).exists() and coming.filter(self_enrolled=False).exists()
    assert not coming.filter(attended__isnull=False).exists()
    due = mandatory_due(StaffProfile.objects.filter(is_active=True), today=TODAY)
    assert len({row.person.pk for row in due}) >= 5
    assert any(row.last_passed is not None for row in due) or any(row.never_passed for row in due)
    assert load_demo_training(today=TODAY) == {"courses": 0, "sessions": 0, "enrolments": 0, "results": 0}
