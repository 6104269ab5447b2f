"""Two enrolments at once for the last seat of a session (PostgreSQL): the session's row is locked before the
seats are counted, so exactly one gets the seat and the other is refused as full (409 on `session`)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from core.errors import Conflict
from core.rights import SYSTEM
from core.roles import Role
from regions.models import OrgUnit
from regions.services import staff_hire
from team import services
from team.models.training import Enrolment


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_enrolments_for_the_last_seat_get_exactly_one():
    from regions.services import load_default_organisation

    load_default_organisation(by=SYSTEM)  # transactional tests flush the database
    district = OrgUnit.objects.get(code="330100")
    people = [
        staff_hire(by=SYSTEM, employee_no=f"PG{n}", name=f"并发学员{n}", unit=district, role=Role.SALES_REP,
                   hire_date=timezone.localdate() - timedelta(days=400))
        for n in range(3)
    ]  # fmt: skip
    course = services.course_create(by=SYSTEM, code="PG-1", title="并发课程", kind="sales", hours="2")
    start = timezone.now() + timedelta(days=5)
    session = services.training_session_create(
        by=SYSTEM, course=course, unit=district, starts_at=start, ends_at=start + timedelta(hours=3), trainer="李老师",
        capacity=2, place="会议室",
    )  # fmt: skip
    services.enrolment_create(by=SYSTEM, session=session, person=people[0])  # one seat left
    barrier = threading.Barrier(2)
    passed, refused = [], []

    def enrol(person):
        try:
            barrier.wait()
            services.enrolment_create(by=SYSTEM, session=session, person=person)
            passed.append(person.pk)
        except Conflict as error:
            refused.append(error.field)
        finally:
            connection.close()

    threads = [threading.Thread(target=enrol, args=(person,)) for person in people[1:]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(passed) == 1 and refused == ["session"]
    assert Enrolment.objects.filter(session=session, state="enrolled").count() == 2
