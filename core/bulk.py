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

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"


def _copy_value(value):
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value).translate(_ESCAPES)


def copy_rows(table, columns, rows):
    """COPY tuples into a table (PostgreSQL only)."""
    buffer = io.StringIO()
    write = buffer.write
    for row in rows:
        write("\t".join([_copy_value(v) for v in row]))
        write("\n")
    buffer.seek(0)
    quoted = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f'COPY "{table}" ({quoted}) FROM STDIN', buffer)


def next_ids(table, column, count):
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count])
        return [row[0] for row in cursor.fetchall()]


def insert_many(model, objs):
    """Insert unsaved instances and set their primary keys; COPY on PostgreSQL."""
    if not objs:
        return objs
    if connection.vendor != "postgresql":
        return model._default_manager.bulk_create(objs, batch_size=1000)
    meta = model._meta
    for obj in objs:
        for field in meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                field.pre_save(obj, add=True)
    missing = [obj for obj in objs if obj.pk is None]
    if missing:
        for obj, pk in zip(missing, next_ids(meta.db_table, meta.pk.column, len(missing)), strict=True):
            obj.pk = pk
    fields = meta.concrete_fields
    copy_rows(meta.db_table, [f.column for f in fields], ([getattr(obj, f.attname) for f in fields] for obj in objs))
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs
