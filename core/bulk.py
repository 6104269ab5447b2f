"""Writing many rows fast: COPY on PostgreSQL, bulk_create elsewhere.

Django's bulk_create compiles one big INSERT, preparing every field of every row through the field
machinery; for thousands of rows that preparation and the statement's parsing cost more than the
write. On PostgreSQL we draw the ids from the table's sequence first (so callers get them, as with
bulk_create) and stream the rows with COPY, formatting values by their Python type.
"""

import datetime
import io
from decimal import Decimal

from django.db import connection
from django.utils import timezone

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"


def _text_value(value):
    return value.translate(_ESCAPES)


# A value whose exact type is not one of those is written as the first of these bases it derives from: a
# TextChoices member is a str, an IntegerChoices member an int (bool is in the table by its exact type).
_BASES = (
    (str, _text_value),
    (int, lambda value: str(int(value))),
    (Decimal, lambda value: str(Decimal(value))),
    (datetime.date, lambda value: value.isoformat()),  # datetime.datetime too: a subclass of date
)


def _other_value(value):
    for base, write in _BASES:
        if isinstance(value, base):
            return write(value)
    # Anything else — a float, a dict, a UUID, a model instance — has no text format of our choosing: with
    # str() it would reach the column as whatever its str() happens to be (or fail in the database with a
    # message about the text, not the value). Refused, naming the type: the caller converts it first.
    raise TypeError(f"COPY cannot write a value of type {type(value).__qualname__}: {value!r:.60}")


# Formatting by exact type, looked up once per value: the common types need no chain of isinstance.
_FORMATS = {
    type(None): lambda value: NULL,
    bool: lambda value: "t" if value else "f",
    int: str,
    Decimal: str,
    str: _text_value,
    datetime.date: datetime.date.isoformat,
    datetime.datetime: datetime.datetime.isoformat,
}


def copy_line(row, tail="\n"):
    """One row in COPY's text format (tab-separated, \\N for NULL, escaped text), then `tail`: the newline,
    or the row's constant columns already formatted and the newline."""
    formats, other = _FORMATS, _other_value
    return "\t".join([formats.get(type(v), other)(v) for v in row]) + tail


def copy_rows(table, columns, rows, constant=()):
    """COPY tuples into a table (PostgreSQL only); `constant` are values that end every row, formatted
    once (the defaults of a batch). A value of a type it has no format for is a TypeError, raised before
    anything is sent."""
    buffer = io.StringIO()
    write, line = buffer.write, copy_line
    tail = "\t" + copy_line(constant) if constant else "\n"
    for row in rows:
        write(line(row, tail))
    buffer.seek(0)
    quoted = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f'COPY "{table}" ({quoted}) FROM STDIN', buffer)


def next_ids(table, column, count):
    with connection.cursor() as cursor:
        # The sequence's name is looked up once (MATERIALIZED), not once per row: that look-up costs
        # more than the nextval itself.
        cursor.execute(
            "WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, %s)::regclass AS seq) "
            "SELECT nextval(s.seq) FROM s, generate_series(1, %s)",
            [table, column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def insert_rows(model, columns, rows):
    """Insert new rows given as tuples of database-ready values for `columns` (attribute names); every
    other field takes its default, computed once for the batch. Returns the new ids, in order.

    No model instances: for a batch of thousands, building them costs more than the write.
    """
    meta = model._meta
    given = [meta.get_field(name) for name in columns]
    others = [f for f in meta.concrete_fields if not f.primary_key and f.attname not in columns]
    defaults = []
    for f in others:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults.append(timezone.now())
        else:
            defaults.append(f.get_default())
    defaults = tuple(defaults)
    rows = list(rows)
    if not rows:
        return []
    if connection.vendor != "postgresql":
        names = [f.attname for f in given] + [f.attname for f in others]
        objs = [model(**dict(zip(names, (*row, *defaults), strict=True))) for row in rows]
        model._default_manager.bulk_create(objs, batch_size=500)
        return [obj.pk for obj in objs]
    ids = next_ids(meta.db_table, meta.pk.column, len(rows))
    copy_rows(
        meta.db_table,
        [meta.pk.column, *[f.column for f in given], *[f.column for f in others]],
        ((pk, *row) for pk, row in zip(ids, rows, strict=True)),
        constant=defaults,
    )
    return ids
