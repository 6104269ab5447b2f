"""Versioned rows (targets, budgets): never edited in place — a new version supersedes the current one.

One rule for every such model (fields `version`, `is_current`): the new row takes the next version number at
its key and becomes the only current one; the old rows stay as history, so what was approved stays readable.
"""

from django.db.models import Max

from core.errors import Conflict


def supersede(model, *, key, lock_current=False, **fields):
    """Write a new current version of `model` at `key` (a dict of field values) and return it.

    `lock_current` locks the current row first, so that a write waiting on it (spending recorded against a
    budget) sees the new version. Callers serialise writers at the same key themselves where needed (targets
    lock their owning unit)."""
    rows = model.objects.filter(**key)
    if lock_current:
        list(rows.select_for_update().filter(is_current=True))
    latest = rows.aggregate(v=Max("version"))["v"] or 0
    rows.filter(is_current=True).update(is_current=False)
    return model.objects.create(**key, **fields, version=latest + 1, is_current=True)


def lock_current(model, pk, *, stale_message, field):
    """Lock row `pk` of `model` and return it, or refuse (409 "stale") when a newer version superseded it
    while the user was looking at it."""
    locked = model.objects.select_for_update(of=("self",)).order_by().filter(pk=pk).first()
    if locked is None or not locked.is_current:
        raise Conflict(stale_message, field=field, code="stale")
    return locked
