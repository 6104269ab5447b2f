"""The kept counts of grades (risk.models.GradeCount, GradeMoveCount), rebuilt from the ratings and their
changes in the database: after each rating run and each override that changes a grade."""

import datetime

from django.db import connection

from risk.choices import RatingSubject
from risk.models import CustomerGradeChange, CustomerRating, GradeCount, GradeMoveCount, StaffGradeChange, StaffRating

# Per subject: the ratings and changes tables, the key column, and how a rated owner maps to (unit,
# salesperson) — a customer's district office and salesperson, a person's own unit and themselves.
_SOURCES = {
    RatingSubject.CUSTOMER: (
        CustomerRating,
        CustomerGradeChange,
        "customer_id",
        "customers_customer o ON o.id = {alias}.customer_id",
        "o.district_id",
        "o.salesperson_id",
    ),
    RatingSubject.STAFF: (
        StaffRating,
        StaffGradeChange,
        "staff_id",
        "regions_staffprofile o ON o.id = {alias}.staff_id",
        "o.unit_id",
        "o.id",
    ),
}


def month_start(day):
    return day.replace(day=1)


def _next_month(first):
    return (first + datetime.timedelta(days=32)).replace(day=1)


def grade_counts_refresh(*, subject, months=()):
    """Count the current grades of `subject` per unit and salesperson again, and the grade changes of each
    month in `months` (first days) per unit, salesperson and (from, to) pair — set-wise, replacing the kept
    rows. Called inside the writer's transaction, so a reader sees old counts or new ones, never a mix."""
    rating, change, _key, join, unit, salesperson = _SOURCES[RatingSubject(subject)]
    counts, moves = GradeCount._meta.db_table, GradeMoveCount._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {counts} WHERE subject = %s", [subject])
        cursor.execute(
            f"""INSERT INTO {counts} (subject, unit_id, salesperson_id, grade, count)
            SELECT %s, {unit}, {salesperson}, r.grade, count(*)
            FROM {rating._meta.db_table} r JOIN {join.format(alias="r")}
            GROUP BY {unit}, {salesperson}, r.grade""",
            [subject],
        )
        for first in sorted({month_start(day) for day in months}):
            cursor.execute(f"DELETE FROM {moves} WHERE subject = %s AND month = %s", [subject, first])
            cursor.execute(
                f"""INSERT INTO {moves} (subject, unit_id, salesperson_id, month, old_grade, new_grade, count)
                SELECT %s, {unit}, {salesperson}, %s, ch.old_grade, ch.new_grade, count(*)
                FROM {change._meta.db_table} ch JOIN {join.format(alias="ch")}
                WHERE ch."on" >= %s AND ch."on" < %s
                GROUP BY {unit}, {salesperson}, ch.old_grade, ch.new_grade""",
                [subject, first, first, _next_month(first)],
            )
