"""The COPY text format of core/bulk.py: every type it knows, written as PostgreSQL reads it; any other type
refused with a TypeError naming it, before anything is sent."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.db import connection, models

from core.bulk import copy_line, copy_rows
from customers.models import Product


class Colour(models.TextChoices):
    RED = "red", "Red"


class Level(models.IntegerChoices):
    HIGH = 3, "High"


def test_known_types_and_their_subclasses():
    when = datetime.datetime(2026, 7, 1, 9, 30, tzinfo=datetime.UTC)
    row = (None, True, False, 7, Decimal("12.50"), "a\tb\\c\nd\re", datetime.date(2026, 7, 1), when, Colour.RED, Level.HIGH)
    assert copy_line(row) == "\\N\tt\tf\t7\t12.50\ta\\tb\\\\c\\nd\\re\t2026-07-01\t2026-07-01T09:30:00+00:00\tred\t3\n"


@pytest.mark.parametrize(
    "value, type_name",
    [
        (1.5, "float"),
        ({"a": 1}, "dict"),
        ([1], "list"),
        (uuid.UUID(int=1), "UUID"),
        (datetime.time(9), "time"),
        (object(), "object"),
    ],
)
def test_an_unknown_type_is_refused_by_name(value, type_name):
    with pytest.raises(TypeError, match=rf"type {type_name}\b"):
        copy_line((1, value))


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_copy_rows_refuses_before_sending_anything():
    # Any table: nothing reaches it.
    before = Product.objects.count()
    with pytest.raises(TypeError, match="float"):
        copy_rows(Product._meta.db_table, ["code"], [("ok",), (1.5,)])
    assert Product.objects.count() == before


@pytest.mark.django_db
def test_constant_columns_end_every_row_as_if_each_row_carried_them():
    """copy_rows(constant=…) formats the batch's constant values once: what reaches the table is what
    the same values written on each row would give."""
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's; elsewhere insert_rows uses bulk_create")
    columns = ["code", "name", "name_en", "category", "is_active"]
    copy_rows(Product._meta.db_table, columns, [("P-1", "一\t号"), ("P-2", "二")], constant=("No.\\1\n", "存款", False))
    rows = list(Product.objects.filter(code__startswith="P-").order_by("code").values_list(*columns))
    assert rows == [("P-1", "一\t号", "No.\\1\n", "存款", False), ("P-2", "二", "No.\\1\n", "存款", False)]
